"""City-wide partners kept once: partner files read from shared folders (plugin option ``partners_from``).

Jugendamt, Referat Migration, Berufskolleg … are the same in every quarter of Bottrop. A site names one
or more folders (paths relative to the site's folder, e.g. ``../bottrop-gemeinsam/partners`` beside it,
or ``gemeinsam/partners`` as a Git submodule) whose ``*.yml`` files are partner files exactly like
``partners/*.yml``. The rules of the repository's own data hold there too (inputs.py): a shared folder
is an explicitly configured root, walked without following links, every link and special file refused,
every file read through ``load_file`` (size limit, no aliases); nothing else outside the repository is
read. Ids are unique across all sources; a quarter that needs another local contact for a shared
partner writes ``partners/<id>.yml`` with ``extends: <id>`` and only the fields it changes.

Messages name the shared file by the path the site configured (``../bottrop-gemeinsam/partners/x.yml``)
and its line, so staff find it from their own repository.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import DataError, ErrorCollector
from .inputs import outside_links
from .suggest import closest
from .yamlsource import Document

OPTION = "partners_from"
EXTENDS = "extends"
_WHERE = "mkdocs.yml"
_OPTION_HINT = ("Tragen Sie unter „partners_from“ eine Liste von Ordnern ein, relativ zum Ordner der Website, "
                "zum Beispiel  partners_from: [../bottrop-gemeinsam/partners]  (siehe docs/datenformat.md).")


@dataclass(frozen=True)
class SharedFolder:
    """A configured shared folder: how the site names it (``../gemeinsam/partners``) and where it is."""

    name: str
    path: Path


def names(value: Any) -> list[str]:
    """The folder names as messages show them (for the excerpt of a shared file's line)."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [_name(v) for v in values if isinstance(v, str) and v.strip()]


def _through_link(root: Path, name: str, path: Path) -> bool:
    """A link anywhere on the way from the site's folder to ``path`` (``gemeinsam -> …`` committed in
    the repository): the path as written and the path as resolved part again. What lies above the
    site's folder is resolved on both sides alike."""
    return os.path.realpath(path) != os.path.normpath(os.path.join(os.path.realpath(root), name))


def named_in(options: dict) -> list[str]:
    """Every shared partner folder and place file the plugin's options name, as messages show them."""
    return names(options.get(OPTION)) + names(options.get(PLACES_OPTION))


def _name(raw: str) -> str:
    return PurePosixPath(raw.strip().replace("\\", "/")).as_posix().rstrip("/")


def folders(root: Path, value: Any, errors: ErrorCollector, config_file: str = _WHERE) -> list[SharedFolder]:
    """The shared folders the option names, each checked: relative, existing, a real folder (no link),
    not the site's own ``partners/``; every problem is a mistake in the configuration."""
    if value in (None, [], ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.add(config_file, None, "„partners_from“ muss eine Liste von Ordnern sein.", _OPTION_HINT, field=OPTION)
        return []
    root = Path(os.path.abspath(root))
    found: list[SharedFolder] = []
    for raw in value:
        name = _name(raw)
        if PurePosixPath(name).is_absolute() or (len(name) > 1 and name[1] == ":"):
            errors.add(config_file, None, f"Der gemeinsame Ordner „{raw}“ ist als fester Pfad angegeben; auf einem "
                       "anderen Rechner (oder im Bau auf GitHub/GitLab) gibt es ihn so nicht.", _OPTION_HINT, field=OPTION)
            continue
        path = Path(os.path.normpath(root / name))
        if path == root / "partners" or path == root:
            errors.add(config_file, None, f"„{raw}“ ist der eigene Ordner der Website, kein gemeinsamer.",
                       _OPTION_HINT, field=OPTION)
            continue
        try:
            info = os.lstat(path)
        except OSError:
            errors.add(config_file, None, f"Den gemeinsamen Partner-Ordner „{raw}“ gibt es nicht.",
                       "Prüfen Sie den Pfad. Ist er ein Git-Submodul, holen Sie ihn mit  "
                       "git submodule update --init  (siehe docs/datenformat.md).", field=OPTION)
            continue
        if stat.S_ISLNK(info.st_mode) or _through_link(root, name, path):
            errors.add(config_file, None, f"Der gemeinsame Partner-Ordner „{raw}“ ist eine Verknüpfung "
                       "(symbolischer Link) oder liegt hinter einer und wird nicht gelesen.",
                       "Tragen Sie den echten Ordner ein, auf den die Verknüpfung zeigt.", field=OPTION)
            continue
        if not stat.S_ISDIR(info.st_mode):
            errors.add(config_file, None, f"„{raw}“ ist kein Ordner.", _OPTION_HINT, field=OPTION)
            continue
        if any(f.path == path for f in found):
            continue
        found.append(SharedFolder(name, path))
    return found


def refused_files(folder: SharedFolder, errors: ErrorCollector) -> frozenset[str]:
    """Links and special files in the shared folder, reported under the names the site uses."""
    problems = outside_links(folder.path, ["."])
    named = [DataError(_display(folder, e.file), e.line, e.column, e.message.replace("Projektordners", "gemeinsamen "
                       "Ordners"), e.hint, e.field) for e in problems]
    errors.extend(named)
    return frozenset(e.file for e in named)


def _display(folder: SharedFolder, file: str) -> str:
    return f"{folder.name}/{file.removeprefix('./')}" if file not in (".", "") else folder.name


def clash(errors: ErrorCollector, item_id: str, first: str, second: str) -> None:
    """The same id in two shared folders: one message naming both files."""
    errors.add(second, None, f"Den Partner „{item_id}“ gibt es zweimal: in {first} und in {second}.",
               "Jede Kennung darf über alle Partner-Ordner nur einmal vorkommen: löschen Sie eine der beiden "
               "Dateien oder benennen Sie eine um.")


def local_clash(errors: ErrorCollector, item_id: str, shared_file: str, local_file: str) -> None:
    errors.add(local_file, 1, f"Den Partner „{item_id}“ gibt es schon im gemeinsamen Ordner ({shared_file}).",
               f"Soll Ihr Quartier nur einzelne Angaben ändern (zum Beispiel Ansprechperson, Telefon), schreiben Sie "
               f"in die erste Zeile  {EXTENDS}: {item_id}  und darunter nur die geänderten Felder. Ist es ein anderer "
               "Partner, benennen Sie Ihre Datei um.")


def extends_of(doc: Document) -> tuple[Any, int, int] | None:
    """The value of ``extends`` with its place, when the file has the key."""
    if not isinstance(doc.data, dict) or EXTENDS not in doc.data:
        return None
    line, column = doc.line_of((EXTENDS,))
    return doc.data[EXTENDS], line, column


def check_extends(errors: ErrorCollector, doc: Document, item_id: str, shared: dict[str, str]) -> str | None:
    """The shared partner a local file extends (its id), or None after a mistake; ``shared``: id → file."""
    value, line, column = extends_of(doc)
    if not isinstance(value, str) or value not in shared:
        guess = closest(str(value), list(shared)) if shared else None
        known = ", ".join(sorted(shared)) or "(keine: ist „partners_from“ in mkdocs.yml eingetragen?)"
        errors.add(doc.file, line, f"„{EXTENDS}: {value}“ nennt keinen Partner aus den gemeinsamen Ordnern.",
                   (f"Meinten Sie „{guess}“? " if guess else "") + f"Bekannt sind: {known}.",
                   column=column, field=EXTENDS)
        return None
    if value != item_id:
        errors.add(doc.file, line, f"Die Datei ergänzt den gemeinsamen Partner „{value}“, heißt aber „{item_id}.yml“.",
                   f"Benennen Sie die Datei um in „{value}.yml“: so bleiben Verweise auf „{value}“ in allen "
                   "Quartieren gleich.", column=column, field=EXTENDS)
        return None
    return value


def in_shared_file(errors: ErrorCollector, doc: Document) -> None:
    """``extends`` belongs in a quarter's own file, never in the shared one."""
    _, line, column = extends_of(doc)
    errors.add(doc.file, line, f"„{EXTENDS}“ gehört nicht in eine Datei des gemeinsamen Ordners.",
               f"Löschen Sie die Zeile. „{EXTENDS}“ steht nur in der Datei eines Quartiers, die einen gemeinsamen "
               "Partner ergänzt.", column=column, field=EXTENDS)


def merged(shared: Document, local: Document) -> Document:
    """The shared partner with the local file's fields in place of its own (whole fields: a local
    ``address`` replaces the shared address as a whole). Named and placed as the local file: the
    shared fields were checked in their own file already, what fails now is the local change."""
    data = {**shared.data, **{k: v for k, v in local.data.items() if k != EXTENDS}}
    positions = {p: v for p, v in local.positions.items() if p and p[0] != EXTENDS}
    keys = {p: v for p, v in local.key_positions.items() if p and p[0] != EXTENDS}
    return Document(local.file, data, positions, keys, list(local.failed))


# --- shared places (plugin option ``places_from``) ------------------------------------------------------

PLACES_OPTION = "places_from"
_PLACES_HINT = ("Tragen Sie unter „places_from“ eine Liste von Dateien ein, relativ zum Ordner der Website, zum "
                "Beispiel  places_from: [../bottrop-gemeinsam/orte.yml]  (siehe docs/datenformat.md).")


def place_files(root: Path, value: Any, errors: ErrorCollector, config_file: str = _WHERE) -> list[SharedFolder]:
    """The shared place files the option names, each checked like a shared folder: relative, existing,
    a plain file (no link)."""
    if value in (None, [], ""):
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        errors.add(config_file, None, "„places_from“ muss eine Liste von Dateien sein.", _PLACES_HINT,
                   field=PLACES_OPTION)
        return []
    root = Path(os.path.abspath(root))
    found = []
    for raw in values:
        name = _name(raw)
        if PurePosixPath(name).is_absolute() or (len(name) > 1 and name[1] == ":"):
            errors.add(config_file, None, f"Die gemeinsame Orte-Datei „{raw}“ ist als fester Pfad angegeben.",
                       _PLACES_HINT, field=PLACES_OPTION)
            continue
        path = Path(os.path.normpath(root / name))
        try:
            info = os.lstat(path)
        except OSError:
            errors.add(config_file, None, f"Die gemeinsame Orte-Datei „{raw}“ gibt es nicht.",
                       "Prüfen Sie den Pfad (bei einem Git-Submodul: git submodule update --init).",
                       field=PLACES_OPTION)
            continue
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode) or _through_link(root, name, path):
            errors.add(config_file, None, f"„{raw}“ ist keine gewöhnliche Datei (sondern z. B. eine Verknüpfung) "
                       "und wird nicht gelesen.", "Tragen Sie die Datei selbst ein.", field=PLACES_OPTION)
            continue
        found.append(SharedFolder(name, path))
    return found


def place_clash(errors: ErrorCollector, place_id: str, first: str, first_line: int | None,
                second: Document) -> None:
    line, column = second.key_line(("locations", place_id))
    where = f"{first}, Zeile {first_line}" if first_line else first
    errors.add(second.file, line, f"Den Ort „{place_id}“ gibt es schon ({where}).",
               "Jede Kennung eines Ortes darf nur einmal vorkommen, über office.yml und alle gemeinsamen "
               "Orte-Dateien hinweg: benennen Sie einen der beiden um.", column=column)
