"""Reading staff-written YAML safely, remembering where every value stands.

Why not plain ``yaml.safe_load``: it forgets line numbers (staff need them in every message), it
silently keeps the last of two equal keys, and YAML 1.1 turns ``15:00`` into the number 900,
``no`` and ``on`` into booleans and ``01067`` into an octal number. Here the scalar rules are the
plain ones staff expect (YAML 1.2 style): only ``true``/``false`` are booleans, whole numbers have no
leading zero, times stay text, and so does a number with a point: ``16.00`` is a time as written, not
the number 16.0 (nothing staff write is a fraction). No tag that constructs objects is accepted.
"""

from __future__ import annotations

import copy
import errno
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import DataError, guide_for
from .inputs import open_plain

# Limits for hostile or broken files, far above anything staff write by hand (the deepest real
# record nests 4 levels, the largest file has 9 kB): a "billion laughs" alias bomb ran a check for a
# minute into gigabytes of memory, 500 levels of brackets ended in a traceback naming no file.
MAX_DEPTH = 20
MAX_YAML_BYTES = 256 * 1024

Path_ = tuple  # a location inside a document: keys and list indices


class _Refused(yaml.MarkedYAMLError):
    """An alias or too deep a nesting, found while composing; explained like any YAML mistake."""


class _StaffLoader(yaml.SafeLoader):
    """SafeLoader with YAML-1.2-like implicit types (see module docstring), refusing aliases and
    nesting deeper than MAX_DEPTH while composing: its composer recurses once per level."""

    yaml_implicit_resolvers: dict = {}
    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) and event.anchor in self.anchors:
            raise _Refused(problem=_ALIAS, problem_mark=event.start_mark)
        self._depth += 1
        try:
            # Keys count one level more here than in _Builder's paths; the limit follows, so both
            # loaders report the same line.
            is_key = parent is not None and index is None
            if self._depth > MAX_DEPTH + 1 + is_key:
                raise _Refused(problem=_DEEP, problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_StaffLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_StaffLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_StaffLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_StaffLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(r"""^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
                |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
                (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$""", re.X),
    list("0123456789"))

# libyaml reads a file about ten times faster and gives the same nodes and positions (a test compares
# both on every file of the repository and every staff mistake of tests/test_validation.py). The
# pure-Python loader reads a broken file again, because its messages are the ones the German
# explanations below match; it also reads every file with a tab, which libyaml accepts after a colon.
_FastStaffLoader = None
if hasattr(yaml, "CSafeLoader"):
    class _FastStaffLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = _StaffLoader.yaml_implicit_resolvers


def _compose(text: str, fast: bool = True):
    """The document's node tree and the loader that made it (its constructor reads the scalars)."""
    if fast and _FastStaffLoader is not None and "\t" not in text:
        loader = _FastStaffLoader(text)
        try:
            return loader.get_single_node(), loader
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = _StaffLoader(text)
    try:
        return loader.get_single_node(), loader
    finally:
        loader.dispose()


# --- mkdocs.yml, read without the site engine ----------------------------------------------------------

_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TolerantLoader(_FAST):  # type: ignore[misc, valid-type]
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags are mkdocs' business, not ours (None)."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    """mkdocs.yml as plain data, read once per version of the file (check, build and the calendar
    record all ask for it; libyaml, for the pure-Python loader took a tenth of a check's time for it).
    Raises OSError and yaml.YAMLError as reading would. Each caller gets its own copy."""
    info = os.stat(path)
    return copy.deepcopy(_read_config(str(Path(path).resolve()), info.st_mtime_ns, info.st_size))


def plugin_options(config_file: Path) -> dict:
    """The options of the stadtteil plugin in a mkdocs.yml, as plain data ({} when it names none)."""
    for entry in read_config(config_file).get("plugins") or []:
        if isinstance(entry, dict) and "stadtteil" in entry:
            return entry["stadtteil"] or {}
    return {}


@functools.lru_cache(maxsize=8)
def _read_config(path: str, mtime_ns: int, size: int) -> dict:
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_TolerantLoader)
    return data if isinstance(data, dict) else {}


_ALIAS = "stadtteil: alias"
_DEEP = "stadtteil: too deep"


def _first_alias(text: str) -> yaml.Mark | None:
    """Where the first alias stands: the composed tree shares the node, but not where it was named.
    Events are not expanded, so this stays linear in the file even for an alias bomb."""
    loader_class = _FastStaffLoader if _FastStaffLoader is not None else _StaffLoader
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, AliasEvent):
                return event.start_mark
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return None


class _Shared(Exception):
    """A node met twice while building: the file uses an alias."""


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}


@dataclass
class Document:
    """A loaded file: its data and where each value (and each key) stands, 1-based."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # Values already reported as unreadable (an impossible date, a forbidden tag): checks skip them
    # so staff see one message per mistake, while the rest of the file is still checked.
    failed: list[Path_] = field(default_factory=list)

    def is_failed(self, path: Path_) -> bool:
        path = tuple(path)
        return any(path[: len(f)] == f for f in self.failed)

    def line_of(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at ``path``; for a missing value, of its nearest parent."""
        path = tuple(path)
        while path:
            if path in self.positions:
                # A key's own line reads better than the line where its (block) value starts.
                return self.key_positions.get(path, self.positions[path])
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def key_line(self, path: Path_) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.line_of(path)


class _Builder:
    def __init__(self, file: str, loader: yaml.SafeLoader):
        self.file = file
        self.loader = loader
        self.errors: list[DataError] = []
        self.failed: list[Path_] = []  # values that could not be read; their own error is reported
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def _pos(self, node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _error(self, node, message: str, hint: str = "", path: Path_ | None = None) -> None:
        if path is not None:
            self.failed.append(path)
        line, col = self._pos(node)
        self.errors.append(DataError(self.file, line, col, message, hint))

    def build(self, node, path: Path_ = ()) -> Any:
        # libyaml composes aliases into shared nodes (and allows about 1000 levels): building each
        # shared node again is what made an alias bomb explode, so the first one ends the file.
        if id(node) in self.seen:
            raise _Shared
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            raise _Refused(problem=_DEEP, problem_mark=node.start_mark)
        self.positions[path] = self._pos(node)
        if node.tag not in _PLAIN_TAGS:
            self._error(
                node, f"Die Angabe „{node.tag}“ ist in diesen Dateien nicht erlaubt.",
                "Ein Ausrufezeichen „!“ am Anfang eines Wertes hat in YAML eine Sonderbedeutung: "
                "setzen Sie den ganzen Text in Anführungszeichen, zum Beispiel "
                "title: \"!Gemeinsam in Batenbrock\".", path)
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path_) -> dict:
        result: dict = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "Hier steht eine Liste oder Gruppe, wo ein Feldname erwartet wird.",
                            "Prüfen Sie die Einrückung und die Doppelpunkte in dieser Zeile.")
                continue
            if id(key_node) in self.seen:
                raise _Shared  # an alias as a key: refused like every other alias
            self.seen.add(id(key_node))
            # Keys are always the text as written: YAML 1.1 would make `on:` the boolean true.
            key = key_node.value
            line, col = self._pos(key_node)
            if key in seen:
                self._error(key_node, f"Das Feld „{key}“ steht zweimal in dieser Gruppe "
                                      f"(zuerst in Zeile {seen[key]}).",
                            "Löschen Sie eine der beiden Zeilen oder führen Sie sie zusammen.")
                continue
            seen[key] = line
            self.key_positions[path + (key,)] = (line, col)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if node.style in ("'", '"') or node.tag == "tag:yaml.org,2002:str":
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError):
            # The timestamp pattern matched, but the date does not exist (31.02.).
            self._error(node, f"Das Datum „{node.value}“ gibt es nicht.",
                        "Schreiben Sie es als JJJJ-MM-TT, zum Beispiel 2026-03-01, und prüfen Sie Tag und Monat.",
                        path)
            return None


_YAML_PROBLEMS = [
    ("found character '\\t'", "In dieser Zeile steht ein Tabulator.",
     "YAML erlaubt zum Einrücken nur Leerzeichen: ersetzen Sie den Tabulator durch Leerzeichen."),
    ("mapping values are not allowed", "Hier steht ein Doppelpunkt, der nicht passt.",
     "Enthält der Text einen Doppelpunkt, setzen Sie ihn in Anführungszeichen; sonst prüfen Sie, "
     "ob die Zeile genauso weit eingerückt ist wie die Zeilen darüber."),
    ("could not find expected ':'", "Hier fehlt ein Doppelpunkt nach dem Feldnamen, oder die Einrückung stimmt nicht.",
     "Jede Zeile hat die Form „feld: wert“; Folgezeilen eines Textes werden weiter eingerückt."),
    ("expected <block end>", "Die Einrückung dieser Zeile passt nicht zu den Zeilen darüber.",
     "Zeilen, die zusammengehören, beginnen genau in derselben Spalte (nur Leerzeichen verwenden)."),
    ("did not find expected key", "Die Einrückung dieser Zeile passt nicht zu den Zeilen darüber.",
     "Zeilen, die zusammengehören, beginnen genau in derselben Spalte (nur Leerzeichen verwenden)."),
    ("did not find expected '-' indicator", "Die Einrückung dieser Listenzeile passt nicht.",
     "Alle Einträge einer Liste beginnen mit „- “ in derselben Spalte."),
    ("found unexpected end of stream", "Ein Anführungszeichen oder eine Klammer wird nicht geschlossen.",
     "Jedes „\"“, „[“ und „{“ braucht sein Gegenstück am Ende des Wertes."),
    ("found unknown escape character", "Ein Rückstrich „\\“ in Anführungszeichen ist hier nicht erlaubt.",
     "Verwenden Sie einfache Anführungszeichen ' ' oder lassen Sie den Rückstrich weg."),
    ("expected ',' or ']'", "Eine Liste in eckigen Klammern ist nicht richtig geschlossen.",
     "Schreiben Sie sie wie [mo, di, do] – Einträge durch Komma getrennt, am Ende „]“."),
    ("expected ',' or '}'", "Eine Gruppe in geschweiften Klammern ist nicht richtig geschlossen.",
     "Schreiben Sie sie wie {de: Text, en: Text} – durch Komma getrennt, am Ende „}“."),
    ("did not find expected ',' or ']'", "Eine Liste in eckigen Klammern ist nicht richtig geschlossen.",
     "Schreiben Sie sie wie [mo, di, do] – Einträge durch Komma getrennt, am Ende „]“."),
    ("did not find expected ',' or '}'", "Eine Gruppe in geschweiften Klammern ist nicht richtig geschlossen.",
     "Schreiben Sie sie wie {de: Text, en: Text} – durch Komma getrennt, am Ende „}“."),
    ("found character '@'", "Ein Wert beginnt mit „@“ oder „`“; das ist in YAML nicht erlaubt.",
     "Setzen Sie den Wert in Anführungszeichen."),
    ("found character '`'", "Ein Wert beginnt mit „@“ oder „`“; das ist in YAML nicht erlaubt.",
     "Setzen Sie den Wert in Anführungszeichen."),
    ("found undefined alias", "Ein Wert beginnt mit „*“; das ist in YAML ein Verweis.",
     "Setzen Sie den Wert in Anführungszeichen."),
    (_ALIAS, "Hier steht ein Verweis „*…“ auf eine andere Stelle der Datei (YAML-Anker „&…“ und Verweis "
             "„*…“); das ist in diesen Dateien nicht erlaubt.",
     "Schreiben Sie den Wert an jeder Stelle aus. Beginnt ein Text mit „*“ oder „&“, setzen Sie ihn in "
     "Anführungszeichen."),
    (_DEEP, f"Die Angaben sind hier mehr als {MAX_DEPTH} Ebenen tief verschachtelt; so tief geht keine Angabe.",
     "Prüfen Sie Einrückung und Klammern [ ] { } in dieser Zeile: wahrscheinlich fehlt eine schließende "
     "Klammer oder die Zeile ist zu weit eingerückt."),
]


def _last_scalar_before(text: str, mark: yaml.Mark):
    """The last scalar the scanner read before ``mark`` (where the parser gave up), or None."""
    loader = _StaffLoader(text)
    last = None
    try:
        while loader.check_token():
            token = loader.get_token()
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return last


_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(?!//)(\S.*?)\s*(?:#.*)?$")


def _quote_mistake(file: str, exc: yaml.MarkedYAMLError, text: str) -> DataError | None:
    """Quotes are the usual cause of a parser error that YAML reports elsewhere: a quote not closed
    runs on into the next line (and ends at the next quote there); a quote inside a quoted text ends it
    early. Both are told at the line of the quote, as staff see it."""
    mark = exc.problem_mark
    if mark is None or not (exc.problem or "").startswith(("expected", "did not find expected key")):
        return None
    token = _last_scalar_before(text, mark)
    if token is None or token.style not in ('"', "'"):
        return None
    quote = token.style
    line, col = token.start_mark.line + 1, token.start_mark.column + 1
    if token.end_mark.line > token.start_mark.line:
        return DataError(file, line, col, f"Ein Anführungszeichen „{quote}“ wird in dieser Zeile nicht geschlossen; "
                                          "der Text läuft deshalb in die nächste Zeile weiter.",
                         f"Setzen Sie das schließende „{quote}“ ans Ende des Wertes, in derselben Zeile.")
    if token.end_mark.line == mark.line:
        other = "'" if quote == '"' else '"'
        return DataError(file, line, col, f"Der Text in Anführungszeichen endet zu früh: er enthält selbst ein "
                                          f"Anführungszeichen „{quote}“.",
                         f"Setzen Sie den ganzen Text in {'einfache' if other == chr(39) else 'doppelte'} "
                         f"Anführungszeichen {other} … {other}, oder schreiben Sie im Text „…“ statt {quote}…{quote}.")
    return None


def _explain_yaml_error(file: str, exc: yaml.MarkedYAMLError, text: str = "") -> DataError:
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    if exc.context_mark and "flow" in (exc.context or "") and "expected ','" in (exc.problem or ""):
        # An unclosed [ or { is noticed lines later; the line where it was opened is the one to fix.
        mark = exc.context_mark
    if exc.context_mark and "quoted scalar" in (exc.context or "") and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark   # the quote is opened here and never closed
    if text and (found := _quote_mistake(file, exc, text)):
        return found
    if exc.context_mark and "simple key" in (exc.context or "") and exc.context_mark.line < len(lines):
        # `category:lernen` is one word to YAML: the key needs a space after its colon.
        if (match := _NO_SPACE.match(lines[exc.context_mark.line])):
            return DataError(file, exc.context_mark.line + 1, exc.context_mark.column + 1,
                             "Nach dem Doppelpunkt fehlt ein Leerzeichen.",
                             f"Schreiben Sie „{match[1]}: {match[2]}“: zwischen Doppelpunkt und Wert steht immer "
                             "ein Leerzeichen.")
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    if line is not None and lines and line > len(lines):
        # The end of the file is noticed after its last line: the mistake is in the last one.
        line, col = len(lines), None
    problem = f"{exc.problem or ''} {exc.context or ''}"
    for needle, message, hint in _YAML_PROBLEMS:
        if needle in problem:
            return DataError(file, line, col, message, hint)
    return DataError(file, line, col, "Diese Zeile ist kein gültiges YAML.",
                     "Prüfen Sie Einrückung, Doppelpunkte und Anführungszeichen in dieser und der Zeile darüber.")


def _decode(file: str, raw: bytes) -> tuple[str | None, DataError | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, DataError(
            file, line, None,
            "Die Datei ist nicht in UTF-8 gespeichert (vermutlich Windows-1252 oder ISO-8859-1); "
            "Umlaute würden falsch erscheinen.",
            "Speichern Sie die Datei im Editor mit der Kodierung „UTF-8“ "
            "(in VS Code: unten rechts auf die Kodierung klicken, „Mit Kodierung speichern“, UTF-8).")
    return text.removeprefix("\ufeff"), None


def _tab_errors(file: str, text: str) -> list[DataError]:
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            errors.append(DataError(
                file, number, indent.index("\t") + 1,
                "Diese Zeile ist mit einem Tabulator eingerückt.",
                "YAML erlaubt zum Einrücken nur Leerzeichen: ersetzen Sie den Tabulator durch Leerzeichen "
                "(zum Beispiel zwei Leerzeichen je Ebene)."))
    return errors


EMPTY = "Die Datei ist leer."   # a file with nothing to check: no note that checks wait for it (loader.py)


def parse_text(file: str, text: str, fast: bool = True) -> tuple[Document | None, list[DataError]]:
    """Parse YAML text. Returns the document, or None and the mistakes found. ``fast=False``: without
    libyaml (tests compare the two)."""
    tab_errors = _tab_errors(file, text)
    if tab_errors:
        # Tabs confuse the parser into follow-up errors; report them alone, all at once.
        return None, tab_errors
    try:
        node, loader = _compose(text, fast)
    except yaml.MarkedYAMLError as exc:
        return None, [_explain_yaml_error(file, exc, text)]
    except yaml.YAMLError:
        return None, [DataError(file, None, None, "Die Datei ist kein gültiges YAML.",
                                "Prüfen Sie Einrückung, Doppelpunkte und Anführungszeichen.")]
    if node is None:
        return None, [DataError(file, 1, None, EMPTY,
                                f"Tragen Sie die Angaben ein (siehe Beispiel in {guide_for(file)}) oder löschen Sie "
                                "die Datei.")]
    builder = _Builder(file, loader)
    try:
        data = builder.build(node)
    except _Shared:
        mark = _first_alias(text)
        return None, [_explain_yaml_error(file, _Refused(problem=_ALIAS, problem_mark=mark))]
    except _Refused as exc:
        return None, [_explain_yaml_error(file, exc)]
    doc = Document(file, data, builder.positions, builder.key_positions, builder.failed)
    if builder.errors and not builder.failed:
        return None, builder.errors  # structural problems (keys that are lists): nothing to check
    return doc, builder.errors


def load_file(path: Path, display_name: str,
              repair: Callable[[str], str] | None = None) -> tuple[Document | None, list[DataError]]:
    """Read and parse one staff file; ``display_name`` is how staff know it (``offers/naehtreff.yml``).
    ``repair`` may mend an unmistakable slip in the text before it is parsed (lines stay where they are)."""
    try:
        fd = open_plain(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            # Checked before reading: a link is never followed (see inputs.py).
            return None, [DataError(display_name, None, None, "Diese Datei ist eine Verknüpfung (symbolischer Link); "
                                    "sie wird nicht gelesen.", "Legen Sie an ihrer Stelle die Datei selbst ab.")]
        return None, [DataError(display_name, None, None, f"Die Datei lässt sich nicht lesen ({exc.strerror}).",
                                "Prüfen Sie, ob sie existiert und lesbar ist.")]
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_YAML_BYTES:
            return None, [DataError(
                display_name, None, None,
                f"Die Datei ist mit {size // 1024} kB zu groß (höchstens {MAX_YAML_BYTES // 1024} kB).",
                "So große Dateien entstehen nicht beim Eintragen von Hand: prüfen Sie, ob versehentlich etwas "
                "hineinkopiert wurde, oder verteilen Sie die Angaben auf mehrere Dateien.")]
        raw = handle.read(MAX_YAML_BYTES + 1)
    text, error = _decode(display_name, raw)
    if error:
        return None, [error]
    if repair is not None:
        text = repair(text)
    return parse_text(display_name, text)
