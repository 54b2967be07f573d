"""Participant numbers (optional): ``teilnahme/<Jahr>.yml``, per offer and date, numbers only.

Never names or anything else about a person: the file holds counts, and a text where a count belongs
is refused (with the reason). Validated like every data file: pydantic, German messages with file and
line, every mistake at once; then against the schedule: an offer that does not exist, a date on which
the offer did not take place (none planned, or cancelled), a date after the report's day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BeforeValidator, RootModel, ValidationError

from ..errors import DataError, ErrorCollector
from ..formatting import long_date
from ..loader import Project
from ..models import _date, _fail
from ..calendars.schedule import Session
from ..suggest import closest
from ..validation_messages import translate
from ..inputs import outside_links
from ..yamlsource import load_file
from .dates import CAUSE_NAMES, MONTHS, Year, status
from .tables import Table

FOLDER = "teilnahme"
MAX_COUNT = 500    # far above any group in the office's rooms: more is a slip (an extra digit, a year)


def _count(value: Any) -> int:
    if isinstance(value, bool) or value is None or isinstance(value, str) and not value.strip():
        raise _fail("Hier fehlt die Zahl der Teilnehmenden.", "Schreiben Sie hinter das Datum eine Zahl, zum Beispiel  "
                                                               "2026-03-05: 8")
    if isinstance(value, str):
        raise _fail(f"„{value}“ ist keine Zahl.",
                    "Tragen Sie nur die Anzahl der Teilnehmenden ein, zum Beispiel 8 – niemals Namen oder andere "
                    "Angaben zu Personen.")
    if not isinstance(value, int):
        raise _fail("Hier wird eine Zahl erwartet, keine Liste oder Gruppe.",
                    "Tragen Sie nur die Anzahl ein, zum Beispiel  2026-03-05: 8 – niemals Namen.")
    if value < 0:
        raise _fail(f"Die Zahl {value} ist negativ.", "Es können 0 oder mehr Personen teilgenommen haben.")
    if value > MAX_COUNT:
        raise _fail(f"Die Zahl {value} ist unwahrscheinlich groß.",
                    f"Prüfen Sie die Zahl (höchstens {MAX_COUNT}).")
    return value


def _dates(value: Any) -> Any:
    if not isinstance(value, dict):
        raise _fail("Hier wird je Zeile ein Datum mit der Zahl der Teilnehmenden erwartet.",
                    "Zum Beispiel eingerückt unter dem Angebot:  2026-03-05: 8")
    return value


Count = Annotated[int, BeforeValidator(_count)]
Day = Annotated[dt.date, BeforeValidator(_date)]


class AttendanceFile(RootModel[dict[str, Annotated[dict[Day, Count], BeforeValidator(_dates)]]]):
    """teilnahme/<Jahr>.yml: Kennung des Angebots → Datum → Zahl der Teilnehmenden."""


def _file_error(file: str) -> DataError:
    return DataError(file, 1, None, "Die Datei muss aus Angeboten mit Datum und Zahl bestehen.",
                     "Zum Beispiel:  naehtreff:  und darunter eingerückt  2026-03-05: 8  (siehe docs/datenformat.md).")


def load(project: Project, year: Year, found: dict[str, list[Session]], root) -> tuple[dict[str, dict[dt.date, int]] | None, list[DataError]]:
    """The numbers of ``teilnahme/<year>.yml`` (None when there is no such file) and every mistake in it."""
    name = f"{FOLDER}/{year.year}.yml"
    path = root / FOLDER / f"{year.year}.yml"
    if not path.exists() and not path.is_symlink():
        return None, []
    if linked := outside_links(root, [FOLDER]):   # a linked folder is never read through (inputs.py)
        return None, linked
    errors = ErrorCollector()
    doc, problems = load_file(path, name)
    errors.extend(problems)
    if doc is None:
        return None, errors.errors
    if not isinstance(doc.data, dict):
        return None, [_file_error(name)]
    try:
        parsed = AttendanceFile.model_validate(doc.data).root
    except ValidationError as exc:
        # A date that is no date is a key: pydantic names its place „[key]“, which means nothing to staff.
        errors.extend(replace(e, field="") if e.field == "[key]" else e for e in translate(exc, doc, AttendanceFile))
        parsed = None
    # The checks against the schedule run on what could be read, so all mistakes come at once.
    for offer_id, days in doc.data.items():
        line, column = doc.key_line((offer_id,))
        if offer_id not in project.offers:
            guess = closest(str(offer_id), list(project.offers))
            errors.add(name, line, f"Ein Angebot „{offer_id}“ gibt es nicht.",
                       (f"Meinten Sie „{guess}“? " if guess else "")
                       + "Schreiben Sie die Kennung des Angebots, wie der Dateiname in offers/ ohne „.yml“.",
                       column=column)
            continue
        if not isinstance(days, dict):
            continue
        by_day: dict[dt.date, list[Session]] = {}
        for session in found.get(offer_id, []):
            by_day.setdefault(session.day, []).append(session)
        for key in days:
            try:
                day = _date(key)
            except Exception:   # (reported by the model above)
                continue
            line, column = doc.key_line((offer_id, key))
            here = by_day.get(day, [])
            if day.year != year.year:
                errors.add(name, line, f"Das Datum {day:%d.%m.%Y} gehört nicht ins Jahr {year.year}.",
                           f"Tragen Sie es in {FOLDER}/{day.year}.yml ein.", column=column)
            elif not here:
                following = min((d for d in by_day if d > day), default=None)
                errors.add(name, line, f"Am {long_date(day)} findet das Angebot „{offer_id}“ laut Plan nicht statt.",
                           (f"Gemeint ist vielleicht {long_date(following)}." if following else "Prüfen Sie das Datum."),
                           column=column)
            elif all(s.cancelled for s in here):
                cause = CAUSE_NAMES[here[0].cause or "except"]
                errors.add(name, line, f"Am {long_date(day)} ist das Angebot „{offer_id}“ ausgefallen ({cause}).",
                           "Für ausgefallene Termine werden keine Teilnehmenden eingetragen; prüfen Sie das Datum.",
                           column=column)
            elif day > year.today:
                errors.add(name, line, f"Der {long_date(day)} liegt nach dem Stichtag des Berichts "
                                       f"({year.today:%d.%m.%Y}).",
                           "Tragen Sie Teilnehmende erst nach dem Termin ein.", column=column)
    if errors:
        return None, errors.errors
    return parsed, []


def tables(project: Project, numbers: dict[str, dict[dt.date, int]], found: dict[str, list[Session]],
           year: Year) -> list[Table]:
    per_offer = Table("teilnahme-je-angebot", f"Teilnehmende {year.year} je Angebot",
                      ["Angebot", "Kennung", "Termine stattgefunden", "Termine mit Zahl", "Teilnehmende zusammen",
                       "Durchschnitt je Termin"],
                      note="Durchschnitt über die Termine, für die eine Zahl eingetragen ist. Gezählt werden "
                           "Teilnahmen, nicht Personen: wer jede Woche kommt, zählt jede Woche.")
    for offer_id in sorted(numbers):
        held = {s.day for s in found.get(offer_id, []) if status(s, year) == "held"}
        counts = numbers[offer_id]
        total = sum(counts.values())
        per_offer.rows.append([str(project.offers[offer_id].title["de"]), offer_id, len(held), len(counts), total,
                               round(total / len(counts), 1) if counts else None])
    all_counts = [n for counts in numbers.values() for n in counts.values()]
    per_offer.rows.append(["Zusammen", "", sum(r[2] for r in per_offer.rows), len(all_counts), sum(all_counts),
                           round(sum(all_counts) / len(all_counts), 1) if all_counts else None])
    per_month = Table("teilnahme-je-monat", f"Teilnehmende {year.year} je Monat (alle Angebote)",
                      ["Monat", "Termine mit Zahl", "Teilnehmende zusammen", "Durchschnitt je Termin"])
    for month, label in enumerate(MONTHS, start=1):
        here = [n for counts in numbers.values() for day, n in counts.items() if day.month == month]
        per_month.rows.append([label, len(here), sum(here), round(sum(here) / len(here), 1) if here else None])
    per_month.rows.append(["Zusammen", len(all_counts), sum(all_counts),
                           round(sum(all_counts) / len(all_counts), 1) if all_counts else None])
    return [per_offer, per_month]


def check_files(project: Project, root, today: dt.date) -> list[DataError]:
    """Every attendance file, as `stadtteil check` checks it (the website itself never reads them)."""
    from .dates import year_sessions
    folder = root / FOLDER
    if not folder.is_dir() and not folder.is_symlink():
        return []
    if linked := outside_links(root, [FOLDER]):   # a linked folder or file is never read through (inputs.py)
        return linked
    errors: list[DataError] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        name = f"{FOLDER}/{path.name}"
        if not (path.suffix == ".yml" and path.stem.isdigit() and len(path.stem) == 4):
            errors.append(DataError(name, None, None, "Eine Datei mit Teilnehmendenzahlen heißt wie ihr Jahr.",
                                    f"Benennen Sie sie um, zum Beispiel in „{FOLDER}/{today.year}.yml“."))
            continue
        year = Year(int(path.stem), today)
        errors += load(project, year, year_sessions(project, year), root)[1]
    return errors
