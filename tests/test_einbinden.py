"""Found everywhere (#20, items 3–5): feed discovery, COLOR, the Atom feed, „add this date“ and the
partners' embed, on the shared six-language build (`full_site`), with real parsers and one real
Chromium that embeds the dates in a page of a second origin."""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import functools
import http.server
import json
import re
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar as ICalendar

from stadtteil.opendata import embed
from stadtteil.calendars import feeds
from stadtteil.calendars.atom import ATOM, entry_id
from stadtteil.calendars.colors import CSS3_NAMES, DEFAULTS
from stadtteil.loader import load_project
from stadtteil.models import Settings
from stadtteil.calendars.schedule import TZ, Calendar, sessions

from browser import browser
from sites import BATENBROCK, DAY
from test_feeds import node_expand

SITE_URL = "https://www.gemeinsam-in-batenbrock.example/"
TODAY = dt.date.fromisoformat(DAY)
LANGS = ("", "en/", "tr/", "ar/", "uk/", "de-LS/")
A = "{%s}" % ATOM


def local(site: Path, href: str) -> Path:
    assert href.startswith(SITE_URL), href
    return site / href[len(SITE_URL):]


# --- COLOR ---------------------------------------------------------------------------------------

def test_category_calendars_have_a_css3_color_and_keep_their_properties(full_site):
    for prefix in ("", "ar/"):
        for path in sorted((full_site / prefix / "kalender" / "kategorie").glob("*.ics")):
            cal = ICalendar.from_ical(path.read_bytes())
            assert str(cal["COLOR"]) == DEFAULTS[path.stem], path
            for name in ("NAME", "X-WR-CALNAME", "DESCRIPTION", "REFRESH-INTERVAL", "SOURCE"):
                assert name in cal, (path, name)
    offer = ICalendar.from_ical((full_site / "kalender/angebote/naehtreff.ics").read_bytes())
    assert str(offer["COLOR"]) in CSS3_NAMES


def test_category_colors_are_checked():
    assert Settings.model_validate({"category_colors": {"lernen": "Teal"}}).colors()["lernen"] == "teal"
    assert Settings.model_validate({}).colors() == DEFAULTS
    with pytest.raises(ValueError, match="kein Farbname"):
        Settings.model_validate({"category_colors": {"lernen": "#ff0000"}})
    with pytest.raises(ValueError, match="die es nicht gibt: sport"):
        Settings.model_validate({"category_colors": {"sport": "red"}})
    # The option as mkdocs.yml gives it: accepted by the adapter, read by the pipeline with the vocabularies.
    from stadtteil.mkdocs_adapter.config import StadtteilConfig
    from stadtteil.pipeline import settings_of
    assert "category_colors" in dict(StadtteilConfig()._schema)
    assert settings_of({"category_colors": {"familie": "olive"}}).colors()["familie"] == "olive"


# --- discovery -----------------------------------------------------------------------------------

def head_links(page: Path) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [(link["type"], link["href"], link.get("title", "")) for link in soup.head.find_all("link", rel="alternate")
            if link.get("type")]


def test_pages_name_their_feeds_in_the_head(full_site):
    offer = head_links(full_site / "angebote/naehtreff/index.html")
    assert [(t, h) for t, h, _ in offer] == [
        ("text/calendar", SITE_URL + "kalender/angebote/naehtreff.ics"),
        ("text/calendar", SITE_URL + "kalender/kategorie/begegnung.ics"),
        ("application/atom+xml", SITE_URL + "kalender/neuigkeiten.atom")]
    assert all(title for _, _, title in offer)
    event = next(p for p in (full_site / "en/termine").iterdir() if p.is_dir())
    assert ("text/calendar", f"{SITE_URL}en/kalender/veranstaltungen/{event.name}.ics") in \
        [(t, h) for t, h, _ in head_links(event / "index.html")]
    calendars = {h for t, h, _ in head_links(full_site / "kalender/index.html") if t == "text/calendar"}
    assert {SITE_URL + f"kalender/kategorie/{c}.ics" for c in DEFAULTS} | {SITE_URL + "kalender/alle.ics"} <= calendars
    offers = {h for t, h, _ in head_links(full_site / "uk/angebote/index.html")}
    assert SITE_URL + "uk/kalender/kategorie/lernen.ics" in offers
    for page in ("index.html", "wochenplan/index.html", "termine/index.html", "kontakt/index.html"):
        for t, h, _ in head_links(full_site / page):
            assert local(full_site, h).is_file(), (page, h)
        assert "application/atom+xml" in [t for t, _, _ in head_links(full_site / page)], page


# --- Atom ----------------------------------------------------------------------------------------

def rfc3339(value: str) -> dt.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_atom_feed_is_valid_and_one_source_with_the_calendars(full_site):
    for prefix, lang in (("", "de"), ("ar/", "ar")):
        root = ET.parse(full_site / prefix / "kalender/neuigkeiten.atom").getroot()
        assert root.tag == A + "feed"
        uuid.UUID(root.findtext(A + "id").removeprefix("urn:uuid:"))
        assert root.findtext(A + "title") and root.find(A + "author").findtext(A + "name")
        self_link = [l for l in root.findall(A + "link") if l.get("rel") == "self"]
        assert self_link[0].get("href") == f"{SITE_URL}{prefix}kalender/neuigkeiten.atom"
        stamps = {}
        for event in ICalendar.from_ical((full_site / prefix / "kalender/alle.ics").read_bytes()).walk("VEVENT"):
            stamps[entry_id(str(event["UID"]), lang)] = (event["DTSTAMP"].dt, str(event["SUMMARY"]))
        entries = root.findall(A + "entry")
        ids = [e.findtext(A + "id") for e in entries]
        assert entries and len(set(ids)) == len(ids)
        newest = rfc3339(root.findtext(A + "updated"))
        for entry in entries:
            updated = rfc3339(entry.findtext(A + "updated"))
            assert updated <= newest
            # The entry is a VEVENT of the calendars: same title, its DTSTAMP (the revision record's time).
            assert stamps[entry.findtext(A + "id")] == (updated, entry.findtext(A + "title"))
            assert local(full_site, entry.find(A + "link").get("href")).parent.is_dir()
        titles = [e.findtext(A + "title") for e in entries]
        if lang == "de":
            # The fixture's cancelled Nähtreff (3 December) is news.
            assert "ABGESAGT: Nähtreff" in titles


# --- add this date -------------------------------------------------------------------------------

def test_each_listed_date_links_its_own_file_that_matches_the_series(full_site):
    project = load_project(BATENBROCK)
    calendar = Calendar(project.office)
    checked = 0
    for offer_id, offer in project.offers.items():
        page = full_site / "angebote" / offer_id / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        engine = sessions(offer_id, offer, calendar, TODAY, TODAY + dt.timedelta(days=400))
        items = soup.select("ul.st-dates li")
        series = {}
        if any(feeds.occurrence_listed(s, TODAY) for s in engine):
            for item in node_expand(full_site / "kalender/angebote" / f"{offer_id}.ics", TODAY,
                                    TODAY + dt.timedelta(days=90)):
                if item["status"] != "CANCELLED":
                    series[item["start"]] = item
        for li, session in zip(items, engine):
            link = li.find("a", class_="st-add-date")
            if not feeds.occurrence_listed(session, TODAY):
                assert link is None, (offer_id, session)
                continue
            # Screen readers hear the date: the hidden part of the link names it, after the visible text.
            name = link.get_text("", strip=True)
            assert name.startswith("In den Kalender:") and li.time.get_text() in name
            target = (page.parent / link["href"]).resolve()
            cal = ICalendar.from_ical(target.read_bytes())
            [vevent] = cal.walk("VEVENT")
            assert "RRULE" not in vevent and "RECURRENCE-ID" not in vevent
            assert str(vevent["UID"]).endswith("-termin@www.gemeinsam-in-batenbrock.example")
            assert vevent["DTSTART"].dt == session.start and vevent["DTEND"].dt == session.end
            utc = session.start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            assert series[utc]["summary"] == str(vevent["SUMMARY"]), offer_id
            checked += 1
    assert checked > 20


def test_one_event_files_parse_in_ical_js(full_site):
    files = sorted((full_site / "ar/kalender/termin").rglob("*.ics"))[:3]
    assert files
    for path in files:
        [item] = node_expand(path, TODAY, TODAY + dt.timedelta(days=90))
        assert item["uid"].endswith("-termin@www.gemeinsam-in-batenbrock.example")
        # The file's name is the date and local time; ical.js reads the same moment through the VTIMEZONE.
        local_start = dt.datetime.strptime(path.stem, "%Y-%m-%d-%H%M").replace(tzinfo=TZ)
        assert item["start"] == local_start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"), path


def test_day_blocks_carried_for_the_browser_link_existing_files(full_site):
    soup = BeautifulSoup((full_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = []
    for block in soup.select("[data-st-json]"):
        for fragment in json.loads(block["data-st-json"])["days"].values():
            links += [a["href"] for a in BeautifulSoup(fragment, "html.parser").select("a.st-add-date")]
    assert len(links) > 50
    assert all((full_site / href).is_file() for href in links)


# --- embed ---------------------------------------------------------------------------------------

def test_embed_files_for_every_choice_and_language(full_site):
    project = load_project(BATENBROCK)
    names = [c.name for c in embed.choices(project)]
    assert names[0] == "alle" and "angebot-naehtreff" in names and "kategorie-begegnung" in names
    for lang in ("de", "en", "tr", "ar", "uk", "de-LS"):
        for name in names:
            assert (full_site / embed.path(lang, name)).is_file(), (lang, name)
    data = json.loads((full_site / embed.path("de", "angebot-naehtreff")).read_text(encoding="utf-8"))
    assert {i["title"] for i in data["items"]} == {"Nähtreff"}
    assert [i["status"] for i in data["items"][:2]] == ["", "fällt aus"]    # 26 Nov held, 3 Dec cancelled
    arabic = json.loads((full_site / embed.path("ar", "alle")).read_text(encoding="utf-8"))
    assert arabic["dir"] == "rtl" and arabic["more"]["href"].startswith(SITE_URL + "ar/")
    starts = [i["start"] for i in arabic["items"]]
    assert starts == sorted(starts)


def test_partner_page_in_every_language(full_site):
    for prefix in LANGS:
        page = (full_site / prefix / "termine-einbinden/index.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(page, "html.parser")
        code = soup.select_one("[data-st-embed-code]").get_text()
        assert f'data-src="{SITE_URL}einbinden/' in code and "assets/einbinden.js" in code
        element = soup.find("stadtteil-termine")
        assert element.find("a")["href"]                       # the link without JavaScript
        assert soup.find("script", src=re.compile(r"assets/einbinden\.js$"))


# --- the embed on a partner's page, in Chromium ----------------------------------------------------

def _headers_rules(site: Path) -> list[tuple[str, dict[str, str]]]:
    """The rules of the `_headers` file the build ships (Netlify/Cloudflare syntax)."""
    rules, current = [], None
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = (line.strip(), {})
            rules.append(current)
        else:
            key, value = line.strip().split(":", 1)
            current[1][key.strip()] = value.strip()
    return rules


class _Handler(http.server.SimpleHTTPRequestHandler):
    rules: list = []

    def end_headers(self):
        path = urlsplit(self.path).path
        for pattern, headers in self.rules:
            if fnmatch.fnmatch(path, pattern):
                for key, value in headers.items():
                    if key.lower() in ("access-control-allow-origin", "content-security-policy"):
                        self.send_header(key, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path, host: str, rules: list):
    handler = functools.partial(type("H", (_Handler,), {"rules": rules}), directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_partner_page_on_another_origin_shows_the_dates(full_site, tmp_path):
    code = BeautifulSoup((full_site / "termine-einbinden/index.html").read_text(encoding="utf-8"),
                         "html.parser").select_one("[data-st-embed-code]").get_text()
    with serve(full_site, "127.0.0.1", _headers_rules(full_site)) as ours:
        (tmp_path / "index.html").write_text(
            '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Schule am Park</title></head>'
            "<body><main><h1>Termine im Stadtteil</h1>" + code.replace(SITE_URL, ours) + "</main></body></html>",
            encoding="utf-8")
        with serve(tmp_path, "127.0.0.1", []) as partner:
            partner = partner.replace("127.0.0.1", "localhost")    # a second origin: other host, other port
            with browser() as chromium:
                context = chromium.new_context()
                page = context.new_page()
                hosts = []
                page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
                page.goto(partner + "index.html")
                items = page.locator("stadtteil-termine li")
                items.first.wait_for(timeout=10000)
                assert items.count() == 5
                first = items.first.inner_text()
                # The clock is a week after the build: what ended before it is left out.
                assert "1. Dezember" in first or "2. Dezember" in first, first
                assert page.get_by_role("list", name=re.compile("Termine im")).is_visible()
                assert set(hosts) == {urlsplit(partner).netloc, urlsplit(ours).netloc}
                assert context.cookies() == []
                # Without JavaScript: the plain link.
                plain = chromium.new_context(java_script_enabled=False).new_page()
                plain.goto(partner + "index.html")
                assert plain.get_by_role("link", name=re.compile("Termine im")).is_visible()
                assert plain.locator("stadtteil-termine li").count() == 0


def test_partner_page_offers_only_the_languages_the_site_builds():
    from stadtteil.pages import EMBED, build_pages
    project = load_project(BATENBROCK)
    page = next(p for p in build_pages(project, TODAY, languages=("de", "en")) if p.src == EMBED)
    options = BeautifulSoup(page.markdown, "html.parser").select("#st-embed-lang option")
    assert [o["value"] for o in options] == ["de", "en"]
