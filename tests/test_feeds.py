"""Calendar feeds, checked with real parsers: icalendar (+ recurring-ical-events) and ical.js via Node.

Both clients' expansion of the next 12 months must equal the schedule engine's own sessions, which
are the same dates the pages show under "Nächste Termine".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from dateutil.rrule import rrulestr
from icalendar import Calendar as ICalendar

from stadtteil.calendars.feeds import _rrule
from stadtteil.loader import load_project
from stadtteil.models import ScheduleRule
from stadtteil.calendars.schedule import TZ, Calendar, rule_dates, sessions

from sites import BATENBROCK, DAY, build_here

REPO = Path(__file__).resolve().parents[1]
EXPAND_JS = REPO / "tests" / "js" / "expand.mjs"
TODAY = dt.date(2026, 10, 1)
END = TODAY + dt.timedelta(days=365)

# A project made for the calendar: a DST change on both ends, a closure, public holidays, a cancelled
# session, school holidays, every second week, and monthly rules.
OFFICE = """\
name: Kalenderbüro
carrier: Verein
address: {street: Horster Straße 228, postcode: "46236", city: Bottrop}
closures:
  - {from: 2026-12-23, until: 2027-01-02, reason: Weihnachtspause}
  - public_holidays: NW
legal:
  represented_by: [{name: Erika Beispiel}]
  responsible_for_content: {name: Erika Beispiel}
  data_protection_officer: {name: Max Datenschutz}
  hosting: {name: Beispiel-Hosting GmbH}
  accessibility: {prepared_on: 2026-09-01, reviewed_on: 2026-09-01}
"""
OFFERS = {
    "naehtreff": """\
title: Nähtreff
category: begegnung
audience: [frauen]
schedule:
  - weekly: [do]
    start: "15:00"
    end: "17:00"
    from: 2026-01-08
    except: [2026-11-05]
""",
    "hausaufgaben": """\
title: Hausaufgabenhilfe
category: lernen
schedule:
  - weekly: [mo, mi]
    start: "14:30"
    end: "16:00"
    from: 2026-08-01
    school_holidays: pause
""",
    "beratung": """\
title: Innovation-City-Beratung
category: beratung
schedule:
  - weekly: [di]
    every: 2 weeks
    start: "10:00"
    end: "12:00"
    from: 2026-09-01
    until: 2027-06-30
""",
    "flohmarkt": """\
title: Straßencafé
category: begegnung
schedule:
  - monthly: ["first sa", "last fr"]
    start: "11:00"
    end: "14:00"
    from: 2026-03-01
""",
}
EVENTS = {
    "2026-10-24-fest": "title: Herbstfest\nstart: 2026-10-24T14:00\nend: 2026-10-24T18:00\n",
    "2026-12-16-basteln": "title: Basteln\nstart: 2026-12-16T15:00\nend: 2026-12-16T17:00\nstatus: cancelled\n",
    "2027-03-28-fruehling": "title: Frühlingsfest\nstart: 2027-03-28T01:30\nend: 2027-03-28T04:00\n",
}
MKDOCS = """\
site_name: Kalenderbüro
site_url: https://kalender.example.org/
docs_dir: content
theme: {name: material, language: de, font: false}
markdown_extensions: [attr_list, md_in_html, def_list, toc]
plugins:
  - stadtteil:
      funding:
        logos: [{id: eu-esf, alt: EU-Emblem}, {id: mags, alt: MAGS NRW}, {id: mkffi, alt: MKFFI NRW}]
      today: "2026-10-01"
      uid_domain: kalender.example.org
"""


def write_project(root: Path) -> Path:
    (root / "offers").mkdir(parents=True)
    (root / "events").mkdir()
    (root / "content").mkdir()
    (root / "office.yml").write_text(OFFICE, encoding="utf-8")
    for name, text in OFFERS.items():
        (root / "offers" / f"{name}.yml").write_text(text, encoding="utf-8")
    for name, text in EVENTS.items():
        (root / "events" / f"{name}.yml").write_text(text, encoding="utf-8")
    (root / "content" / "index.md").write_text("# Start\n\n<!-- stadtteil:today -->\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    return root


def build(root: Path, site: Path, env_extra: dict | None = None) -> None:
    # In this process (sites.build_here): what is tested is the calendars, not a new interpreter.
    env = env_extra or {}
    result = build_here(root, site, today=env.get("STADTTEIL_TODAY"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in result.stderr.splitlines() if "WARNING" in line and "Platzhalter" not in line]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("cal") / "project")
    site = root.parent / "site"
    build(root, site)
    return root, site


def feeds_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.ics"))}


def node_expand(path: Path, start: dt.date, end: dt.date) -> list[dict]:
    node = shutil.which("node")
    assert node, "Node.js fehlt: die Kalender-Tests brauchen ical.js (npm ci)."
    assert (REPO / "node_modules" / "ical.js").is_dir(), "ical.js fehlt: `npm ci` im Projektordner ausführen."
    result = subprocess.run([node, str(EXPAND_JS), str(path), start.isoformat(), end.isoformat()],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def engine_dates(root: Path) -> dict[str, set[str]]:
    """Sessions that take place, per offer, by the engine the pages use."""
    project = load_project(root)
    calendar = Calendar(project.office)
    result = {}
    for offer_id, offer in project.offers.items():
        result[offer_id] = {utc(s.start) for s in sessions(offer_id, offer, calendar, TODAY, END - dt.timedelta(days=1))
                            if not s.cancelled}
    return result


# --- format --------------------------------------------------------------------------------------

def test_feeds_exist_for_everything(built):
    _, site = built
    # The single dates (kalender/termin/…, „add this date“) are tested in tests/test_einbinden.py.
    names = {name for name in feeds_of(site) if not name.startswith("kalender/termin/")}
    expected = {"kalender/alle.ics", "kalender/veranstaltungen.ics", "kalender/kategorie/begegnung.ics",
                "kalender/kategorie/lernen.ics", "kalender/kategorie/beratung.ics"}
    expected |= {f"kalender/angebote/{o}.ics" for o in OFFERS}
    expected |= {f"kalender/veranstaltungen/{e}.ics" for e in EVENTS}
    assert names == expected


def test_rfc5545_lines_crlf_folding_utf8(built):
    _, site = built
    for name, raw in feeds_of(site).items():
        raw.decode("utf-8")
        assert b"\n" not in raw.replace(b"\r\n", b""), name
        for line in raw.split(b"\r\n"):
            assert len(line) <= 75, (name, line)
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")


def test_calendar_and_event_properties(built):
    _, site = built
    for name, raw in feeds_of(site).items():
        cal = ICalendar.from_ical(raw)
        for prop in ("NAME", "X-WR-CALNAME", "DESCRIPTION", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "PRODID"):
            assert cal.get(prop), (name, prop)
        assert str(cal["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT12H"
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
        for event in cal.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "SEQUENCE", "SUMMARY", "URL", "DESCRIPTION", "LOCATION", "DTSTART", "DTEND"):
                assert prop in event, (name, prop, event.get("UID"))
            assert str(event["URL"]).startswith("https://kalender.example.org/")
            assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"


def test_special_characters_are_escaped(built):
    raw = feeds_of(built[1])["kalender/angebote/naehtreff.ics"].decode()
    assert "LOCATION:Kalenderbüro\\, Horster Straße 228\\, 46236 Bottrop" in raw


def test_series_has_rrule_and_exdates_for_closure_holiday_and_cancellation(built):
    cal = ICalendar.from_ical(feeds_of(built[1])["kalender/angebote/naehtreff.ics"])
    series = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert len(series) == 1
    exdates = {d.dt.date() for ex in ([series[0]["EXDATE"]] if not isinstance(series[0]["EXDATE"], list)
                                      else series[0]["EXDATE"]) for d in ex.dts}
    assert dt.date(2026, 11, 5) in exdates       # except
    assert dt.date(2026, 12, 24) in exdates      # closure
    assert dt.date(2026, 6, 4) in exdates        # Fronleichnam, public holiday in NRW
    cancelled = {e["UID"]: e for e in cal.walk("VEVENT") if e.get("STATUS") == "CANCELLED"}
    summaries = sorted(str(e["SUMMARY"]) for e in cancelled.values())
    assert summaries == ["ABGESAGT: Nähtreff"] * 3   # 5 Nov (except), 24 and 31 Dec (closure)
    # Each VEVENT's SEQUENCE comes from its own last change (revision record): the notes are as new as
    # the series' EXDATEs that announce the same cancellations.
    for event in cancelled.values():
        assert event["SEQUENCE"] >= series[0]["SEQUENCE"]


def test_cancelled_event_stays_marked(built):
    cal = ICalendar.from_ical(feeds_of(built[1])["kalender/veranstaltungen.ics"])
    basteln = [e for e in cal.walk("VEVENT") if "basteln" in str(e["UID"])][0]
    assert basteln["STATUS"] == "CANCELLED" and str(basteln["SUMMARY"]).startswith("ABGESAGT: ")


def test_past_cancellation_leaves_the_feed(tmp_path):
    root = write_project(tmp_path / "p")
    site = tmp_path / "site"
    build(root, site, {"STADTTEIL_TODAY": "2027-01-10"})
    raw = (site / "kalender" / "veranstaltungen.ics").read_text()
    assert "Basteln" not in raw and "Frühlingsfest" in raw


def test_a_summary_over_two_lines_names_its_calendar_on_one_line(tmp_path):
    """A summary written over two lines (YAML ``|``) is the calendar's description: the calendar name
    properties hold it on one line (icalendar stopped the build here with an AssertionError)."""
    from stadtteil.calendars import revisions
    from stadtteil.calendars.feeds import FeedSettings
    root = write_project(tmp_path / "p")
    offer = root / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text(encoding="utf-8") + "summary: |\n  Nähen, flicken; plaudern\n  bei Kaffee\n",
                     encoding="utf-8")
    record, _ = revisions.load(root, TODAY)
    feeds = revisions.language_feeds(load_project(root), FeedSettings("https://kalender.example.org/",
                                     "kalender.example.org", TODAY), record, "de")
    raw = next(f.content for f in feeds if f.path == "kalender/angebote/naehtreff.ics")
    cal = ICalendar.from_ical(raw)
    assert str(cal["x-wr-caldesc"]) == "Nähen, flicken; plaudern bei Kaffee"
    assert str(cal["description"]) == "Nähen, flicken; plaudern\nbei Kaffee"
    event = next(e for e in cal.walk("VEVENT") if e.get("RRULE"))
    assert str(event["description"]).startswith("Nähen, flicken; plaudern\nbei Kaffee\n")


# --- agreement: engine, icalendar, ical.js -----------------------------------------------------------

def python_client_dates(raw: bytes) -> dict[str, set[str]]:
    cal = ICalendar.from_ical(raw)
    start = dt.datetime.combine(TODAY, dt.time(), TZ)
    end = dt.datetime.combine(END, dt.time(), TZ)
    result: dict[str, set[str]] = {}
    for event in recurring_ical_events.of(cal).between(start, end):
        if event.get("STATUS") == "CANCELLED":
            continue
        result.setdefault(str(event["UID"]), set()).add(utc(event["DTSTART"].dt))
    return result


def js_client_dates(path: Path) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for item in node_expand(path, TODAY, END):
        if item["status"] == "CANCELLED":
            continue
        result.setdefault(item["uid"], set()).add(item["start"][:19])
    return result


def offer_of(uid: str) -> str:
    return re.match(r"angebot-([a-z0-9-]+?)-(?:mo|di|mi|do|fr|sa|so|first|second|third|fourth|last)", uid)[1]


def test_both_clients_agree_with_the_engine_for_12_months(built):
    root, site = built
    expected = engine_dates(root)
    checked = 0
    for offer_id in OFFERS:
        path = site / "kalender" / "angebote" / f"{offer_id}.ics"
        for client in (python_client_dates(path.read_bytes()), js_client_dates(path)):
            got: dict[str, set[str]] = {}
            for uid, dates in client.items():
                got.setdefault(offer_of(uid), set()).update(dates)
            assert got.get(offer_id, set()) == expected[offer_id], offer_id
            checked += len(expected[offer_id])
    # Summer time ends 25 Oct 2026 and starts 28 Mar 2027: 15:00 local is 13:00Z before, 14:00Z after.
    assert "2026-10-22T13:00:00" in expected["naehtreff"] and "2026-10-29T14:00:00" in expected["naehtreff"]
    assert "2027-04-01T13:00:00" in expected["naehtreff"]
    assert "2026-12-24T14:00:00" not in expected["naehtreff"]          # closure
    assert not any(d.startswith("2026-10-19") for d in expected["hausaufgaben"])  # Herbstferien
    assert checked > 300


def test_whole_site_feed_agrees_with_js_client(built):
    root, site = built
    expected = set().union(*engine_dates(root).values())
    got = set().union(*js_client_dates(site / "kalender" / "alle.ics").values())
    project = load_project(root)
    events = {utc(e.start.replace(tzinfo=TZ)) for e in project.events.values()
              if e.status != "cancelled" and TODAY <= e.start.date() <= END}
    assert got == expected | events


def test_event_in_the_dst_gap_is_parsed_the_same_by_both_clients(built):
    # 28 March 2027, 01:30 local is just before the clocks jump from 02:00 to 03:00.
    path = built[1] / "kalender" / "veranstaltungen" / "2027-03-28-fruehling.ics"
    js = node_expand(path, TODAY, END)
    py = ICalendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert js[0]["start"][:19] == utc(py["DTSTART"].dt) == "2027-03-28T00:30:00"
    assert js[0]["end"][:19] == utc(py["DTEND"].dt) == "2027-03-28T02:00:00"


# --- stability for subscribers -------------------------------------------------------------------------

def test_two_builds_give_identical_bytes(tmp_path):
    root = write_project(tmp_path / "p")
    build(root, tmp_path / "a")
    build(root, tmp_path / "b")
    assert feeds_of(tmp_path / "a") == feeds_of(tmp_path / "b")


def test_source_date_epoch_sets_dtstamp(tmp_path):
    root = write_project(tmp_path / "p")
    build(root, tmp_path / "site", {"SOURCE_DATE_EPOCH": "1790000000"})
    raw = (tmp_path / "site" / "kalender" / "alle.ics").read_text()
    assert set(re.findall(r"DTSTAMP:(\S+)", raw)) == {"20260921T141320Z"}


def uid_map(raw: bytes) -> dict[str, tuple[int, str]]:
    return {str(e["UID"]): (int(e["SEQUENCE"]), e.to_ical().decode()) for e in ICalendar.from_ical(raw).walk("VEVENT")}


def test_editing_one_offer_changes_only_its_events(tmp_path):
    root = write_project(tmp_path / "p")
    write = {"STADTTEIL_REVISIONEN_SCHREIBEN": "1"}   # the revision record keeps the builds apart
    build(root, tmp_path / "before", write)
    offer = root / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text().replace('end: "17:00"', 'end: "17:30"'))
    build(root, tmp_path / "after", write)
    before = uid_map((tmp_path / "before" / "kalender" / "alle.ics").read_bytes())
    after = uid_map((tmp_path / "after" / "kalender" / "alle.ics").read_bytes())
    assert set(before) == set(after)                       # UIDs stable: nothing duplicated
    changed = {uid for uid in before if before[uid][1] != after[uid][1]}
    assert changed and all(uid.startswith("angebot-naehtreff-") for uid in changed)
    for uid in changed:
        assert after[uid][0] > before[uid][0]              # SEQUENCE up


# --- the engine's RRULE and its own dates are the same thing (property test) --------------------------

weekday_sets = st.lists(st.sampled_from(["mo", "di", "mi", "do", "fr", "sa", "so"]), min_size=1, max_size=3, unique=True)
start_dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def rules(draw):
    start = draw(start_dates)
    until = draw(st.one_of(st.none(), st.integers(0, 500).map(lambda d: start + dt.timedelta(days=d))))
    base = {"start": "09:30", "end": "11:00", "from": start.isoformat()}
    if until:
        base["until"] = until.isoformat()
    if draw(st.booleans()):
        base |= {"weekly": draw(weekday_sets), "every": draw(st.integers(1, 4))}
    else:
        ordinals = draw(st.lists(st.sampled_from(["first", "second", "third", "fourth", "last"]), min_size=1,
                                 max_size=2, unique=True))
        day = draw(st.sampled_from(["mo", "di", "mi", "do", "fr", "sa", "so"]))
        base["monthly"] = [f"{o} {day}" for o in ordinals]
    return ScheduleRule.model_validate(base)


@settings(max_examples=200, deadline=None)
@given(rules())
def test_written_rrule_expands_to_the_engine_dates(rule):
    window_end = rule.from_ + dt.timedelta(days=500)
    ours = list(rule_dates(rule, rule.from_, window_end))
    if not ours:
        return
    first = dt.datetime.combine(ours[0], rule.start, TZ)
    expanded = rrulestr(_rrule(rule).value(), dtstart=first)   # the RRULE as the files have it
    theirs = [d.date() for d in expanded.between(first, dt.datetime.combine(window_end, dt.time(23, 59), TZ), inc=True)]
    assert theirs == ours


@settings(max_examples=100, deadline=None)
@given(rules())
def test_engine_dates_obey_the_rule(rule):
    dates = list(rule_dates(rule, rule.from_, rule.from_ + dt.timedelta(days=400)))
    assert dates == sorted(set(dates))
    for day in dates:
        assert day >= rule.from_ and (rule.until is None or day <= rule.until)
        if rule.weekly:
            assert ["mo", "di", "mi", "do", "fr", "sa", "so"][day.weekday()] in rule.weekly
            anchor = rule.from_ - dt.timedelta(days=rule.from_.weekday())
            assert ((day - anchor).days // 7) % rule.every == 0


# --- the office's site (frozen snapshot): pages, engine and both clients agree -----------------------

@pytest.fixture(scope="module")
def repo_site(full_site):
    return full_site


def test_repo_feeds_pages_and_clients_agree(repo_site):
    from bs4 import BeautifulSoup

    today = dt.date.fromisoformat(DAY)
    end = today + dt.timedelta(days=365)
    project = load_project(BATENBROCK)
    calendar = Calendar(project.office)
    js_all = {}
    for item in node_expand(repo_site / "kalender" / "alle.ics", today, end):
        if item["status"] != "CANCELLED" and item["uid"].startswith("angebot-"):
            js_all.setdefault(offer_of(item["uid"]), set()).add(item["start"][:19])
    occurrences = 0
    for offer_id, offer in project.offers.items():
        # Clients expand up to `end` 00:00, exclusive; the engine's window is inclusive.
        engine = sessions(offer_id, offer, calendar, today, end - dt.timedelta(days=1))
        held = {utc(s.start) for s in engine if not s.cancelled}
        occurrences += len(held)
        feed = repo_site / "kalender" / "angebote" / f"{offer_id}.ics"
        py = set().union(*python_client_dates_between(feed.read_bytes(), today, end).values() or [set()])
        assert py == held, offer_id
        assert js_all.get(offer_id, set()) == held, offer_id
        # The page shows the same next dates, cancelled ones marked.
        soup = BeautifulSoup((repo_site / "angebote" / offer_id / "index.html").read_text(), "html.parser")
        shown = [(li.time["datetime"], "st-cancelled" in (li.get("class") or [])) for li in soup.select("ul.st-dates li:not([hidden])")]
        assert shown == [(s.start.isoformat(), s.cancelled) for s in engine[:5]], offer_id
    assert occurrences > 500


def test_repo_events_are_in_the_events_feed(repo_site):
    project = load_project(BATENBROCK)
    raw = (repo_site / "kalender" / "veranstaltungen.ics").read_bytes()
    uids = {str(e["UID"]) for e in ICalendar.from_ical(raw).walk("VEVENT")}
    upcoming = {f"veranstaltung-{k}@www.gemeinsam-in-batenbrock.example" for k, e in project.events.items()
                if (e.end or e.start).date() >= dt.date.fromisoformat(DAY) or e.status != "cancelled"}
    assert uids == upcoming


def python_client_dates_between(raw: bytes, start: dt.date, end: dt.date) -> dict[str, set[str]]:
    cal = ICalendar.from_ical(raw)
    result: dict[str, set[str]] = {}
    for event in recurring_ical_events.of(cal).between(dt.datetime.combine(start, dt.time(), TZ),
                                                        dt.datetime.combine(end, dt.time(), TZ)):
        if event.get("STATUS") != "CANCELLED":
            result.setdefault(str(event["UID"]), set()).add(utc(event["DTSTART"].dt))
    return result
