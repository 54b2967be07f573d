"""When data files appeared, changed or went, from the Git history of the data folders.

One ``git log`` over the whole history (its ``--raw`` lines carry the blob of each file before and
after each commit) and one ``git cat-file --batch`` for the blobs whose contents matter (titles, and
the schedule before and after a change). Without Git, outside a repository or in a shallow copy the
report says what it could not know, instead of failing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..calendars.schedule import TZ
from ..yamlsource import parse_text
from .tables import Table

FOLDERS = ("offers", "partners", "events")
KINDS = {"A": "neu", "D": "beendet", "schedule": "Termine geändert", "M": "geändert"}
_NULL = "0" * 40


@dataclass(frozen=True)
class Change:
    folder: str
    id: str
    day: dt.date
    kind: str            # a key of KINDS
    title: str
    commit: str


@dataclass
class History:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)


def _blobs(root: Path, shas: set[str]) -> dict[str, str]:
    if not shas:
        return {}
    order = sorted(shas)
    out = _git(root, "cat-file", "--batch", stdin="".join(s + "\n" for s in order).encode()).stdout
    found: dict[str, str] = {}
    position = 0
    while position < len(out):
        header_end = out.index(b"\n", position)
        sha, kind, *rest = out[position:header_end].decode().split()
        if kind == "missing":
            position = header_end + 1
            continue
        size = int(rest[0])
        found[sha] = out[header_end + 1: header_end + 1 + size].decode("utf-8", errors="replace")
        position = header_end + 1 + size + 1
    return found


def _record(name: str, blob: str | None) -> dict:
    if blob is None:
        return {}
    doc, _ = parse_text(name, blob)
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def _title(data: dict) -> str:
    value = data.get("title") or data.get("name") or ""
    return str(value.get("de", "") if isinstance(value, dict) else value)


def read(root: Path, year: int) -> History:
    """Every addition, removal and change of a file in offers/, partners/ and events/ during ``year``
    (by the author's date, in Bottrop's time zone)."""
    history = History()
    if shutil.which("git") is None:
        history.notes.append("Git ist auf diesem Rechner nicht installiert: neue, geänderte und beendete Einträge "
                             "stehen deshalb nur so im Bericht, wie sie aus den Terminen (from/until) hervorgehen.")
        return history
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        history.notes.append("Der Datenordner ist kein Git-Repository: neue, geänderte und beendete Einträge stehen "
                             "deshalb nur so im Bericht, wie sie aus den Terminen (from/until) hervorgehen.")
        return history
    if _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true":
        history.notes.append("Diese Kopie des Repositorys enthält nicht die ganze Geschichte (flache Kopie): ältere "
                             "Änderungen fehlen. Für den vollständigen Bericht „git fetch --unshallow“ ausführen.")
    if _git(root, "status", "--porcelain", "--", *FOLDERS).stdout.strip():
        history.notes.append("In offers/, partners/ oder events/ gibt es Änderungen, die noch nicht committet sind; "
                             "in der Geschichte fehlen sie (in den Zahlen der Termine sind sie enthalten).")
    log = _git(root, "log", "--reverse", "--no-renames", "--raw", "--no-abbrev", "--relative",
               "--format=%x1e%H %aI", "--", *FOLDERS)
    if log.returncode != 0:
        if b"does not have any commits" not in log.stderr:
            history.notes.append("Die Git-Geschichte ließ sich nicht lesen: "
                                 + log.stderr.decode(errors="replace").strip())
        return history
    pending: list[tuple] = []   # (folder, id, path, day, letter, old blob, new blob, commit)
    for entry in log.stdout.decode(errors="replace").split("\x1e"):
        lines = [line for line in entry.splitlines() if line.strip()]
        if not lines:
            continue
        commit, when = lines[0].split(" ", 1)
        day = dt.datetime.fromisoformat(when).astimezone(TZ).date()
        if day.year != year:
            continue
        for line in lines[1:]:
            # :100644 100644 <old blob> <new blob> M\toffers/naehtreff.yml
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5 or not line.startswith(":"):
                continue
            old, new, letter = parts[2], parts[3], parts[4][0]
            folder, _, file = path.partition("/")
            if folder not in FOLDERS or "/" in file or not file.endswith((".yml", ".yaml")):
                continue
            pending.append((folder, file.rsplit(".", 1)[0], path, day, letter, old, new, commit))
    blobs = _blobs(root, {sha for p in pending for sha in p[5:7] if sha != _NULL})
    for folder, item_id, path, day, letter, old, new, commit in pending:
        before = _record(path, blobs.get(old)) if old != _NULL else {}
        after = _record(path, blobs.get(new)) if new != _NULL else {}
        kind = letter if letter in ("A", "D") else "M"
        if kind == "M" and folder == "offers" and before.get("schedule") != after.get("schedule"):
            kind = "schedule"
        history.changes.append(Change(folder, item_id, day, kind, _title(after or before), commit[:10]))
    return history


def changes_table(history: History, folder: str, name: str, caption: str, year: int) -> Table:
    table = Table(name, caption, ["Eintrag", "Kennung", "Änderung", "Datum", "Commit"],
                  note="Aus der Git-Geschichte des Ordners " + folder + "/ (Datum des Commits).")
    for change in history.changes:
        if change.folder == folder:
            table.rows.append([change.title or change.id, change.id, KINDS[change.kind], change.day.isoformat(),
                               change.commit])
    return table


def summary_table(history: History, year: int) -> Table:
    table = Table("aenderungen-zusammen", f"Änderungen {year} laut Git-Geschichte",
                  ["Ordner", *[KINDS[k] for k in ("A", "D", "schedule", "M")]])
    names = {"offers": "Angebote", "partners": "Partner", "events": "Veranstaltungen"}
    for folder in FOLDERS:
        ids = {k: {c.id for c in history.changes if c.folder == folder and c.kind == k} for k in KINDS}
        table.rows.append([names[folder], *[len(ids[k]) for k in ("A", "D", "schedule", "M")]])
    table.note = "Gezählt werden Einträge (Dateien), nicht Commits: ein Angebot, dessen Termine zweimal geändert " \
                 "wurden, zählt einmal."
    return table
