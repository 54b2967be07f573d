"""Turning pydantic's validation errors into the German, file-and-line messages staff read.

(Not the interface texts of `stadtteil messages`: those are gettext catalogs, see i18n.py.)
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import DataError, guide_for
from .suggest import FIELD_ALIASES, closest_field
from .yamlsource import Document

_KIND = {dict: "eine Gruppe von Feldern", list: "eine Liste", bool: "ja/nein (true/false)",
         int: "eine Zahl", float: "eine Zahl", str: "ein Text", type(None): "nichts"}


def _found(value: Any) -> str:
    for kind, name in _KIND.items():
        if type(value) is kind:
            return name
    return "etwas anderes"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _field_name(model: type[BaseModel], element: str) -> str | None:
    for name, info in model.model_fields.items():
        if element in (name, info.alias):
            return name
    return None


def _models_at(root: type[BaseModel], path: tuple) -> list[type[BaseModel]]:
    """The model classes that describe the mapping at ``path`` (list indices and dict keys skipped)."""
    current = [root]
    for element in path:
        if not isinstance(element, str):
            continue
        deeper = []
        for model in current:
            name = _field_name(model, element)
            if name:
                deeper += _models_in(model.model_fields[name].annotation)
        if deeper:
            current = deeper
    return current


def allowed_fields(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _clean_loc(loc: tuple) -> tuple:
    # Union branches are tagged "§…" in models.py; they are not places in the file.
    return tuple(part for part in loc if not (isinstance(part, str) and part.startswith("§")))


def _explain(error: dict, model: type[BaseModel], path: tuple, data: Any, file: str = "") -> tuple[str, str, str]:
    """(message, hint, field) for one pydantic error."""
    kind = error["type"]
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "stadtteil":
        return error["msg"], ctx.get("hint", ""), field
    if kind == "missing":
        return (f"Das Pflichtfeld „{field}“ fehlt.",
                f"Ergänzen Sie eine Zeile „{field}: …“ (siehe Beispiel in {guide_for(file)}).", "")
    if kind == "extra_forbidden":
        parent = path[:-1]
        fields = [f for m in _models_at(model, parent) for f in allowed_fields(m)]
        guess = closest_field(field, fields)
        hint = (f"Meinten Sie „{guess}“?" if guess
                else "Erlaubt sind hier: " + ", ".join(sorted(set(fields))) + ".")
        return f"Das Feld „{field}“ gibt es nicht.", hint, ""
    if kind in ("bool_type", "bool_parsing"):
        return (f"Hier wird true oder false erwartet, gefunden: „{value}“.",
                "Schreiben Sie true für ja und false für nein (ohne Anführungszeichen).", field)
    if kind in ("list_type", "tuple_type") and field == "schedule" and path[-1:] == ("schedule",):
        return (f"Hier wird eine Liste erwartet, gefunden: {_found(value)}. Unter „schedule“ steht je Termin "
                "eine Gruppe von Feldern.",
                _schedule_example(value), field)
    if kind in ("list_type", "tuple_type"):
        return (f"Hier wird eine Liste erwartet, gefunden: {_found(value)}.",
                "Schreiben Sie Listen in eckigen Klammern, zum Beispiel [mo, mi], "
                "oder als Zeilen, die mit „- “ beginnen.", field)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (f"Hier wird eine Gruppe von Feldern erwartet, gefunden: {_found(value)}.",
                "Schreiben Sie die Felder eingerückt in die Zeilen darunter, je Zeile „feld: wert“.", field)
    if kind in ("string_type", "str_type"):
        return (f"Hier wird ein Text erwartet, gefunden: {_found(value)}.",
                "Schreiben Sie den Text direkt hinter den Doppelpunkt.", field)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"Hier wird eine ganze Zahl erwartet, gefunden: „{value}“.", "", field
    if kind in ("greater_than_equal", "less_than_equal"):
        return (f"Der Wert {value} ist außerhalb des erlaubten Bereichs.",
                "Erlaubt sind " + (f"Werte ab {ctx['ge']}" if "ge" in ctx else f"Werte bis {ctx.get('le')}") + ".", field)
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "")
        return (f"Der Wert „{value}“ ist hier nicht erlaubt.",
                f"Erlaubt sind: {expected.replace(' or ', ', ')}.", field)
    if kind == "too_short":
        return "Die Liste ist leer.", "Tragen Sie mindestens einen Eintrag ein.", field
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"Dieser Wert passt hier nicht ({_found(value)}).", "", field
    return f"Der Wert passt hier nicht ({error['msg']}).", "", field


def _schedule_example(value: Any) -> str:
    """How a schedule is written, with the day staff named when they wrote it as a sentence."""
    from .models import _day_code
    words = str(value).replace(",", " ").split() if isinstance(value, str) else []
    days = [code for code in (_day_code(w) for w in words) if code] or ["di"]
    return ("Schreiben Sie jeden Termin in die Zeilen darunter, eingerückt, so: "
            f"„- weekly: [{', '.join(dict.fromkeys(days))}]“, darunter so weit eingerückt wie „weekly“: "
            "„start: \"10:00\"“, „end: \"12:00\"“ und „from: 2026-03-03“ (siehe docs/anleitung.md, Abschnitt 1).")


def _data_at(data: Any, path: tuple) -> Any:
    for element in path:
        try:
            data = data[element]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _home(doc: Document, model: type[BaseModel], name: str, here: tuple) -> tuple | None:
    """Another group of the file where a field ``name`` belongs (a `from:` slipped out of its schedule
    rule belongs into it), or None."""
    for path in sorted(doc.positions, key=len):
        if path == here or not isinstance(_data_at(doc.data, path), dict):
            continue
        # _models_at gives the root model for a path it cannot follow (a text in several languages).
        models = [model] if path == () else [m for m in _models_at(model, path) if m is not model]
        if any(name in allowed_fields(m) for m in models):
            return path
    return None


def _placement(doc: Document, name: str, home: tuple) -> tuple[str, str]:
    """Message and hint for a field written at the wrong indentation: where it belongs, and how far in."""
    siblings = [k for k in (_data_at(doc.data, home) or {}) if k != name]
    sibling = "start" if "start" in siblings else (siblings[0] if siblings else "")
    line, column = doc.key_line(home + (sibling,)) if sibling else (None, None)
    if home == ():
        like = f", wie „{sibling}“ (Zeile {line})" if sibling else ""
        return (f"Das Feld „{name}“ steht am falschen Platz: es gehört nicht in diese Gruppe, sondern ganz an den "
                f"linken Rand{like}.", f"Löschen Sie die Leerzeichen vor „{name}:“.")
    group = next((p for p in reversed(home) if isinstance(p, str)), "")
    number = (f" (Termin {home[-1] + 1})" if isinstance(home[-1], int)
              and len(_data_at(doc.data, home[:-1]) or []) > 1 else "")
    how_far = f", so weit eingerückt wie „{sibling}“ (Zeile {line}, Spalte {column})" if sibling else ""
    return (f"Das Feld „{name}“ steht am falschen Platz: es gehört unter „{group}“{number}{how_far}.",
            f"Rücken Sie die Zeile „{name}:“ mit Leerzeichen genau so weit ein wie „{sibling or group}:“.")


def translate(exc: ValidationError, doc: Document, model: type[BaseModel], prefix: tuple = (),
              strip: int = 0) -> list[DataError]:
    """German messages for ``exc``; ``strip`` drops leading loc parts that wrap the document (a list)."""
    errors = []
    raw = exc.errors(include_url=False)
    # `titel:` also makes `title` missing; the suggestion "Meinten Sie „title“?" says it all.
    suggested = set()
    # `from:` at the left edge: one field at the wrong indentation makes two errors (unknown here,
    # missing where it belongs); staff get one message saying where it belongs. A field that is not
    # required (`until:`) is told where it belongs too, rather than that it does not exist.
    missing = {_clean_loc(tuple(e["loc"]))[strip:] for e in raw if e["type"] == "missing"}
    misplaced: dict[tuple, tuple] = {}    # the stray key's path → the group it belongs in
    for error in raw:
        if error["type"] != "extra_forbidden":
            continue
        loc = _clean_loc(tuple(error["loc"]))[strip:]
        name = str(loc[-1])
        fields = [f for m in _models_at(model, loc[:-1]) for f in allowed_fields(m)]
        belongs = next((m for m in sorted(missing, key=str) if m[-1] == name and m[:-1] != loc[:-1]
                        and m not in misplaced.values()), None)
        alias = FIELD_ALIASES.get(name.lower())
        if belongs is not None:
            misplaced[loc] = belongs
        elif alias in fields:
            suggested.add(loc[:-1] + (alias,))
        elif not prefix and (home := _home(doc, model, name, loc[:-1])) is not None:
            misplaced[loc] = home + (name,)
        elif (guess := closest_field(name, fields)):
            suggested.add(loc[:-1] + (guess,))
    for error in raw:
        loc = _clean_loc(tuple(error["loc"]))[strip:]
        if error["type"] == "missing" and (loc in suggested or loc in misplaced.values()):
            continue
        path = prefix + loc
        if doc.is_failed(path):
            continue
        ctx = error.get("ctx") or {}
        if (at := ctx.get("at")):
            path += (at,)
        message, hint, field = _explain(error, model, path[len(prefix):], doc.data, doc.file)
        if error["type"] == "extra_forbidden":
            line, column = doc.key_line(path)
            if loc in misplaced and not prefix:
                message, hint = _placement(doc, str(loc[-1]), misplaced[loc][:-1])
        elif (key := ctx.get("key")) is not None and path + (key,) in doc.key_positions:
            line, column = doc.key_line(path + (key,))   # a wrong key inside a value: its own line
        else:
            line, column = doc.line_of(path)
        if error["type"] in ("missing", "extra_forbidden") or error["type"] == "stadtteil" and not field:
            field = ""
        errors.append(DataError(doc.file, line, column, message, hint, field))
    return errors
