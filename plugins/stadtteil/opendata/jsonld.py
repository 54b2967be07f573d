"""schema.org data (JSON-LD) for the offer, event, start and contact pages, so searches can show dates.

One source with the pages and the calendars: every date comes from ``schedule.sessions`` and the
office's ``schedule.Calendar`` (closures, holidays, school holidays), which also fill „Nächste Termine“
and the feeds' RRULE/EXDATE. Per page:

- an offer: the series (``EventSeries`` with one ``Schedule`` per rule: byDay, repeatFrequency,
  startTime/endTime, exceptDate, scheduleTimezone) and one ``Event`` per date of the coming weeks,
  cancelled dates as ``EventCancelled``;
- an event: its ``Event``;
- the start page: the events of the coming weeks; the contact page: the office and its carrier.

Every page also names the office (a ``LocalBusiness``, which is a place and an organisation, with its
opening hours and its closures and holidays as ``specialOpeningHoursSpecification``) and the carrier
(``Organization`` with the funders). Text is in the page's language (``inLanguage``); ids are absolute
and the same in every language, so the languages describe one thing each.

Pure functions; ``script`` makes the element. Staff text is data here, never markup: ``<``, ``>`` and
``&`` are written as JSON escapes, so no text can close the element (``</script>``) or open a comment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from .. import formatting as fmt
from ..i18n import language
from ..loader import Project
from ..models import Event, Location, Offer
from ..calendars.schedule import TZ, Calendar, Session, is_current, sessions

CONTEXT = "https://schema.org"
SCHEMA = "https://schema.org/"
# „The coming weeks“: dates further ahead are in the series' schedule and in the calendars.
WEEKS_AHEAD = 6
# exceptDate reaches as far as the feeds' EXDATEs (feeds.FeedBuilder: 400 days from the build day).
EXCEPT_DAYS = 400
TIMEZONE = "Europe/Berlin"
_DAYS = dict(zip(("mo", "di", "mi", "do", "fr", "sa", "so"),
                 ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
_ORDINAL_WEEK = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
# The cost is free text; these words in the German text say that taking part costs nothing (a
# donation asked for beside it does not change that), an amount of money says it does not.
_FREE = re.compile(r"\b(kostenlos|kostenfrei|gratis|umsonst|eintritt frei)\b", re.I)
_MONEY = re.compile(r"\d\s*(€|euro|eur)\b|€", re.I)


def is_free(cost: dict[str, str] | None) -> bool | None:
    """True when the German cost text says it is free, False when it names a price, None when unknown."""
    if not cost:
        return None
    german = cost["de"]
    if _MONEY.search(german):
        return False
    return True if _FREE.search(german) else None


class Graph:
    """The schema.org nodes of one language's pages, built from one project on one day."""

    def __init__(self, project: Project, today: dt.date, lang: str, site_url: str,
                 funders: list[str] | None = None) -> None:
        self.project = project
        self.today = today
        self.lang = lang
        self.site_url = site_url
        self.prefix = language(lang).prefix
        self.in_language = language(lang).hreflang
        self.funders = funders or []
        self.calendar = Calendar(project.office)

    # -- addresses and ids ----------------------------------------------------------------------

    def page(self, src: str) -> str:
        return self.site_url + self.prefix + fmt.page_url(src)

    @property
    def office_id(self) -> str:
        return self.site_url + "#stadtteilbuero"

    @property
    def carrier_id(self) -> str:
        return self.site_url + "#traeger"

    def text(self, value: dict[str, str] | None) -> str:
        return fmt.text(value, self.lang)

    # -- the office and its carrier ---------------------------------------------------------------

    def address(self, address) -> dict[str, Any]:
        node = {"@type": "PostalAddress", "addressLocality": address.city, "addressCountry": "DE"}
        if address.street:
            node["streetAddress"] = address.street
        if address.postcode:
            node["postalCode"] = address.postcode
        return node

    def carrier(self) -> dict[str, Any]:
        office = self.project.office
        node: dict[str, Any] = {"@type": "Organization", "@id": self.carrier_id, "name": office.carrier}
        if office.carrier_address:
            node["address"] = self.address(office.carrier_address)
        if self.funders:
            node["funder"] = [{"@type": "Organization", "name": name} for name in self.funders]
        return node

    def office(self) -> dict[str, Any]:
        office = self.project.office
        node: dict[str, Any] = {
            "@type": "LocalBusiness", "@id": self.office_id, "name": office.name,
            "url": self.page("kontakt.md"), "address": self.address(office.address),
            "parentOrganization": {"@id": self.carrier_id},
        }
        if office.project:
            node["alternateName"] = office.project
        if office.phone:
            node["telephone"] = office.phone
        if office.email:
            node["email"] = office.email
        node["openingHoursSpecification"] = [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA + _DAYS[d] for d in hours.days],
             "opens": f"{hours.open:%H:%M}", "closes": f"{hours.close:%H:%M}"}
            for hours in office.opening_hours]
        if special := self.closed_days():
            node["specialOpeningHoursSpecification"] = special
        return node

    def closed_days(self) -> list[dict[str, Any]]:
        """Closures and public holidays ahead (as the opening-hours block shows them): a day with
        opens = closes = 00:00 is a day closed, as schema.org and search engines read it."""
        end = self.today + dt.timedelta(days=EXCEPT_DAYS)
        spans = [(c.from_, c.last_day, self.text(c.reason) if c.reason else "")
                 for c in self.calendar.ranges if c.last_day >= self.today and c.from_ <= end]
        for day, name in self.calendar.holidays_between(self.today, end):
            if not any(start <= day <= last for start, last, _ in spans):
                spans.append((day, day, name))
        return [{"@type": "OpeningHoursSpecification", "validFrom": start.isoformat(),
                 "validThrough": last.isoformat(), "opens": "00:00", "closes": "00:00",
                 **({"description": why} if why else {})}
                for start, last, why in sorted(spans)]

    # -- places, people, prices -------------------------------------------------------------------

    def place(self, ref: str | Location) -> dict[str, Any]:
        location = self.project.location(ref)
        # Without an @id: the same place written out in each event would, as one node, collect one
        # (blank) address per event.
        node: dict[str, Any] = {"@type": "Place", "name": self.text(location.name)}
        # Google requires an address; a place known only by its name is in the office's town.
        node["address"] = self.address(location.address) if location.address else \
            {"@type": "PostalAddress", "addressLocality": self.project.office.address.city, "addressCountry": "DE"}
        return node

    def organizer(self) -> dict[str, Any]:
        return {"@type": "Organization", "@id": self.office_id, "name": self.project.office.name,
                "url": self.page("kontakt.md")}

    def audience(self, ids: list[str]) -> list[dict[str, Any]]:
        labels = self.project.settings.audiences
        return [{"@type": "Audience", "audienceType": self.text(labels[a])} for a in ids if a in labels]

    def common(self, item: Offer | Event, url: str) -> dict[str, Any]:
        """What a series and its dates, or an event, share."""
        node: dict[str, Any] = {"name": self.text(item.title), "url": url, "inLanguage": self.in_language,
                                "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
                                "location": self.place(item.location), "organizer": self.organizer()}
        if item.summary:
            node["description"] = self.text(item.summary)
        if audience := self.audience(item.audience):
            node["audience"] = audience
        free = is_free(item.cost)
        if free is not None:
            node["isAccessibleForFree"] = free
        if free:
            node["offers"] = {"@type": "Offer", "price": 0, "priceCurrency": "EUR", "url": url,
                              "availability": SCHEMA + "InStock"}
        elif item.cost:
            node["offers"] = {"@type": "Offer", "description": self.text(item.cost), "url": url}
        return node

    # -- offers: the series and its dates -----------------------------------------------------------

    def schedules(self, offer: Offer) -> list[dict[str, Any]]:
        """One Schedule per current rule (per weekday for a monthly rule: byMonthWeek applies to all
        its days). exceptDate: every date of the rule, from today on, on which it does not take place."""
        found = []
        ahead = sessions("", offer, self.calendar, self.today, self.today + dt.timedelta(days=EXCEPT_DAYS))
        for index, rule in enumerate(offer.schedule):
            if not is_current(rule, self.today):
                continue
            off = [s.day.isoformat() for s in ahead if s.rule_index == index and s.cancelled]
            base: dict[str, Any] = {"@type": "Schedule", "startDate": rule.from_.isoformat(),
                                    "startTime": f"{rule.start:%H:%M}", "endTime": f"{rule.end:%H:%M}",
                                    "scheduleTimezone": TIMEZONE}
            if rule.until:
                base["endDate"] = rule.until.isoformat()
            if off:
                base["exceptDate"] = off
            if rule.weekly is not None:
                found.append(base | {"repeatFrequency": f"P{rule.every}W",
                                     "byDay": [SCHEMA + _DAYS[d] for d in _ordered(rule.weekly)]})
            else:
                by_day: dict[str, list[int]] = {}
                for ordinal, day in rule.monthly:
                    by_day.setdefault(day, []).append(_ORDINAL_WEEK[ordinal])
                found += [base | {"repeatFrequency": "P1M", "byDay": SCHEMA + _DAYS[day], "byMonthWeek": weeks}
                          for day, weeks in by_day.items()]
        return found

    def offer_nodes(self, offer_id: str) -> list[dict[str, Any]]:
        offer = self.project.offers[offer_id]
        url = self.page(f"angebote/{offer_id}.md")
        series_id = url + "#reihe"
        common = self.common(offer, url)
        nodes: list[dict[str, Any]] = []
        if offer.schedule and (plan := self.schedules(offer)):
            nodes.append({"@type": "EventSeries", "@id": series_id, **common, "eventSchedule": plan})
        for session in self.coming(offer_id, offer):
            nodes.append({"@type": "Event", "@id": f"{url}#termin-{session.start:%Y%m%dT%H%M}", **common,
                          "startDate": session.start.isoformat(), "endDate": session.end.isoformat(),
                          "eventStatus": SCHEMA + ("EventCancelled" if session.cancelled else "EventScheduled"),
                          **({"superEvent": {"@id": series_id}} if nodes else {})})
        return nodes

    def coming(self, offer_id: str, offer: Offer) -> list[Session]:
        """The dates of the coming weeks, cancelled ones included (as „Nächste Termine“ shows them)."""
        return sessions(offer_id, offer, self.calendar, self.today, self.today + dt.timedelta(weeks=WEEKS_AHEAD))

    # -- events -------------------------------------------------------------------------------------

    def event_node(self, event_id: str) -> dict[str, Any]:
        event = self.project.events[event_id]
        url = self.page(f"termine/{event_id}.md")
        status = {"cancelled": "EventCancelled", "postponed": "EventPostponed"}.get(event.status, "EventScheduled")
        node = {"@type": "Event", "@id": url + "#veranstaltung", **self.common(event, url),
                "startDate": event.start.replace(tzinfo=TZ).isoformat(), "eventStatus": SCHEMA + status}
        if event.end:
            node["endDate"] = event.end.replace(tzinfo=TZ).isoformat()
        return node

    def coming_events(self) -> list[str]:
        now = dt.datetime.combine(self.today, dt.time())
        until = now + dt.timedelta(weeks=WEEKS_AHEAD)
        return sorted((k for k, e in self.project.events.items() if (e.end or e.start) >= now and e.start < until),
                      key=lambda k: (self.project.events[k].start, k))

    # -- pages --------------------------------------------------------------------------------------

    def for_page(self, src: str) -> dict[str, Any] | None:
        """The document for the page with source path ``src`` (``angebote/naehtreff.md``), or None."""
        nodes: list[dict[str, Any]]
        if (m := re.fullmatch(r"angebote/([^/]+)\.md", src)) and m[1] in self.project.offers:
            nodes = self.offer_nodes(m[1])
        elif (m := re.fullmatch(r"termine/([^/]+)\.md", src)) and m[1] in self.project.events:
            nodes = [self.event_node(m[1])]
        elif src == "index.md":
            nodes = [self.event_node(k) for k in self.coming_events()]
        elif src == "kontakt.md":
            nodes = []
        else:
            return None
        return {"@context": CONTEXT, "@graph": nodes + [self.office(), self.carrier()]}


def _ordered(days: list[str]) -> list[str]:
    return sorted(days, key=list(_DAYS).index)


def dumps(document: dict[str, Any]) -> str:
    """JSON for inside an HTML element: nothing in it can end the element or start markup."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script(document: dict[str, Any] | None) -> str:
    """The element for the page's head ("" without data). A data block: browsers never run it, and
    the page's CSP (csp.py) does not hash it."""
    if document is None:
        return ""
    return f'<script type="application/ld+json">{dumps(document)}</script>'
