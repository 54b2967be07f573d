"""Data mistakes as staff read them.

Staff are social workers, not programmers: every mistake names the file, the line (and column), the
field, what is wrong and how to fix it, in plain German. All mistakes of one run are collected and
reported together, so nobody has to fix, rebuild and wait for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable


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


@dataclass
class ErrorCollector:
    """Collects mistakes from every file instead of stopping at the first one."""

    errors: list[DataError] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str, hint: str = "", *,
            column: int | None = None, field: str = "") -> None:
        self.errors.append(DataError(file, line, column, message, hint, field))

    def extend(self, errors: Iterable[DataError]) -> None:
        self.errors.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)


class DataErrors(Exception):
    """Raised once, with every mistake found, when the data cannot be built."""

    def __init__(self, errors: Iterable[DataError]):
        # Deduplicate (the same problem can be seen from two checks) and sort for a stable report.
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.column or 0, e.message))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        head = ("Die Daten enthalten 1 Fehler:" if count == 1
                else f"Die Daten enthalten {count} Fehler:")
        lines = [head]
        lines += [f"  • {e.format()}" for e in self.errors]
        lines.append("Die Website wurde nicht gebaut; die zuletzt veröffentlichte Fassung bleibt unverändert.")
        return "\n".join(lines)
