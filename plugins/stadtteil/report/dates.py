"""Dates of one year: planned, held, cancelled by cause, still to come, per offer and per month.

Counted from ``schedule.sessions``, the computation behind the pages and the calendars, so a date the
website showed as cancelled is counted as cancelled here, for the same cause.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..formatting import text
from ..loader import Project
from ..calendars.schedule import CAUSES, Calendar, Session, sessions
from .tables import Table

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
CAUSE_NAMES = {"except": "einzeln abgesagt", "closure": "Schließzeit des Büros", "holiday": "Feiertag",
               "school_holidays": "Schulferien-Pause"}
DATE_COLUMNS = ["geplant", "stattgefunden", *[f"ausgefallen: {CAUSE_NAMES[c]}" for c in CAUSES],
                "ausgefallen zusammen", "noch offen"]


@dataclass(frozen=True)
class Year:
    """The year of the report and the day it is made: dates after ``today`` have not happened yet."""

    year: int
    today: dt.date

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def reference(self) -> dt.date:
        """The day the report describes: the year's last day, or today while the year runs."""
        return min(self.last, self.today)


def year_sessions(project: Project, year: Year, calendar: Calendar | None = None) -> dict[str, list[Session]]:
    calendar = calendar or Calendar(project.office)
    return {offer_id: sessions(offer_id, offer, calendar, year.first, year.last)
            for offer_id, offer in sorted(project.offers.items())}


def status(session: Session, year: Year) -> str:
    """held, upcoming, or the cause of the cancellation."""
    if session.cancelled:
        return session.cause or "except"
    return "held" if session.day <= year.today else "upcoming"


def _count_row(found: list[Session], year: Year) -> list[int]:
    counts = Counter(status(s, year) for s in found)
    cancelled = [counts[c] for c in CAUSES]
    return [len(found), counts["held"], *cancelled, sum(cancelled), counts["upcoming"]]


def held_hours(found: list[Session], year: Year) -> float:
    # Wall-clock hours (15–17 Uhr is two hours, also on the night the clocks change).
    return sum((dt.datetime.combine(dt.date.min, s.end.time()) - dt.datetime.combine(dt.date.min, s.start.time()))
               .total_seconds() / 3600 for s in found if status(s, year) == "held")


def per_offer(project: Project, found: dict[str, list[Session]], year: Year) -> Table:
    table = Table("termine-je-angebot", f"Termine {year.year} je Angebot", ["Angebot", "Kennung", *DATE_COLUMNS,
                                                                              "Stunden stattgefunden"],
                  note="Fällt ein Termin in eine Schließzeit, die einen Feiertag einschließt, zählt er als "
                       "Schließzeit. „noch offen“: Termine nach dem Stichtag des Berichts.")
    for offer_id, offer_sessions in found.items():
        if not offer_sessions:
            continue
        table.rows.append([text(project.offers[offer_id].title), offer_id, *_count_row(offer_sessions, year),
                           round(held_hours(offer_sessions, year), 1)])
    every = [s for offer_sessions in found.values() for s in offer_sessions]
    table.rows.append(["Zusammen", "", *_count_row(every, year), round(held_hours(every, year), 1)])
    return table


def per_month(found: dict[str, list[Session]], year: Year) -> Table:
    table = Table("termine-je-monat", f"Termine {year.year} je Monat (alle Angebote)", ["Monat", *DATE_COLUMNS])
    every = [s for offer_sessions in found.values() for s in offer_sessions]
    for month, name in enumerate(MONTHS, start=1):
        table.rows.append([name, *_count_row([s for s in every if s.day.month == month], year)])
    table.rows.append(["Zusammen", *_count_row(every, year)])
    return table


def events(project: Project, year: Year) -> Table:
    """Events starting in the year: held, cancelled, postponed, still to come."""
    table = Table("veranstaltungen", f"Veranstaltungen {year.year}",
                  ["Veranstaltung", "Datum", "Stand"])
    names = {"cancelled": "abgesagt", "postponed": "verschoben"}
    for event_id, event in sorted(project.events.items(), key=lambda item: (item[1].start, item[0])):
        day = event.start.date()
        if day.year != year.year:
            continue
        state = names.get(event.status) or ("stattgefunden" if day <= year.today else "geplant")
        table.rows.append([text(event.title), day.isoformat(), state])
    return table


def events_summary(table: Table) -> Table:
    states = Counter(row[2] for row in table.rows)
    summary = Table("veranstaltungen-zusammen", "Veranstaltungen nach Stand", ["Stand", "Anzahl"])
    for state in ("stattgefunden", "abgesagt", "verschoben", "geplant"):
        summary.rows.append([state, states[state]])
    summary.rows.append(["Zusammen", len(table.rows)])
    return summary
