"""The shape of the staff data: the single truth for validation, defaults and (later) JSON Schemas.

Every validator that can fail raises a ``PydanticCustomError`` with a German message and a ``hint``
in its context, so ``validation_messages.py`` can show staff what is wrong and how to fix it. Field names are
the English ones of ``shared/spec/data-format.md``; common German names are suggested when mistyped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, WithJsonSchema,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

# The version of this data format, written by `stadtteil new` into mkdocs.yml (`format_version`); an
# older site is migrated by upgrade.py, and a newer one refused by it.
FORMAT_VERSION = 2
# Languages the site is (or will be) published in. `de` is the source language and required.
LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk", "de-LS")
WEEKDAYS: tuple[str, ...] = ("mo", "di", "mi", "do", "fr", "sa", "so")
ORDINALS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
# Staff write German; these are accepted as the same words.
_ORDINAL_ALIASES = {"erster": "first", "erste": "first", "1.": "first", "zweiter": "second",
                    "zweite": "second", "2.": "second", "dritter": "third", "dritte": "third",
                    "3.": "third", "vierter": "fourth", "vierte": "fourth", "4.": "fourth",
                    "letzter": "last", "letzte": "last"}


def _fail(message: str, hint: str = "", **ctx: Any) -> PydanticCustomError:
    # Braces in staff values must not be read as format fields by pydantic.
    # ``at`` names the field a whole-record check is about, so the message points at its line.
    return PydanticCustomError("stadtteil", message.replace("{", "{{").replace("}", "}}"),
                               {"hint": hint, **ctx})


def _show(value: Any) -> str:
    return str(value) if not isinstance(value, (dict, list)) else "eine Gruppe" if isinstance(value, dict) else "eine Liste"


# --- small value types --------------------------------------------------------------------------

def _text(value: Any) -> dict[str, str]:
    """A human-readable text: a German string, or a mapping from language code to text."""
    if isinstance(value, bool) or value is None:
        raise _fail("Hier wird ein Text erwartet.", "Schreiben Sie den Text hinter den Doppelpunkt.")
    if isinstance(value, (int, float)):
        value = str(value)
    if isinstance(value, str):
        if not value.strip():
            raise _fail("Der Text ist leer.", "Tragen Sie einen deutschen Text ein.")
        return {"de": value.strip()}
    if isinstance(value, dict):
        result: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                from .suggest import closest
                guess = closest(str(lang), LANGUAGES)
                raise _fail(f"Die Sprache „{lang}“ ist unbekannt.",
                            (f"Meinten Sie „{guess}“? " if guess else "")
                            + "Erlaubt sind: " + ", ".join(LANGUAGES) + ".", key=str(lang))
            if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
                raise _fail(f"Der Text für die Sprache „{lang}“ fehlt oder ist kein Text.",
                            "Schreiben Sie den Text hinter den Sprachcode, zum Beispiel  de: Nähtreff", key=str(lang))
            result[lang] = str(text).strip()
        if "de" not in result:
            raise _fail("Der deutsche Text fehlt.",
                        "Jeder Text braucht eine deutsche Fassung, zum Beispiel  de: Nähtreff")
        return result
    raise _fail("Hier wird ein Text erwartet, keine Liste.",
                "Schreiben Sie den Text direkt hinter den Doppelpunkt.")


# What staff may write, for editors (JSON Schema): the validators accept exactly these shapes.
_TEXT_SCHEMA = {
    "description": "Ein Text auf Deutsch, oder Übersetzungen: {de: …, en: …, tr: …, ar: …, uk: …, de-LS: …}",
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "required": ["de"], "additionalProperties": False,
         "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGUAGES}},
    ],
}
Text = Annotated[dict[str, str], BeforeValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]


_LONG_DAY_NAMES = {"montag": "mo", "dienstag": "di", "mittwoch": "mi", "donnerstag": "do",
                   "freitag": "fr", "samstag": "sa", "sonnabend": "sa", "sonntag": "so"}


def _day_code(word: str) -> str | None:
    """The code staff meant by one word: „mi“, „Mi.“, „Mittwoch“, „mittwochs“, „Mitwoch“ → mi."""
    from .suggest import closest
    word = word.strip().strip(".,;").lower()
    if word in WEEKDAYS:
        return word
    guess = closest(word.removesuffix("s"), _LONG_DAY_NAMES) if len(word) > 3 else None
    return _LONG_DAY_NAMES[guess] if guess else None


def _weekday(value: Any) -> str:
    code = str(value).strip().lower() if isinstance(value, str) else None
    if code in WEEKDAYS:
        return code
    hint = "Erlaubt sind: " + ", ".join(WEEKDAYS) + "."
    words = re.split(r"[\s,;/+&]+|\bund\b", code.strip()) if code else []
    codes = [_day_code(w) for w in words if w]
    if len(codes) > 1 and all(codes):
        # `weekly: [mi fr]`: two days without the comma between them.
        hint = (f"Mehrere Tage werden durch Kommas getrennt: schreiben Sie [{', '.join(codes)}]. " + hint)
    elif len(codes) == 1 and codes[0]:
        hint = f"Schreiben Sie die Abkürzung „{codes[0]}“. " + hint
    raise _fail(f"Wochentag „{_show(value)}“ ist unbekannt.", hint)


Weekday = Annotated[str, BeforeValidator(_weekday),
                    WithJsonSchema({"enum": list(WEEKDAYS), "description": "Wochentag: mo, di, mi, do, fr, sa, so"})]

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(?:uhr)?\s*$", re.I)


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise _fail(f"„{_show(value)}“ ist keine Uhrzeit.",
                    "Schreiben Sie Uhrzeiten als SS:MM in Anführungszeichen, zum Beispiel \"15:00\".")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise _fail(f"Die Uhrzeit „{value.strip()}“ gibt es nicht.",
                    "Uhrzeiten gehen von 00:00 bis 23:59.")
    return dt.time(hour, minute)


Time = Annotated[dt.time, BeforeValidator(_time), WithJsonSchema(
    {"type": "string", "pattern": r"^\s*\d{1,2}[:.]\d{2}\s*(Uhr)?\s*$", "description": "Uhrzeit, z. B. \"15:00\""})]

_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail("Hier wird nur ein Datum ohne Uhrzeit erwartet.", "Zum Beispiel 2026-03-01.")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        # German staff write 01.03.2026; accepting it beats a rejection they must decode.
        match = _GERMAN_DATE.match(value)
        parts = (int(match[3]), int(match[2]), int(match[1])) if match else None
        if not parts and (match := _ISO_DATE.match(value)):
            parts = (int(match[1]), int(match[2]), int(match[3]))
        if parts:
            try:
                return dt.date(*parts)
            except ValueError:
                raise _fail(f"Das Datum „{value.strip()}“ gibt es nicht.",
                            "Prüfen Sie Tag und Monat.") from None
    raise _fail(f"„{_show(value)}“ ist kein Datum.",
                "Schreiben Sie Datumsangaben als JJJJ-MM-TT, zum Beispiel 2026-03-01.")


Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema(
    {"type": "string", "pattern": r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})$",
     "description": "Datum, z. B. 2026-03-01"})]

_DATETIME = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+|\s*,?\s*)(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*$")
# German staff write 04.07.2026 10:00 (or „04.07.2026, 10.00 Uhr“), as they write dates elsewhere.
_GERMAN_DATETIME = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*,\s*|\s+|\s*T\s*)(\d{1,2})[:.](\d{2})\s*(?:uhr)?\s*$",
                              re.I)


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        raise _fail("Hier fehlt die Uhrzeit.",
                    f"Schreiben Sie Datum und Uhrzeit, zum Beispiel {value.isoformat()}T14:00.")
    match = _DATETIME.match(value) if isinstance(value, str) else None
    german = _GERMAN_DATETIME.match(value) if isinstance(value, str) and not match else None
    if match or german:
        if german:
            day, month, year, hour, minute = (int(german[i]) for i in range(1, 6))
        else:
            year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
        try:
            dt.date(year, month, day)
        except ValueError:
            raise _fail(f"Das Datum „{value.strip()}“ gibt es nicht.", "Prüfen Sie Tag und Monat.") from None
        if hour > 23 or minute > 59:
            raise _fail(f"Die Uhrzeit in „{value.strip()}“ gibt es nicht.", "Uhrzeiten gehen von 00:00 bis 23:59.")
        return dt.datetime(year, month, day, hour, minute)
    raise _fail(f"„{_show(value)}“ ist kein Zeitpunkt.",
                "Schreiben Sie Datum und Uhrzeit, zum Beispiel 2026-06-20T14:00 (das Datum, ein großes T, "
                "die Uhrzeit) oder 20.06.2026 14:00.")


DateTime = Annotated[dt.datetime, BeforeValidator(_datetime), WithJsonSchema(
    {"type": "string", "description": "Datum und Uhrzeit, z. B. 2026-06-20T14:00"})]


def _plain(value: Any) -> Any:
    # Phone numbers and postcodes are text even when YAML reads them as numbers.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


PlainStr = Annotated[str, BeforeValidator(_plain), WithJsonSchema({"type": ["string", "number"]})]


def _url(value: Any) -> str:
    if isinstance(value, str) and re.match(r"^https?://[^\s/]+\.[^\s]+$", value.strip()):
        return value.strip()
    raise _fail(f"„{_show(value)}“ ist keine Web-Adresse.",
                "Schreiben Sie die ganze Adresse mit https://, zum Beispiel https://www.bottrop.de/")


Url = Annotated[str, BeforeValidator(_url)]


def _email(value: Any) -> str:
    if isinstance(value, str) and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value.strip()):
        return value.strip()
    raise _fail(f"„{_show(value)}“ ist keine E-Mail-Adresse.", "Zum Beispiel info@example.org.")


Email = Annotated[str, BeforeValidator(_email)]


def _list(value: Any) -> Any:
    # `audience: frauen` instead of `[frauen]` is an obvious intention: accept one value as a list.
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [value]
    return value


def _id_list(value: Any) -> Any:
    return _list(value)


IdList = Annotated[list[PlainStr], BeforeValidator(_id_list), WithJsonSchema(
    {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})]


# --- models -------------------------------------------------------------------------------------

class StaffModel(BaseModel):
    """Unknown fields are mistakes (mostly typos), never silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Address(StaffModel):
    street: PlainStr | None = None
    postcode: PlainStr | None = None
    city: PlainStr

    def one_line(self) -> str:
        parts = [p for p in (self.street, " ".join(x for x in (self.postcode, self.city) if x)) if p]
        return ", ".join(parts)


class OpeningHours(StaffModel):
    days: Annotated[list[Weekday], BeforeValidator(_list), Field(min_length=1)]
    open: Time
    close: Time

    @model_validator(mode="after")
    def _order(self) -> "OpeningHours":
        if self.close <= self.open:
            raise _fail(f"Die Schließzeit {self.close:%H:%M} liegt nicht nach der Öffnungszeit {self.open:%H:%M}.",
                        "Prüfen Sie „open“ und „close“.", at="close")
        return self


class Closure(StaffModel):
    """Either a date range the office is closed, or `public_holidays: NW`."""

    from_: Date | None = Field(None, alias="from")
    until: Date | None = None
    reason: Text | None = None
    public_holidays: Literal["NW"] | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Closure":
        if self.public_holidays and (self.from_ or self.until):
            raise _fail("Ein Eintrag ist entweder ein Zeitraum (from/until) oder „public_holidays: NW“, nicht beides.",
                        "Teilen Sie ihn in zwei Einträge.")
        if not self.public_holidays and not self.from_:
            raise _fail("Bei einer Schließung fehlt das Anfangsdatum „from“.",
                        "Zum Beispiel  - from: 2026-12-23  mit  until: 2027-01-02")
        if self.from_ and self.until and self.until < self.from_:
            raise _fail(f"„until“ ({self.until:%d.%m.%Y}) liegt vor „from“ ({self.from_:%d.%m.%Y}).",
                        "Das Ende einer Schließung darf nicht vor ihrem Anfang liegen.", at="until")
        return self

    @property
    def last_day(self) -> dt.date | None:
        return self.until or self.from_


class Location(StaffModel):
    name: Text
    address: Address | None = None
    description: Text | None = None
    # Steps, door widths, toilet: shown nowhere on the pages yet, published in the open data (opendata/hsds.py).
    accessibility: Text | None = None


class Contact(StaffModel):
    name: Text
    phone: PlainStr | None = None
    email: Email | None = None
    description: Text | None = None


# A place is the id of a location in office.yml, or a place written out in full.
def _place_kind(value: Any) -> str:
    return "§id" if isinstance(value, str) else "§inline"


PlaceRef = Annotated[
    Union[Annotated[str, Tag("§id")], Annotated[Location, Tag("§inline")]],
    Discriminator(_place_kind),
]


def _registration_kind(value: Any) -> str:
    return "§flag" if isinstance(value, bool) else "§text"


Registration = Annotated[
    Union[Annotated[bool, Tag("§flag")], Annotated[Text, Tag("§text")]],
    Discriminator(_registration_kind),
]


class LegalPerson(StaffModel):
    """A person or organisation named on the legal pages."""

    name: PlainStr
    role: PlainStr | None = None
    address: Address | None = None
    email: Email | None = None
    phone: PlainStr | None = None


class KnownIssue(StaffModel):
    text: Text
    reason: Text | None = None
    alternative: Text | None = None


class AccessibilityStatement(StaffModel):
    status: Literal["vollständig", "teilweise", "nicht"] = "teilweise"
    prepared_on: Date
    reviewed_on: Date
    method: Text = Field(default_factory=lambda: {"de": "Selbstbewertung mit automatischen Prüfungen in einem "
                                                           "echten Browser (axe-core, Nu Html Checker) und Prüfung "
                                                           "mit Tastatur"})
    known_issues: list[KnownIssue] = Field(default_factory=list)
    answer_within: Text = Field(default_factory=lambda: {"de": "innerhalb von zwei Wochen"})


class Legal(StaffModel):
    """What Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit are made from."""

    represented_by: list[LegalPerson] = Field(min_length=1)
    register_entry: PlainStr | None = Field(None, alias="register")
    responsible_for_content: LegalPerson
    data_protection_officer: LegalPerson
    hosting: LegalPerson
    server_log_days: int = Field(7, ge=0, le=90)
    accessibility: AccessibilityStatement


class Office(StaffModel):
    name: PlainStr
    project: PlainStr | None = None
    carrier: PlainStr
    carrier_address: Address | None = None
    address: Address
    phone: PlainStr | None = None
    email: Email | None = None
    opening_hours: list[OpeningHours] = Field(default_factory=list)
    closures: list[Closure] = Field(default_factory=list)
    locations: dict[str, Location] = Field(default_factory=dict)
    contacts: dict[str, Contact] = Field(default_factory=dict)
    legal: Legal | None = None

    @property
    def public_holidays(self) -> str | None:
        return next((c.public_holidays for c in self.closures if c.public_holidays), None)


_EVERY = re.compile(r"^\s*(\d+)\s*(?:weeks?|wochen?)?\s*$", re.I)


def _every(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _EVERY.match(value) if isinstance(value, str) else None
    if not match:
        raise _fail(f"„{_show(value)}“ ist kein Abstand in Wochen.", "Schreiben Sie zum Beispiel  every: 2 weeks")
    return int(match[1])


def _monthly(value: Any) -> Any:
    items = _list(value)
    if not isinstance(items, list):
        raise _fail("Hier wird eine Angabe wie \"first mo\" erwartet.",
                    "Zum Beispiel  monthly: \"first mo\"  oder  monthly: [\"first mo\", \"third mo\"]")
    result = []
    for item in items:
        words = str(item).lower().split()
        if len(words) == 2:
            ordinal = _ORDINAL_ALIASES.get(words[0], words[0])
            if ordinal in ORDINALS:
                result.append((ordinal, _weekday(words[1])))
                continue
        raise _fail(f"„{_show(item)}“ ist kein Monatstermin.",
                    "Schreiben Sie Ordnungszahl und Wochentag, zum Beispiel \"first mo\" oder \"last fr\"; "
                    "erlaubt sind first, second, third, fourth, last.")
    return result


class ScheduleRule(StaffModel):
    weekly: Annotated[list[Weekday], BeforeValidator(_list)] | None = None
    every: Annotated[int, BeforeValidator(_every), Field(ge=1, le=8), WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 8},
                   {"type": "string", "pattern": r"^\s*\d+\s*(weeks?|wochen?)?\s*$"}],
         "description": "Abstand in Wochen, z. B. 2 weeks"})] = 1
    monthly: Annotated[list[tuple[str, str]], BeforeValidator(_monthly), WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
         "description": "z. B. \"first mo\" oder [\"first mo\", \"third mo\"]"})] | None = None
    start: Time
    end: Time
    from_: Date = Field(alias="from")
    until: Date | None = None
    except_: Annotated[list[Date], BeforeValidator(_list)] = Field(default_factory=list, alias="except")
    school_holidays: Literal["pause", "run"] = "run"

    @model_validator(mode="after")
    def _consistent(self) -> "ScheduleRule":
        if (self.weekly is None) == (self.monthly is None):
            raise _fail("Ein Termin braucht genau eine Angabe, wann er sich wiederholt: „weekly“ oder „monthly“.",
                        "Zum Beispiel  weekly: [do]  oder  monthly: \"first mo\".")
        if self.weekly is not None and not self.weekly:
            raise _fail("Bei „weekly“ fehlt der Wochentag.", "Zum Beispiel  weekly: [do]", at="weekly")
        if self.monthly is not None and self.every != 1:
            raise _fail("„every“ gilt nur für wöchentliche Termine.", "Löschen Sie „every“ oder verwenden Sie „weekly“.",
                        at="every")
        if self.end <= self.start:
            raise _fail(f"Das Ende ({self.end:%H:%M}) liegt nicht nach dem Beginn ({self.start:%H:%M}).",
                        "Prüfen Sie „start“ und „end“.", at="end")
        if self.until and self.until < self.from_:
            raise _fail(f"„until“ ({self.until:%d.%m.%Y}) liegt vor „from“ ({self.from_:%d.%m.%Y}).",
                        "Das letzte Datum darf nicht vor dem ersten liegen.", at="until")
        return self


class _Common(StaffModel):
    """Fields offers and events share."""

    title: Text
    summary: Text | None = None
    description: Text | None = None
    audience: IdList = Field(default_factory=list)
    category: PlainStr | None = None
    cost: Text | None = None
    registration: Registration = False
    location: PlaceRef = "stadtteilbuero"
    contact: PlainStr | None = None
    partners: IdList = Field(default_factory=list)
    languages_spoken: IdList = Field(default_factory=list)
    image: PlainStr | None = None
    image_alt: Text | None = None

    @model_validator(mode="after")
    def _alt(self):
        if self.image and not self.image_alt:
            raise _fail("Zum Bild fehlt „image_alt“, die Beschreibung für Menschen, die das Bild nicht sehen.",
                        "Beschreiben Sie in einem Satz, was auf dem Bild zu sehen ist.", at="image")
        return self


class Offer(_Common):
    category: PlainStr
    volunteer_led: bool = False
    schedule: Annotated[list[ScheduleRule], BeforeValidator(lambda v: [v] if isinstance(v, dict) else v)] = \
        Field(default_factory=list)
    schedule_note: Text | None = None

    @model_validator(mode="after")
    def _has_time(self) -> "Offer":
        if not self.schedule and not self.schedule_note:
            raise _fail("Das Angebot hat keine Termine.",
                        "Tragen Sie unter „schedule“ ein, wann es stattfindet, oder unter „schedule_note“, "
                        "wie man einen Termin bekommt (zum Beispiel „nach Vereinbarung“).")
        return self


class Event(_Common):
    start: DateTime
    end: DateTime | None = None
    status: Literal["confirmed", "cancelled", "postponed"] = "confirmed"
    status_note: Text | None = None

    @model_validator(mode="after")
    def _order(self) -> "Event":
        if self.end and self.end <= self.start:
            raise _fail(f"Das Ende ({self.end:%d.%m.%Y %H:%M}) liegt nicht nach dem Beginn "
                        f"({self.start:%d.%m.%Y %H:%M}).", "Prüfen Sie „start“ und „end“.", at="end")
        return self

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


class Partner(StaffModel):
    name: Text
    kind: PlainStr
    topics: IdList = Field(default_factory=list)
    parent: PlainStr | None = None
    description: Text | None = None
    url: Url | None = None
    phone: PlainStr | None = None
    email: Email | None = None
    address: Address | None = None
    logo: PlainStr | None = None


# --- helplines: what to do in an emergency ("Im Notfall") ------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s/().\-–]")


def tel_digits(phone: str) -> str:
    """The number as a `tel:` link dials it: digits, with a leading + when it has one."""
    digits = _PHONE_SEPARATORS.sub("", phone)
    return digits


def _phone(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)          # `phone: 110` is read as a number
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"„{_show(value)}“ ist keine Telefonnummer.",
                    "Schreiben Sie die Nummer in Anführungszeichen, zum Beispiel  phone: \"0800 111 0 550\"")
    text = " ".join(value.split())
    if "(0)" in text.replace(" ", ""):
        raise _fail(f"In der Telefonnummer „{text}“ steht „(0)“; so lässt sie sich auf dem Handy nicht wählen.",
                    "Schreiben Sie sie ohne (0): +49 2041 … oder 02041 …")
    if re.search(r"[^\d\s+/().\-–]", text):
        raise _fail(f"„{text}“ ist keine Telefonnummer: sie enthält Buchstaben oder Zeichen.",
                    "Schreiben Sie nur Ziffern und Leerzeichen, am Anfang darf ein + stehen, "
                    "zum Beispiel \"116 111\" oder \"+49 2041 70-0\".")
    if not re.fullmatch(r"\+?\d{3,15}", tel_digits(text)):
        raise _fail(f"„{text}“ ist keine Telefonnummer: zu kurz, zu lang oder ein + mitten in der Nummer.",
                    "Eine Nummer hat 3 bis 15 Ziffern; ein + steht nur ganz am Anfang, zum Beispiel \"+49 2041 70-0\".")
    return text


Phone = Annotated[str, BeforeValidator(_phone), WithJsonSchema(
    {"type": ["string", "integer"], "description": "Telefonnummer, z. B. \"0800 111 0 550\""})]
HELPLINE_KINDS = ("notruf", "kinderschutz", "telefon")


class Helpline(StaffModel):
    """Notruf oder Hilfetelefon für den Block „Im Notfall“ (helplines/<name>.yml). Jeder Eintrag nennt die
    Seite des Dienstes, auf der die Angaben stehen („source“), und wann sie dort zuletzt geprüft wurden
    („verified“); der Bau erinnert, wenn das länger als ein Jahr her ist."""
    # (The docstring is the description editors show staff, hence German; the reminder: loader.check_helplines.)

    name: Text
    kind: Literal["notruf", "kinderschutz", "telefon"] = "telefon"
    phone: Annotated[list[Phone], BeforeValidator(_list), WithJsonSchema(
        {"anyOf": [{"type": ["string", "integer"]}, {"type": "array", "items": {"type": ["string", "integer"]}}],
         "description": "Eine Nummer oder eine Liste: [\"0800 111 0 111\", \"116 123\"]"})] = \
        Field(default_factory=list)
    partner: PlainStr | None = None
    summary: Text | None = None
    hours: Text
    note: Text | None = None
    cost: Text | None = None
    languages: IdList = Field(default_factory=list)
    audience: IdList = Field(default_factory=list)
    order: int = 0
    source: Url
    verified: Date

    @model_validator(mode="after")
    def _reachable(self) -> "Helpline":
        if not self.phone and not self.partner:
            raise _fail("Die Telefonnummer fehlt.",
                        "Tragen Sie sie unter „phone“ ein (zum Beispiel  phone: \"116 111\") oder unter „partner“ "
                        "die Kennung eines Partners aus partners/, dessen Nummer gilt.")
        return self


class Settings(StaffModel):
    """Vocabularies declared in the site configuration (mkdocs.yml), with the office's defaults."""

    categories: dict[str, Text] = Field(default_factory=lambda: {
        "begegnung": {"de": "Begegnung und Café"}, "familie": {"de": "Eltern und Kinder"},
        "lernen": {"de": "Lernen und Sprache"}, "beratung": {"de": "Beratung und Hilfe"},
        "bewegung": {"de": "Bewegung und Kreatives"}})
    audiences: dict[str, Text] = Field(default_factory=lambda: {
        "alle": {"de": "Alle"}, "frauen": {"de": "Frauen"}, "eltern": {"de": "Eltern"},
        "alleinerziehende": {"de": "Alleinerziehende"}, "kinder": {"de": "Kinder"},
        "jugendliche": {"de": "Jugendliche"}, "familien": {"de": "Familien"},
        "gefluechtete": {"de": "Geflüchtete"}})
    topics: dict[str, Text] = Field(default_factory=lambda: {
        "bildung": {"de": "Bildung"}, "schule": {"de": "Schule"}, "kinder": {"de": "Kinder"},
        "jugend": {"de": "Jugend"}, "familie": {"de": "Familie"}, "gesundheit": {"de": "Gesundheit"},
        "migration": {"de": "Migration und Integration"}, "beratung": {"de": "Beratung"},
        "arbeit": {"de": "Arbeit und Ausbildung"}, "wohnen-klima": {"de": "Wohnen und Klima"},
        "schutz": {"de": "Kinderschutz"}})
    partner_kinds: dict[str, Text] = Field(default_factory=lambda: {
        "stadt": {"de": "Stadt Bottrop"}, "schule": {"de": "Schule"}, "traeger": {"de": "Träger"},
        "beratung": {"de": "Beratungsstelle"}, "netzwerk": {"de": "Netzwerk"}})
    # The colour of each category's calendar (RFC 7986 COLOR): a CSS colour name; defaults in calendars/colors.py.
    category_colors: dict[str, str] = Field(default_factory=dict)

    @field_validator("category_colors")
    @classmethod
    def _colors(cls, value: dict[str, Any]) -> dict[str, str]:
        from .calendars.colors import CSS3_NAMES
        for key, name in value.items():
            if str(name).strip().lower() not in CSS3_NAMES:
                raise _fail(f"„{name}“ (Kategorie „{key}“) ist kein Farbname, den Kalender-Programme kennen.",
                            "Nehmen Sie einen englischen CSS-Farbnamen, zum Beispiel teal, darkorange, royalblue, "
                            "crimson oder mediumseagreen.")
        return {str(k): str(v).strip().lower() for k, v in value.items()}

    @model_validator(mode="after")
    def _colored_categories_exist(self) -> "Settings":
        unknown = [k for k in self.category_colors if k not in self.categories]
        if unknown:
            raise _fail(f"„category_colors“ nennt Kategorien, die es nicht gibt: {', '.join(unknown)}.",
                        "Nehmen Sie die Kennungen aus „categories“ (" + ", ".join(self.categories) + ").")
        return self

    def colors(self) -> dict[str, str]:
        """Every category's calendar colour (staff's choice or the default)."""
        from .calendars.colors import category_colors
        return category_colors(list(self.categories), self.category_colors)

    @field_validator("categories", "audiences", "topics", "partner_kinds")
    @classmethod
    def _ids(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
                raise _fail(f"„{key}“ ist als Kennung nicht geeignet.",
                            "Kennungen bestehen aus Kleinbuchstaben, Ziffern und Bindestrichen, ohne Umlaute.")
        return value
