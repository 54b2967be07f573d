"""Building sites for the tests: one place for the paths, the frozen day and the build command.

Session-wide builds live in conftest.py (`full_site`, `mini_site`); a test that changes inputs copies a
project with `copy_project` and builds it with `build`.

Two projects are frozen for the engine's tests: BATENBROCK, a snapshot of the office's data (see its
README.md), and MINI, a small site made for the tests. The repository's own, live data (REPO) is only
built by tests/test_live_data.py, which checks invariants and never values staff may change.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini"
BATENBROCK = FIXTURES / "batenbrock"
# What the office's data consists of, in the repository and in the snapshot alike (the rest of the
# repository is the engine, its make targets and pipelines).
DATA = ("offers", "partners", "helplines", "events", "content", "consent", "office.yml", "mkdocs.yml",
        "kalender-revisionen.yml")
# The day the engine's tests are frozen at (a Tuesday in term time, a week before Advent closures).
DAY = "2026-11-24"
# The browser's clock in tests of the built frozen site: a week after DAY, 10:00 in Bottrop (winter time),
# so what assets/termine.js does with an old page is the same on every run, whatever the real date.
CLOCK = dt.datetime.combine(dt.date.fromisoformat(DAY) + dt.timedelta(days=7), dt.time(10),
                            dt.timezone(dt.timedelta(hours=1)))
# What a copy of a project never needs: installs, outputs, caches, history.
NOT_COPIED = shutil.ignore_patterns(".venv", "node_modules", "site", "site.*", ".git", ".cache", ".pytest_cache",
                                    ".site.lock")


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=NOT_COPIED)
    return target


def mini_in_six_languages(target: Path) -> Path:
    """A copy of MINI built in the six languages of BATENBROCK (its i18n settings), for tests of language
    handling that do not need the office's many pages: nothing is translated, so every other language
    shows the marked German fallback."""
    copy_project(MINI, target)
    office = (BATENBROCK / "mkdocs.yml").read_text(encoding="utf-8")
    languages = office[office.index("  - i18n:"):office.index("  - stadtteil:")]
    config = target / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n" + languages, 1),
                      encoding="utf-8")
    return target


def build(project: Path, site: Path, *extra: str, today: str | None = DAY, env: dict | None = None,
          cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`stadtteil build` in a subprocess, exactly as `make site` runs it; `today=None`: the real date."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    environment.pop("STADTTEIL_TODAY", None)
    if today:
        environment["STADTTEIL_TODAY"] = today
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", "build", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site), *extra], capture_output=True, text=True, env=environment, cwd=cwd)


def build_here(project: Path, site: Path, *extra: str, today: str | None = DAY, env: dict | None = None,
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`stadtteil build` in this process, through the same public entry (`stadtteil.cli.main`) and with
    the same environment as `build`, its output captured as `build` captures it. It saves the new
    interpreter and its imports of every subprocess build (the same files come out; see the report of
    issue #18). Tests of processes – locks, signals, memory, exit codes – keep `build`."""
    import contextlib
    import io
    import warnings

    from importlib.metadata import entry_points

    from stadtteil.cli import main
    # The plugin as mkdocs finds it, imported before stderr is redirected: a logger that makes its
    # handler at import keeps the test's stderr, and is pointed at the capture below for each build.
    for plugin in entry_points(group="mkdocs.plugins", name="stadtteil"):
        plugin.load()
    arguments = ["build", "-f", str(project / "mkdocs.yml"), "-d", str(site), *extra]
    saved_environment, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.pop("STADTTEIL_TODAY", None)
        os.environ.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
        if today:
            os.environ["STADTTEIL_TODAY"] = today
        if cwd:
            os.chdir(cwd)
        retargeted = [(handler, handler.setStream(err)) for handler in _stderr_handlers()]
        # mkdocs' command line adds a filter that logs each message once per process: a second build
        # here would print nothing of what the first printed. Each build starts as a new process would.
        filters = {name: list(logger.filters) for name, logger in _loggers().items()}
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
                try:
                    code = main(arguments)
                except SystemExit as done:   # argparse's own refusals
                    code = done.code if isinstance(done.code, int) else 1
        finally:
            for handler, stream in retargeted:
                handler.setStream(stream)
            for name, logger in _loggers().items():
                logger.filters[:] = filters.get(name, [])
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environment)
    return subprocess.CompletedProcess(["stadtteil", *arguments], code, out.getvalue(), err.getvalue())


def _loggers() -> dict:
    import logging
    found = {name: logger for name, logger in logging.Logger.manager.loggerDict.items()
             if isinstance(logger, logging.Logger)}
    return {"": logging.getLogger(), **found}


def _stderr_handlers() -> list:
    import logging
    streams = {id(sys.stderr), id(sys.__stderr__)}
    return [h for logger in _loggers().values() for h in logger.handlers
            if type(h) is logging.StreamHandler and id(h.stream) in streams]
