"""Pages correct their dates in the browser when the daily rebuild did not run (issue #24).

Real Chromium with Playwright's clock set one day, one week and two months after the build. What the page
shows then is compared with what a real rebuild on that day shows (the mini fixture, German), and checked
against the engine's own date formatting (the full site, Arabic). Without JavaScript the page stays as built.
"""

from __future__ import annotations

import datetime as dt

import pytest

from browser import PHONE, browser, serve
from sites import DAY, MINI, build_here

BUILT = dt.date.fromisoformat(DAY)
LATER = {"ein Tag": BUILT + dt.timedelta(days=1), "eine Woche": BUILT + dt.timedelta(days=7),
         "zwei Monate": BUILT + dt.timedelta(days=61)}
BERLIN = dt.timezone(dt.timedelta(hours=1))          # winter time, all three days


@pytest.fixture(scope="module")
def mini_sites(tmp_path_factory):
    """The mini fixture built on the frozen day, and rebuilt on each later day for comparison."""
    root = tmp_path_factory.mktemp("termine")
    days = {"gebaut": BUILT, **LATER}
    # In this process, one after the other: four small builds cost less than four interpreters and their imports.
    results = {name: build_here(MINI, root / name, today=day.isoformat()) for name, day in days.items()}
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stderr)
    return {name: root / name for name in days}


@pytest.fixture(scope="module")
def chromium():
    """One browser, one context per setting; each look is a fresh page with the clock set before it loads."""
    with browser() as instance:
        contexts = {(tz, js): instance.new_context(viewport=PHONE, timezone_id=tz, java_script_enabled=js)
                    for tz, js in (("Europe/Berlin", True), ("America/New_York", True), ("Europe/Berlin", False))}
        yield contexts
        for context in contexts.values():
            context.close()


def shown(chromium, base: str, path: str, when: dt.datetime, timezone: str = "Europe/Berlin",
          javascript: bool = True) -> dict:
    page = chromium[(timezone, javascript)].new_page()
    page.clock.set_fixed_time(when)
    page.goto(base + path)
    found = page.evaluate("""() => {
        const text = s => { const e = document.querySelector(s); return e ? e.innerText.trim() : null; };
        const visible = s => [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null)
                                                                .map(e => e.innerText.trim());
        // „In den Kalender“ goes with the dates whose file the build made (feeds.OCCURRENCE_DAYS): an old
        // page's spare dates beyond that window rightly have none, the rebuilt page's have one.
        const dates = s => [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null)
            .map(e => { const c = e.cloneNode(true); c.querySelectorAll('.st-add-date').forEach(a => a.remove());
                        return c.textContent.replace(/\\s+/g, ' ').trim(); });
        const note = document.querySelector('[data-st-stale]');
        return {today: text('.st-today'), week: text('.st-nextdays'), dates: dates('ul.st-dates li'),
                events: visible('ul.st-events:not(.st-events--past) li'), dir: document.documentElement.dir,
                note: note && !note.hidden ? note.innerText.trim() : null,
                noteLink: note && !note.hidden && note.querySelector('a') ? note.querySelector('a').getAttribute('href') : null,
                noteRole: note && note.getAttribute('role')};
    }""")
    page.close()
    return found


@pytest.mark.parametrize("later", list(LATER))
def test_an_old_page_shows_what_a_rebuild_on_the_visitors_day_would_show(mini_sites, chromium, later):
    day = LATER[later]
    when = dt.datetime.combine(day, dt.time(10, 0), BERLIN)
    with serve(mini_sites["gebaut"]) as old, serve(mini_sites[later]) as fresh:
        for path in ("", "angebote/naehtreff/", "termine/"):
            stale, rebuilt = shown(chromium, old, path, when), shown(chromium, fresh, path, when)
            for part in ("today", "week", "dates", "events"):
                assert stale[part] == rebuilt[part], (later, path, part, stale[part], rebuilt[part])
            assert rebuilt["note"] is None
            if path == "angebote/naehtreff/":
                assert len(stale["dates"]) == 5, (later, stale["dates"])     # still five, two months on
            if later == "ein Tag":
                assert stale["note"] is None, path
            else:
                # Polite (a live region), visible, with the build date and the way to the calendars.
                assert stale["note"] and "24.11.2026" in stale["note"] and stale["noteRole"] == "status", (path, stale)
                assert stale["noteLink"].endswith("kalender/"), stale


def test_passed_dates_go_and_the_list_stays_as_long_as_built(mini_sites, chromium):
    with serve(mini_sites["gebaut"]) as base:
        fresh = shown(chromium, base, "angebote/naehtreff/", dt.datetime.combine(BUILT, dt.time(10), BERLIN))
        later = shown(chromium, base, "angebote/naehtreff/",
                      dt.datetime.combine(LATER["eine Woche"], dt.time(10), BERLIN))
    assert len(fresh["dates"]) == len(later["dates"]) == 5
    assert fresh["dates"][0] != later["dates"][0] and later["dates"][0] in fresh["dates"]


def test_the_office_day_counts_not_the_visitors_time_zone(mini_sites, chromium):
    # 00:30 in Bottrop on the 25th is still the 24th in New York: „Heute“ is Bottrop's day.
    when = dt.datetime.combine(LATER["ein Tag"], dt.time(0, 30), BERLIN)
    with serve(mini_sites["gebaut"]) as old, serve(mini_sites["ein Tag"]) as fresh:
        away = shown(chromium, old, "", when, timezone="America/New_York")
        rebuilt = shown(chromium, fresh, "", when)
    assert away["today"] == rebuilt["today"]


def test_without_javascript_the_page_stays_as_built(mini_sites, chromium):
    when = dt.datetime.combine(LATER["zwei Monate"], dt.time(10), BERLIN)
    with serve(mini_sites["gebaut"]) as base:
        plain = shown(chromium, base, "", when, javascript=False)
        built = shown(chromium, base, "", dt.datetime.combine(BUILT, dt.time(8), BERLIN))
    assert plain["today"] == built["today"] and plain["note"] is None
    assert plain["today"].startswith("Dienstag, 24. November 2026"), plain["today"]


@pytest.mark.parametrize("later", ["eine Woche", "zwei Monate"])
def test_arabic_pages_correct_themselves_too(full_site, chromium, later):
    from stadtteil.formatting import long_date, short_date
    day = LATER[later]
    with serve(full_site) as base:
        found = shown(chromium, base, "ar/", dt.datetime.combine(day, dt.time(10), BERLIN))
    assert found["dir"] == "rtl"
    assert found["today"].splitlines()[0].strip() == long_date(day, "ar"), found["today"]
    assert found["note"] and short_date(BUILT, "ar") in found["note"], found["note"]
    assert found["noteLink"].endswith("kalender/") and "/ar/" in "/" + found["noteLink"] or found["noteLink"] == "kalender/"
