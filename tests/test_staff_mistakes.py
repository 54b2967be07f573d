"""Staff mistakes: each one gets a German message with the file, the right line and a way to fix it.

Every case breaks one file of an otherwise valid project and asserts the exact line and the words
staff read. The last tests check that all mistakes of a run are reported together.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from stadtteil.errors import DataError, DataErrors
from stadtteil.loader import load_project

OFFICE = """\
name: Stadtteilbüro Batenbrock
project: "!Gemeinsam in Batenbrock"
carrier: Arbeitsgemeinschaft soziale Brennpunkte Bottrop e.V.
address: {street: Horster Straße 228, postcode: "46236", city: Bottrop}
opening_hours:
  - days: [mo, di]
    open: "09:00"
    close: "13:00"
closures:
  - from: 2026-12-23
    until: 2027-01-02
    reason: Weihnachtspause
  - public_holidays: NW
locations:
  vorplatz: {name: Vorplatz}
contacts:
  quartier: {name: Quartierskümmerer, email: buero@example.org}
"""

NAEHTREFF = """\
title: {de: Nähtreff, en: Sewing club}
summary: Gemeinsam nähen.
category: begegnung
audience: [frauen, eltern]
languages_spoken: [de, tr]
registration: false
location: vorplatz
contact: quartier
partners: [schule]
schedule:
  - weekly: [do]
    start: 15:00
    end: "17:00"
    from: 2026-01-08
    except: [2026-05-14]
"""

PARTNERS = {
    "stadt": "name: Stadt Bottrop\nkind: stadt\ntopics: [familie]\n",
    "schule": "name: Grundschule\nkind: schule\ntopics: [schule]\nparent: stadt\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return valid_project(tmp_path)


def valid_project(tmp_path: Path) -> Path:
    """The fixture's project in ``tmp_path`` (also for tests/guide_table.py, outside pytest)."""
    for folder in ("offers", "events", "partners"):
        (tmp_path / folder).mkdir()
    (tmp_path / "office.yml").write_text(OFFICE, encoding="utf-8")
    (tmp_path / "offers" / "naehtreff.yml").write_text(NAEHTREFF, encoding="utf-8")
    (tmp_path / "events" / "2026-12-05-flohmarkt.yml").write_text(
        "title: Flohmarkt\nstart: 2026-12-05T10:00\nend: 2026-12-05T13:00\nlocation: vorplatz\n", encoding="utf-8")
    for name, text in PARTNERS.items():
        (tmp_path / "partners" / f"{name}.yml").write_text(text, encoding="utf-8")
    return tmp_path


def errors_for(project: Path, name: str, text: str | bytes) -> list[DataError]:
    path = project / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_project(project)
    return caught.value.errors


def only(errors: list[DataError]) -> DataError:
    assert len(errors) == 1, "\n".join(e.format() for e in errors)
    return errors[0]


def test_valid_project_loads_with_plain_yaml_values(project):
    loaded = load_project(project)
    offer = loaded.offers["naehtreff"]
    assert offer.schedule[0].start.hour == 15 and offer.schedule[0].start.minute == 0  # not 900 (YAML 1.1)
    assert offer.title == {"de": "Nähtreff", "en": "Sewing club"}
    assert loaded.office.project == "!Gemeinsam in Batenbrock"
    assert loaded.partners["schule"].parent == "stadt"


OFFER = "offers/naehtreff.yml"

# (id, file, text, line, words in the message, words in the hint)
CASES = [
    ("weekday-long-name", OFFER, NAEHTREFF.replace("weekly: [do]", "weekly: [dienstag]"), 11,
     "Wochentag „dienstag“ ist unbekannt", "„di“"),
    ("weekday-unknown", OFFER, NAEHTREFF.replace("weekly: [do]", "weekly: [dn]"), 11,
     "Wochentag „dn“ ist unbekannt", "Erlaubt sind: mo, di, mi, do, fr, sa, so"),
    ("field-typo-titel", OFFER, NAEHTREFF.replace("title:", "titel:"), 1,
     "Das Feld „titel“ gibt es nicht", "Meinten Sie „title“?"),
    ("field-german-beschreibung", OFFER, NAEHTREFF + "beschreibung: Text\n", 16,
     "Das Feld „beschreibung“ gibt es nicht", "Meinten Sie „description“?"),
    ("field-typo-in-rule", OFFER, NAEHTREFF.replace("    start: 15:00", "    begin: 15:00"), 12,
     "Das Feld „begin“ gibt es nicht", "Meinten Sie „start“?"),
    ("schedule-as-text", OFFER, NAEHTREFF.split("schedule:")[0] + "schedule: jeden Donnerstag\n", 10,
     "Hier wird eine Liste erwartet", "„- weekly: [do]“"),
    ("registration-not-bool", OFFER, NAEHTREFF.replace("registration: false", "registration: [ja]"), 6,
     "Hier wird ein Text erwartet", ""),
    ("missing-german", OFFER, NAEHTREFF.replace("{de: Nähtreff, en: Sewing club}", "{en: Sewing club}"), 1,
     "Der deutsche Text fehlt", "de: Nähtreff"),
    ("unknown-language", OFFER, NAEHTREFF.replace("en: Sewing club", "eng: Sewing club"), 1,
     "Die Sprache „eng“ ist unbekannt", "Meinten Sie „en“?"),
    ("missing-title", OFFER, NAEHTREFF.replace("title: {de: Nähtreff, en: Sewing club}\n", ""), 1,
     "Das Pflichtfeld „title“ fehlt", "title: …"),
    ("missing-rule-start", OFFER, NAEHTREFF.replace("    start: 15:00\n", ""), 11,
     "Das Pflichtfeld „start“ fehlt", ""),
    ("time-25", OFFER, NAEHTREFF.replace('end: "17:00"', 'end: "25:00"'), 13,
     "Die Uhrzeit „25:00“ gibt es nicht", "00:00 bis 23:59"),
    ("time-not-a-time", OFFER, NAEHTREFF.replace('end: "17:00"', 'end: "17 Uhr 30"'), 13,
     "ist keine Uhrzeit", "\"15:00\""),
    ("end-before-start", OFFER, NAEHTREFF.replace('end: "17:00"', 'end: "14:00"'), 13,
     "Das Ende (14:00) liegt nicht nach dem Beginn (15:00)", ""),
    ("impossible-iso-date", OFFER, NAEHTREFF.replace("from: 2026-01-08", "from: 2026-02-31"), 14,
     "Das Datum „2026-02-31“ gibt es nicht", ""),
    ("impossible-german-date", OFFER, NAEHTREFF.replace("from: 2026-01-08", "from: 31.02.2026"), 14,
     "Das Datum „31.02.2026“ gibt es nicht", "Tag und Monat"),
    ("until-before-from", OFFER, NAEHTREFF.replace("    except:", "    until: 2025-12-01\n    except:"), 15,
     "„until“ (01.12.2025) liegt vor „from“ (08.01.2026)", ""),
    ("weekly-and-monthly", OFFER, NAEHTREFF.replace("weekly: [do]", "weekly: [do]\n    monthly: first mo"), 11,
     "genau eine Angabe", "weekly"),
    ("monthly-typo", OFFER, NAEHTREFF.replace("weekly: [do]", "monthly: frist mo"), 11,
     "„frist mo“ ist kein Monatstermin", "first"),
    ("except-not-a-session", OFFER, NAEHTREFF.replace("except: [2026-05-14]", "except: [2026-05-13]"), None,
     "", ""),  # checked against the calendar at build time, see test_except_date_on_a_wrong_weekday
    ("unknown-category", OFFER, NAEHTREFF.replace("category: begegnung", "category: begegnug"), 3,
     "Kategorie „begegnug“ ist unbekannt", "Meinten Sie „begegnung“?"),
    ("unknown-audience", OFFER, NAEHTREFF.replace("[frauen, eltern]", "[frauen, eltrn]"), 4,
     "Zielgruppe „eltrn“ ist unbekannt", "Meinten Sie „eltern“?"),
    ("unknown-location", OFFER, NAEHTREFF.replace("location: vorplatz", "location: vorplatzz"), 7,
     "Ort „vorplatzz“ ist unbekannt", "Meinten Sie „vorplatz“?"),
    ("unknown-contact", OFFER, NAEHTREFF.replace("contact: quartier", "contact: quatier"), 8,
     "Kontakt „quatier“ ist unbekannt", "office.yml"),
    ("unknown-partner", OFFER, NAEHTREFF.replace("partners: [schule]", "partners: [schulle]"), 9,
     "Partner „schulle“ ist unbekannt", "Meinten Sie „schule“?"),
    ("unknown-language-code", OFFER, NAEHTREFF.replace("[de, tr]", "[de, türkisch]"), 5,
     "Der Sprachcode „türkisch“ ist unbekannt", "ISO 639-1"),
    ("image-without-alt", OFFER, NAEHTREFF + "image: media/naehtreff.jpg\n", 16,
     "„image_alt“", "Beschreiben Sie"),
    ("duplicate-key", OFFER, NAEHTREFF + "category: lernen\n", 16,
     "Das Feld „category“ steht zweimal in dieser Gruppe (zuerst in Zeile 3)", "Löschen Sie"),
    ("tab-indentation", OFFER, NAEHTREFF.replace("  - weekly: [do]", "\t- weekly: [do]"), 11,
     "mit einem Tabulator eingerückt", "Leerzeichen"),
    ("broken-indentation", OFFER, NAEHTREFF.replace("    end: \"17:00\"", "      end: \"17:00\""), 13,
     "Hier steht ein Doppelpunkt, der nicht passt", "eingerückt"),
    ("colon-in-text", OFFER, NAEHTREFF.replace("summary: Gemeinsam nähen.", "summary: Treff: jeden Donnerstag: 15 Uhr"), 2,
     "Hier steht ein Doppelpunkt, der nicht passt", "Anführungszeichen"),
    ("unclosed-bracket", OFFER, NAEHTREFF.replace("audience: [frauen, eltern]", "audience: [frauen, eltern"), 4,
     "Eine Liste in eckigen Klammern ist nicht richtig geschlossen", "[mo, di, do]"),
    ("unclosed-brace", OFFER, NAEHTREFF.replace("{de: Nähtreff, en: Sewing club}", "{de: Nähtreff, en: Sewing club"), 1,
     "Eine Gruppe in geschweiften Klammern ist nicht richtig geschlossen", "{de: Text, en: Text}"),
    # Reported where the quote is opened (YAML notices the end of the file only after the last line).
    ("unclosed-quote", OFFER, NAEHTREFF.replace('end: "17:00"', 'end: "17:00'), 13,
     "Ein Anführungszeichen oder eine Klammer wird nicht geschlossen", ""),
    ("exclamation-mark", OFFER, NAEHTREFF.replace("summary: Gemeinsam nähen.", "summary: !Gemeinsam nähen"), 2,
     "Die Angabe „!Gemeinsam“ ist in diesen Dateien nicht erlaubt", "Anführungszeichen"),
    ("empty-file", OFFER, "", 1, "Die Datei ist leer", ""),
    ("only-comments", OFFER, "# nur ein Kommentar\n# noch einer\n", 1, "Die Datei ist leer", ""),
    ("list-instead-of-mapping", OFFER, "- title: Nähtreff\n", 1, "Zeilen der Form „feld: wert“", ""),
    ("not-utf8", OFFER, "title: Nähtreff\ncategory: begegnung\nsummary: Kaffee für alle\n".encode("cp1252"), 1,
     "nicht in UTF-8 gespeichert", "UTF-8"),
    ("not-utf8-later-line", OFFER, "title: Treff\ncategory: begegnung\nsummary: Kaffee für alle\n".encode("cp1252"), 3,
     "nicht in UTF-8 gespeichert", ""),
    ("event-end-before-start", "events/2026-12-05-flohmarkt.yml",
     "title: Flohmarkt\nstart: 2026-12-05T10:00\nend: 2026-12-05T09:00\n", 3,
     "Das Ende (05.12.2026 09:00) liegt nicht nach dem Beginn (05.12.2026 10:00)", ""),
    ("event-missing-start", "events/2026-12-05-flohmarkt.yml", "title: Flohmarkt\n", 1,
     "Das Pflichtfeld „start“ fehlt", ""),
    ("event-status-german", "events/2026-12-05-flohmarkt.yml",
     "title: Flohmarkt\nstart: 2026-12-05T10:00\nstatus: abgesagt\n", 3,
     "Der Wert „abgesagt“ ist hier nicht erlaubt", "cancelled"),
    ("event-date-only", "events/2026-12-05-flohmarkt.yml", "title: Flohmarkt\nstart: 2026-12-05\n", 2,
     "Hier fehlt die Uhrzeit", "2026-12-05T14:00"),
    ("event-name-date-mismatch", "events/2026-12-05-flohmarkt.yml",
     "title: Flohmarkt\nstart: 2026-12-06T10:00\n", 2, "Das Datum im Dateinamen passt nicht zum Beginn (06.12.2026)",
     "2026-12-06-flohmarkt.yml"),
    ("partner-parent-unknown", "partners/schule.yml", PARTNERS["schule"].replace("parent: stadt", "parent: stat"), 4,
     "Partner „stat“ ist unbekannt", "Meinten Sie „stadt“?"),
    ("partner-parent-self", "partners/schule.yml", PARTNERS["schule"].replace("parent: stadt", "parent: schule"), 4,
     "nicht sein eigener „parent“", ""),
    ("partner-kind-unknown", "partners/stadt.yml", PARTNERS["stadt"].replace("kind: stadt", "kind: amt"), 2,
     "Art „amt“ ist unbekannt", "partner_kinds"),
    ("partner-topic-unknown", "partners/stadt.yml", PARTNERS["stadt"].replace("[familie]", "[famillie]"), 3,
     "Thema „famillie“ ist unbekannt", "Meinten Sie „familie“?"),
    ("partner-bad-url", "partners/stadt.yml", PARTNERS["stadt"] + "url: www.bottrop.de\n", 4,
     "„www.bottrop.de“ ist keine Web-Adresse", "https://"),
    ("office-bad-email", "office.yml", OFFICE.replace("buero@example.org", "buero(at)example.org"), 17,
     "„buero(at)example.org“ ist keine E-Mail-Adresse", ""),
    ("office-closure-until-before-from", "office.yml", OFFICE.replace("until: 2027-01-02", "until: 2026-12-01"), 11,
     "„until“ (01.12.2026) liegt vor „from“ (23.12.2026)", ""),
    ("office-opening-close-before-open", "office.yml", OFFICE.replace('close: "13:00"', 'close: "08:00"'), 8,
     "Die Schließzeit 08:00 liegt nicht nach der Öffnungszeit 09:00", ""),
    ("office-location-id-umlaut", "office.yml", OFFICE.replace("vorplatz: {name: Vorplatz}", "vorplätz: {name: Vorplatz}"), 15,
     "Die Kennung „vorplätz“ ist nicht geeignet", "vorplaetz"),
]


@pytest.mark.parametrize("name, text, line, message, hint",
                         [c[1:] for c in CASES if c[3] is not None], ids=[c[0] for c in CASES if c[3] is not None])
def test_staff_mistake(project, name, text, line, message, hint):
    error = only([e for e in errors_for(project, name, text) if e.file == name])
    assert error.line == line, error.format()
    assert message in error.message, error.format()
    assert hint in error.hint, error.format()
    formatted = error.format()
    assert formatted.startswith(f"{name}, Zeile {line}")
    for english in ("Input should", "Field required", "Extra inputs", "validation error", "Value error"):
        assert english not in formatted


def test_there_are_at_least_25_distinct_mistakes():
    assert len({c[0] for c in CASES if c[3] is not None}) >= 25


def test_forbidden_python_tag_is_rejected_and_never_executed(project, tmp_path):
    marker = tmp_path / "executed"
    text = f'title: !!python/object/apply:os.system ["touch {marker}"]\ncategory: begegnung\nschedule_note: x\n'
    error = only(errors_for(project, OFFER, text))
    assert error.line == 1 and "nicht erlaubt" in error.message
    assert not marker.exists()


def test_missing_office_file(project):
    (project / "office.yml").unlink()
    with pytest.raises(DataErrors) as caught:
        load_project(project)
    assert "Die Datei mit den Angaben zum Stadtteilbüro fehlt" in caught.value.report()


@pytest.mark.parametrize("filename, hint", [
    ("Nähtreff.yml", "naehtreff.yml"), ("Mein Angebot.yml", "mein-angebot.yml"), ("index.yml", "anderen Namen")])
def test_file_names_that_cannot_be_addresses(project, filename, hint):
    error = only(errors_for(project, f"offers/{filename}", NAEHTREFF))
    assert error.file == f"offers/{filename}" and hint in error.hint


def test_duplicate_id_yml_and_yaml(project):
    error = only(errors_for(project, "offers/naehtreff.yaml", NAEHTREFF))
    assert "Die Kennung „naehtreff“ gibt es schon" in error.message


def test_event_file_without_date(project):
    error = only(errors_for(project, "events/flohmarkt.yml", "title: Flohmarkt\nstart: 2026-12-05T10:00\n"))
    assert "beginnt mit ihrem Datum" in error.message and "2026-12-05-flohmarkt.yml" in error.hint


def test_german_dates_and_single_values_are_understood(project):
    (project / "offers" / "naehtreff.yml").write_text(
        NAEHTREFF.replace("from: 2026-01-08", "from: 08.01.2026").replace("[frauen, eltern]", "frauen"))
    offer = load_project(project).offers["naehtreff"]
    assert str(offer.schedule[0].from_) == "2026-01-08" and offer.audience == ["frauen"]


def test_all_mistakes_of_all_files_are_reported_at_once(project):
    (project / "offers" / "naehtreff.yml").write_text(
        NAEHTREFF.replace("weekly: [do]", "weekly: [dienstag]").replace("category: begegnung", "category: x")
        .replace('end: "17:00"', 'end: "25:00"'))
    (project / "partners" / "stadt.yml").write_text("name: Stadt\nkind: amt\nfarbe: blau\n")
    (project / "offers" / "leer.yml").write_text("")
    with pytest.raises(DataErrors) as caught:
        load_project(project)
    errors = caught.value.errors
    assert [(e.file, e.line) for e in errors] == [
        ("offers/leer.yml", 1), ("offers/naehtreff.yml", 3), ("offers/naehtreff.yml", 11),
        ("offers/naehtreff.yml", 13), ("partners/stadt.yml", 2), ("partners/stadt.yml", 3)]
    report = caught.value.report()
    assert report.startswith("Die Daten enthalten 6 Fehler:")
    for forbidden in ("Traceback", "ValidationError", "pydantic", "Input should"):
        assert forbidden not in report


def test_except_date_on_a_wrong_weekday(project):
    import datetime as dt

    from stadtteil.loader import check_calendar
    (project / "offers" / "naehtreff.yml").write_text(NAEHTREFF.replace("[2026-05-14]", "[2026-05-13]"))
    loaded = load_project(project)
    with pytest.raises(DataErrors) as caught:
        check_calendar(loaded, dt.date(2026, 4, 1))
    error = only(caught.value.errors)
    assert (error.file, error.line) == ("offers/naehtreff.yml", 15)
    assert "Mittwoch, 13. Mai 2026 findet das Angebot laut Plan gar nicht statt" in error.message
    assert "Donnerstag, 14. Mai 2026" in error.hint
