"""Plausibility warnings: valid data that is probably not meant, told with file, line and what to do.

An event dated 2025 instead of 2026 built without a word (listed among the past events, kept in the
calendars). Now it, an offer whose every date in the coming weeks is cancelled, a year far in the future
and a closure longer than a month are warnings (checks/plausibility.py): in `check` and the build, never
stopping either. Each case is one change to the mini fixture, judged by the pipeline on the frozen day;
for each, what must not be warned about is tested beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from stadtteil.cli import main as stadtteil, site_config
from stadtteil.pipeline import Site
from stadtteil.checks import plausibility

from sites import BATENBROCK, DAY, MINI, build_here

TODAY = dt.date.fromisoformat(DAY)   # Tuesday 24 November 2026


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "project", ignore=shutil.ignore_patterns(".cache", "site")))


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def move_event(root: Path, old_id: str, new_day: str) -> str:
    """The event ``old_id`` moved to ``new_day`` (file name and dates alike, as staff would copy it)."""
    source = root / "events" / f"{old_id}.yml"
    new_id = new_day + old_id[10:]
    text = source.read_text(encoding="utf-8").replace(old_id[:10], new_day)
    source.unlink()
    (root / "events" / f"{new_id}.yml").write_text(text, encoding="utf-8")
    return new_id


def notices(root: Path, today: dt.date = TODAY) -> list:
    """The plausibility notices (the mini site's old helpline entry has its own, tests/test_notfall.py)."""
    site = Site.collect(site_config(root / "mkdocs.yml"), today)
    assert not site.errors, [e.format() for e in site.errors]
    return [n for n in site.notices if not n.file.startswith("helplines/")]


def only(found: list, file: str, line: int, field: str, *words: str):
    assert len(found) == 1, found
    notice = found[0]
    assert (notice.file, notice.line, notice.error.field) == (file, line, field), notice
    for word in words:
        assert word in notice, (word, notice)
    assert notice.startswith(f"{file}, Zeile {line}, Spalte ")
    return notice


def test_the_fixtures_and_the_office_data_are_plausible():
    assert notices(MINI) == []
    assert notices(BATENBROCK) == []


# --- an event in the past, just added ------------------------------------------------------------

def test_a_new_event_in_the_past_is_told_with_the_date_meant(project):
    event = move_event(project, "2026-12-05-flohmarkt", "2025-12-05")
    notice = only(notices(project), f"events/{event}.yml", 2, "start",
                  "liegt in der Vergangenheit (Freitag, 5. Dezember 2025, vor 354 Tagen)",
                  "nur unter den vergangenen Veranstaltungen",
                  "benennen Sie die Datei um in „2026-12-05-flohmarkt.yml“", "bewusst nach, ist nichts zu tun")
    assert notice.column == 8   # under the value: start: 2025-…


def test_without_history_a_recent_past_event_is_not_told(project):
    # No calendar record in the mini fixture: an event of last week is most likely a report added afterwards.
    move_event(project, "2026-12-05-flohmarkt", "2026-11-17")
    assert notices(project) == []
    move_event(project, "2026-11-17-flohmarkt", f"{TODAY - dt.timedelta(days=plausibility.PAST_WITHOUT_HISTORY + 1)}")
    assert len(notices(project)) == 1


def test_with_history_a_past_event_is_told_until_a_build_has_recorded_it(project):
    shutil.copy(BATENBROCK / "kalender-revisionen.yml", project)
    event = move_event(project, "2026-12-05-flohmarkt", "2026-11-17")
    # The record of the calendars does not list it: it is new, and a week back is already told.
    notice = only(notices(project), f"events/{event}.yml", 2, "start", "ist neu (noch in keinem Kalender")
    # A build records it (here: the line a build would write); from then on it is an event of the archive.
    record = project / "kalender-revisionen.yml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "de:\n", f"de:\n  veranstaltung-{event}@test.example.org: 0123456789abcdef 2026-11-18T08:00:00Z\n", 1),
        encoding="utf-8")
    assert notices(project) == [], notice
    # Cancelled events and events more than a year back (in no calendar any more) are not judged.
    move_event(project, event, "2025-10-01")
    assert notices(project) == []


def test_a_cancelled_past_event_is_not_told(project):
    move_event(project, "2026-12-05-flohmarkt", "2025-12-05")
    edit(project, "events/2025-12-05-flohmarkt.yml", "location: park", "location: park\nstatus: cancelled")
    assert notices(project) == []


# --- an offer whose every coming date is cancelled ---------------------------------------------------

ALL_THURSDAYS = "except: [2026-11-26, 2026-12-03, 2026-12-10, 2026-12-17, 2027-01-07, 2027-01-14]"


def test_an_offer_with_every_date_of_the_coming_weeks_cancelled(project):
    # Nähtreff, Thursdays: four cancelled by hand, 24 and 31 December by the Christmas closure, two more by hand.
    edit(project, "offers/naehtreff.yml", "except: [2026-12-03]", ALL_THURSDAYS)
    only(notices(project), "offers/naehtreff.yml", 18, "except",
         f"Alle 8 Termine der nächsten {plausibility.WEEKS_AHEAD} Wochen fallen aus",
         "Donnerstag, 26. November 2026 bis Donnerstag, 14. Januar 2027", "„until:“", "„from:“")


def test_one_date_left_or_only_closures_are_no_warning(project):
    edit(project, "offers/naehtreff.yml", "except: [2026-12-03]", ALL_THURSDAYS.replace(", 2027-01-14", ""))
    assert notices(project) == []   # 14 January takes place
    # Closed for the coming eight weeks and more: every date falls out, none by hand (the closure is told).
    edit(project, "offers/naehtreff.yml", ALL_THURSDAYS.replace(", 2027-01-14", ""), "except: []")
    edit(project, "office.yml", "  - from: 2026-12-23\n    until: 2027-01-02",
         "  - from: 2026-11-24\n    until: 2027-01-20")
    found = notices(project)
    assert [n.file for n in found] == ["office.yml"], found


# --- a year far in the future ------------------------------------------------------------------------

def test_a_year_far_in_the_future_is_told(project):
    event = move_event(project, "2026-12-16-basteln", "2062-12-16")
    only(notices(project), f"events/{event}.yml", 2, "start",
         "mehr als 2 Jahre in der Zukunft", "etwa 2062 statt 2026")


@pytest.mark.parametrize("old, new, line, field", [
    ("    until: 2027-01-02", "    until: 2207-01-02", 12, "until"),
    ("from: 2026-01-08", "from: 2036-01-08", 17, "from"),
    ("except: [2026-12-03]", "except: [2026-12-03, 2062-12-07]", 18, "except"),
])
def test_far_future_dates_in_schedules_and_closures(project, old, new, line, field):
    name = "office.yml" if "until: 2027" in old else "offers/naehtreff.yml"
    edit(project, name, old, new)
    found = [n for n in notices(project) if "Jahre in der Zukunft" in n]
    assert len(found) == 1 and (found[0].file, found[0].line, found[0].error.field) == (name, line, field), found


def test_two_years_ahead_is_still_plausible(project):
    move_event(project, "2026-12-16-basteln", "2028-11-24")
    assert notices(project) == []


# --- a closure longer than a month ---------------------------------------------------------------------

def test_a_closure_longer_than_a_month_is_told(project):
    edit(project, "office.yml", "    until: 2027-01-02", "    until: 2027-03-02")   # March for January
    only(notices(project), "office.yml", 12, "until", "Die Schließzeit dauert 70 Tage",
         "Mittwoch, 23. Dezember 2026 bis Dienstag, 2. März 2027", "Stimmen Monat und Jahr")


def test_a_month_or_a_closure_that_is_over_is_no_warning(project):
    edit(project, "office.yml", "    until: 2027-01-02", "    until: 2027-01-22")   # 31 days
    assert notices(project) == []
    edit(project, "office.yml", "  - from: 2026-12-23\n    until: 2027-01-22", "  - from: 2026-06-01\n    until: 2026-09-30")
    assert notices(project) == []


# --- told by check and the build, stopping neither ---------------------------------------------------

def test_check_and_build_tell_and_go_on(project, tmp_path, capsys):
    event = move_event(project, "2026-12-05-flohmarkt", "2025-12-05")
    assert stadtteil(["check", "-f", str(project / "mkdocs.yml")]) == 0
    err = capsys.readouterr().err
    assert f"Hinweis: events/{event}.yml, Zeile 2, Spalte 8: Feld „start“: Die Veranstaltung liegt" in err
    assert "    2 | start: 2025-12-05T10:00\n      |        ^" in err
    assert stadtteil(["check", "-f", str(project / "mkdocs.yml"), "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert f"::warning file=events/{event}.yml,line=2,col=8::Feld „start“: Die Veranstaltung liegt" in out
    assert stadtteil(["check", "-f", str(project / "mkdocs.yml"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and sum("in der Vergangenheit" in w for w in report["warnings"]) == 1
    # The build tells it as a notice: the logger „stadtteil.notice“, which --strict does not count, so a
    # production build is not stopped (its handler prints „HINWEIS  -  …“; heard here directly, for the
    # handler's stream is the one of whichever test first imported the plugin).
    import logging
    told: list[str] = []
    listener = logging.Handler()
    listener.emit = lambda record: told.append(record.getMessage())
    logging.getLogger("stadtteil.notice").addHandler(listener)
    try:
        built = build_here(project, tmp_path / "site")
    finally:
        logging.getLogger("stadtteil.notice").removeHandler(listener)
    assert built.returncode == 0, built.stderr[-3000:]
    assert any(t.startswith(f"events/{event}.yml, Zeile 2, Spalte 8: Feld „start“: Die Veranstaltung liegt")
               for t in told), told
    assert not any("Die Veranstaltung liegt" in line for line in built.stderr.splitlines()
                   if line.startswith("WARNING")), built.stderr[-3000:]
