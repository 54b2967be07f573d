"""Moving a site to a new engine version: the pin, the data format, and what staff must change.

A site says which data format it is written for (``format_version`` among the plugin options in
mkdocs.yml; a site without it is format 1, the format `stadtteil new` made before the number existed).
An engine knows ``FORMAT_VERSION``. ``stadtteil upgrade --version X`` (``make upgrade VERSION=X``):

1. writes X into requirements.txt (whichever of the three forms the site uses: package index, Git URL
   with tag, wheel file) and installs it; a failed install puts the old pin back;
2. runs the *new* engine's ``stadtteil migrate`` in a fresh process, which applies each migration from
   the site's format to its own, in order, and prints what it changed and what staff must do by hand.

A build or check of a site whose number differs from the engine's stops with a German message saying
which command to run (``version_problems``). Migrations edit text (never a YAML round trip), so staff
comments and the order of lines stay as they were.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

from .errors import DataError
from .models import FORMAT_VERSION

_FIELD = "format_version"


def site_format(options: dict) -> int | None:
    """The site's data format: its number, 1 when it has none, None when the value is no number."""
    value = options.get(_FIELD)
    value = 1 if value is None else value
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def version_problems(options: dict, config_file: str = "mkdocs.yml") -> list[DataError]:
    """A site written for another data format than this engine's (explicit numbers only: a site
    without one builds as before, `stadtteil upgrade` gives it one)."""
    if options.get(_FIELD) is None:   # (the engine's options name every field, unset ones as None)
        return []
    found = site_format(options)
    if found is None:
        return [DataError(config_file, None, None, f"„{_FIELD}: {options.get(_FIELD)}“ ist keine Formatnummer.",
                          f"Tragen Sie die Zahl ein, die `stadtteil new` geschrieben hat (zurzeit {FORMAT_VERSION}).",
                          _FIELD)]
    if found > FORMAT_VERSION:
        return [DataError(config_file, None, None, f"Die Website ist für das Datenformat {found} geschrieben; "
                          f"das installierte Programm (Version {_engine()}) kennt nur bis Format {FORMAT_VERSION}.",
                          "Installieren Sie die Version aus requirements.txt: `make site` richtet sie ein.", _FIELD)]
    if found < FORMAT_VERSION:
        return [DataError(config_file, None, None, f"Die Website hat das Datenformat {found}, dieses Programm "
                          f"(Version {_engine()}) erwartet Format {FORMAT_VERSION}.",
                          "Führen Sie `make upgrade VERSION=…` (oder `stadtteil migrate`) aus: es passt die Dateien "
                          "an und sagt, was Sie von Hand ändern müssen.", _FIELD)]
    return []


def _engine() -> str:
    from .newsite import engine_version
    return engine_version()


# --- the pin -------------------------------------------------------------------------------------------

_PINS = (
    re.compile(r"^(stadtteil\s*==\s*)([^\s#;]+)"),                              # package index
    re.compile(r"^(stadtteil\s*@\s*git\+[^\s#]*@v?)([^\s#/]+)"),                # Git URL with tag
    re.compile(r"^(stadtteil\s*@\s*file://[^\s#]*/stadtteil-)([^-\s]+)(-py3)"),  # a wheel file
)


def repin(text: str, version: str) -> tuple[str, int]:
    """requirements.txt with every active pin of the engine moved to ``version``; how many were moved."""
    lines, moved = [], 0
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            for pattern in _PINS:
                line, count = pattern.subn(lambda m: m.group(1) + version + (m.group(3) if m.lastindex == 3 else ""),
                                           line)
                moved += count
                if count:
                    break
        lines.append(line)
    return "".join(lines), moved


def upgrade(config_file: Path, version: str, pip_options: str = "") -> int:
    folder = config_file.parent
    if not version:
        return migrate_command(config_file)
    if not re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version):
        print(f"„{version}“ ist keine Versionsnummer (zum Beispiel 1.2.0).", file=sys.stderr)
        return 1
    requirements = folder / "requirements.txt"
    if not requirements.is_file():
        print("requirements.txt fehlt: die Website ist noch im alten Format. Erst `stadtteil migrate` ausführen "
              "(legt sie an), dann noch einmal upgrade.", file=sys.stderr)
        return 1
    old, stamp = requirements.read_text(encoding="utf-8"), requirements.stat()
    new, moved = repin(old, version)
    if not moved:
        print("In requirements.txt steht keine Zeile „stadtteil==…“, „stadtteil @ git+…@v…“ oder "
              "„stadtteil @ file://…/stadtteil-….whl“; bitte die Version dort von Hand eintragen.", file=sys.stderr)
        return 1
    requirements.write_text(new, encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pip_options.split(),
                              "-r", str(requirements)], cwd=folder)
    if install.returncode != 0:
        requirements.write_text(old, encoding="utf-8")
        # Its old time too: make would otherwise take the unchanged file for a new pin and reinstall.
        os.utime(requirements, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        print(f"Version {version} ließ sich nicht installieren; requirements.txt bleibt bei der alten Version.",
              file=sys.stderr)
        return 1
    print(f"Programmversion {version} installiert (requirements.txt).")
    # The new engine's own migrations, in a new process: this one still runs the old code.
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", "migrate", "-f", str(config_file)],
                          cwd=folder).returncode


# --- migrations ----------------------------------------------------------------------------------------

def migrate_command(config_file: Path) -> int:
    from .yamlsource import plugin_options
    if not config_file.is_file():
        print(f"{config_file.name} fehlt: bitte im Ordner der Website ausführen.", file=sys.stderr)
        return 1
    found = site_format(plugin_options(config_file))
    if found is None or found > FORMAT_VERSION:
        for problem in version_problems(plugin_options(config_file), config_file.name):
            print(problem.format(), file=sys.stderr)
        return 1
    if found == FORMAT_VERSION:
        print(f"Die Website hat schon das Datenformat {FORMAT_VERSION}; nichts zu ändern.")
        return 0
    for start in range(found, FORMAT_VERSION):
        for line in MIGRATIONS[start](config_file):
            print(f"  {line}")
        print(f"Datenformat {start} → {start + 1}: fertig.")
    print("Weiter mit:  make test   (baut und prüft die Website), dann alle Änderungen committen.")
    return 0


def set_format(text: str, number: int) -> str:
    """mkdocs.yml with ``format_version: number`` among the stadtteil plugin's options (a text edit:
    comments and order stay)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if re.match(rf"^\s+{_FIELD}:", line):
            lines[index] = re.sub(rf"{_FIELD}:.*", f"{_FIELD}: {number}", line.rstrip("\n")) + "\n"
            return "".join(lines)
    for index, line in enumerate(lines):
        match = re.match(r"^(\s*)- stadtteil(:)?[ \t]*(#.*)?$", line.rstrip("\n"))
        if not match:
            continue
        dash = len(match.group(1))
        following = next((l for l in lines[index + 1:] if l.strip() and not l.lstrip().startswith("#")), "")
        indent = len(following) - len(following.lstrip())
        if not match.group(2) or indent <= dash:
            indent = dash + 4
        if not match.group(2):
            lines[index] = f"{match.group(1)}- stadtteil:\n"
        lines.insert(index + 1, " " * indent + f"{_FIELD}: {number}\n")
        return "".join(lines)
    raise ValueError("Das Plugin „stadtteil“ steht nicht unter „plugins“ in mkdocs.yml.")


def _one_to_two(config_file: Path) -> list[str]:
    """Format 1 (a site from `stadtteil new` before the engine was a package) → 2: the files a site
    repository now holds (Makefile, requirements.txt, pipelines with the daily rebuild, deploy/, tests/,
    pre-commit, the staff guide) are added where missing, never overwritten; the number is written."""
    from . import newsite
    from .yamlsource import plugin_options, read_config
    from urllib.parse import urlsplit
    folder = config_file.parent
    config = read_config(config_file)
    host = urlsplit(config.get("site_url") or "").hostname or newsite.PLACEHOLDER_HOST
    markers = newsite.values(str(config.get("site_name") or "Stadtteilbüro"), host=host)
    done = []
    data_folders = {"office.yml", "offers", "events", "partners", "consent", "media", "content", "mkdocs.yml",
                    "README.md", ".gitignore"}
    for source, rel in newsite.files():
        if rel.split("/")[0] in data_folders or (folder / rel).exists():
            continue
        newsite.write_file(source, folder / rel, markers)
        done.append(f"neu: {rel}")
    config_file.write_text(set_format(config_file.read_text(encoding="utf-8"), 2), encoding="utf-8")
    done.append(f"{config_file.name}: „{_FIELD}: 2“ eingetragen")
    if plugin_options(config_file).get(_FIELD) != 2:
        raise AssertionError("format_version not written")
    done.append("Von Hand: README.md um die Befehle `make site` und `make test` ergänzen; in deploy/nginx.conf "
                "die Adresse prüfen (PLATZHALTER).")
    return done


MIGRATIONS: dict[int, Callable[[Path], list[str]]] = {1: _one_to_two}
