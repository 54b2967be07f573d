"""The Atom feed (RFC 4287) of each language: coming events and the news a calendar cannot tell a
feed reader – a cancelled date, a cancelled or postponed event.

One source with the calendars: the entries are the VEVENTs the .ics files hold, and an entry's
``updated`` is its VEVENT's DTSTAMP, the time the calendar revision record (revisions.py) says it
last changed. So a rebuild changes nothing, and an edit that changes an event (a cancellation) moves
exactly that entry to the top, as the same entry (same id) with its new title.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from .. import formatting as fmt
from ..i18n import language
from .schedule import TZ, time_span

if TYPE_CHECKING:
    from .feeds import FeedBuilder
    from .ics import VEvent

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Entry and feed ids: URNs from names that never change (the VEVENT's UID, the feed's address), so a
# reader recognises an entry again after any rebuild (RFC 4287 4.2.6).
_NAMESPACE = uuid.UUID("6f1d7a52-6d2b-5c1e-9a57-7374616474e6")


def entry_id(uid: str, lang: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, lang + ' ' + uid)}"


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def news_components(builder: FeedBuilder, offers: dict[str, list[VEvent]],
                    events: dict[str, list[VEvent]]) -> list[VEvent]:
    """What is news: every event not yet over, and every single cancelled date of an offer ahead
    (the STATUS:CANCELLED entries of the calendars; holidays of a school-holiday pause are not news)."""
    today = builder.settings.today
    found = [c for cs in events.values() for c in cs if c.end.date() >= today]
    found += [c for cs in offers.values() for c in cs if c.status == "CANCELLED"]
    return found


def news_feed(builder: FeedBuilder, offers: dict[str, list[VEvent]], events: dict[str, list[VEvent]],
              self_url: str) -> bytes:
    lang, _ = builder.lang, builder._
    office = builder.project.office.name
    items = sorted(news_components(builder, offers, events),
                   key=lambda c: (c.stamp, -c.start.timestamp(), c.uid), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language(lang).hreflang})
    sub = lambda parent, tag, text=None, **attrs: _sub(parent, tag, text, attrs)  # noqa: E731
    sub(feed, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, self_url)}")
    sub(feed, "title", _("%(office)s: Neuigkeiten") % {"office": office})
    sub(feed, "subtitle", _("Veranstaltungen und Absagen des %(office)s.") % {"office": office})
    newest = max((c.stamp for c in items), default=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    sub(feed, "updated", _stamp(newest))
    author = sub(feed, "author")
    sub(author, "name", office)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    home = self_url.rsplit("kalender/", 1)[0]
    sub(feed, "link", rel="alternate", type="text/html", href=home + "termine/")
    for component in items:
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(component.uid, lang))
        sub(entry, "title", component.summary)
        sub(entry, "updated", _stamp(component.stamp))
        sub(entry, "link", rel="alternate", type="text/html", href=component.url)
        start, end = component.start.astimezone(TZ), component.end.astimezone(TZ)
        when = fmt.long_date(start.date(), lang) + ", " + time_span(start.time(), end.time(), lang)
        where = component.location
        sub(entry, "summary", when + (" – " + where if where else ""))
        sub(entry, "content", component.description, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False) + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None, attrs: dict) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element
