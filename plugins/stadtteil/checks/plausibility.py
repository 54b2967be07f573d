"""Plausibility: data that is valid but probably not meant. Warnings, never errors.

Each one names file, line and what to do, in plain German, and stops nothing (a production build
neither: it is told as a notice). They need the build day, so they run with the calendar checks:

- **A new event in the past.** „2025-12-05“ for „2026-12-05“ is a valid date; the event lands among
  the past events and in the calendars' history, and nobody notices. An event counts as new while no
  build has published it: the calendar revision record (``kalender-revisionen.yml``, committed with
  the data; the pipelines commit it after every build) lists every event the calendars carried, which
  is every event up to a year back (feeds.HISTORY). So an event that ended before the build day and
  is not in the record is warned about, once, until a build records it. Without that history (no
  record yet, or an unreadable one) an event is warned about when it ended more than
  ``PAST_WITHOUT_HISTORY`` days before the build day: a report of last week's party is often added
  afterwards, a date months back is more likely a wrong year. Events more than a year back are in no
  calendar, cannot be told apart from the archive, and are not judged; cancelled ones neither.
- **An offer whose every date in the coming weeks is cancelled** (``WEEKS_AHEAD``), at least two dates
  and at least one of them by hand (``except``): closures and school holidays alone are the calendar
  working. On the website the offer looks alive and never takes place; ``until`` says it honestly.
- **A year far in the future**: a date more than ``YEARS_AHEAD`` years after the build day (2062 for
  2026) in an event, a schedule rule or a closure.
- **A closure longer than a month** (``LONGEST_CLOSURE_DAYS``): every offer falls out for all of it;
  usually a wrong month or year in „until“. Closures that are over are not judged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import Notice

PAST_WITHOUT_HISTORY = 30
HISTORY_DAYS = 365          # feeds.HISTORY: how far back the calendars (and so the record) keep events
WEEKS_AHEAD = 8
YEARS_AHEAD = 2
LONGEST_CLOSURE_DAYS = 31
_RECORDED_EVENT = re.compile(r"^veranstaltung-(.+?)@")


def recorded_events(record: dict[str, dict[str, tuple[str, int]]]) -> set[str] | None:
    """Ids of the events the calendar revision record (``revisions.read``) lists, in any language; None
    for a record that says nothing (missing, empty, unreadable): then there is no history to go by."""
    found = {m.group(1) for entries in record.values() for uid in entries if (m := _RECORDED_EVENT.match(uid))}
    return found if any(record.values()) else None


def _at(doc, path: tuple) -> tuple[int | None, int | None]:
    """Line and column of a value (not of its key), for the caret under it."""
    if doc is None:
        return None, None
    position = doc.positions.get(tuple(path))
    return position if position else doc.line_of(path)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def check(project, today: dt.date, recorded: set[str] | None) -> list[Notice]:
    """Every plausibility warning of the project on the build day (``recorded``: recorded_events)."""
    found: list[Notice] = []
    found += _new_past_events(project, today, recorded)
    found += _fully_cancelled_offers(project, today)
    found += _far_future(project, today)
    found += _long_closures(project, today)
    return found


def _new_past_events(project, today: dt.date, recorded: set[str] | None) -> list[Notice]:
    from ..formatting import long_date
    found = []
    for event_id, event in sorted(project.events.items()):
        if event.cancelled:
            continue
        last = _day(event.end or event.start)
        if last >= today:
            continue
        ago = (today - last).days
        if recorded is None:
            if ago <= PAST_WITHOUT_HISTORY:
                continue
        elif ago > HISTORY_DAYS or event_id in recorded:
            continue
        doc = project.sources.get(("events", event_id))
        line, column = _at(doc, ("start",))
        start = _day(event.start)
        rest = event_id[11:]
        guess = _same_day_ahead(start, today)
        rename = (f" Ist das Jahr falsch, benennen Sie die Datei um in „{guess:%Y-%m-%d}-{rest}.yml“ und schreiben "
                  f"bei „start“ (und „end“) {guess.year}." if guess else "")
        news = ("ist neu (noch in keinem Kalender der Website), liegt aber" if recorded is not None else "liegt")
        found.append(Notice(
            doc.file if doc else f"events/{event_id}.yml", line, column,
            f"Die Veranstaltung {news} in der Vergangenheit ({long_date(start)}, vor {ago} Tagen): "
            "sie erscheint nur unter den vergangenen Veranstaltungen, nicht bei den kommenden.",
            "Stimmt das Datum?" + rename + " Tragen Sie eine vergangene Veranstaltung bewusst nach, ist nichts zu tun.",
            field="start"))
    return found


def _same_day_ahead(day: dt.date, today: dt.date) -> dt.date | None:
    """The same day and month in the first year from today on (the date probably meant)."""
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:   # 29 February
            continue
        if candidate >= today:
            return candidate
    return None


def _fully_cancelled_offers(project, today: dt.date) -> list[Notice]:
    from ..formatting import long_date
    from ..calendars.schedule import Calendar, sessions
    calendar = Calendar(project.office)
    last = today + dt.timedelta(weeks=WEEKS_AHEAD) - dt.timedelta(days=1)
    found = []
    for offer_id, offer in sorted(project.offers.items()):
        dates = sessions(offer_id, offer, calendar, today, last)
        if len(dates) < 2 or not all(s.cancelled for s in dates):
            continue
        by_hand = [s for s in dates if s.day in offer.schedule[s.rule_index].except_]
        if not by_hand:
            continue   # closures and school holidays only: the calendar working, not a slip
        doc = project.sources.get(("offers", offer_id))
        rule = by_hand[0].rule_index
        line, column = _at(doc, ("schedule", rule, "except"))
        first, final = dates[0].day, dates[-1].day
        found.append(Notice(
            doc.file if doc else f"offers/{offer_id}.yml", line, column,
            f"Alle {len(dates)} Termine der nächsten {WEEKS_AHEAD} Wochen fallen aus ({long_date(first)} bis "
            f"{long_date(final)}); auf der Website sieht das Angebot aktiv aus, findet aber nicht statt.",
            "Pausiert das Angebot, schreiben Sie in die Regel „until:“ mit dem letzten Tag davor und legen für die "
            "Zeit danach eine neue Regel mit „from:“ an (die Website zeigt dann „bis …“ und „ab …“); endet es, "
            "genügt „until:“. Sind die Absagen so gewollt, ist nichts zu tun.", field="except"))
    return found


def _far_future(project, today: dt.date) -> list[Notice]:
    from ..formatting import long_date
    from ..calendars.schedule import years_later
    limit = years_later(today, YEARS_AHEAD)
    found = []

    def judge(doc, fallback: str, path: tuple, value: Any, what: str) -> None:
        if value is None or _day(value) <= limit:
            return
        line, column = _at(doc, path)
        found.append(Notice(
            doc.file if doc else fallback, line, column,
            f"{what} liegt mit dem {long_date(_day(value))} mehr als {YEARS_AHEAD} Jahre in der Zukunft.",
            f"Ist die Jahreszahl ein Tippfehler (etwa {_day(value).year} statt {today.year})? Dann korrigieren Sie "
            "sie; sonst ist nichts zu tun." + (" Ein Angebot ohne Ende braucht kein „until“."
                                               if path[-1] == "until" and path[0] == "schedule" else ""),
            field=next(str(p) for p in reversed(path) if isinstance(p, str))))

    for event_id, event in sorted(project.events.items()):
        doc = project.sources.get(("events", event_id))
        judge(doc, f"events/{event_id}.yml", ("start",), event.start, "Die Veranstaltung")
        if event.end and _day(event.end) != _day(event.start):
            judge(doc, f"events/{event_id}.yml", ("end",), event.end, "Das Ende der Veranstaltung")
    for offer_id, offer in sorted(project.offers.items()):
        doc = project.sources.get(("offers", offer_id))
        for index, rule in enumerate(offer.schedule):
            judge(doc, f"offers/{offer_id}.yml", ("schedule", index, "from"), rule.from_, "Der Beginn des Angebots")
            judge(doc, f"offers/{offer_id}.yml", ("schedule", index, "until"), rule.until, "Das Ende des Angebots")
            for position, day in enumerate(rule.except_):
                judge(doc, f"offers/{offer_id}.yml", ("schedule", index, "except", position), day,
                      "Ein abgesagter Termin")
    office_doc = project.sources.get(("office", "office"))
    for index, closure in enumerate(project.office.closures):
        judge(office_doc, "office.yml", ("closures", index, "from"), closure.from_, "Eine Schließzeit")
        if closure.until != closure.from_:
            judge(office_doc, "office.yml", ("closures", index, "until"), closure.until, "Das Ende einer Schließzeit")
    return found


def _long_closures(project, today: dt.date) -> list[Notice]:
    from ..formatting import long_date
    doc = project.sources.get(("office", "office"))
    found = []
    for index, closure in enumerate(project.office.closures):
        if not closure.from_ or not closure.until or closure.until < today:
            continue
        days = (closure.until - closure.from_).days + 1
        if days <= LONGEST_CLOSURE_DAYS:
            continue
        line, column = _at(doc, ("closures", index, "until"))
        found.append(Notice(
            doc.file if doc else "office.yml", line, column,
            f"Die Schließzeit dauert {days} Tage ({long_date(closure.from_)} bis {long_date(closure.until)}), länger "
            "als einen Monat; in dieser Zeit fallen alle Angebote aus.",
            "Stimmen Monat und Jahr bei „until“? Ist das Büro wirklich so lange zu, ist nichts zu tun.", field="until"))
    return found
