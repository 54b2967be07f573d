"""Data mistakes as staff read them.

Staff are social workers, not programmers: every mistake names the file, the line (and column), the
field, what is wrong and how to fix it, in plain German. All mistakes of one run are collected and
reported together, so nobody has to fix, rebuild and wait for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


def guide_for(file: str) -> str:
    """Where staff find an example of a file like ``file``: the guide they read, not the README."""
    if file.startswith("offers/"):
        return "docs/anleitung.md, Abschnitt 1"
    if file.endswith(".consent.yml") or file.startswith("consent/"):
        return "docs/anleitung.md, Abschnitte 4 und 5"
    return "docs/datenformat.md"


@dataclass(frozen=True, order=True)
class DataError:
    """One mistake in one file. Ordered by file and line so reports read top to bottom."""

    file: str
    line: int | None = None
    column: int | None = None
    message: str = ""
    hint: str = ""
    field: str = ""

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", Zeile {self.line}"
            if self.column is not None:
                where += f", Spalte {self.column}"
        text = f"{where}: "
        if self.field:
            text += f"Feld „{self.field}“: "
        text += self.message
        if self.hint:
            text += f" {self.hint}"
        return text


class Notice(str):
    """A warning or a note: its text is what logs, JSON and pipeline annotations print (a ``str``, so
    every list of warnings takes it), and it remembers where it points, for the text report's excerpt
    of the line and for annotations at the line."""

    file: str
    line: int | None
    column: int | None

    def __new__(cls, file: str, line: int | None = None, column: int | None = None, message: str = "",
                hint: str = "", field: str = "") -> "Notice":
        error = DataError(file, line, column, message, hint, field)
        self = super().__new__(cls, error.format())
        self.error = error
        self.file, self.line, self.column = file, line, column
        return self

    def __reduce__(self):
        e = self.error
        return (Notice, (e.file, e.line, e.column, e.message, e.hint, e.field))

    @property
    def text(self) -> str:
        """The message without the file and line (when they are shown apart)."""
        e = self.error
        return (f"Feld „{e.field}“: " if e.field else "") + f"{e.message} {e.hint}".strip()


@dataclass
class ErrorCollector:
    """Collects mistakes from every file instead of stopping at the first one."""

    errors: list[DataError] = field(default_factory=list)
    # Notes that go with the mistakes (one per unreadable file: what is not checked until it is readable).
    notes: list[Notice] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str, hint: str = "", *,
            column: int | None = None, field: str = "") -> None:
        self.errors.append(DataError(file, line, column, message, hint, field))

    def extend(self, errors: Iterable[DataError]) -> None:
        self.errors.extend(errors)

    def note(self, file: str, message: str) -> None:
        if not any(n.file == file and n.error.message == message for n in self.notes):
            self.notes.append(Notice(file, None, None, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors, self.notes)


class DataErrors(Exception):
    """Raised once, with every mistake found, when the data cannot be built.

    ``notes``: what was not checked because of a mistake (told once, under the mistakes of its file);
    ``root`` (and ``docs_dir`` for the names „content/…“): the project folder, to show each mistake's
    line with a caret under it (excerpt.py); without it the report names file and line only."""

    def __init__(self, errors: Iterable[DataError], notes: Iterable[Notice] = (),
                 root: Path | str | None = None, docs_dir: Path | str | None = None, shared: Iterable[str] = ()):
        # Deduplicate (the same problem can be seen from two checks) and sort for a stable report.
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.column or 0, e.message))
        self.notes = list(dict.fromkeys(notes))
        self.root, self.docs_dir, self.shared = root, docs_dir, tuple(shared)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        head = ("Die Daten enthalten 1 Fehler:" if count == 1
                else f"Die Daten enthalten {count} Fehler:")
        lines = [head]
        sources = None
        if self.root is not None:
            from .excerpt import Sources
            sources = Sources(self.root, self.docs_dir, self.shared)
        for index, e in enumerate(self.errors):
            lines.append(f"  • {e.format()}")
            if sources is not None:
                lines += sources.excerpt(e.file, e.line, e.column, indent="      ")
            last_of_file = index + 1 == len(self.errors) or self.errors[index + 1].file != e.file
            if last_of_file:
                lines += [f"    Hinweis: {n.text}" for n in self.notes if n.file == e.file]
        files = {e.file for e in self.errors}
        lines += [f"  Hinweis: {n}" for n in self.notes if n.file not in files]
        lines.append("Die Website wurde nicht gebaut; die zuletzt veröffentlichte Fassung bleibt unverändert.")
        return "\n".join(lines)
