"""The office's live data (offers/, events/, content/ … of the repository) on the real date.

Staff change these files at any time, so nothing here checks a value (an address, a number of
offers, a date): only what must hold for any data the build accepts. The engine's tests check values
on the frozen snapshot in tests/fixtures/batenbrock instead. One build of the live data per run.
"""

from __future__ import annotations

import datetime as dt

import pytest
import recurring_ical_events
from icalendar import Calendar

from sites import BATENBROCK, DATA, REPO, build
from stadtteil import funding
from stadtteil.cli import main, plugin_options



@pytest.fixture(scope="module")
def live(tmp_path_factory):
    site = tmp_path_factory.mktemp("live") / "site"
    result = build(REPO, site, today=None)   # the real date: what `make site` publishes today
    return site, result


def test_live_data_builds(live):
    site, result = live
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (site / "index.html").is_file() and len(list(site.rglob("index.html"))) > 50


def test_every_live_page_carries_the_funding_notice(live):
    site, result = live
    assert result.returncode == 0, result.stderr[-3000:]
    pages = sorted(site.rglob("*.html"))
    assert (site / "404.html") in pages
    without = [p.relative_to(site).as_posix() for p in pages
               if "data-stadtteil-funding" not in p.read_text(encoding="utf-8")]
    assert without == []
    configured = funding.configure(plugin_options(REPO / "mkdocs.yml")["funding"], REPO)
    assert funding.check_notice(site, configured) == []


def test_every_live_feed_parses(live):
    site, result = live
    assert result.returncode == 0, result.stderr[-3000:]
    feeds = sorted(site.rglob("*.ics"))
    assert feeds and (site / "kalender" / "alle.ics") in feeds
    today = dt.date.today()
    for feed in feeds:
        calendar = Calendar.from_ical(feed.read_bytes())
        assert calendar.get("VERSION") == "2.0", feed
        for event in calendar.walk("VEVENT"):
            assert event.get("UID") and event.get("DTSTART"), feed
        # A calendar program expands the series: that must work on every feed, for the coming year.
        recurring_ical_events.of(calendar).between(today, today + dt.timedelta(days=365))


def test_stadtteil_check_passes_on_the_live_data(capsys):
    assert main(["check", "-f", str(REPO / "mkdocs.yml")]) == 0, capsys.readouterr().err
    assert "Alles in Ordnung" in capsys.readouterr().out


def test_snapshot_has_every_kind_of_live_data():
    """The frozen snapshot stands in for the live data in the engine's tests: it has all of its parts."""
    for name in DATA:
        live_part, frozen = REPO / name, BATENBROCK / name
        assert live_part.exists() and frozen.exists(), name
        assert live_part.is_dir() == frozen.is_dir(), name
    assert (BATENBROCK / "README.md").is_file()
