"""iCalendar feeds (RFC 5545, RFC 7986) that partners subscribe to for months.

What keeps subscriptions right:
- UIDs come from ids (offer, event, weekday pattern, date), never from order, position or build time,
  so a changed offer updates the entry in Outlook, Google, Apple or Thunderbird instead of doubling it.
- SEQUENCE and DTSTAMP come from when the VEVENT itself last changed (``revisions.Revisions``, kept
  in the committed revision record): the same bytes from any clone, install or machine; an
  edit that does not change a VEVENT changes nothing, one that does raises exactly its SEQUENCE.
- Recurring offers are one RRULE each; every date on which a session does not take place is an
  EXDATE, computed by the same engine that fills "Nächste Termine" on the pages. Single sessions that
  are cancelled (``except``, office closures) also appear as their own STATUS:CANCELLED entry with
  „ABGESAGT“ in the summary until they are past: Google drops cancelled events silently, Outlook
  and Apple users read the summary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .. import formatting as fmt
from ..loader import Project
from ..models import Event, Offer, ScheduleRule
from ..i18n import language, translator
from .ics import Recurrence, VEvent, calendar_head
from .schedule import TZ, Calendar, Session, describe, rule_dates, sessions

if TYPE_CHECKING:   # the record of when each VEVENT changed, kept by revisions.py
    from .revisions import Revisions

REFRESH = dt.timedelta(hours=12)
HISTORY = dt.timedelta(days=365)
_DAY_CODES = {"mo": "MO", "di": "TU", "mi": "WE", "do": "TH", "fr": "FR", "sa": "SA", "so": "SU"}
_ORDINAL_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_PRODID = "-//stadtteil//Stadtteilbuero-Website//DE"

# Europe/Berlin with the EU rule since 1996: valid for any future year, which a VTIMEZONE built from
# tzdata transitions for a fixed span of years is not (subscriptions live for years).
VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nX-LIC-LOCATION:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


# SEQUENCE counts seconds from here to a VEVENT's last change. Seconds, not minutes: two changes a
# minute apart still differ, and the values stay above those of the earlier design (minutes since
# 2020, about 3.6 million in 2026), so no subscriber sees a SEQUENCE go down; 2**31 is reached in 2092.
SEQUENCE_EPOCH = 1704067200   # 2024-01-01T00:00:00Z


@dataclass(frozen=True)
class Feed:
    path: str            # site-relative path, e.g. "kalender/angebote/naehtreff.ics"
    name: str
    description: str
    kind: str            # all | offer | category | events | event | occurrence | atom
    key: str = ""        # the id of the offer, category or event
    content: bytes = b""


@dataclass
class FeedSettings:
    site_url: str                   # absolute, ending in "/"
    uid_domain: str                 # fixed per site: part of every UID, must never change
    today: dt.date
    calendar_name: str = "Stadtteilbüro"


# --- paths ---------------------------------------------------------------------------------------

def all_path() -> str:
    return "kalender/alle.ics"


def offer_path(offer_id: str) -> str:
    return f"kalender/angebote/{offer_id}.ics"


def category_path(category: str) -> str:
    return f"kalender/kategorie/{category}.ics"


def events_path() -> str:
    return "kalender/veranstaltungen.ics"


def event_path(event_id: str) -> str:
    return f"kalender/veranstaltungen/{event_id}.ics"


def atom_path() -> str:
    return "kalender/neuigkeiten.atom"


# „Add this date“: one file per date that takes place, for the days the pages can show: today and the
# 77 days termine.js carries (pages.DAYS_AHEAD + the week block's 7). Further dates get no file, and
# the pages no link.
OCCURRENCE_DAYS = 77


def occurrence_path(offer_id: str, start: dt.datetime) -> str:
    return f"kalender/termin/{offer_id}/{start:%Y-%m-%d-%H%M}.ics"


def occurrence_listed(session: Session, today: dt.date) -> bool:
    """Whether the date has its own file (and so a link): it takes place, within the window."""
    return not session.cancelled and today <= session.day <= today + dt.timedelta(days=OCCURRENCE_DAYS)


# --- identity ------------------------------------------------------------------------------------

def rule_key(rule: ScheduleRule, rules: list[ScheduleRule]) -> str:
    """A stable name for a rule: its weekday pattern, plus its first date if the pattern repeats."""
    if rule.weekly is not None:
        pattern = "-".join(sorted(rule.weekly, key=list(_DAY_CODES).index))
        if rule.every > 1:
            pattern += f"-alle{rule.every}"
    else:
        pattern = "-".join(f"{o}{d}" for o, d in rule.monthly)
    twins = [r for r in rules if r is not rule and _pattern(r) == _pattern(rule)]
    return f"{pattern}-{rule.from_:%Y%m%d}" if twins else pattern


def _pattern(rule: ScheduleRule) -> tuple:
    return (tuple(sorted(rule.weekly)) if rule.weekly is not None else None, rule.every,
            tuple(rule.monthly or ()))


def offer_uid(offer_id: str, rule: ScheduleRule, offer: Offer, domain: str) -> str:
    return f"angebot-{offer_id}-{rule_key(rule, offer.schedule)}@{domain}"


def cancelled_uid(offer_id: str, rule: ScheduleRule, offer: Offer, day: dt.date, domain: str) -> str:
    return f"angebot-{offer_id}-{rule_key(rule, offer.schedule)}-{day:%Y%m%d}-abgesagt@{domain}"


def occurrence_uid(offer_id: str, rule: ScheduleRule, offer: Offer, day: dt.date, domain: str) -> str:
    """A date saved on its own is an event of its own (docs/kalender.md „Einzelne Termine“): no
    RECURRENCE-ID without its series, which clients drop or merge into a series subscribed later."""
    return f"angebot-{offer_id}-{rule_key(rule, offer.schedule)}-{day:%Y%m%d}-termin@{domain}"


def event_uid(event_id: str, domain: str) -> str:
    return f"veranstaltung-{event_id}@{domain}"


# --- building blocks -----------------------------------------------------------------------------

def _plain(markdown: str) -> str:
    """Markdown to plain text for DESCRIPTION: calendar clients show it verbatim."""
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", markdown)
    text = re.sub(r"[*_`#>]+", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _utc_stamp(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def _digest(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()[:16]


def _location(project: Project, ref, lang: str = "de") -> str:
    place = project.location(ref)
    name = fmt.text(place.name, lang)
    return f"{name}, {place.address.one_line()}" if place.address else name


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, TZ)


def _rrule(rule: ScheduleRule) -> Recurrence:
    # With a TZID start, UNTIL must be UTC (RFC 5545 3.3.10): the end of the last day, in UTC.
    until = _local(rule.until, dt.time(23, 59, 59)).astimezone(dt.timezone.utc) if rule.until else None
    if rule.weekly is not None:
        days = tuple(_DAY_CODES[d] for d in sorted(rule.weekly, key=list(_DAY_CODES).index))
        return Recurrence("WEEKLY", days, interval=rule.every, until=until, wkst="MO")
    return Recurrence("MONTHLY", tuple(f"{_ORDINAL_NUMBERS[o]}{_DAY_CODES[d]}" for o, d in rule.monthly),
                      until=until)


class FeedBuilder:
    def __init__(self, project: Project, settings: FeedSettings, revisions: Revisions,
                 page_url: callable, calendar: Calendar | None = None, lang: str = "de"):
        self.project = project
        # One set of feeds per site language: names, summaries and descriptions in that language;
        # the UIDs stay the same, so an event is the same event in every language's calendar.
        self.lang = lang
        self._ = translator(lang)
        self._series: dict[tuple[str, int], VEvent] = {}   # (offer, rule index) → its series VEVENT
        self.settings = settings
        self.revisions = revisions
        self.page_url = page_url          # (kind, id) -> absolute URL of the page
        self.calendar = calendar or Calendar(project.office)
        self.horizon = settings.today + dt.timedelta(days=400)

    # Components for one offer: one series per rule, plus cancelled single sessions still ahead.
    def offer_components(self, offer_id: str) -> list[VEvent]:
        offer = self.project.offers[offer_id]
        _, lang = self._, self.lang
        title = fmt.text(offer.title, lang)
        url = self.page_url("offer", offer_id)
        location = _location(self.project, offer.location, lang)
        categories = (fmt.text(self.project.settings.categories[offer.category], lang),
                      *(fmt.text(self.project.settings.audiences[a], lang) for a in offer.audience))
        uid_domain = self.settings.uid_domain
        components = []
        for index, rule in enumerate(offer.schedule):
            last = min(rule.until, self.horizon) if rule.until else self.horizon
            dates = list(rule_dates(rule, rule.from_, last))
            if not dates:
                continue
            excepted = set(rule.except_)
            lines = [fmt.text(offer.summary, lang)] if offer.summary else []
            when = describe(rule, lang)
            lines.append(when[0].upper() + when[1:] + ".")
            if offer.cost:
                lines.append(_("Kosten: %(cost)s") % {"cost": fmt.text(offer.cost, lang)})
            if offer.description:
                lines += ["", _plain(fmt.text(offer.description, lang))]
            lines += ["", _("Alle Termine und Absagen: %(url)s") % {"url": url}]
            off = []
            cancelled = []
            for day in dates:
                reason = None if day in excepted else self.calendar.session_cancelled(rule, day)
                if day in excepted or reason is not None:
                    off.append(_local(day, rule.start))
                    # Announce single cancellations (not every holiday): they are news to the reader.
                    if day >= self.settings.today and (day in excepted or self.calendar.closure(day)):
                        cancelled.append((day, reason))
            series = VEvent(uid=offer_uid(offer_id, rule, offer, uid_domain), summary=title,
                            start=_local(dates[0], rule.start), end=_local(dates[0], rule.end), url=url,
                            description="\n".join(lines), status="CONFIRMED", location=location,
                            categories=categories, transp="OPAQUE", rrule=_rrule(rule), exdates=tuple(off))
            components.append(self._revised(series))
            self._series[(offer_id, index)] = series
            for day, reason in cancelled:
                why = fmt.text(reason, lang) if reason else _("Dieser Termin fällt aus.")
                note = VEvent(uid=cancelled_uid(offer_id, rule, offer, day, uid_domain),
                              summary=_("ABGESAGT: %(title)s") % {"title": title},
                              start=_local(day, rule.start), end=_local(day, rule.end), url=url,
                              description=why + "\n\n" + _("Alle Termine: %(url)s") % {"url": url},
                              status="CANCELLED", location=location, categories=categories, transp="TRANSPARENT")
                components.append(self._revised(note))
        return components

    def event_components(self, event_id: str) -> list[VEvent]:
        event: Event = self.project.events[event_id]
        end = event.end or (event.start + dt.timedelta(hours=2))
        if event.cancelled and end.date() < self.settings.today:
            return []  # a cancellation is news only until the date has passed
        if end.date() < self.settings.today - HISTORY:
            return []
        _, lang = self._, self.lang
        title = fmt.text(event.title, lang)
        summary = {"cancelled": _("ABGESAGT: %(title)s"), "postponed": _("VERSCHOBEN: %(title)s")}.get(
            event.status, "%(title)s") % {"title": title}
        url = self.page_url("event", event_id)
        lines = [fmt.text(event.summary, lang)] if event.summary else []
        if event.status_note:
            lines.append(fmt.text(event.status_note, lang))
        if event.cost:
            lines.append(_("Kosten: %(cost)s") % {"cost": fmt.text(event.cost, lang)})
        if event.description:
            lines += ["", _plain(fmt.text(event.description, lang))]
        lines += ["", _("Mehr: %(url)s") % {"url": url}]
        categories = (fmt.text(self.project.settings.categories[event.category], lang),) if event.category else ()
        categories += tuple(fmt.text(self.project.settings.audiences[a], lang) for a in event.audience)
        component = VEvent(uid=event_uid(event_id, self.settings.uid_domain), summary=summary,
                           start=event.start.replace(tzinfo=TZ), end=end.replace(tzinfo=TZ), url=url,
                           description="\n".join(lines),
                           status={"cancelled": "CANCELLED", "postponed": "TENTATIVE"}.get(event.status, "CONFIRMED"),
                           location=_location(self.project, event.location, lang), categories=categories)
        return [self._revised(component)]

    def occurrence_component(self, session: Session) -> VEvent:
        """One date of a series as an event of its own, for „add this date“. Its content is the series'
        for that day, so its DTSTAMP and SEQUENCE are the series' (no entry of its own in the record:
        the dates move on every day)."""
        offer = self.project.offers[session.offer_id]
        rule = offer.schedule[session.rule_index]
        series = self._series[(session.offer_id, session.rule_index)]
        component = VEvent(uid=occurrence_uid(session.offer_id, rule, offer, session.day, self.settings.uid_domain),
                           summary=series.summary, start=session.start, end=session.end, url=series.url,
                           description=series.description, status="CONFIRMED", location=series.location,
                           categories=series.categories, transp="OPAQUE", stamp=series.stamp, sequence=series.sequence)
        # Written as icalendar wrote it, DTSTAMP and SEQUENCE in its order (no record entry to keep whole).
        component.ical = component.content(stamp_first=False)
        return component

    def occurrences(self) -> list[Session]:
        """The dates that get a file of their own (``occurrence_listed``)."""
        last = self.settings.today + dt.timedelta(days=OCCURRENCE_DAYS)
        return [s for oid, offer in self.project.offers.items()
                for s in sessions(oid, offer, self.calendar, self.settings.today, last)
                if occurrence_listed(s, self.settings.today)]

    def _revised(self, component: VEvent) -> VEvent:
        """Adds DTSTAMP and SEQUENCE from the time the VEVENT's own content last changed (a status
        change, a new EXDATE, a new time are all changes of that content; a phone number is not)."""
        canonical = component.content()
        when = self.revisions.changed(self.lang, component.uid, _digest(canonical))
        component.stamp = _utc_stamp(when)
        component.sequence = when - SEQUENCE_EPOCH
        component.ical = component.content()   # each VEVENT is written once, for every feed that holds it
        return component

    def calendar_bytes(self, name: str, description: str, components: Iterable[VEvent], url: str,
                       color: str | None = None) -> bytes:
        head = calendar_head(prodid=_PRODID, name=name, description=description, url=url, refresh=REFRESH,
                             timezone="Europe/Berlin", color=color)   # color: a CSS3 colour name (colors.py)
        ordered = sorted(components, key=lambda c: (c.start.isoformat(), c.uid))
        # The VTIMEZONE goes right after the calendar properties, before the first VEVENT.
        return head + VTIMEZONE.encode() + b"".join(c.ical for c in ordered) + b"END:VCALENDAR\r\n"

    def components(self) -> tuple[dict[str, list[VEvent]], dict[str, list[VEvent]]]:
        """Every VEVENT of the language, by offer and by event, each recorded in ``revisions``; without
        the calendar files (`stadtteil check` needs only what the record would say)."""
        return ({oid: self.offer_components(oid) for oid in self.project.offers},
                {eid: self.event_components(eid) for eid in self.project.events})

    def build(self) -> list[Feed]:
        p = self.project
        _, lang = self._, self.lang
        office = p.office.name
        text = lambda value: fmt.text(value, lang)  # noqa: E731
        # Each language's calendars sit beside its pages (en/kalender/…), so its pages link them as the
        # German ones do.
        prefix = language(lang).prefix
        url = lambda path: self.settings.site_url + prefix + path  # noqa: E731
        offers, events = self.components()
        feeds = []

        colors = p.settings.colors()

        def add(path: str, name: str, description: str, kind: str, key: str, components: list[VEvent],
                color: str | None = None):
            feeds.append(Feed(prefix + path, name, description, kind, key,
                              self.calendar_bytes(name, description, components, url(path), color)))

        add(all_path(), _("%(office)s: alle Termine") % {"office": office},
            _("Alle regelmäßigen Angebote und Veranstaltungen des %(office)s.") % {"office": office}, "all", "",
            [c for cs in offers.values() for c in cs] + [c for cs in events.values() for c in cs])
        add(events_path(), _("%(office)s: Veranstaltungen") % {"office": office},
            _("Feste, Aktionen und besondere Termine des %(office)s.") % {"office": office},
            "events", "", [c for cs in events.values() for c in cs])
        for cat_id, label in p.settings.categories.items():
            members = [oid for oid, o in p.offers.items() if o.category == cat_id]
            if members:
                add(category_path(cat_id), f"{office}: {text(label)}",
                    _("Angebote im Bereich „%(label)s“ des %(office)s.") % {"label": text(label), "office": office},
                    "category", cat_id, [c for oid in members for c in offers[oid]], colors[cat_id])
        for oid, offer in p.offers.items():
            add(offer_path(oid), f"{text(offer.title)} ({office})",
                text(offer.summary) if offer.summary
                else _("%(title)s im %(office)s.") % {"title": text(offer.title), "office": office},
                "offer", oid, offers[oid], colors[offer.category])
        for eid, event in p.events.items():
            add(event_path(eid), f"{text(event.title)} ({office})",
                text(event.summary) if event.summary else text(event.title), "event", eid, events[eid])
        for session in self.occurrences():
            offer = p.offers[session.offer_id]
            component = self.occurrence_component(session)
            add(occurrence_path(session.offer_id, session.start), f"{text(offer.title)} ({office})",
                _("%(title)s am %(date)s") % {"title": text(offer.title), "date": fmt.long_date(session.day, lang)},
                "occurrence", session.offer_id, [component], colors[offer.category])
        from .atom import news_feed
        feeds.append(Feed(prefix + atom_path(), _("%(office)s: Neuigkeiten") % {"office": office}, "", "atom", "",
                          news_feed(self, offers, events, url(atom_path()))))
        return feeds
