"""Turning pydantic's validation errors into the German, file-and-line messages staff read.

(Not the interface texts of `stadtteil messages`: those are gettext catalogs, see i18n.py.)
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import DataError
from .suggest import closest_field
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


def _explain(error: dict, model: type[BaseModel], path: tuple, data: Any) -> tuple[str, str, str]:
    """(message, hint, field) for one pydantic error."""
    kind = error["type"]
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "stadtteil":
        return error["msg"], ctx.get("hint", ""), field
    if kind == "missing":
        return (f"Das Pflichtfeld „{field}“ fehlt.",
                f"Ergänzen Sie eine Zeile „{field}: …“ (siehe Beispiel im README).", "")
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


def translate(exc: ValidationError, doc: Document, model: type[BaseModel], prefix: tuple = (),
              strip: int = 0) -> list[DataError]:
    """German messages for ``exc``; ``strip`` drops leading loc parts that wrap the document (a list)."""
    errors = []
    raw = exc.errors(include_url=False)
    # `titel:` also makes `title` missing; the suggestion "Meinten Sie „title“?" says it all.
    suggested = set()
    for error in raw:
        if error["type"] == "extra_forbidden":
            loc = _clean_loc(tuple(error["loc"]))[strip:]
            fields = [f for m in _models_at(model, loc[:-1]) for f in allowed_fields(m)]
            if (guess := closest_field(str(loc[-1]), fields)):
                suggested.add(loc[:-1] + (guess,))
    for error in raw:
        if error["type"] == "missing" and _clean_loc(tuple(error["loc"]))[strip:] in suggested:
            continue
        path = prefix + _clean_loc(tuple(error["loc"]))[strip:]
        if doc.is_failed(path):
            continue
        at = (error.get("ctx") or {}).get("at")
        if at:
            path += (at,)
        message, hint, field = _explain(error, model, path[len(prefix):], doc.data)
        if error["type"] == "extra_forbidden":
            line, column = doc.key_line(path)
        else:
            line, column = doc.line_of(path)
        if error["type"] in ("missing", "extra_forbidden") or error["type"] == "stadtteil" and not field:
            field = ""
        errors.append(DataError(doc.file, line, column, message, hint, field))
    return errors
