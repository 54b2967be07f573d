"""Which feeds a page names in its head (`<link rel="alternate">`), so that browsers, feed readers and
calendar apps find them from the page a resident is looking at: an offer its own calendar and its
category's, an event its own and all events', the subscription page every calendar; every page the
language's Atom feed of news. The engine's theme writes the links; what they are is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .feeds import Feed

CALENDAR = "text/calendar"
ATOM = "application/atom+xml"


@dataclass(frozen=True)
class FeedLink:
    type: str
    href: str     # absolute
    title: str


def _kinds(rest: str, feeds: dict[tuple[str, str], Feed], offer_category: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, key) of the feeds the page at ``rest`` (its address without the language folder) names."""
    parts = [p for p in rest.strip("/").split("/") if p]
    categories = [key for kind, key in feeds if kind == "category"]
    if not parts:
        return [("all", "")]
    if parts == ["kalender"]:
        return [("all", ""), ("events", "")] + [("category", c) for c in categories]
    if parts == ["angebote"]:
        return [("all", "")] + [("category", c) for c in categories]
    if parts[0] == "angebote" and len(parts) == 2:
        return [("offer", parts[1]), ("category", offer_category.get(parts[1], ""))]
    if parts == ["termine"]:
        return [("events", "")]
    if parts[0] == "termine" and len(parts) == 2:
        return [("event", parts[1]), ("events", "")]
    if parts == ["wochenplan"] or parts[:2] == ["angebote", "fuer"]:
        return [("all", "")]
    return []


def feed_links(rest: str, feeds: dict[tuple[str, str], Feed], site_url: str,
               offer_category: dict[str, str]) -> list[FeedLink]:
    """The links of the page at ``rest`` (e.g. "angebote/naehtreff/"), from this language's feeds by
    (kind, key; ``offer_category``: offer id → its category); a feed the language lacks is left out."""
    links = [FeedLink(CALENDAR, site_url + feeds[k].path, feeds[k].name)
             for k in _kinds(rest, feeds, offer_category) if k in feeds]
    atom = feeds.get(("atom", ""))
    if atom is not None:
        links.append(FeedLink(ATOM, site_url + atom.path, atom.name))
    return links
