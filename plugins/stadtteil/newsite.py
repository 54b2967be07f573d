"""`stadtteil new`: a complete site repository for another quarter, made from the scaffold folder.

What a quarter's repository holds is what this one holds for Batenbrock, less the engine: the data
(with PLATZHALTER values a production build refuses, checks/production.py), the Makefile with the same two
commands (``make site``, ``make test``) that install the engine pinned in ``requirements.txt``, the
GitHub and GitLab pipelines with the daily rebuild, the server configurations, pre-commit, the JSON
schemas for editors, the staff guide, tests of its own built site, and a Git repository with a first
commit. The pipelines, deploy/ and the guide are copies of this repository's files (tests/test_newsite.py
keeps them equal), so a fix here reaches new quarters.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

SCAFFOLD = Path(__file__).parent / "scaffold"
# Names a wheel cannot carry well (files starting with a dot): stored without it, written with it.
DOTTED = {"gitignore", "github", "gitlab-ci.yml", "pre-commit-config.yaml"}
# The host deploy/nginx.conf serves until the real one is entered (a production build refuses it).
PLACEHOLDER_HOST = "www.example.org"


def engine_version() -> str:
    """The installed engine's version (from the Git tag at build time, see pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("stadtteil")
    except PackageNotFoundError:   # run from a source folder without installing: no version to pin
        return "0.0.0"


def released(version: str) -> bool:
    """A version made from a tag (1.2.0), not a development build (0.1.dev5+g1a2b3c) or the fallback."""
    import re
    return bool(re.fullmatch(r"\d+(\.\d+)*", version)) and version != "0.0.0"


def target_name(rel: str) -> str:
    first, _, rest = rel.partition("/")
    return ("." + first if first in DOTTED else first) + ("/" + rest if rest else "")


def values(name: str, carrier: str = "Träger e.V.", city: str = "Bottrop", host: str = PLACEHOLDER_HOST) -> dict:
    """What the scaffold's markers (__NAME__ …) become."""
    from .calendars.schedule import TZ
    from .models import FORMAT_VERSION
    return {"__NAME__": name, "__CARRIER__": carrier, "__CITY__": city,
            "__TODAY__": dt.datetime.now(TZ).date().isoformat(), "__VERSION__": engine_version(),
            "__HOST__": host, "__FORMAT__": str(FORMAT_VERSION)}


def files() -> list[tuple[Path, str]]:
    """(scaffold file, its path in a site) of every file the scaffold holds."""
    return [(source, target_name(source.relative_to(SCAFFOLD).as_posix())) for source in sorted(SCAFFOLD.rglob("*"))
            if source.is_file() and "__pycache__" not in source.parts]


def write_file(source: Path, target: Path, markers: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    for key, value in markers.items():
        text = text.replace(key, value)
    target.write_text(text, encoding="utf-8")
    if source.suffix == ".sh":
        target.chmod(0o755)


def write_site(folder: Path, name: str, carrier: str, city: str) -> None:
    from .schema import write_all
    markers = values(name, carrier, city)
    for source, rel in files():
        write_file(source, folder / rel, markers)
    write_all(folder / "schema")


def first_commit(folder: Path) -> str | None:
    """``git init`` and a first commit; a German note instead when Git is missing or refuses."""
    env = {**os.environ}
    # A machine without a Git identity still gets its first commit (staff set theirs later).
    for key, value in (("GIT_AUTHOR_NAME", "stadtteil new"), ("GIT_AUTHOR_EMAIL", "stadtteil@localhost"),
                       ("GIT_COMMITTER_NAME", "stadtteil new"), ("GIT_COMMITTER_EMAIL", "stadtteil@localhost")):
        if not _git_config(folder.parent, key.split("_")[-1].lower()):
            env.setdefault(key, value)
    try:
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["commit", "-q", "-m", "Neue Website angelegt mit stadtteil new"]):
            subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        return "Git ist nicht installiert; der Ordner ist noch kein Git-Repository (git init, git add -A, git commit)."
    except subprocess.CalledProcessError as exc:
        return f"git {exc.cmd[1]} ist gescheitert ({exc.stderr.strip()}); bitte von Hand nachholen."
    return None


def _git_config(cwd: Path, what: str) -> str:
    try:
        result = subprocess.run(["git", "config", f"user.{what}"], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        return ""
    return result.stdout.strip()
