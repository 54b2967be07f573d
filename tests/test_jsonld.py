"""schema.org data (JSON-LD) of the built pages, read by a real JSON-LD processor (pyld), held against
Google's Event fields and, date for date, against ical.js's expansion of the same offers' feeds.

The site is the shared six-language build (`full_site`). pyld gets schema.org's context from here, not
from the network: `@vocab` https://schema.org/ and, as schema.org's own context declares them, the
properties whose values are schema.org names (eventStatus, dayOfWeek …) read as IRIs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar
from lxml import html as lxml_html
from pyld import jsonld as pyld

from stadtteil import csp
from stadtteil.opendata import jsonld
from stadtteil.htmltree import parse
from stadtteil.checks.output import data_block_problems

from sites import DAY

REPO = Path(__file__).resolve().parents[1]
EXPAND_JS = REPO / "tests" / "js" / "expand.mjs"
S = "https://schema.org/"
TODAY = dt.date.fromisoformat(DAY)
LANGUAGES = {"": "de", "en/": "en", "tr/": "tr", "ar/": "ar", "uk/": "uk", "de-LS/": "de-x-ls"}
_IRI_VALUED = ("eventStatus", "eventAttendanceMode", "availability", "dayOfWeek", "byDay", "url")
CONTEXT = {"@context": {"@vocab": S, **{name: {"@id": S + name, "@type": "@id"} for name in _IRI_VALUED}}}


def _loader(url, options=None):
    assert url.rstrip("/") == "https://schema.org", f"JSON-LD asks for another context: {url}"
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": CONTEXT}


def data_of(site: Path, url: str) -> dict | None:
    """The page's JSON-LD as written (None when it has none); exactly one block, in the head."""
    tree = lxml_html.fromstring((site / url / "index.html").read_bytes())
    blocks = tree.xpath("//script[@type='application/ld+json']")
    if not blocks:
        return None
    assert len(blocks) == 1 and blocks[0].getparent().tag == "head", url
    assert "</" not in blocks[0].text and "<!--" not in blocks[0].text
    return json.loads(blocks[0].text)


def nodes(document: dict) -> dict[str, dict]:
    """The document flattened by pyld: every node by its @id (blank nodes too), values expanded."""
    flat = pyld.flatten(document, None, {"documentLoader": _loader})
    return {node["@id"]: node for node in flat}


def value(node: dict, name: str):
    found = node.get(S + name, [])
    return [v.get("@value", v.get("@id")) for v in found]


def one(node: dict, name: str):
    values = value(node, name)
    assert len(values) == 1, (name, node)
    return values[0]


def typed(graph: dict[str, dict], kind: str) -> list[dict]:
    return [n for n in graph.values() if S + kind in n.get("@type", [])]


def utc(text: str) -> str:
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def offers_of(site: Path) -> list[str]:
    return sorted(p.stem for p in (site / "kalender" / "angebote").glob("*.ics"))


@pytest.fixture(scope="module")
def expanded(full_site) -> list[dict]:
    """ical.js's expansion of the whole-site feed, once: offers and events, from the build day on."""
    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "ical.js").is_dir(), "Node.js und ical.js fehlen (npm ci)."
    end = TODAY + dt.timedelta(weeks=jsonld.WEEKS_AHEAD + 2)
    result = subprocess.run([node, str(EXPAND_JS), str(full_site / "kalender" / "alle.ics"), DAY, end.isoformat()],
                            capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


# --- what the pages carry --------------------------------------------------------------------------

def test_offer_event_start_and_contact_pages_carry_it_in_every_language(full_site):
    offer, event = offers_of(full_site)[0], sorted(p.name for p in (full_site / "termine").iterdir() if p.is_dir())[0]
    office_ids = set()
    for prefix, code in LANGUAGES.items():
        for url in (f"{prefix}angebote/{offer}", f"{prefix}termine/{event}", prefix.rstrip("/"), f"{prefix}kontakt"):
            document = data_of(full_site, url)
            assert document is not None and document["@context"] == "https://schema.org", url
            graph = nodes(document)
            office, = typed(graph, "LocalBusiness")
            carrier, = [n for n in typed(graph, "Organization") if S + "funder" in n]
            office_ids.add(office["@id"])
            assert one(office, "parentOrganization") == carrier["@id"]
            assert len(value(carrier, "funder")) >= 3      # the funding notice's funders, by name
            assert {one(graph[f], "name") for f in value(carrier, "funder")} >= {
                "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen"}
            for event_node in typed(graph, "Event") + typed(graph, "EventSeries"):
                assert one(event_node, "inLanguage") == code, url
    assert len(office_ids) == 1     # one office, the same id on every page of every language
    assert data_of(full_site, "wochenplan") is None and data_of(full_site, "impressum") is None


def test_office_hours_closures_and_holidays(full_site):
    graph = nodes(data_of(full_site, "kontakt"))
    office, = typed(graph, "LocalBusiness")
    hours = [graph[h] for h in value(office, "openingHoursSpecification")]
    thursday = [h for h in hours if S + "Thursday" in value(h, "dayOfWeek")]
    assert [(one(h, "opens"), one(h, "closes")) for h in thursday] == [("09:00", "13:00")]
    special = {(one(graph[h], "validFrom"), one(graph[h], "validThrough")): graph[h]
               for h in value(office, "specialOpeningHoursSpecification")}
    christmas = special[("2026-12-23", "2027-01-02")]          # the closure, closed all day
    assert (one(christmas, "opens"), one(christmas, "closes")) == ("00:00", "00:00")
    assert one(christmas, "description") == "Weihnachtspause"
    assert ("2027-01-01", "2027-01-01") not in special           # a holiday inside the closure is not doubled
    assert ("2027-03-29", "2027-03-29") in special               # Ostermontag
    address = graph[one(office, "address")]
    assert S + "PostalAddress" in address["@type"] and one(address, "postalCode") == "46236"


def test_google_event_fields(full_site):
    """Required: name, startDate, location (a Place with its address). Recommended: description,
    endDate, eventAttendanceMode, eventStatus, offers (price, currency, url, availability when free),
    organizer (name, url). Not given: image (photos need their consent per use), performer."""
    checked = 0
    for url in [f"angebote/{o}" for o in offers_of(full_site)] + [""]:
        graph = nodes(data_of(full_site, url))
        for event in typed(graph, "Event"):
            checked += 1
            assert one(event, "name") and one(event, "description")
            start = dt.datetime.fromisoformat(one(event, "startDate"))
            assert start.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2)), event["@id"]
            if value(event, "endDate"):
                assert dt.datetime.fromisoformat(one(event, "endDate")) > start
            place = graph[one(event, "location")]
            assert S + "Place" in place["@type"] and one(place, "name")
            address = graph[one(place, "address")]
            assert one(address, "addressLocality") == "Bottrop" and one(address, "addressCountry") == "DE"
            assert one(event, "eventAttendanceMode") == S + "OfflineEventAttendanceMode"
            assert one(event, "eventStatus") in (S + "EventScheduled", S + "EventCancelled", S + "EventPostponed")
            organizer = graph[one(event, "organizer")]
            assert one(organizer, "name") == "Stadtteilbüro Batenbrock" and one(organizer, "url").endswith("/kontakt/")
            audiences = [graph[a] for a in value(event, "audience")]
            assert audiences and all(one(a, "audienceType") for a in audiences)
            if value(event, "isAccessibleForFree") == [True]:
                offer = graph[one(event, "offers")]
                assert (one(offer, "price"), one(offer, "priceCurrency")) == (0, "EUR")
                assert one(offer, "availability") == S + "InStock" and one(offer, "url") == one(event, "url")
    assert checked > 60


def test_the_series_says_its_rules(full_site):
    graph = nodes(data_of(full_site, "angebote/naehtreff"))
    series, = typed(graph, "EventSeries")
    schedule, = [graph[s] for s in value(series, "eventSchedule")]
    assert value(schedule, "byDay") == [S + "Thursday"] and one(schedule, "repeatFrequency") == "P1W"
    assert (one(schedule, "startTime"), one(schedule, "endTime")) == ("15:00", "17:00")
    assert one(schedule, "scheduleTimezone") == "Europe/Berlin" and one(schedule, "startDate") == "2026-01-08"
    assert {"2026-12-03", "2026-12-24", "2026-12-31"} <= set(value(schedule, "exceptDate"))
    for event in typed(graph, "Event"):
        assert one(event, "superEvent") == series["@id"]
    monthly = nodes(data_of(full_site, "angebote/graffiti"))
    rules = [monthly[s] for series in typed(monthly, "EventSeries") for s in value(series, "eventSchedule")]
    assert {(one(r, "repeatFrequency"), one(r, "byDay"), one(r, "byMonthWeek")) for r in rules} == {
        ("P1M", S + "Saturday", -1)}                  # „last sa“
    fortnightly = nodes(data_of(full_site, "angebote/innovation-city"))
    assert "P2W" in {one(fortnightly[s], "repeatFrequency") for series in typed(fortnightly, "EventSeries")
                     for s in value(series, "eventSchedule")}


def test_every_date_is_the_one_ical_js_expands_from_the_feed(full_site, expanded):
    """Held dates of the coming weeks are ical.js's confirmed occurrences of the offer's series; a
    cancelled date is a cancelled entry of the feed or a date its EXDATE takes out, and the series'
    exceptDate lists exactly the feed's EXDATEs from the build day on."""
    window_end = TODAY + dt.timedelta(weeks=jsonld.WEEKS_AHEAD)

    def in_window(start: str) -> bool:
        return TODAY <= dt.datetime.fromisoformat(start).date() <= window_end

    compared = 0
    for offer in offers_of(full_site):
        graph = nodes(data_of(full_site, f"angebote/{offer}"))
        events = typed(graph, "Event")
        held = {(utc(one(e, "startDate")), utc(one(e, "endDate"))) for e in events
                if one(e, "eventStatus") == S + "EventScheduled"}
        cancelled = {utc(one(e, "startDate")) for e in events if one(e, "eventStatus") == S + "EventCancelled"}
        assert all(in_window(one(e, "startDate")) for e in events)
        ours = [item for item in expanded if item["uid"].startswith(f"angebot-{offer}-")]
        local = lambda iso: dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(jsonld.TZ)  # noqa: E731
        theirs = {(i["start"][:19], i["end"][:19]) for i in ours if i["status"] != "CANCELLED"
                  and TODAY <= local(i["start"]).date() <= window_end}
        assert held == theirs, offer
        announced = {i["start"][:19] for i in ours if i["status"] == "CANCELLED" and TODAY <= local(i["start"]).date() <= window_end}
        assert announced <= cancelled, offer
        feed = ICalendar.from_ical((full_site / "kalender" / "angebote" / f"{offer}.ics").read_bytes())
        exdates = sorted({d.dt.date().isoformat() for ev in feed.walk("VEVENT") if "EXDATE" in ev
                          for group in (ev["EXDATE"] if isinstance(ev["EXDATE"], list) else [ev["EXDATE"]])
                          for d in group.dts if d.dt.date() >= TODAY})
        series = typed(graph, "EventSeries")
        excepted = sorted({d for s in series for sched in value(s, "eventSchedule") for d in value(graph[sched], "exceptDate")})
        assert excepted == exdates, offer
        for start in cancelled - announced:      # a holiday or school holiday: taken out by EXDATE
            assert local(start + "Z").date().isoformat() in excepted, (offer, start)
        compared += len(held) + len(cancelled)
    assert compared > 60

    for event_dir in sorted(p for p in (full_site / "termine").iterdir() if p.is_dir()):
        document = data_of(full_site, f"termine/{event_dir.name}")
        event, = typed(nodes(document), "Event")
        feed = [i for i in expanded if i["uid"].startswith(f"veranstaltung-{event_dir.name}@")]
        start = utc(one(event, "startDate"))
        if feed:
            assert [i["start"][:19] for i in feed] == [start]
            assert (feed[0]["status"] == "CANCELLED") == (one(event, "eventStatus") == S + "EventCancelled")


# --- the element: data, never markup; only where the engine puts it ------------------------------

def test_text_cannot_end_the_element():
    hostile = {"name": "</script><script>alert(1)</script><!-- & -->"}
    written = jsonld.script({"@context": "https://schema.org", **hostile})
    body = written.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["name"] == hostile["name"]
    # A data block: the page's policy hashes no part of it (it never runs).
    assert csp.inline_script_hashes(f"<head>{written}</head>") == []


def test_the_output_check_refuses_data_blocks_elsewhere():
    good = '<script type="application/ld+json">{"@context":"https://schema.org"}</script>'
    page = lambda head, body="": f"<html><head>{head}</head><body><p>x</p>{body}</body></html>"  # noqa: E731
    assert data_block_problems(parse(page(good)), "a/index.html") == []
    for broken, why in ((page("", good), "nicht im Kopf"), (page(good + good), "2-mal"),
                        (page(good.replace("{", "{{")), "kein gültiges JSON"),
                        (page(good.replace("https://schema.org", "https://example.org")), "kein schema.org")):
        problems = data_block_problems(parse(broken), "a/index.html")
        assert len(problems) == 1 and why in problems[0].message, broken


def test_staff_pages_still_hold_no_data_block():
    """Only the engine writes the block: in a hand-written page it is a <script> like any other."""
    from stadtteil import sanitize
    source = '# Seite\n\n<script type="application/ld+json">{"@context":"https://schema.org"}</script>\n'
    problems = sanitize.page_problems(f"<h1>Seite</h1>\n{source.split(chr(10), 2)[2]}", source, "content/seite.md")
    assert [p.line for p in problems] == [3] and "<script>" in problems[0].message


def test_free_is_read_from_the_german_cost_text():
    assert jsonld.is_free({"de": "kostenlos, mit Mittagsimbiss"}) is True
    assert jsonld.is_free({"de": "Eintritt frei"}) is True
    assert jsonld.is_free({"de": "Kaffee gegen eine kleine Spende, der Platz ist kostenlos"}) is True
    assert jsonld.is_free({"de": "5 € pro Abend"}) is False
    assert jsonld.is_free({"de": "nach Absprache"}) is None and jsonld.is_free(None) is None
