"""Settings for the whole test suite, and the builds every test module shares."""

import os
import subprocess
from pathlib import Path

from stadtteil.revisions import WRITE_VARIABLE

# Tests build the frozen fixtures (and the live data, once) in place, each for its own day: the calendar
# revision records committed there must not change under them. Tests of the record turn writing back on
# for their own copies (tests/test_revisions.py).
os.environ.setdefault(WRITE_VARIABLE, "0")

import pytest

from sites import BATENBROCK, DAY, MINI, build


def _built(tmp_path_factory, name: str, project: Path) -> tuple[Path, subprocess.CompletedProcess]:
    site = tmp_path_factory.mktemp(name) / "site"
    result = build(project, site, today=DAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return site, result


# Shared builds: a test that changes files in one copies the folder first (shutil.copytree).

@pytest.fixture(scope="session")
def full_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The six-language site of the frozen office data (tests/fixtures/batenbrock) on the frozen day,
    with what the build printed."""
    return _built(tmp_path_factory, "full", BATENBROCK)


@pytest.fixture(scope="session")
def full_site(full_build) -> Path:
    return full_build[0]


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The small fixture site (tests/fixtures/mini) as it is, on the frozen day, with what the build printed."""
    return _built(tmp_path_factory, "mini", MINI)


@pytest.fixture(scope="session")
def mini_site(mini_build) -> Path:
    return mini_build[0]
