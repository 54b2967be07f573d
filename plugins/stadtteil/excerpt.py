"""The offending line of a file under a message, with a caret under the column, as compilers show it.

    offers/fahrradwerkstatt.yml
      Zeile 8, Spalte 15: Feld „weekly“: Wochentag „mi fr“ ist unbekannt. …
          8 |   - weekly: [mi fr]
            |               ^

Only for the text a person reads (``stadtteil check``, the build's list of mistakes); the machine
formats (json, github, gitlab) stay as they are. Lines are read again from the files the messages
name, with the rules of inputs.py: only plain files inside the project, never through a symbolic link
(a message may be about exactly such a link), never more than a staff file can hold. What is shown
is made safe for a terminal: control characters and characters that reorder text or hide
(right-to-left overrides, zero-width spaces) become „�“, and a long line is cut around the column.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Iterable

from .inputs import MAX_MARKDOWN_BYTES, open_plain

WIDTH = 100            # characters of a line shown at most; longer lines are cut around the column
_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# Characters that reorder or hide text in a terminal ("Trojan Source"), shown as „�“ like control characters.
_HIDDEN = frozenset("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_SHOWN_FOR_HIDDEN = "\ufffd"


def _safe(char: str) -> str:
    if char == "\t":
        return char
    if char in _HIDDEN or unicodedata.category(char) == "Cc":
        return _SHOWN_FOR_HIDDEN
    return char


def _width(char: str) -> int:
    if char == "\t":
        return 1   # never asked: tabs are copied into the caret line as they are
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pad(text: str) -> str:
    """Blanks as wide as ``text`` on a terminal (tabs stay tabs, so both lines expand them alike)."""
    return "".join("\t" if c == "\t" else " " * _width(c) for c in text)


def render(line: str, column: int | None) -> tuple[str, str]:
    """(the line as shown, the caret line). ``column`` counts characters from 1; without one, the
    whole text of the line is underlined."""
    shown = "".join(_safe(c) for c in line)
    start = 0
    if len(shown) > WIDTH:
        # Cut around the column (or from the beginning), with „…“ where something is left out.
        anchor = (column - 1) if column else 0
        start = max(0, min(anchor - WIDTH // 3, len(shown) - WIDTH))
        end = start + WIDTH
        shown = ("…" if start else "") + shown[start:end] + ("…" if end < len(line) else "")
        lead = 1 if start else 0
    else:
        lead = 0
    if column:
        index = max(0, column - 1 - start) + lead
        return shown, _pad(shown[:index]) + "^"
    text = shown.rstrip()
    indent = len(text) - len(text.lstrip(" \t"))
    if not text.strip():
        return shown, ""
    return shown, _pad(text[:indent]) + "^" * max(1, sum(_width(c) for c in text[indent:]))


class Sources:
    """Lines of the project's files, read once each, for the excerpts of one report.

    ``root``: the project folder the messages' file names start from; ``docs_dir``: the folder the
    names „content/…“ stand for (the hand-written pages), when it is not ``root/content``."""

    def __init__(self, root: Path | str, docs_dir: Path | str | None = None, shared: Iterable[str] = ()) -> None:
        self.root = Path(os.path.abspath(root))
        self.docs_dir = Path(os.path.abspath(docs_dir)) if docs_dir else None
        # The shared partner folders the configuration names (``../gemeinsam/partners``): the only
        # places outside the project a message's file may stand (shared_partners.py).
        self.shared = tuple(name.rstrip("/") for name in shared)
        self._lines: dict[str, list[str] | None] = {}

    def _path(self, file: str) -> Path | None:
        base = self.root
        if file in self.shared:   # a shared file itself (places_from)
            path = Path(os.path.normpath(self.root / file))
            return None if os.path.islink(path) else path
        folder = next((s for s in self.shared if file.startswith(s + "/")), None)
        if folder is not None:
            base, file = Path(os.path.normpath(self.root / folder)), file[len(folder) + 1:]
            if os.path.islink(base):
                return None
        name = Path(file)
        if name.is_absolute() or ".." in name.parts:
            return None
        if folder is None and self.docs_dir is not None and name.parts[:1] == ("content",):
            base, name = self.docs_dir, Path(*name.parts[1:]) if len(name.parts) > 1 else Path()
        # Every step below the project folder must be a real folder or file, not a link.
        current = base
        for part in name.parts:
            current = current / part
            try:
                if stat.S_ISLNK(os.lstat(current).st_mode):
                    return None
            except OSError:
                return None
        return current

    def lines(self, file: str) -> list[str] | None:
        if file not in self._lines:
            self._lines[file] = self._read(file)
        return self._lines[file]

    def _read(self, file: str) -> list[str] | None:
        path = self._path(file)
        if path is None:
            return None
        try:
            fd = open_plain(path)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MARKDOWN_BYTES:
                return None
            raw = handle.read(MAX_MARKDOWN_BYTES + 1)
        if b"\0" in raw[:4096]:
            return None   # an image or another binary file: nothing to show
        return _BREAKS.split(raw.decode("utf-8", errors="replace").removeprefix("\ufeff"))

    def excerpt(self, file: str, line: int | None, column: int | None = None, indent: str = "    ") -> list[str]:
        """Two lines: the file's line ``line`` with its number, and the caret under ``column``; none
        when the line cannot be shown (no line, not a text file of the project, past its end)."""
        if not line or line < 1:
            return []
        lines = self.lines(file)
        if lines is None or line > len(lines) or (line == len(lines) and not lines[-1] and line > 1):
            return []
        shown, caret = render(lines[line - 1], column)
        number = str(line)
        out = [f"{indent}{number} | {shown}".rstrip()]
        if caret:
            out.append(f"{indent}{' ' * len(number)} | {caret}")
        return out
