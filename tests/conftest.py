"""Settings for the whole test suite."""

import os

from stadtteil.revisions import WRITE_VARIABLE

# Many tests build the repository's own site (and the fixture) in place, each for its own day: the
# calendar revision record committed there must not change under them. Tests of the record turn
# writing back on for their own copies (tests/test_revisions.py).
os.environ.setdefault(WRITE_VARIABLE, "0")
