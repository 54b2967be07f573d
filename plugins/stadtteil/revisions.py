"""When each staff file last changed: the source of SEQUENCE and DTSTAMP in the feeds.

Git's commit time is the same in every clone and every build of a commit (byte-identical feeds);
a file with uncommitted changes (a preview on a staff laptop) uses its modification time, which is
later than its last commit, so SEQUENCE still grows. Outside git, modification times are used.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .feeds import Revisions
from .schedule import SCHOOL_HOLIDAYS_FILE


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _git_times(root: Path, paths: list[Path]) -> tuple[dict[Path, int], set[Path]]:
    """Last commit time per file, and the files git does not know in their current state."""
    if _git(root, "rev-parse", "--is-inside-work-tree") is None or not paths:
        return {}, set(paths)
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    relative = [str(p.resolve().relative_to(top)) for p in paths if p.resolve().is_relative_to(top)]
    times: dict[Path, int] = {}
    log = _git(top, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", *relative) or ""
    current = 0
    for line in log.splitlines():
        if line.startswith("\0"):
            current = int(line[1:])
        elif line.strip():
            times.setdefault((top / line.strip()).resolve(), current)
    status = _git(top, "status", "--porcelain", "--untracked-files=all", "--", *relative) or ""
    dirty = {(top / line[3:].strip()).resolve() for line in status.splitlines() if len(line) > 3}
    dirty |= {p.resolve() for p in paths if p.resolve() not in times}
    return times, dirty


def collect(root: Path, files: dict[str, Path]) -> Revisions:
    """``files`` maps a key ("offers/naehtreff", "office", "school_holidays") to its path."""
    files = {**files, "school_holidays": SCHOOL_HOLIDAYS_FILE}
    times, dirty = _git_times(root, list(files.values()))
    result = {}
    for key, path in files.items():
        resolved = path.resolve()
        if resolved in dirty or resolved not in times:
            result[key] = int(path.stat().st_mtime) if path.exists() else 0
        else:
            result[key] = times[resolved]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return Revisions(result, int(epoch) if epoch and epoch.isdigit() else None)
