"""The yearly report (issue #22, § 11 of the cooperation agreement): its numbers against counts worked
out by hand on tests/fixtures/bericht, the Git history of a repository with dated commits, the
attendance file's messages, and the page (funding notice, accessibility, same numbers as CSV and JSON).

The fixture's 2026, counted by hand (report day DAY = 2026-11-24; NRW holidays 2026: 01.01., 03.04.,
06.04., 01.05., 14.05., 25.05., 04.06., 03.10., 01.11., 25./26.12.; school holidays from
plugins/stadtteil/data/schulferien-nw.yml; closures 25.–29.05. and 21.12.–04.01.):

- sonntagscafe, Sundays 15.03.–12.04. 10–12 Uhr, except 22.03.: 15.03., 22.03., 29.03. (the clocks go
  forward that night), 05.04. (Easter Sunday, no holiday in NRW), 12.04. → 5 planned, 1 cancelled
  singly, 4 held, 8 hours.
- donnerstagstreff, Thursdays 07.05.–04.06. 15–17 Uhr: 07.05., 14.05. (Ascension), 21.05., 28.05.
  (closure), 04.06. (Corpus Christi) → 5 planned, 2 holidays, 1 closure, 2 held, 4 hours.
- fruehstueck, Mondays 18.05.–08.06. 9–10:30 Uhr: 18.05., 25.05. (Whit Monday inside the closure: counted
  as closure, not as holiday), 01.06., 08.06. → 4 planned, 1 closure, 3 held, 4.5 hours.
- lernhilfe (starts mid-year), Tuesdays 01.07.–30.09. 14–15:30 Uhr, pause in school holidays
  (summer 20.07.–01.09.), except 15.09.: 07., 14., 21., 28.07., 04., 11., 18., 25.08., 01., 08., 15., 22.,
  29.09. → 13 planned, 7 school holidays, 1 single, 5 held, 7.5 hours.
- kreativ, first Saturday since 2025: 03.01., 07.02., 07.03., 04.04., 02.05., 06.06., 04.07., 01.08.,
  05.09., 03.10. (holiday), 07.11., 05.12. (after the report day) → 12 planned, 1 holiday, 10 held,
  1 open, 20 hours; 2 h × 12/52 ≈ 0.46 h a week.
- sprachcafe (starts 07.10.), every second Wednesday 18–20 Uhr: 07.10., 21.10., 04.11., 18.11., 02.12.,
  16.12., 30.12. (closure) → 7 planned, 4 held, 2 open, 1 closure, 8 hours; 1 h a week.
- beratung: by appointment only, no dates.
Together: 46 planned, 28 held, 15 cancelled (2 single, 3 closure, 3 holiday, 7 school holidays),
3 open, 52 hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from sites import DAY, FIXTURES, copy_project
from stadtteil import funding as funding_rules
from stadtteil.cli import main, site_config
from stadtteil.errors import DataErrors
from stadtteil.report.make import write_report
from stadtteil.report.tables import format_number

FIXTURE = FIXTURES / "bericht"
TODAY = dt.date.fromisoformat(DAY)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The report of the fixture, made once: a copy outside any Git repository (history: a note)."""
    project = copy_project(FIXTURE, tmp_path_factory.mktemp("bericht") / "project")
    out = project / "bericht" / "2026"
    report = write_report(project / "mkdocs.yml", 2026, out, TODAY)
    return report, out, project


def table(report, name):
    return next(t for t in report.tables if t.name == name)


def test_dates_per_offer_as_counted_by_hand(made):
    report, _, _ = made
    t = table(report, "termine-je-angebot")
    by_id = {r[1] or "Zusammen": dict(zip(t.columns[2:], r[2:])) for r in t.rows}
    columns = ("geplant", "stattgefunden", "ausgefallen: einzeln abgesagt", "ausgefallen: Schließzeit des Büros",
               "ausgefallen: Feiertag", "ausgefallen: Schulferien-Pause", "ausgefallen zusammen", "noch offen",
               "Stunden stattgefunden")
    expected = {
        "sonntagscafe": (5, 4, 1, 0, 0, 0, 1, 0, 8),
        "donnerstagstreff": (5, 2, 0, 1, 2, 0, 3, 0, 4),
        "fruehstueck": (4, 3, 0, 1, 0, 0, 1, 0, 4.5),     # Whit Monday in the closure: closure, not holiday
        "lernhilfe": (13, 5, 1, 0, 0, 7, 8, 0, 7.5),
        "kreativ": (12, 10, 0, 0, 1, 0, 1, 1, 20),
        "sprachcafe": (7, 4, 0, 1, 0, 0, 1, 2, 8),
        "Zusammen": (46, 28, 2, 3, 3, 7, 15, 3, 52),
    }
    assert {k: tuple(v[c] for c in columns) for k, v in by_id.items()} == expected
    assert "beratung" not in by_id     # by appointment: no dates to count


def test_dates_per_month_as_counted_by_hand(made):
    report, _, _ = made
    t = table(report, "termine-je-monat")
    # Month: planned, held, single, closure, holiday, school holidays, cancelled together, open.
    assert [r[1:] for r in t.rows] == [
        [1, 1, 0, 0, 0, 0, 0, 0],   # Januar: kreativ 03.01.
        [1, 1, 0, 0, 0, 0, 0, 0],
        [4, 3, 1, 0, 0, 0, 1, 0],   # März: sonntagscafe 15./22./29. (22. abgesagt), kreativ
        [3, 3, 0, 0, 0, 0, 0, 0],
        [7, 4, 0, 2, 1, 0, 3, 0],   # Mai: Himmelfahrt; 25.05. and 28.05. in the closure
        [4, 3, 0, 0, 1, 0, 1, 0],   # Juni: Fronleichnam
        [5, 3, 0, 0, 0, 2, 2, 0],
        [5, 1, 0, 0, 0, 4, 4, 0],
        [6, 4, 1, 0, 0, 1, 2, 0],
        [3, 2, 0, 0, 1, 0, 1, 0],   # Oktober: 03.10. on a first Saturday
        [3, 3, 0, 0, 0, 0, 0, 0],
        [4, 0, 0, 1, 0, 0, 1, 3],   # Dezember: after the report day; 30.12. in the Christmas closure
        [46, 28, 2, 3, 3, 7, 15, 3],
    ]


def test_the_date_after_the_change_to_summer_time_keeps_its_wall_clock_and_its_day(made):
    from stadtteil.loader import load_project
    from stadtteil.calendars.schedule import Calendar, sessions
    _, _, project = made
    data = load_project(project)
    found = sessions("sonntagscafe", data.offers["sonntagscafe"], Calendar(data.office),
                     dt.date(2026, 3, 28), dt.date(2026, 3, 30))
    assert [(s.start.isoformat(), s.cause) for s in found] == [("2026-03-29T10:00:00+02:00", None)]


def test_offer_structure(made):
    report, _, _ = made
    assert table(report, "angebote-nach-kategorie").rows == [
        ["Begegnung und Café", 2], ["Eltern und Kinder", 1], ["Lernen und Sprache", 2], ["Beratung und Hilfe", 1],
        ["Bewegung und Kreatives", 1]]
    assert table(report, "angebote-nach-zielgruppe").column("Angebote") == {
        "Alle": 3, "Frauen": 1, "Eltern": 1, "Alleinerziehende": 0, "Kinder": 2, "Jugendliche": 0, "Familien": 2,
        "Geflüchtete": 0}
    assert table(report, "angebote-nach-sprache").rows == [
        ["Deutsch", 5], ["(keine Angabe)", 2], ["Ukrainisch", 2], ["Arabisch", 1], ["Türkisch", 1]]
    assert table(report, "angebote-nach-wochentag").rows == [
        ["Montag", 1, 4, 3], ["Dienstag", 1, 13, 5], ["Mittwoch", 1, 7, 4], ["Donnerstag", 1, 5, 2],
        ["Freitag", 0, 0, 0], ["Samstag", 1, 12, 10], ["Sonntag", 1, 5, 4]]
    assert table(report, "angebote-nach-tageszeit").rows == [
        ["Vormittag (bis 12 Uhr)", 3, 21, 17], ["Nachmittag (12 bis 17 Uhr)", 2, 18, 7], ["Abend (ab 17 Uhr)", 1, 7, 4]]
    # On the report day only kreativ (2 h × 12/52) and sprachcafe (2 h every second week) still run.
    assert table(report, "wochenstunden").rows == [
        ["Kreativwerkstatt", "kreativ", 0.5], ["Sprachcafé am Abend", "sprachcafe", 1.0], ["Zusammen", "", 1.5]]
    assert [r[1:] for r in table(report, "beginn-ende-laut-terminplan").rows] == [
        ["donnerstagstreff", "beginnt", "2026-05-07"], ["donnerstagstreff", "endet", "2026-06-04"],
        ["fruehstueck", "beginnt", "2026-05-18"], ["fruehstueck", "endet", "2026-06-08"],
        ["lernhilfe", "beginnt", "2026-07-01"], ["lernhilfe", "endet", "2026-09-30"],
        ["sonntagscafe", "beginnt", "2026-03-15"], ["sonntagscafe", "endet", "2026-04-12"],
        ["sprachcafe", "beginnt", "2026-10-07"]]
    assert table(report, "kennzahlen").column("Wert") == {
        "Angebote im Jahr": 7, "Termine geplant": 46, "Termine stattgefunden": 28, "Termine ausgefallen": 15,
        "Termine noch offen": 3, "Stunden stattgefunden": 52, "Regelmäßige Stunden pro Woche": 1.5,
        "Veranstaltungen stattgefunden": 1, "Veranstaltungen abgesagt": 1, "Partner": 3,
        "Teilnahmen (eingetragen)": 57}


def test_events_and_network(made):
    report, _, _ = made
    assert table(report, "veranstaltungen").rows == [
        ["Sommerfest", "2026-06-20", "stattgefunden"], ["Flohmarkt", "2026-09-12", "abgesagt"],
        ["Adventsfeier", "2026-12-12", "geplant"]]          # the Nikolausfeier of 2025 is not in 2026
    assert table(report, "partner-nach-art").column("Partner") == {
        "Stadt Bottrop": 1, "Schule": 1, "Träger": 1, "Beratungsstelle": 0, "Netzwerk": 0, "Zusammen": 3}
    topics = table(report, "partner-nach-thema").column("Partner")
    assert (topics["Familie"], topics["Schule"], topics["Kinder"], topics["Migration und Integration"],
            topics["Bildung"]) == (2, 1, 1, 1, 0)
    assert table(report, "partner-in-angeboten").rows == [
        ["Grundschule am Park", "schule", 2, 0, "Donnerstagstreff, Lernhilfe"],
        ["Stadt Bottrop", "stadt", 1, 0, "Lernhilfe"],
        ["Nachbarschaftsverein", "verein", 0, 1, "Sommerfest"]]


def test_attendance_totals_and_averages(made):
    report, _, _ = made
    assert table(report, "teilnahme-je-angebot").rows == [
        ["Lernhilfe", "lernhilfe", 5, 2, 22, 11.0],
        ["Sonntagscafé", "sonntagscafe", 4, 4, 26, 6.5],
        ["Sprachcafé am Abend", "sprachcafe", 4, 1, 9, 9.0],
        ["Zusammen", "", 13, 7, 57, 8.1]]
    months = {r[0]: r[1:] for r in table(report, "teilnahme-je-monat").rows}
    assert months["März"] == [2, 14, 7.0] and months["April"] == [2, 12, 6.0] and months["Oktober"] == [1, 9, 9.0]
    assert months["Mai"] == [0, 0, None]      # no numbers: no average (not a zero)


def test_without_git_the_report_says_so(made):
    report, _, _ = made
    assert any("kein Git-Repository" in note for note in report.notes)
    assert table(report, "aenderungen-angebote").rows == []


def _git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Büro", "GIT_AUTHOR_EMAIL": "buero@example.org",
           "GIT_COMMITTER_NAME": "Büro", "GIT_COMMITTER_EMAIL": "buero@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git fehlt")
def test_new_changed_and_ended_offers_from_git_history(tmp_path):
    repo = copy_project(FIXTURE, tmp_path / "repo")
    lernhilfe = (repo / "offers" / "lernhilfe.yml").read_text()
    (repo / "offers" / "lernhilfe.yml").unlink()
    (repo / "offers" / "alt.yml").write_text("title: Altes Angebot\ncategory: lernen\nschedule_note: nach Absprache\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Daten 2025", when="2025-06-01T10:00:00+02:00")
    # 23:30 UTC on New Year's Eve is 00:30 on 1 January in Bottrop: a change of 2026.
    (repo / "partners" / "verein.yml").write_text((repo / "partners" / "verein.yml").read_text()
                                                  + "description: Neu beschrieben.\n")
    _git(repo, "commit", "-qam", "Partner", when="2025-12-31T23:30:00+00:00")
    (repo / "offers" / "lernhilfe.yml").write_text(lernhilfe)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Lernhilfe neu", when="2026-06-15T09:00:00+02:00")
    kreativ = repo / "offers" / "kreativ.yml"
    kreativ.write_text(kreativ.read_text().replace('end: "12:00"', 'end: "12:30"'))
    _git(repo, "commit", "-qam", "Kreativ länger", when="2026-08-01T09:00:00+02:00")
    (repo / "offers" / "sprachcafe.yml").write_text((repo / "offers" / "sprachcafe.yml").read_text()
                                                    + "summary: Deutsch üben.\n")
    (repo / "offers" / "alt.yml").unlink()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Altes Angebot beendet", when="2026-09-01T09:00:00+02:00")
    (repo / "offers" / "kreativ.yml").write_text(kreativ.read_text().replace('"12:30"', '"13:00"'))
    _git(repo, "commit", "-qam", "nächstes Jahr", when="2027-01-02T09:00:00+01:00")

    report = write_report(repo / "mkdocs.yml", 2026, tmp_path / "out", TODAY)
    changes = table(report, "aenderungen-angebote").rows
    assert [r[:4] for r in changes] == [
        ["Lernhilfe", "lernhilfe", "neu", "2026-06-15"],
        ["Kreativwerkstatt", "kreativ", "Termine geändert", "2026-08-01"],      # its end time changed
        ["Altes Angebot", "alt", "beendet", "2026-09-01"],                      # the title of the removed file
        ["Sprachcafé am Abend", "sprachcafe", "geändert", "2026-09-01"]]        # a summary, not the schedule
    assert all(len(r[4]) == 10 for r in changes)
    assert [r[:4] for r in table(report, "aenderungen-partner").rows] == [
        ["Nachbarschaftsverein", "verein", "geändert", "2026-01-01"]]
    assert table(report, "aenderungen-zusammen").rows == [
        ["Angebote", 1, 1, 1, 1], ["Partner", 0, 0, 0, 1], ["Veranstaltungen", 0, 0, 0, 0]]
    assert not any("Git" in note for note in report.notes)


ATTENDANCE_MISTAKES = """\
sonntagscafe:
  2026-03-15: 6
  2026-03-16: 4
  2026-03-22: 5
lernhilfe:
  2026-07-07: -3
  2026-07-14: Ayşe und Murat
  2026-02-30: 3
naehtref:
  2026-03-05: 8
sprachcafe:
  2026-12-02: 7
  2025-10-21: 7
"""


def test_attendance_mistakes_are_told_all_at_once_with_file_and_line(tmp_path):
    project = copy_project(FIXTURE, tmp_path / "project")
    (project / "teilnahme" / "2026.yml").write_text(ATTENDANCE_MISTAKES, encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        write_report(project / "mkdocs.yml", 2026, tmp_path / "out", TODAY)
    found = {(e.line, e.message.split(" ")[0]): e for e in caught.value.errors}
    assert all(e.file == "teilnahme/2026.yml" for e in caught.value.errors)
    messages = {e.line: e.message + " " + e.hint for e in caught.value.errors}
    assert "laut Plan nicht statt" in messages[3] and "Sonntag, 22. März 2026" in messages[3]
    assert "ausgefallen (einzeln abgesagt)" in messages[4]
    assert "negativ" in messages[6]
    assert "„Ayşe und Murat“ ist keine Zahl" in messages[7] and "niemals Namen" in messages[7]
    assert "30.02.2026" in messages[8] or "2026-02-30" in messages[8]
    assert "„naehtref“ gibt es nicht" in messages[9] and "Meinten Sie „naehtreff“?" not in messages[9]
    assert "nach dem Stichtag" in messages[12]
    assert "gehört nicht ins Jahr 2026" in messages[13]
    assert sorted(messages) == [3, 4, 6, 7, 8, 9, 12, 13], found
    assert not (tmp_path / "out").exists()      # nothing written from wrong numbers

    # `stadtteil check` finds the same mistakes (the website itself never reads the file).
    from stadtteil.cli import gather
    (project / "teilnahme" / "notizen.yml").write_text("naehtreff: {}\n", encoding="utf-8")
    checked = gather(project / "mkdocs.yml", TODAY)
    assert sorted(e.line for e in checked.errors if e.file == "teilnahme/2026.yml") == [3, 4, 6, 7, 8, 9, 12, 13]
    assert [e.message for e in checked.errors if e.file == "teilnahme/notizen.yml"] == [
        "Eine Datei mit Teilnehmendenzahlen heißt wie ihr Jahr."]


def test_the_command_writes_the_report_and_refuses_wrong_numbers(tmp_path, capsys):
    project = copy_project(FIXTURE, tmp_path / "project")
    assert main(["bericht", "2026", "-f", str(project / "mkdocs.yml")]) == 0
    assert (project / "bericht" / "2026" / "index.html").is_file()
    assert "Der Bericht 2026 ist fertig" in capsys.readouterr().out
    (project / "teilnahme" / "2026.yml").write_text("lernhilfe:\n  2026-07-07: -1\n", encoding="utf-8")
    assert main(["bericht", "2026", "-f", str(project / "mkdocs.yml"), "-o", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "teilnahme/2026.yml" in err and "Zeile 2" in err and "negativ" in err
    assert not (tmp_path / "x").exists()


# --- the page ---------------------------------------------------------------------------------------

def test_page_carries_the_funding_notice_as_every_site_page_does(made):
    _, out, project = made
    config = site_config(project / "mkdocs.yml")
    funding = funding_rules.configure(config.options["funding"], config.root)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert funding_rules.check_page(page, "index.html", out, funding) == []
    assert funding_rules.STANDARD_TEXT in page
    # The check can fail: without the bar it says so.
    broken = page.replace("data-stadtteil-funding", "data-x")
    assert "die Förderleiste fehlt" in funding_rules.check_page(broken, "index.html", out, funding)


def test_page_structure_is_accessible_and_self_contained(made):
    _, out, _ = made
    text = (out / "index.html").read_text(encoding="utf-8")
    doc = lxml_html.fromstring(text)
    assert doc.get("lang") == "de" and len(doc.xpath("//h1")) == 1
    assert not doc.xpath("//script | //template | //iframe")
    addresses = doc.xpath("//@src | //@href")
    assert addresses and all(not a.startswith(("http:", "https:", "//")) for a in addresses)
    assert all((out / a).is_file() for a in doc.xpath("//img/@src"))
    charts = doc.xpath("//*[local-name()='svg']")
    assert len(charts) == 6
    ids = set(doc.xpath("//@id"))
    for chart in charts:
        assert chart.get("role") == "img"
        labelled = chart.get("aria-labelledby").split()
        assert labelled and all(i in ids for i in labelled)
        title, desc = chart.xpath("./*[local-name()='title']"), chart.xpath("./*[local-name()='desc']")
        assert title and title[0].text and desc and "Tabelle" in desc[0].text
        # The numbers beside the chart: a table in the same box, with the chart's title as caption.
        beside = chart.getparent().xpath(".//table/caption")
        assert beside and beside[0].text == title[0].text
    for table_el in doc.xpath("//table"):
        assert table_el.xpath("./caption") and table_el.xpath("./thead/tr/th[@scope='col']")
    # Greyscale: the stacked series differ by pattern, not by colour alone.
    months = doc.get_element_by_id("c-monat-t").getparent()
    assert len(months.xpath(".//*[local-name()='pattern']")) >= 3
    assert "@media print" in text and "size: A4" in text


def test_csv_and_json_hold_the_numbers_of_the_page(made):
    report, out, _ = made
    doc = lxml_html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    data = json.loads((out / "bericht.json").read_text(encoding="utf-8"))
    assert data["jahr"] == 2026 and data["stichtag"] == "2026-11-24"
    shown = doc.xpath("//table[@data-name]")
    assert {t.get("data-name") for t in shown} == set(data["tabellen"]) == {t.name for t in report.tables}
    for element in shown:
        name = element.get("data-name")
        page_rows = [[cell.text_content() for cell in tr.xpath("./th|./td")] for tr in element.xpath("./tbody/tr")]
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            csv_rows = list(csv.reader(handle, delimiter=";"))
        assert csv_rows[0] == data["tabellen"][name]["spalten"]
        json_rows = [[format_number(v, "–") for v in row] for row in data["tabellen"][name]["zeilen"]]
        assert len(csv_rows) - 1 == len(data["tabellen"][name]["zeilen"]), name
        # (An average of nothing: empty in the CSV, null in JSON, a dash on the page.)
        csv_shown = [["–" if value is None else cell for cell, value in zip(row, values)]
                     for row, values in zip(csv_rows[1:], data["tabellen"][name]["zeilen"])]
        if not json_rows:
            assert page_rows == [["keine"]] and csv_shown == [], name
            continue
        assert page_rows == json_rows == csv_shown, name


def test_page_passes_axe_in_chromium_and_reflows_at_320_px(made):
    """The one browser check of the report: axe with the crawl's WCAG 2.2 AA rules, then phone width."""
    from browser import browser, serve
    from crawl import AXE, AXE_RUN, TAGS
    _, out, _ = made
    with serve(out) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "index.html")
        page.add_script_tag(content=AXE.read_text())
        assert page.evaluate(AXE_RUN, TAGS) == []
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_staff_text_stays_text_in_a_spreadsheet():
    from stadtteil.report.tables import Table
    table = Table("t", "T", ["Angebot", "Termine"], [["=HYPERLINK(\"http://x\")", 3], ["@SUM(A1)", 1], ["Nähtreff", 2],
                                                     [-1.5, 0]])
    rows = table.as_csv().lstrip("\ufeff").splitlines()
    assert rows[1].startswith("\"'=HYPERLINK(") and rows[2].startswith("'@SUM") and rows[3].startswith("Nähtreff;")
    assert rows[4].startswith("-1,5;")   # numbers stay numbers
