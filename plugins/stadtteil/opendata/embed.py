"""Dates for partners' websites: one small static JSON per language and choice (all dates, a category,
one offer), read by the web component in assets/einbinden.js that partners put on their pages.

Why a web component and static JSON (docs/kalender.md „Termine auf anderen Websites“): the dates
become part of the partner's page (its fonts, its screen-reader flow, no frame with a title of its
own); the only requests go to this site (the script and one JSON, without cookies or referrer);
without JavaScript the partner's page shows the link inside the element. The texts are formatted
here, in the chosen language, so the script needs no date library and no translations; it only
leaves out what has ended since the build, as termine.js does on the site's own pages.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass

from .. import formatting as fmt
from ..i18n import language, translator
from ..loader import Project
from ..calendars.schedule import TZ, Calendar, sessions, time_span

# The days ahead a file carries: the window of the pages and of „add this date“ (feeds.OCCURRENCE_DAYS).
DAYS = 77
MAX_ITEMS = 60       # „all dates“ of a busy office: enough for weeks, small enough to load at once
FOLDER = "einbinden"
SCRIPT = "assets/einbinden.js"


@dataclass(frozen=True)
class Choice:
    name: str          # file name without .json: alle, kategorie-<id>, angebot-<id>
    kind: str          # all | category | offer
    key: str
    label: dict[str, str]


def path(lang: str, name: str) -> str:
    return f"{FOLDER}/{lang}/{name}.json"


def choices(project: Project) -> list[Choice]:
    """What partners can show: all dates, each category with offers or events, each offer."""
    found = [Choice("alle", "all", "", {})]
    used = {o.category for o in project.offers.values()} | {e.category for e in project.events.values() if e.category}
    found += [Choice(f"kategorie-{cat}", "category", cat, label)
              for cat, label in project.settings.categories.items() if cat in used]
    found += [Choice(f"angebot-{oid}", "offer", oid, offer.title)
              for oid, offer in sorted(project.offers.items(), key=lambda item: fmt.text(item[1].title).lower())]
    return found


def _items(project: Project, calendar: Calendar, choice: Choice, today: dt.date, lang: str, page: callable) -> list[dict]:
    _ = translator(lang)
    last = today + dt.timedelta(days=DAYS)
    found = []
    for oid, offer in project.offers.items():
        if (choice.kind == "offer" and oid != choice.key) or (choice.kind == "category" and offer.category != choice.key):
            continue
        for s in sessions(oid, offer, calendar, today, last):
            found.append({"start": s.start.isoformat(), "end": s.end.isoformat(), "date": fmt.day_month(s.day, lang),
                          "time": time_span(s.start.time(), s.end.time(), lang), "title": fmt.text(offer.title, lang),
                          "url": page(f"angebote/{oid}.md"),
                          "status": _("fällt aus") if s.cancelled else ""})
    if choice.kind != "offer":
        for eid, event in project.events.items():
            if choice.kind == "category" and event.category != choice.key:
                continue
            start = event.start.replace(tzinfo=TZ)
            end = (event.end or event.start.replace(hour=23, minute=59)).replace(tzinfo=TZ)
            if end.date() < today or start.date() > last:
                continue
            if event.end and event.end.date() == event.start.date():
                when = time_span(event.start.time(), event.end.time(), lang)
            else:
                when = _("ab %(time)s Uhr") % {"time": fmt.hhmm(event.start.time(), lang)}
            status = {"cancelled": _("Abgesagt"), "postponed": _("Verschoben")}.get(event.status, "")
            found.append({"start": start.isoformat(), "end": end.isoformat(), "date": fmt.day_month(start.date(), lang),
                          "time": when, "title": fmt.text(event.title, lang), "url": page(f"termine/{eid}.md"),
                          "status": status})
    found.sort(key=lambda item: (item["start"], item["title"]))
    return found[:MAX_ITEMS]


def files(project: Project, today: dt.date, lang: str, site_url: str) -> list[tuple[str, bytes]]:
    """(site path, bytes) of every choice's JSON in ``lang``."""
    _ = translator(lang)
    calendar = Calendar(project.office)
    info = language(lang)
    page = lambda src: site_url + info.prefix + fmt.page_url(src)  # noqa: E731
    office = project.office.name
    result = []
    for choice in choices(project):
        more = page("angebote/" + choice.key + ".md") if choice.kind == "offer" else page("termine/index.md") \
            if choice.kind == "all" else page("angebote/index.md")
        data = {"lang": info.html_lang, "dir": info.direction, "built": today.isoformat(),
                "label": _("Termine im %(office)s") % {"office": office},
                "more": {"href": more, "text": _("Alle Termine im %(office)s") % {"office": office}},
                "empty": _("Zurzeit keine Termine."),
                "items": _items(project, calendar, choice, today, lang, page)}
        result.append((path(lang, choice.name), json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()))
    return result


def snippet(site_url: str, lang: str, name: str, fallback: str, count: int = 5) -> str:
    """The code a partner copies: the element with its fallback link, and the script."""
    return (f'<stadtteil-termine data-src="{site_url}{path(lang, name)}" data-anzahl="{count}">\n'
            f'  <a href="{site_url}{language(lang).prefix}termine/">{html.escape(fallback)}</a>\n'
            f'</stadtteil-termine>\n'
            f'<script src="{site_url}{SCRIPT}" defer></script>')
