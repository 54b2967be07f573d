"""Settings for the whole test suite, and the builds every test module shares."""

import atexit
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Compiled templates are kept in the user's cache folder between builds (template_cache.py). The run
# gets a folder of its own, shared by its workers and the builds they start, and removed at its end:
# what a user's folder holds cannot change a result, and the run leaves nothing in it.
if "_STADTTEIL_TEST_CACHE" not in os.environ:
    os.environ["_STADTTEIL_TEST_CACHE"] = tempfile.mkdtemp(prefix="stadtteil-tests-cache-")
    atexit.register(shutil.rmtree, os.environ["_STADTTEIL_TEST_CACHE"], True)
os.environ["XDG_CACHE_HOME"] = os.environ["_STADTTEIL_TEST_CACHE"]

from stadtteil.calendars.revisions import WRITE_VARIABLE

# Tests build the frozen fixtures (and the live data, once) in place, each for its own day: the calendar
# revision records committed there must not change under them. Tests of the record turn writing back on
# for their own copies (tests/test_revisions.py).
os.environ.setdefault(WRITE_VARIABLE, "0")

import pytest

from sites import BATENBROCK, DAY, MINI, build


def _built(tmp_path_factory, worker_id: str, name: str, project: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """One build per test run, whatever the number of pytest-xdist workers: the first worker to ask
    builds under a lock in the run's shared temporary folder, the others wait and read its record."""
    if worker_id == "master":   # no xdist: this process is the whole run
        return _build_once(tmp_path_factory.mktemp(name), project)
    folder = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = folder / "build.json"
        if not record.exists():
            site, result = _build_once(folder, project)
            record.write_text(json.dumps([result.args, result.returncode, result.stdout, result.stderr]))
        args, code, out, err = json.loads(record.read_text())
    result = subprocess.CompletedProcess(args, code, out, err)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "site", result


def _build_once(folder: Path, project: Path) -> tuple[Path, subprocess.CompletedProcess]:
    site = folder / "site"
    result = build(project, site, today=DAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return site, result


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """pytest-xdist's name of this worker ("gw0" …), "master" when the run is not split (xdist's own
    fixture of the same name takes precedence when the plugin is active)."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


# Shared builds: a test that changes files in one copies the folder first (shutil.copytree).

@pytest.fixture(scope="session")
def full_build(tmp_path_factory, worker_id) -> tuple[Path, subprocess.CompletedProcess]:
    """The six-language site of the frozen office data (tests/fixtures/batenbrock) on the frozen day,
    with what the build printed."""
    return _built(tmp_path_factory, worker_id, "full", BATENBROCK)


@pytest.fixture(scope="session")
def full_site(full_build) -> Path:
    return full_build[0]


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory, worker_id) -> tuple[Path, subprocess.CompletedProcess]:
    """The small fixture site (tests/fixtures/mini) as it is, on the frozen day, with what the build printed."""
    return _built(tmp_path_factory, worker_id, "mini", MINI)


@pytest.fixture(scope="session")
def mini_site(mini_build) -> Path:
    return mini_build[0]


def pytest_collection_modifyitems(items) -> None:
    """The crawl first: it is the longest module by far, and pytest-xdist (`--dist loadscope`, as
    `make test` runs) hands modules out in this order, so the other worker takes the rest meanwhile."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/test_crawl.py")
