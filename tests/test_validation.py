"""Data validation as staff meet it: every mistake named with file, line and a fix, in plain German.

Staff (social workers, not programmers) write the YAML files by hand. When they make a mistake, the
build must tell them – all at once – *where* (file, line) and *what to do*, in words they understand.
So every test here breaks one thing in an otherwise valid project and asserts:

* exactly one error for that mistake (no confusing follow-up errors),
* the exact line number (and column where it helps, e.g. a tab),
* the key words of the German message and, where it helps, of the hint ("Meinten Sie „title“?"),
* no English or Python text in any message (checked for every error in ``broken()``).

Tests marked ``xfail(strict=True)`` document validator bugs found while writing these tests; they
turn into failures as soon as the bug is fixed, so the marker can then be removed.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest
from stadtteil.errors import DataError, DataErrors
from stadtteil.loader import load_project

# --- a small valid project --------------------------------------------------------------------
# The trailing comments carry the line numbers, so the expected line of each case can be checked
# by eye. They are YAML comments and do not change the data.

OFFICE = """\
name: Stadtteilbüro Batenbrock                                    # 1
project: "!Gemeinsam in Batenbrock"                               # 2
carrier: Arbeitsgemeinschaft soziale Brennpunkte Bottrop e.V.     # 3
carrier_address: {street: Musterweg 1, postcode: 01067, city: Dresden}  # 4
address:                                                          # 5
  street: Horster Straße 228                                      # 6
  postcode: "46236"                                               # 7
  city: Bottrop                                                   # 8
phone: "+49 2041 000000"                                          # 9
email: stadtteilbuero@example.org                                 # 10
opening_hours:                                                    # 11
  - days: [mo, di, do]                                            # 12
    open: 09:00                                                   # 13
    close: "13:00"                                                # 14
closures:                                                         # 15
  - from: 2026-12-23                                              # 16
    until: 2027-01-02                                             # 17
    reason: {de: Weihnachtspause, en: Christmas break}            # 18
  - public_holidays: NW                                           # 19
locations:                                                        # 20
  gemeinschaftsraum:                                              # 21
    name: Gemeinschaftsraum                                       # 22
    address: {street: Horster Straße 230, city: Bottrop}          # 23
    description: Im Hinterhof, ohne Stufen erreichbar.            # 24
contacts:                                                         # 25
  quartier:                                                       # 26
    name: Quartiersmanagement                                     # 27
    phone: "+49 2041 000001"                                      # 28
    email: quartier@example.org                                   # 29
    description: Fragen zum Stadtteil                             # 30
"""

# `start: 15:00` is unquoted on purpose: YAML 1.1 would read it as the number 900.
# `cost: no` is unquoted on purpose: YAML 1.1 would read it as the boolean false.
NAEHTREFF = """\
title: {de: Nähtreff, en: Sewing club}
summary: Gemeinsam nähen, reparieren und lernen.
description: |
  Wir nähen **gemeinsam**.
category: begegnung
audience: [frauen, eltern]
languages_spoken: [de, tr, ar]
cost: no
registration: false
volunteer_led: true
location: gemeinschaftsraum
contact: quartier
partners: [grundschule]
schedule:
  - weekly: [do]
    start: 15:00
    end: "17:00"
    from: 2026-01-08
    until: 2026-12-17
    except: [2026-05-14]
    school_holidays: pause
"""

# A monthly rule, one audience without brackets, a German date, and `summary: on` (YAML 1.1: true).
ELTERNCAFE = """\
title: Elterncafé
summary: on
category: familie
audience: eltern
registration: Bitte im Büro anmelden.
schedule:
  - monthly: "first mo"
    start: "09:30"
    end: "11:00"
    from: 01.03.2026
"""

SOMMERFEST = """\
title: {de: Sommerfest im Batenbrockpark}
start: 2026-06-20T14:00
end: 2026-06-20T18:00
location: {name: Batenbrockpark, address: {street: Batenbrockstraße, city: Bottrop}}
status: confirmed
audience: [familien, kinder]
partners: [stadt-bottrop]
"""

PARTNERS = {
    "stadt-bottrop": """\
        name: Stadt Bottrop
        kind: stadt
        topics: [familie, arbeit]
        url: https://www.bottrop.de/
        """,
    "grundschule": """\
        name: Nikolaus-Groß-Schule
        kind: schule
        topics: [bildung, schule]
        parent: stadt-bottrop
        """,
}

# --- templates for the broken files: valid as given, each case changes one thing ---------------

KURS_FILE = "offers/deutschkurs.yml"
KURS = """\
title: Deutschkurs             # 1
category: lernen               # 2
audience: [eltern]             # 3
location: gemeinschaftsraum    # 4
contact: quartier              # 5
partners: [grundschule]        # 6
languages_spoken: [de, ar]     # 7
schedule:                      # 8
  - weekly: [di]               # 9
    start: "10:00"             # 10
    end: "11:30"               # 11
    from: 2026-03-03           # 12
    until: 2026-07-14          # 13
"""

FLOHMARKT_FILE = "events/2026-07-04-flohmarkt.yml"
FLOHMARKT = """\
title: Flohmarkt               # 1
start: 2026-07-04T10:00        # 2
end: 2026-07-04T14:00          # 3
location: gemeinschaftsraum    # 4
status: confirmed              # 5
"""

JUGENDAMT_FILE = "partners/jugendamt.yml"
JUGENDAMT = """\
name: Jugendamt Bottrop        # 1
kind: stadt                    # 2
topics: [familie, schutz]      # 3
parent: stadt-bottrop          # 4
url: https://www.bottrop.de/   # 5
email: jugendamt@example.org   # 6
"""


def changed(template: str, old: str, new: str) -> str:
    """``template`` with exactly one occurrence of ``old`` replaced: a typo in a test must not pass silently."""
    assert template.count(old) == 1, f"{old!r} must occur exactly once in the template"
    return template.replace(old, new)


def kurs(old: str, new: str) -> str:
    return changed(KURS, old, new)


def flohmarkt(old: str, new: str) -> str:
    return changed(FLOHMARKT, old, new)


def jugendamt(old: str, new: str) -> str:
    return changed(JUGENDAMT, old, new)


def office(old: str, new: str) -> str:
    return changed(OFFICE, old, new)


def without_line(template: str, start: str) -> str:
    """``template`` without the one line that starts with ``start`` (a field staff forgot)."""
    lines = template.splitlines(keepends=True)
    matching = [line for line in lines if line.startswith(start)]
    assert len(matching) == 1, f"exactly one line must start with {start!r}"
    return "".join(line for line in lines if not line.startswith(start))


# --- fixture and helpers ----------------------------------------------------------------------

def write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)  # for files in the wrong encoding
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small valid project: office with a location and a contact, 2 offers, 1 event, 2 partners."""
    root = tmp_path / "projekt"
    write(root, "office.yml", OFFICE)
    write(root, "offers/naehtreff.yml", NAEHTREFF)
    write(root, "offers/elterncafe.yml", ELTERNCAFE)
    write(root, "events/2026-06-20-sommerfest.yml", SOMMERFEST)
    for partner_id, text in PARTNERS.items():
        write(root, f"partners/{partner_id}.yml", text)
    return root


# Fragments of pydantic's, PyYAML's and Python's own English texts. Staff must never see them.
NOT_FOR_STAFF = (
    "Input should", "Field required", "Extra inputs", "validation error", "Value error", "type=",
    "For further information", "errors.pydantic", "pydantic", "Traceback", "ValidationError",
    "YAMLError", "ScannerError", "ParserError", "ConstructorError", "UnicodeDecodeError",
    "KeyError", "TypeError", "ValueError", "NoneType", "while scanning", "while parsing",
    "could not find", "did not find", "expected <", "mapping values", "found character",
)


def assert_for_staff(text: str) -> None:
    for fragment in NOT_FOR_STAFF:
        assert fragment not in text, f"English/Python text {fragment!r} shown to staff: {text}"


def load_errors(root: Path) -> list[DataError]:
    """Every mistake of one run; fails the test if the project loads without any."""
    with pytest.raises(DataErrors) as caught:
        load_project(root)
    errors = caught.value.errors
    for error in errors:
        assert_for_staff(error.format())
    assert_for_staff(caught.value.report())
    return errors


def broken(root: Path, name: str, text: str | bytes) -> list[DataError]:
    """Write one broken file into the valid project and return the mistakes the loader reports."""
    write(root, name, text)
    return load_errors(root)


def only(errors: list[DataError]) -> DataError:
    """The single error of a run: one mistake must not cause follow-up errors staff would chase."""
    assert len(errors) == 1, "expected exactly one error, got:\n" + "\n".join(e.format() for e in errors)
    return errors[0]


def words(expected: str | tuple[str, ...]) -> tuple[str, ...]:
    return (expected,) if isinstance(expected, str) else expected


def assert_error(error: DataError, file: str, line: int | None, message: str | tuple[str, ...],
                 hint: str | tuple[str, ...] = (), column: int | None = None, field: str | None = None) -> None:
    shown = error.format()
    assert error.file == file, shown
    assert error.line == line, shown
    for word in words(message):
        assert word in error.message, shown
    for word in words(hint):
        assert word in error.hint, shown
    if column is not None:
        assert error.column == column, shown
    if field is not None:
        assert error.field == field, shown
    # What staff read starts with where to look.
    assert shown.startswith(f"{file}, Zeile {line}" if line is not None else f"{file}: "), shown


# --- the valid project ------------------------------------------------------------------------

def test_valid_project_loads(project):
    loaded = load_project(project)

    assert sorted(loaded.offers) == ["elterncafe", "naehtreff"]
    assert list(loaded.events) == ["2026-06-20-sommerfest"]
    assert sorted(loaded.partners) == ["grundschule", "stadt-bottrop"]

    naehtreff = loaded.offers["naehtreff"]
    rule = naehtreff.schedule[0]
    # Unquoted 15:00 and 09:00 are times, not the YAML-1.1 sexagesimal numbers 900 and 540.
    assert rule.start == dt.time(15, 0) and rule.end == dt.time(17, 0)
    assert loaded.office.opening_hours[0].open == dt.time(9, 0)
    assert rule.weekly == ["do"] and rule.from_ == dt.date(2026, 1, 8) and rule.except_ == [dt.date(2026, 5, 14)]
    # `no` and `on` are words, not booleans.
    assert naehtreff.cost == {"de": "no"}
    assert loaded.offers["elterncafe"].summary == {"de": "on"}
    # A postcode with a leading zero is text, not an octal number.
    assert loaded.office.carrier_address.postcode == "01067"
    # A text beginning with "!" in quotes is just text.
    assert loaded.office.project == "!Gemeinsam in Batenbrock"
    assert naehtreff.title == {"de": "Nähtreff", "en": "Sewing club"}
    assert naehtreff.registration is False and naehtreff.volunteer_led is True

    elterncafe = loaded.offers["elterncafe"]
    assert elterncafe.audience == ["eltern"]  # one value without brackets is a list of one
    assert elterncafe.schedule[0].monthly == [("first", "mo")]
    assert elterncafe.registration == {"de": "Bitte im Büro anmelden."}

    fest = loaded.events["2026-06-20-sommerfest"]
    assert fest.start == dt.datetime(2026, 6, 20, 14, 0) and fest.end == dt.datetime(2026, 6, 20, 18, 0)
    assert loaded.partners["grundschule"].parent == "stadt-bottrop"
    # The office itself is always a place, besides the locations of office.yml.
    assert loaded.location("gemeinschaftsraum").name == {"de": "Gemeinschaftsraum"}
    assert loaded.location("stadtteilbuero").name == {"de": "Stadtteilbüro Batenbrock"}


def test_the_kurs_template_is_valid(project):
    # Every case below breaks this file; it must be valid as written, or the cases prove nothing.
    write(project, KURS_FILE, KURS)
    write(project, FLOHMARKT_FILE, FLOHMARKT)
    write(project, JUGENDAMT_FILE, JUGENDAMT)
    loaded = load_project(project)
    assert loaded.offers["deutschkurs"].schedule[0].until == dt.date(2026, 7, 14)
    assert loaded.events["2026-07-04-flohmarkt"].start == dt.datetime(2026, 7, 4, 10, 0)
    assert loaded.partners["jugendamt"].parent == "stadt-bottrop"


def test_german_date_is_accepted(project):
    # Staff write 01.03.2026; the loader understands it instead of rejecting it.
    write(project, KURS_FILE, kurs("from: 2026-03-03  ", "from: 01.03.2026  "))
    rule = load_project(project).offers["deutschkurs"].schedule[0]
    assert rule.from_ == dt.date(2026, 3, 1)


def test_registration_text_is_accepted(project):
    # The format allows `registration: false`, `true` or a text saying how to register, so any
    # text – even "vielleicht" – is a registration note shown on the page, not a mistake.
    write(project, KURS_FILE, KURS + "registration: vielleicht\n")
    assert load_project(project).offers["deutschkurs"].registration == {"de": "vielleicht"}


# --- one mistake, one message -----------------------------------------------------------------

class Mistake(NamedTuple):
    id: str
    file: str
    text: str | bytes
    line: int | None
    message: str | tuple[str, ...]
    hint: str | tuple[str, ...] = ()
    column: int | None = None
    field: str | None = None
    bug: str | None = None  # a validator bug: the case is expected to fail until it is fixed


MISTAKES = [
    # Weekdays: staff write the full German name; the hint gives the short form.
    Mistake("weekday-full-name", KURS_FILE, kurs("weekly: [di]", "weekly: [dienstag]"), 9,
            "Wochentag „dienstag“ ist unbekannt", "Schreiben Sie die Abkürzung „di“", field="weekly"),
    Mistake("weekday-unknown", KURS_FILE, kurs("weekly: [di]", "weekly: [dt]"), 9,
            "Wochentag „dt“ ist unbekannt", "Erlaubt sind: mo, di, mi, do, fr, sa, so"),
    Mistake("weekday-in-opening-hours", "office.yml", office("days: [mo, di, do]", "days: [mo, dienstag, do]"), 12,
            "Wochentag „dienstag“ ist unbekannt", "„di“"),

    # Unknown fields: German or misspelt names get a suggestion, and no extra "missing" error.
    Mistake("field-titel", KURS_FILE, kurs("title:", "titel:"), 1,
            "Das Feld „titel“ gibt es nicht", "Meinten Sie „title“?"),
    Mistake("field-beschreibung", KURS_FILE, KURS + "beschreibung: Grammatik und Gespräche\n", 14,
            "Das Feld „beschreibung“ gibt es nicht", "Meinten Sie „description“?"),
    Mistake("field-kategorie", KURS_FILE, kurs("category:", "kategorie:"), 2,
            "Das Feld „kategorie“ gibt es nicht", "Meinten Sie „category“?"),
    Mistake("field-deep-in-schedule-rule", KURS_FILE, kurs("    end:", "    ende:"), 11,
            "Das Feld „ende“ gibt es nicht", "Meinten Sie „end“?"),
    Mistake("field-german-in-office", "office.yml", office("opening_hours:", "öffnungszeiten:"), 11,
            "Das Feld „öffnungszeiten“ gibt es nicht", "Meinten Sie „opening_hours“?"),

    # Wrong kind of value.
    Mistake("list-where-text-expected", KURS_FILE, kurs("title: Deutschkurs", "title: [Deutsch, Kurs]"), 1,
            "Hier wird ein Text erwartet, keine Liste", field="title"),
    Mistake("text-where-list-expected", KURS_FILE, KURS.split("schedule:")[0] + "schedule: jeden Dienstag\n", 8,
            "Hier wird eine Liste erwartet, gefunden: ein Text", field="schedule"),
    Mistake("registration-as-list", KURS_FILE, KURS + "registration: [ja, nein]\n", 14,
            "Hier wird ein Text erwartet, keine Liste", field="registration"),
    Mistake("yes-no-field-with-ja", KURS_FILE, KURS + "volunteer_led: ja\n", 14,
            "Hier wird true oder false erwartet, gefunden: „ja“", "true für ja"),

    # Texts in several languages.
    Mistake("german-text-missing", KURS_FILE, kurs("title: Deutschkurs", "title: {en: German course}"), 1,
            "Der deutsche Text fehlt", "de: "),
    Mistake("unknown-language-key", KURS_FILE,
            kurs("title: Deutschkurs", "title: {de: Deutschkurs, eng: German course}"), 1,
            "Die Sprache „eng“ ist unbekannt", "Meinten Sie „en“?"),
    Mistake("unknown-language-key-own-line", KURS_FILE,
            kurs("title: Deutschkurs             # 1\n",
                 "title:                         # 1\n  de: Deutschkurs\n  eng: German course   # 3\n"),
            3, "Die Sprache „eng“ ist unbekannt", "Meinten Sie „en“?",
            bug="The error points at the line of `title:` (1), not at the line of the wrong key `eng:` (3)."),

    # Required fields.
    Mistake("title-missing", KURS_FILE, without_line(KURS, "title:"), 1,
            "Das Pflichtfeld „title“ fehlt", "title: …"),
    Mistake("category-missing", KURS_FILE, without_line(KURS, "category:"), 1,
            "Das Pflichtfeld „category“ fehlt", "category: …"),
    Mistake("schedule-start-missing", KURS_FILE, without_line(KURS, "    start:"), 9,
            "Das Pflichtfeld „start“ fehlt", "start: …"),
    Mistake("schedule-from-missing", KURS_FILE, without_line(KURS, "    from:"), 9,
            "Das Pflichtfeld „from“ fehlt", "from: …"),
    Mistake("offer-without-any-time", KURS_FILE, KURS.split("schedule:")[0], 1,
            "Das Angebot hat keine Termine", "schedule_note"),
    Mistake("event-start-missing", FLOHMARKT_FILE, without_line(FLOHMARKT, "start:"), 1,
            "Das Pflichtfeld „start“ fehlt"),
    Mistake("partner-kind-missing", JUGENDAMT_FILE, without_line(JUGENDAMT, "kind:"), 1,
            "Das Pflichtfeld „kind“ fehlt"),

    # Times.
    Mistake("time-25-00", KURS_FILE, kurs('start: "10:00"', "start: 25:00  "), 10,
            "Die Uhrzeit „25:00“ gibt es nicht", "00:00 bis 23:59", field="start"),
    Mistake("time-12-60", KURS_FILE, kurs('end: "11:30"', 'end: "12:60"'), 11,
            "Die Uhrzeit „12:60“ gibt es nicht", "00:00 bis 23:59", field="end"),
    Mistake("time-as-words", KURS_FILE, kurs('start: "10:00"', 'start: "10 Uhr morgens"'), 10,
            "„10 Uhr morgens“ ist keine Uhrzeit", '"15:00"'),
    Mistake("schedule-end-before-start", KURS_FILE, kurs('end: "11:30"', 'end: "09:30"'), 11,
            "Das Ende (09:30) liegt nicht nach dem Beginn (10:00)", "„start“ und „end“"),
    Mistake("opening-hours-close-before-open", "office.yml", office('close: "13:00"', 'close: "08:00"'), 14,
            "Die Schließzeit 08:00 liegt nicht nach der Öffnungszeit 09:00"),

    # Dates.
    Mistake("impossible-iso-date", KURS_FILE, kurs("from: 2026-03-03", "from: 2026-02-31"), 12,
            "Das Datum „2026-02-31“ gibt es nicht", "Tag und Monat"),
    Mistake("impossible-german-date", KURS_FILE, kurs("from: 2026-03-03  ", "from: 31.02.2026  "), 12,
            "Das Datum „31.02.2026“ gibt es nicht", "Tag und Monat"),
    Mistake("schedule-until-before-from", KURS_FILE, kurs("until: 2026-07-14", "until: 2026-01-13"), 13,
            "„until“ (13.01.2026) liegt vor „from“ (03.03.2026)"),
    Mistake("closure-until-before-from", "office.yml", office("until: 2027-01-02", "until: 2026-12-01"), 17,
            "„until“ (01.12.2026) liegt vor „from“ (23.12.2026)", "Ende einer Schließung"),

    # Repetition rules.
    Mistake("monthly-typo", KURS_FILE, kurs("weekly: [di]", "monthly: frist di"), 9,
            "„frist di“ ist kein Monatstermin", ("first mo", "first, second, third, fourth, last")),
    Mistake("weekly-and-monthly", KURS_FILE, kurs("weekly: [di]        ", "weekly: [di]\n    monthly: first di"), 9,
            "genau eine Angabe, wann er sich wiederholt: „weekly“ oder „monthly“"),

    Mistake("weekly-without-day", KURS_FILE, kurs("weekly: [di]", "weekly: []  "), 9,
            "Bei „weekly“ fehlt der Wochentag", "weekly: [do]"),
    Mistake("every-out-of-range", KURS_FILE, kurs("weekly: [di]        ", "weekly: [di]\n    every: 10"), 10,
            "Der Wert 10 ist außerhalb des erlaubten Bereichs", "bis 8"),
    Mistake("every-as-word", KURS_FILE, kurs("weekly: [di]        ", "weekly: [di]\n    every: zwei"), 10,
            "„zwei“ ist kein Abstand in Wochen", "every: 2 weeks"),
    Mistake("school-holidays-ja", KURS_FILE, KURS + "    school_holidays: ja\n", 14,
            "Der Wert „ja“ ist hier nicht erlaubt", "pause, run"),
    Mistake("except-not-a-date", KURS_FILE, KURS + "    except: [Ostern]\n", 14,
            "„Ostern“ ist kein Datum", "JJJJ-MM-TT"),

    # Events.
    Mistake("event-end-before-start", FLOHMARKT_FILE, flohmarkt("end: 2026-07-04T14:00", "end: 2026-07-04T09:00"), 3,
            "Das Ende (04.07.2026 09:00) liegt nicht nach dem Beginn (04.07.2026 10:00)"),
    Mistake("event-start-without-time", FLOHMARKT_FILE, flohmarkt("start: 2026-07-04T10:00", "start: 2026-07-04      "),
            2, "Hier fehlt die Uhrzeit", "2026-07-04T14:00"),
    Mistake("event-impossible-date", FLOHMARKT_FILE, flohmarkt("start: 2026-07-04T10:00", "start: 2026-02-31T10:00"),
            2, "Das Datum „2026-02-31T10:00“ gibt es nicht"),
    Mistake("event-file-date-differs-from-start", FLOHMARKT_FILE,
            changed(without_line(FLOHMARKT, "end:"), "start: 2026-07-04T10:00", "start: 2026-07-05T10:00"), 2,
            "Das Datum im Dateinamen passt nicht zum Beginn (05.07.2026)", "2026-07-05-flohmarkt.yml"),
    Mistake("event-status-in-german", FLOHMARKT_FILE, flohmarkt("status: confirmed", "status: abgesagt "), 5,
            "Der Wert „abgesagt“ ist hier nicht erlaubt", "confirmed, cancelled, postponed"),

    # References to the vocabularies, to office.yml and between files.
    Mistake("unknown-category", KURS_FILE, kurs("category: lernen", "category: lerne "), 2,
            "Kategorie „lerne“ ist unbekannt", ("Meinten Sie „lernen“?", "mkdocs.yml")),
    Mistake("unknown-audience", KURS_FILE, kurs("audience: [eltern]", "audience: [senioren]"), 3,
            "Zielgruppe „senioren“ ist unbekannt", ("Bekannt sind: ", "eltern", "mkdocs.yml")),
    Mistake("unknown-location", KURS_FILE, kurs("location: gemeinschaftsraum", "location: turnhalle        "), 4,
            "Ort „turnhalle“ ist unbekannt", ("gemeinschaftsraum", "stadtteilbuero", "office.yml")),
    Mistake("location-display-name", KURS_FILE, kurs("location: gemeinschaftsraum", "location: Gemeinschaftsraum"), 4,
            "Ort „Gemeinschaftsraum“ ist unbekannt", "Meinten Sie „gemeinschaftsraum“?"),
    Mistake("unknown-contact", KURS_FILE, kurs("contact: quartier", "contact: quatier "), 5,
            "Kontakt „quatier“ ist unbekannt", ("Meinten Sie „quartier“?", "office.yml")),
    Mistake("unknown-partner", KURS_FILE, kurs("partners: [grundschule]", "partners: [grundschul] "), 6,
            "Partner „grundschul“ ist unbekannt", ("Meinten Sie „grundschule“?", "partners/")),
    Mistake("unknown-language-code", KURS_FILE, kurs("languages_spoken: [de, ar]", "languages_spoken: [de, arabisch]"),
            7, "Der Sprachcode „arabisch“ ist unbekannt", ("ISO 639-1", "ar (Arabisch)")),
    Mistake("unknown-partner-parent", JUGENDAMT_FILE, jugendamt("parent: stadt-bottrop", "parent: stadt-botrop "), 4,
            "Partner „stadt-botrop“ ist unbekannt", "Meinten Sie „stadt-bottrop“?"),
    Mistake("partner-parent-is-itself", JUGENDAMT_FILE, jugendamt("parent: stadt-bottrop", "parent: jugendamt    "), 4,
            "Ein Partner kann nicht sein eigener „parent“ sein", "übergeordnete Stelle"),
    Mistake("unknown-partner-kind", JUGENDAMT_FILE, jugendamt("kind: stadt", "kind: amt  "), 2,
            "Art „amt“ ist unbekannt", ("stadt", "schule", "mkdocs.yml unter „partner_kinds“")),
    Mistake("unknown-partner-topic", JUGENDAMT_FILE, jugendamt("topics: [familie, schutz]", "topics: [familie, kita]  "),
            3, "Thema „kita“ ist unbekannt", "mkdocs.yml unter „topics“"),

    # Images, e-mail and web addresses.
    Mistake("image-without-alt", KURS_FILE, KURS + "image: media/deutschkurs.jpg\n", 14,
            "Zum Bild fehlt „image_alt“", "was auf dem Bild zu sehen ist"),
    Mistake("invalid-email", JUGENDAMT_FILE, jugendamt("email: jugendamt@example.org", "email: jugendamt(at)example.org"),
            6, "„jugendamt(at)example.org“ ist keine E-Mail-Adresse", "info@example.org"),
    Mistake("invalid-email-in-office-contact", "office.yml",
            office("email: quartier@example.org", "email: quartier.example.org"), 29,
            "„quartier.example.org“ ist keine E-Mail-Adresse"),
    Mistake("invalid-url", JUGENDAMT_FILE, jugendamt("url: https://www.bottrop.de/", "url: www.bottrop.de        "), 5,
            "„www.bottrop.de“ ist keine Web-Adresse", "https://"),

    # Same field twice: YAML would silently keep the second one.
    Mistake("duplicate-key", KURS_FILE, KURS + "category: beratung\n", 14,
            "Das Feld „category“ steht zweimal in dieser Gruppe (zuerst in Zeile 2)", "Löschen Sie eine"),

    # YAML syntax: what staff type in an editor that is not YAML-aware.
    Mistake("tab-indentation", KURS_FILE, kurs("  - weekly", "\t- weekly"), 9,
            "mit einem Tabulator eingerückt", "Leerzeichen", column=1),
    Mistake("tab-after-spaces", KURS_FILE, kurs("    start:", "  \tstart:"), 10,
            "mit einem Tabulator eingerückt", "Leerzeichen", column=3),
    Mistake("broken-indentation", KURS_FILE, kurs("    end:", "   end:"), 11,
            "Die Einrückung dieser Zeile passt nicht", "derselben Spalte"),
    Mistake("colon-in-unquoted-text", KURS_FILE, KURS + "summary: Zeit: 15 Uhr\n", 14,
            "Doppelpunkt, der nicht passt", "Anführungszeichen"),
    Mistake("unclosed-bracket", KURS_FILE, kurs("audience: [eltern]", "audience: [eltern "), 3,
            "Eine Liste in eckigen Klammern ist nicht richtig geschlossen", "[mo, di, do]"),
    Mistake("unclosed-brace", KURS_FILE, kurs("title: Deutschkurs", "title: {de: Deutschkurs"), 1,
            "Eine Gruppe in geschweiften Klammern ist nicht richtig geschlossen", "{de: Text, en: Text}"),
    Mistake("unclosed-quote-at-end", KURS_FILE, KURS + 'summary: "Kurs für Eltern\n', 14,
            "Ein Anführungszeichen oder eine Klammer wird nicht geschlossen",
            bug="Reported at „Zeile 15“, a line that does not exist in this 14-line file, instead of line 14 "
                "where the quote is opened."),
    # The usual case: more quoted values follow, so YAML pairs the open quote with the next one.
    Mistake("unclosed-quote-before-more-quotes", KURS_FILE, kurs('start: "10:00"', 'start: "10:00 '), 10,
            "Anführungszeichen",
            bug="Reported at line 11 as „Die Einrückung dieser Zeile passt nicht“: wrong line and wrong cause; "
                "the quote opened in line 10 is never closed."),
    Mistake("tab-after-colon", KURS_FILE, kurs("category: lernen", "category:\tlernen"), 2,
            "In dieser Zeile steht ein Tabulator", "Leerzeichen", column=10),
    Mistake("no-space-after-colon", KURS_FILE, kurs("category: lernen", "category:lernen "), 2,
            "Doppelpunkt",
            bug="`category:lernen` (no space after the colon, line 2) is reported at line 3, and the hint does "
                "not say that a space belongs after the colon."),
    Mistake("quotes-inside-quoted-text", KURS_FILE, KURS + 'summary: "Kurs "Deutsch" für Eltern"\n', 14,
            "Anführungszeichen",
            bug="Quotes inside a quoted text are reported as „Die Einrückung dieser Zeile passt nicht“; the "
                "indentation is fine, the inner quotes end the text early."),
    Mistake("at-sign-first", KURS_FILE, KURS + "summary: @stadtteil auf Instagram\n", 14,
            "Ein Wert beginnt mit „@“", "Anführungszeichen"),
    Mistake("backslash-in-quotes", KURS_FILE, KURS + 'summary: "Unterlagen in C:\\Kurs"\n', 14,
            "Rückstrich", "einfache Anführungszeichen"),
    Mistake("exclamation-mark-unquoted", KURS_FILE, kurs("title: Deutschkurs   ", "title: !Gemeinsam lernen"), 1,
            "Die Angabe „!Gemeinsam“ ist in diesen Dateien nicht erlaubt", 'title: "!Gemeinsam in Batenbrock"'),

    # Files that are not a set of fields.
    Mistake("empty-file", KURS_FILE, "", 1, "Die Datei ist leer", "README"),
    Mistake("only-comments", KURS_FILE, "# Deutschkurs\n# kommt noch\n", 1, "Die Datei ist leer"),
    Mistake("list-instead-of-fields", KURS_FILE, "- title: Deutschkurs\n  category: lernen\n", 1,
            "Zeilen der Form „feld: wert“"),
    Mistake("single-text-instead-of-fields", KURS_FILE, "Deutschkurs am Dienstag\n", 1,
            "Zeilen der Form „feld: wert“"),
    # The first line with a non-UTF-8 byte is the one staff must look at (here "ü" in line 3).
    Mistake("not-utf-8", KURS_FILE, "title: Deutschkurs\ncategory: lernen\nsummary: Kurs für Eltern\n".encode("latin-1"),
            3, "nicht in UTF-8 gespeichert", "UTF-8"),
]


def _param(case: Mistake):
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in MISTAKES])
def test_staff_mistake(project, case: Mistake):
    error = only(broken(project, case.file, case.text))
    assert_error(error, case.file, case.line, case.message, case.hint, case.column, case.field)


def _parsed(text: str, fast: bool):
    from stadtteil.yamlsource import parse_text
    doc, errors = parse_text("datei.yml", text, fast=fast)
    return ((doc.data, doc.positions, doc.key_positions, doc.failed) if doc else None,
            [(e.file, e.line, e.column, e.message, e.hint) for e in errors])


def test_libyaml_reads_every_file_and_mistake_like_the_python_loader():
    """The fast loader (libyaml) must give the same values, positions and messages as the pure-Python
    one: on every YAML file of the repository and on every staff mistake above."""
    import yaml
    assert hasattr(yaml, "CSafeLoader"), "PyYAML ohne libyaml: der schnelle Weg wird nie benutzt"
    repo = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted(repo.glob("**/*.yml"))
             if not {".venv", "node_modules", "site"} & set(p.relative_to(repo).parts)]
    texts += [case.text for case in MISTAKES if isinstance(case.text, str)]
    assert len(texts) > 60
    for text in texts:
        assert _parsed(text, fast=True) == _parsed(text, fast=False), text[:200]


def test_mistake_ids_are_unique_and_many():
    ids = [case.id for case in MISTAKES]
    assert len(ids) == len(set(ids))
    assert len([case for case in MISTAKES if not case.bug]) >= 30


# --- mistakes in file names and files -----------------------------------------------------------

@pytest.mark.parametrize("name, suggestion", [
    pytest.param("offers/nähtreff-2.yml", "naehtreff-2.yml", id="umlaut"),
    pytest.param("offers/Lernhilfe.yml", "lernhilfe.yml", id="uppercase"),
    pytest.param("offers/mein angebot.yml", "mein-angebot.yml", id="space"),
    pytest.param("offers/Müttercafé.yml", "muettercafe.yml", id="accent"),
])
def test_file_name_unfit_for_an_address(project, name, suggestion):
    error = only(broken(project, name, KURS))
    assert_error(error, name, None, ("Dateiname", "Kleinbuchstaben", "Umlaute", "Leerzeichen"),
                 f"„{suggestion}“")


def test_event_file_name_without_date(project):
    error = only(broken(project, "events/flohmarkt.yml", FLOHMARKT))
    assert_error(error, "events/flohmarkt.yml", None, "beginnt mit ihrem Datum (JJJJ-MM-TT)",
                 "„2026-07-04-flohmarkt.yml“")


def test_same_id_as_yml_and_yaml(project):
    # naehtreff.yml exists; a copy saved as .yaml would be a second page at the same address.
    errors = broken(project, "offers/naehtreff.yaml", NAEHTREFF)
    error = only(errors)
    assert "Die Kennung „naehtreff“ gibt es schon" in error.message
    # Staff must learn which two files clash, whichever of them is reported.
    assert {error.file, error.message.split("(Datei ")[1].rstrip(").")} == {
        "offers/naehtreff.yml", "offers/naehtreff.yaml"}
    assert "benennen Sie eine der Dateien um" in error.hint


def test_office_file_missing(project):
    (project / "office.yml").unlink()
    errors = load_errors(project)
    # Only the office.yml message is asserted: offers referring to its locations are also reported,
    # the same follow-up problem as in test_broken_office_file_causes_no_follow_up_errors.
    office_errors = [e for e in errors if e.file == "office.yml"]
    assert_error(only(office_errors), "office.yml", None, "Die Datei mit den Angaben zum Stadtteilbüro fehlt",
                 "„office.yml“ im Hauptordner")


def test_python_tag_is_rejected_and_never_executed(project, tmp_path):
    # A YAML tag that constructs Python objects would run a command while loading. It must be
    # refused before anything is built; the marker proves the command never ran.
    marker = tmp_path / "ausgefuehrt"
    text = f'title: !!python/object/apply:os.system ["echo hi > {marker}"]\ncategory: lernen\nschedule_note: x\n'
    error = only(broken(project, KURS_FILE, text))
    assert_error(error, KURS_FILE, 1, "ist in diesen Dateien nicht erlaubt", "Anführungszeichen")
    assert not marker.exists()


def test_python_tag_for_a_whole_file_is_rejected(project, tmp_path):
    marker = tmp_path / "ausgefuehrt"
    text = f'!!python/object/apply:os.system ["echo hi > {marker}"]\n'
    errors = broken(project, KURS_FILE, text)
    # Two messages at line 1 are acceptable here (the tag, and that the file has no fields): no
    # staff member writes this; what matters is that it is refused and nothing runs.
    assert {e.line for e in errors} == {1}
    assert any("nicht erlaubt" in e.message for e in errors)
    assert not marker.exists()


# --- one mistake must not cause errors elsewhere ------------------------------------------------

@pytest.mark.xfail(strict=True, reason="A syntax mistake in office.yml makes every location and contact of every "
                                       "offer „unbekannt“ (follow-up errors in other files).")
def test_broken_office_file_causes_no_follow_up_errors(project):
    write(project, KURS_FILE, KURS)  # refers to location gemeinschaftsraum and contact quartier
    error = only(broken(project, "office.yml", office("  gemeinschaftsraum:", "\tgemeinschaftsraum:")))
    assert_error(error, "office.yml", 21, "Tabulator")


@pytest.mark.xfail(strict=True, reason="A syntax mistake in a partner file makes every reference to that partner "
                                       "„unbekannt“ (follow-up errors in other files).")
def test_broken_partner_file_causes_no_follow_up_errors(project):
    # naehtreff refers to grundschule as a partner.
    error = only(broken(project, "partners/grundschule.yml", "name: Grundschule\nkind: schule\ntopics: [bildung\n"))
    assert_error(error, "partners/grundschule.yml", 3, "eckigen Klammern")


# --- messages that point staff the wrong way ----------------------------------------------------

@pytest.mark.xfail(strict=True, reason="`start: 10.30` unquoted is read as the number 10.3: the message says "
                                       "„10.3“ ist keine Uhrzeit, though staff wrote 10.30 and \"10.30\" is accepted.")
def test_time_with_a_dot_is_understood_or_quoted_as_written(project):
    # 10.30 is how many Germans write a time; quoted it is accepted. Unquoted it must either be
    # accepted too, or the message must at least show what staff wrote.
    write(project, KURS_FILE, kurs('start: "10:00"', "start: 10.30  "))
    try:
        start = load_project(project).offers["deutschkurs"].schedule[0].start
    except DataErrors as exc:
        error = only(exc.errors)
        assert_error(error, KURS_FILE, 10, "„10.30“")
    else:
        assert start == dt.time(10, 30)


@pytest.mark.xfail(strict=True, reason="`start: 04.07.2026 10:00` is rejected („ist kein Zeitpunkt“) although "
                                       "German dates are accepted everywhere else (from: 04.07.2026).")
def test_event_start_in_german_notation_is_accepted(project):
    write(project, FLOHMARKT_FILE, flohmarkt("start: 2026-07-04T10:00", "start: 04.07.2026 10:00"))
    assert load_project(project).events["2026-07-04-flohmarkt"].start == dt.datetime(2026, 7, 4, 10, 0)


@pytest.mark.xfail(strict=True, reason="For `schedule: jeden Dienstag` the hint shows a list of weekdays "
                                       "„[mo, mi]“; written that way, schedule is wrong again.")
def test_schedule_as_text_explains_how_a_schedule_is_written(project):
    error = only(broken(project, KURS_FILE, KURS.split("schedule:")[0] + "schedule: jeden Dienstag\n"))
    assert_error(error, KURS_FILE, 8, "Liste")
    assert "[mo, mi]" not in error.hint
    assert "weekly" in error.hint and "start" in error.hint


@pytest.mark.xfail(strict=True, reason="The hint for an event start reads „JJJJ-MM-TTTSS:MM“: the T between "
                                       "date and time merges with TT and SS into one puzzle.")
def test_event_start_hint_is_readable(project):
    error = only(broken(project, FLOHMARKT_FILE, flohmarkt("start: 2026-07-04T10:00", "start: morgen um 10      ")))
    assert_error(error, FLOHMARKT_FILE, 2, "„morgen um 10“ ist kein Zeitpunkt", "2026-06-20T14:00")
    assert "TTTSS" not in error.hint


# --- all mistakes at once, in order, readable -------------------------------------------------

def break_several_files(root: Path) -> None:
    """Seven mistakes in four files, of every kind: syntax, encoding, fields, values, references."""
    write(root, KURS_FILE, kurs("weekly: [di]", "weekly: [dienstag]")      # line 9
          .replace("title:", "titel:")                                     # line 1
          .replace('end: "11:30"', 'end: "25:00"'))                        # line 11
    write(root, "offers/leer.yml", "")                                     # line 1
    write(root, JUGENDAMT_FILE, jugendamt("kind: stadt", "kind: amt  ")    # line 2
          .replace("url: https://www.bottrop.de/", "url: www.bottrop.de"))  # line 5
    write(root, "events/2026-07-04-flohmarkt.yml",
          "title: Flohmarkt\nsummary: Kaffee für alle\n".encode("latin-1"))  # line 2


def test_all_mistakes_in_all_files_are_reported_in_one_run(project):
    break_several_files(project)
    errors = load_errors(project)
    assert [(e.file, e.line) for e in errors] == [
        ("events/2026-07-04-flohmarkt.yml", 2),
        (KURS_FILE, 1), (KURS_FILE, 9), (KURS_FILE, 11),
        ("offers/leer.yml", 1),
        (JUGENDAMT_FILE, 2), (JUGENDAMT_FILE, 5),
    ]


def test_errors_are_sorted_by_file_and_line(project):
    break_several_files(project)
    errors = load_errors(project)
    assert errors == sorted(errors, key=lambda e: (e.file, e.line or 0, e.column or 0))


def test_report_is_plain_german_without_python(project):
    break_several_files(project)
    with pytest.raises(DataErrors) as caught:
        load_project(project)
    report = caught.value.report()
    assert report.startswith("Die Daten enthalten 7 Fehler:")
    assert str(caught.value) == report  # what a crashing build would print is the same report
    for fragment in ("Traceback", "ValidationError", "DataError", "pydantic", "stadtteil.", "Input should",
                     "yaml", "Exception", "None"):
        assert fragment not in report
    # One line per mistake, each naming file and line, and a closing word on what happens now.
    lines = report.splitlines()
    assert len(lines) == 1 + 7 + 1
    assert all(line.startswith("  • ") and ", Zeile " in line for line in lines[1:-1])
    assert lines[-1].startswith("Die Website wurde nicht gebaut")


def test_report_for_a_single_mistake_says_1_fehler(project):
    broken(project, KURS_FILE, kurs("weekly: [di]", "weekly: [dienstag]"))
    with pytest.raises(DataErrors) as caught:
        load_project(project)
    assert caught.value.report().startswith("Die Daten enthalten 1 Fehler:")
