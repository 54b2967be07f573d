"""When offers take place: dates from rules, cancellations, and the schedule in words.

Pure functions over the models. All wall-clock times are Europe/Berlin: a weekly group at 15:00
stays at 15:00 across the change to and from summer time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import holidays as holiday_data
import yaml

from ..models import ORDINALS, WEEKDAYS, Closure, Office, Offer, ScheduleRule

TZ = ZoneInfo("Europe/Berlin")
_WEEKDAY_INDEX = {code: i for i, code in enumerate(WEEKDAYS)}


@dataclass(frozen=True)
class Session:
    """One date of an offer; cancelled ones carry the reason when one is known (a closure, a holiday)
    and their cause, one of CAUSES (the yearly report counts cancellations by it)."""

    offer_id: str
    rule_index: int
    start: dt.datetime
    end: dt.datetime
    cancelled: bool = False
    reason: dict[str, str] | None = None
    cause: str | None = None

    @property
    def day(self) -> dt.date:
        return self.start.date()


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` on (or back); 29 February becomes the 28th in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _nth_weekday(year: int, month: int, ordinal: str, weekday: int) -> dt.date | None:
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    n = ORDINALS[ordinal]
    if n == -1:
        return days[-1]
    return days[n - 1] if n <= len(days) else None


def rule_dates(rule: ScheduleRule, start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every date the rule names between ``start`` and ``end`` (inclusive), before any cancellation."""
    first = max(start, rule.from_)
    last = min(end, rule.until) if rule.until else end
    if first > last:
        return
    if rule.weekly is not None:
        weekdays = {_WEEKDAY_INDEX[d] for d in rule.weekly}
        # Every n-th week counts from the week of `from`, so the rhythm never shifts between builds.
        anchor = rule.from_ - dt.timedelta(days=rule.from_.weekday())
        day = first
        while day <= last:
            week = (day - anchor).days // 7
            if day.weekday() in weekdays and week % rule.every == 0:
                yield day
            day += dt.timedelta(days=1)
        return
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        # A set: "fourth mo" and "last mo" are the same day in months with four Mondays.
        found = sorted({day for day in (_nth_weekday(year, month, o, _WEEKDAY_INDEX[code]) for o, code in rule.monthly) if day})
        for day in found:
            if first <= day <= last:
                yield day
        month += 1
        if month == 13:
            year, month = year + 1, 1


# Why a session does not take place, in the order they are decided: a cancellation of the date itself
# (`except`) first, then an office closure (which wins over a public holiday inside it), a public
# holiday, and the school-holiday pause of rules with `school_holidays: pause`.
CAUSES = ("except", "closure", "holiday", "school_holidays")

SCHOOL_HOLIDAYS_FILE = Path(__file__).parent.parent / "data" / "schulferien-nw.yml"


@dataclass(frozen=True)
class SchoolHolidays:
    """NRW school holidays from the data file kept in the repository (the `holidays` package has none)."""

    periods: tuple[tuple[dt.date, dt.date, str], ...]
    years: frozenset[int]
    source: str
    file: Path

    @classmethod
    @lru_cache(maxsize=4)
    def load(cls, file: Path = SCHOOL_HOLIDAYS_FILE) -> "SchoolHolidays":
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        periods = tuple(sorted((p["from"], p["until"], p["name"])
                               for year in data["years"].values() for p in year))
        return cls(periods, frozenset(int(y) for y in data["years"]), data.get("source", ""), file)

    def name_on(self, day: dt.date) -> str | None:
        return next((name for start, end, name in self.periods if start <= day <= end), None)

    def missing_years(self, start: dt.date, end: dt.date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if y not in self.years]


class Calendar:
    """Days without sessions: office closures, public holidays and (for some offers) school holidays."""

    def __init__(self, office: Office, school_holidays: SchoolHolidays | None = None):
        self.ranges: list[Closure] = [c for c in office.closures if c.from_]
        self.region = office.public_holidays
        self.school = school_holidays if school_holidays is not None else SchoolHolidays.load()

    @staticmethod
    @lru_cache(maxsize=8)
    def _holidays(region: str, year: int) -> dict[dt.date, str]:
        return dict(holiday_data.country_holidays("DE", subdiv=region, years=year, language="de").items())

    def holiday(self, day: dt.date) -> str | None:
        if not self.region:
            return None
        return self._holidays(self.region, day.year).get(day)

    def closure(self, day: dt.date) -> Closure | None:
        return next((c for c in self.ranges if c.from_ <= day <= c.last_day), None)

    def closed(self, day: dt.date) -> tuple[str, dict[str, str]] | None:
        """(cause, reason) when the office is closed all day: a closure (which wins over a holiday in it)
        or a public holiday."""
        if (closure := self.closure(day)) is not None:
            return "closure", closure.reason or {"de": "Das Stadtteilbüro ist geschlossen"}
        if (name := self.holiday(day)) is not None:
            return "holiday", {"de": f"Feiertag ({name})"}
        return None

    def closed_reason(self, day: dt.date) -> dict[str, str] | None:
        found = self.closed(day)
        return found[1] if found else None

    def session_cancelled(self, rule: ScheduleRule, day: dt.date) -> dict[str, str] | None:
        """Why the rule's session on ``day`` does not take place (None: it does). ``except`` not included."""
        found = self.cancellation(rule, day)
        return found[1] if found else None

    def cancellation(self, rule: ScheduleRule, day: dt.date) -> tuple[str, dict[str, str]] | None:
        """(cause, reason) when the rule's session on ``day`` does not take place; ``except`` not included."""
        if (found := self.closed(day)) is not None:
            return found
        if rule.school_holidays == "pause" and (name := self.school.name_on(day)):
            return "school_holidays", {"de": f"Schulferien ({name})"}
        return None

    def holidays_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        if not self.region:
            return []
        found = []
        for year in range(start.year, end.year + 1):
            found += [(d, n) for d, n in self._holidays(self.region, year).items() if start <= d <= end]
        return sorted(found)


def sessions(offer_id: str, offer: Offer, closed: Calendar, start: dt.date, end: dt.date) -> list[Session]:
    """All sessions of an offer between two dates, in order, cancelled ones marked with their reason."""
    result = []
    for index, rule in enumerate(offer.schedule):
        excepted = set(rule.except_)
        for day in rule_dates(rule, start, end):
            found = ("except", None) if day in excepted else closed.cancellation(rule, day)
            result.append(Session(
                offer_id, index,
                dt.datetime.combine(day, rule.start, TZ), dt.datetime.combine(day, rule.end, TZ),
                cancelled=found is not None, reason=found[1] if found else None,
                cause=found[0] if found else None))
    return sorted(result, key=lambda s: (s.start, s.offer_id))


def next_sessions(offer_id: str, offer: Offer, closed: Calendar, today: dt.date, count: int = 5,
                  horizon_days: int = 400) -> list[Session]:
    """The next ``count`` dates from today on, cancelled ones included (residents must see them)."""
    upcoming = sessions(offer_id, offer, closed, today, today + dt.timedelta(days=horizon_days))
    return upcoming[:count]


def is_current(rule: ScheduleRule, today: dt.date) -> bool:
    return rule.until is None or rule.until >= today


# --- in words -----------------------------------------------------------------------------------

_DAY_NAMES = dict(zip(WEEKDAYS, ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")))
_ORDINAL_WORDS = {"first": "ersten", "second": "zweiten", "third": "dritten", "fourth": "vierten", "last": "letzten"}
_EVERY_WORDS = {2: "zweiten", 3: "dritten", 4: "vierten"}


def join_words(words: list[str], conjunction: str = "und") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


@lru_cache(maxsize=8192)   # Babel's interval formatting is slow; same arguments, same text
def time_span(start: dt.time, end: dt.time, lang: str = "de") -> str:
    """„15–17 Uhr“, or „9:30–11:30 Uhr“ when minutes matter; other languages in their own notation."""
    from ..i18n import is_german
    if not is_german(lang):
        from babel.dates import format_interval
        from ..i18n import language
        return format_interval(start, end, "Hm", locale=language(lang).babel)

    def short(t: dt.time) -> str:
        return f"{t.hour}" if t.minute == 0 else f"{t.hour}:{t.minute:02d}"
    if start.minute == 0 and end.minute == 0:
        return f"{short(start)}–{short(end)} Uhr"
    return f"{start.hour}:{start.minute:02d}–{end.hour}:{end.minute:02d} Uhr"


def describe(rule: ScheduleRule, lang: str = "de") -> str:
    """The rule as residents say it: „jeden Donnerstag, 15–17 Uhr“ (and in every site language)."""
    from ..i18n import is_german, translator
    _ = translator(lang)
    if is_german(lang):
        when = _describe_german(rule)
    else:
        # Frames from the catalog with weekday names in the nominative (Babel): translators word the
        # frame so that it fits ("every week on %(days)s"), as case endings differ between languages.
        from ..formatting import weekday_name
        days = lambda codes: join_words([weekday_name(d, lang) for d in sorted(codes, key=_WEEKDAY_INDEX.get)],  # noqa: E731
                                        _("und"))
        ordinals = {"first": _("ersten"), "second": _("zweiten"), "third": _("dritten"),
                    "fourth": _("vierten"), "last": _("letzten")}
        if rule.weekly is not None:
            when = (_("jeden %(days)s") % {"days": days(rule.weekly)} if rule.every == 1
                    else _("alle %(n)s Wochen am %(days)s") % {"n": rule.every, "days": days(rule.weekly)})
        else:
            by_day: dict[str, list[str]] = {}
            for ordinal, day in rule.monthly:
                by_day.setdefault(day, []).append(ordinals[ordinal])
            when = "; ".join(_("jeden %(ordinals)s %(day)s im Monat")
                             % {"ordinals": join_words(ords, _("und")), "day": weekday_name(day, lang)}
                             for day, ords in by_day.items())
    text = f"{when}, {time_span(rule.start, rule.end, lang)}"
    if rule.school_holidays == "pause":
        text += " (" + _("nicht in den Schulferien") + ")"
    return text


def _describe_german(rule: ScheduleRule) -> str:
    if rule.weekly is not None:
        days = [_DAY_NAMES[d] for d in sorted(rule.weekly, key=_WEEKDAY_INDEX.get)]
        if rule.every == 1:
            return "jeden " + join_words(days)
        if rule.every in _EVERY_WORDS:
            return f"jeden {_EVERY_WORDS[rule.every]} " + join_words(days)
        return f"alle {rule.every} Wochen am " + join_words(days)
    by_day: dict[str, list[str]] = {}
    for ordinal, day in rule.monthly:
        by_day.setdefault(day, []).append(_ORDINAL_WORDS[ordinal])
    parts = [f"{join_words(ords)} {_DAY_NAMES[day]}" for day, ords in by_day.items()]
    return "jeden " + join_words(parts) + " im Monat"
