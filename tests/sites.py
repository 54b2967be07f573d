"""Building sites for the tests: one place for the paths, the frozen day and the build command.

Session-wide builds live in conftest.py (`full_site`, …); a test that changes inputs copies a project with
`copy_project` and builds it with `build`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini"
# The day the engine's tests are frozen at (a Tuesday in term time, a week before Advent closures).
DAY = "2026-11-24"
# What a copy of a project never needs: installs, outputs, caches, history.
NOT_COPIED = shutil.ignore_patterns(".venv", "node_modules", "site", "site.*", ".git", ".cache", ".pytest_cache",
                                    ".site.lock")


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=NOT_COPIED)
    return target


def build(project: Path, site: Path, *extra: str, today: str | None = DAY, env: dict | None = None,
          cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`stadtteil build` in a subprocess, exactly as `make site` runs it."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    if today:
        environment["STADTTEIL_TODAY"] = today
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", "build", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site), *extra], capture_output=True, text=True, env=environment, cwd=cwd)
