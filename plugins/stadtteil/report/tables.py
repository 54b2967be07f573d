"""The one shape of every number in the report: a table, shown in HTML and written as CSV and JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field


@dataclass
class Table:
    """``name`` is the CSV file's stem and the JSON key; ``columns`` are German headings; the first
    column of each row names the row (a month, an offer, a cause)."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""          # what a reader must know to read the numbers right

    def column(self, heading: str) -> dict[str, object]:
        index = self.columns.index(heading)
        return {str(row[0]): row[index] for row in self.rows}

    def as_csv(self) -> str:
        # Semicolons and a byte-order mark: a German spreadsheet program opens the file as it is.
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([format_number(v) if isinstance(v, float) or v is None else _text_cell(v) for v in row])
        return "\ufeff" + out.getvalue()

    def as_json(self) -> dict:
        return {"titel": self.caption, "spalten": self.columns, "zeilen": self.rows,
                **({"hinweis": self.note} if self.note else {})}


def _text_cell(value):
    """Staff text stays text in a spreadsheet: a title beginning with = + - @ (or a tab or carriage
    return) would be read as a formula by Excel and LibreOffice (CSV injection), so it gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def format_number(value, missing: str = "") -> str:
    """Numbers as a German reader reads them: 2,5 (one decimal place is enough for averages and hours);
    ``missing`` for a value that cannot be given (an average of nothing): empty in CSV, a dash in HTML."""
    if value is None:
        return missing
    if isinstance(value, float):
        text = f"{value:.1f}".replace(".", ",")
        return text.removesuffix(",0")
    return str(value)
