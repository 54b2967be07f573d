"""Settings for the whole test suite."""

import os

from stadtteil.revisions import WRITE_VARIABLE

# Many tests build the repository's own site (and the fixture) in place, each for its own day: the
# calendar revision record committed there must not change under them. Tests of the record turn
# writing back on for their own copies (tests/test_revisions.py).
os.environ.setdefault(WRITE_VARIABLE, "0")

import pytest

from sites import DAY, REPO, build


@pytest.fixture(scope="session")
def full_site(tmp_path_factory):
    """The six-language site of the office's data, built once for the whole session on the frozen day."""
    site = tmp_path_factory.mktemp("full") / "site"
    result = build(REPO, site, today=DAY)
    assert result.returncode == 0, result.stderr
    return site
