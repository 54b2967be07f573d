"""Calendar revisions depend only on what each VEVENT says (revision record, revisions.py), and a
production build refuses every placeholder `stadtteil new` ships (checks/production.py).

Real git repositories (full and `--depth 1` clones over file://), the real build in a subprocess,
icalendar and ical.js on the results.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar

from stadtteil.calendars import revisions
from stadtteil.calendars.feeds import FeedSettings
from stadtteil.calendars.revisions import Revisions
from stadtteil.loader import load_project
from stadtteil.calendars.schedule import SCHOOL_HOLIDAYS_FILE

from sites import build as build_subprocess, build_here

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mini"
EXPAND_JS = REPO / "tests" / "js" / "expand.mjs"
TODAY = "2026-12-02"
NAEHTREFF = "angebot-naehtreff-"


def git(repo: Path, *args: str, when: int | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Büro", "GIT_AUTHOR_EMAIL": "buero@test.invalid",
           "GIT_COMMITTER_NAME": "Büro", "GIT_COMMITTER_EMAIL": "buero@test.invalid"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(repo: Path, message: str, when: int) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


def build(root: Path, site: Path, write: bool = True, new_process: bool = False, **env: str) -> dict[str, bytes]:
    """The site's feeds after `stadtteil build`. In this process (sites.build_here) unless a test needs a
    process that has read nothing yet: a dozen builds of the mini fixture, and what the tests look at is
    the calendar record and the feeds."""
    run = build_subprocess if new_process else build_here
    result = run(root, site, today=TODAY, env={revisions.WRITE_VARIABLE: "1" if write else "0", **env})
    assert result.returncode == 0, result.stderr
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.ics"))}


def vevents(feeds: dict[str, bytes]) -> dict[str, tuple[int, bytes]]:
    """UID → (SEQUENCE, bytes of the VEVENT), from the whole-site feed, parsed by icalendar."""
    cal = ICalendar.from_ical(feeds["kalender/alle.ics"])
    return {str(e["UID"]): (int(e["SEQUENCE"]), e.to_ical()) for e in cal.walk("VEVENT")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


T0 = int(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc).timestamp())


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """The fixture site as a git repository: data committed, then the record of its first build
    committed back (as the pipelines do), then an offer changed without a new record."""
    repo = tmp_path_factory.mktemp("origin") / "site"
    shutil.copytree(FIXTURE, repo)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Daten", T0)
    build(repo, repo.parent / "first")
    assert (repo / revisions.RECORD).is_file()
    commit(repo, "Kalender-Revisionen", T0 + 600)
    edit(repo / "offers" / "hausaufgaben.yml", "14:30", "14:45")
    commit(repo, "Hausaufgabenhilfe später", T0 + 3600)
    return repo


def clone(origin: Path, target: Path, *options: str) -> Path:
    result = subprocess.run(["git", "clone", "-q", *options, origin.as_uri(), str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return target


def test_full_and_shallow_clones_build_identical_feeds(origin, tmp_path):
    full = clone(origin, tmp_path / "full")
    shallow = clone(origin, tmp_path / "shallow", "--depth", "1")
    assert git(shallow, "rev-list", "--count", "HEAD").strip() == "1"
    assert int(git(full, "rev-list", "--count", "HEAD")) == 3
    # Read-only builds: what a fresh checkout in a pipeline publishes before it commits anything.
    a = build(full, tmp_path / "site-full", write=False)
    b = build(shallow, tmp_path / "site-shallow", write=False)
    # The series' files, and the single dates („add this date“) with them: the same bytes in both clones.
    assert len([p for p in a if not p.startswith("kalender/termin/")]) == 8 and a == b
    events = vevents(a)
    # The changed offer took the commit's time; the rest kept the time in the committed record.
    changed = {uid for uid in events if uid.startswith("angebot-hausaufgaben-mo-mi")}   # the rule at 14:30
    assert changed and {events[uid][0] for uid in changed} == {T0 + 3600 - revisions_epoch()}
    assert {events[uid][0] for uid in events.keys() - changed} == {T0 - revisions_epoch()}
    # Above every value of the earlier design (minutes since 2020 of any time up to now): no subscriber's
    # SEQUENCE goes down with the switch.
    assert min(sequence for sequence, _ in events.values()) > (int(time.time()) - 1577836800) // 60


def revisions_epoch() -> int:
    from stadtteil.calendars.feeds import SEQUENCE_EPOCH
    return SEQUENCE_EPOCH


def test_no_file_time_is_read_school_holidays_included(origin, tmp_path):
    # A non-editable reinstall gives the school-holiday file in site-packages a new time; switching
    # from editable to non-editable an older one. Neither may show in any feed.
    site = clone(origin, tmp_path / "c")
    # Each build in a new process: one that had read the files before could answer from what it keeps.
    before = build(site, tmp_path / "before", write=False, new_process=True)
    stat = SCHOOL_HOLIDAYS_FILE.stat()
    try:
        os.utime(SCHOOL_HOLIDAYS_FILE, (stat.st_atime, stat.st_mtime + 86400 * 30))   # reinstalled later
        for path in site.rglob("*.yml"):                                              # data files older
            os.utime(path, (stat.st_atime, stat.st_mtime - 86400 * 300))
        assert build(site, tmp_path / "after", write=False, new_process=True) == before
    finally:
        os.utime(SCHOOL_HOLIDAYS_FILE, (stat.st_atime, stat.st_mtime))


def test_school_holiday_data_change_raises_only_the_pausing_offer(tmp_path):
    # A new quarter's engine may bring new school-holiday dates: a real change for offers that pause then.
    from stadtteil.calendars.feeds import FeedBuilder
    from stadtteil.calendars.schedule import Calendar, SchoolHolidays
    project = load_project(FIXTURE)
    settings = FeedSettings("https://test.example.org/", "test.example.org", dt.date(2026, 12, 2))
    changed_file = tmp_path / "schulferien-nw.yml"
    changed_file.write_text(SCHOOL_HOLIDAYS_FILE.read_text(encoding="utf-8").replace(
        "  2027:\n", "  2027:\n    - {name: Zusätzlicher Ferientag, from: 2027-02-15, until: 2027-02-15}\n", 1),
        encoding="utf-8")

    def feed(holidays: SchoolHolidays, revisions_: Revisions) -> dict[str, tuple[int, bytes]]:
        builder = FeedBuilder(project, settings, revisions_, lambda kind, key: f"https://test.example.org/{key}/",
                              calendar=Calendar(project.office, holidays))
        return vevents({p.path: p.content for p in builder.build()})

    first = Revisions({}, 1_790_000_000)
    before = feed(SchoolHolidays.load(), first)
    after = feed(SchoolHolidays.load(changed_file), Revisions(first.used, 1_790_086_400))
    assert before.keys() == after.keys()
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed == {"angebot-hausaufgaben-mo-mi@test.example.org"}
    assert after[next(iter(changed))][0] == 1_790_086_400 - revisions_epoch() > before[next(iter(changed))][0]


def test_phone_number_change_changes_no_feed_byte(origin, tmp_path):
    site = clone(origin, tmp_path / "c")
    before = build(site, tmp_path / "before")
    commit(site, "Kalender-Revisionen", T0 + 7200)
    edit(site / "office.yml", '"+49 2041 111111"', '"+49 2041 222222"')
    edit(site / "office.yml", '"+49 2041 111112"', '"+49 2041 222223"')
    commit(site, "Neue Telefonnummer", T0 + 86400)
    assert build(site, tmp_path / "after") == before
    assert git(site, "status", "--porcelain").strip() == ""    # nothing for staff to commit either


def test_time_change_raises_sequence_of_exactly_that_offers_vevents(origin, tmp_path):
    site = clone(origin, tmp_path / "c")
    before = build(site, tmp_path / "before")
    commit(site, "Kalender-Revisionen", T0 + 7200)
    edit(site / "offers" / "naehtreff.yml", "start: 15:00", "start: 15:30")
    commit(site, "Nähtreff später", T0 + 86400)
    after = build(site, tmp_path / "after")
    old, new = vevents(before), vevents(after)
    assert old.keys() == new.keys()
    changed = {uid for uid in old if old[uid] != new[uid]}
    assert changed and all(uid.startswith(NAEHTREFF) for uid in changed)
    assert all(new[uid][0] > old[uid][0] for uid in changed)
    assert changed == {uid for uid in old if uid.startswith(NAEHTREFF)}
    # Feeds without the offer are byte for byte the same.
    assert {p for p in before if p in after and before[p] != after[p]} == {
        "kalender/alle.ics", "kalender/angebote/naehtreff.ics", "kalender/kategorie/begegnung.ics"}
    # The offer's single dates („add this date“) moved with it (their names carry the time); no other did.
    assert set(before) ^ set(after) == {p for p in set(before) | set(after) if p.startswith("kalender/termin/naehtreff/")}
    assert set(before) ^ set(after)
    # The record's diff is exactly those VEVENTs, one line each.
    diff = git(site, "diff", "-U0", "--", revisions.RECORD)
    assert sorted(line[1:].split(":")[0].strip() for line in diff.splitlines() if line.startswith("+ ")) == sorted(changed)


def test_sequence_never_goes_down_across_commits_and_record_loss(origin, tmp_path):
    site = clone(origin, tmp_path / "c")
    office, flohmarkt = site / "office.yml", site / "events" / "2026-12-05-flohmarkt.yml"
    steps = [
        ("Flohmarkt abgesagt", lambda: flohmarkt.write_text(flohmarkt.read_text() + "status: cancelled\n"), {"flohmarkt"}),
        ("Revisionsdatei verloren", lambda: (site / revisions.RECORD).unlink(), None),
        ("Schließtag", lambda: edit(office, "  - public_holidays: NW",
                                    "  - public_holidays: NW\n  - {from: 2026-12-10, until: 2026-12-10, reason: Betriebsausflug}"),
         {"naehtreff-do", "naehtreff-do-20261210"}),       # a Thursday: only the Nähtreff meets then
        ("Nähtreff beginnt eine Woche später", lambda: edit(site / "offers" / "naehtreff.yml", "from: 2026-01-08",
                                                    "from: 2026-01-15"), {"naehtreff-do"}),
    ]
    seen = vevents(build(site, tmp_path / "site0"))
    commit(site, "Kalender-Revisionen", T0 + 7200)
    for number, (message, change, affected) in enumerate(steps, 1):
        change()
        commit(site, message, T0 + 7200 + number * 3600)
        now = vevents(build(site, tmp_path / f"site{number}"))
        for uid in now.keys() & seen.keys():
            assert now[uid][0] >= seen[uid][0], (message, uid)
        raised = {uid for uid in now.keys() & seen.keys() if now[uid][0] > seen[uid][0]}
        if affected is not None:
            names = {uid.split("@")[0].replace("angebot-", "").replace("veranstaltung-2026-12-05-", "")
                     .removesuffix("-abgesagt") for uid in raised | (now.keys() - seen.keys())}
            assert names == affected, (message, names)
        seen = {**seen, **now}
        commit(site, "Kalender-Revisionen", T0 + 7200 + number * 3600 + 600)   # what the pipeline does
    # The record was lost once: every VEVENT took a later time then, none an earlier one.
    assert (site / revisions.RECORD).is_file()


def test_feeds_parse_in_icalendar_and_ical_js(origin, tmp_path):
    site = clone(origin, tmp_path / "c", "--depth", "1")
    build(site, tmp_path / "site", write=False)
    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "ical.js").is_dir(), "Node.js und ical.js (npm ci) fehlen."
    path = tmp_path / "site" / "kalender" / "alle.ics"
    result = subprocess.run([node, str(EXPAND_JS), str(path), "2026-12-01", "2027-03-01"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    js = {item["uid"]: item["sequence"] for item in json.loads(result.stdout)}
    py = {uid: sequence for uid, (sequence, _) in vevents({"kalender/alle.ics": path.read_bytes()}).items()}
    assert js and js.items() <= py.items()
    assert all(0 < sequence < 2**31 - 1 for sequence in py.values())


def test_languages_have_their_own_entries(tmp_path):
    # The UIDs are the same in every language; the texts are not: an English title changes English VEVENTs only.
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    settings = FeedSettings("https://test.example.org/", "test.example.org", dt.date(2026, 12, 2))
    first = Revisions({}, 1_790_000_000)
    for lang in ("de", "en"):
        revisions.language_feeds(load_project(root), settings, first, lang)
    assert first.used["de"].keys() == first.used["en"].keys()
    edit(root / "offers" / "naehtreff.yml", "en: Sewing club", "en: Sewing circle")
    second = Revisions(first.used, 1_790_086_400)
    for lang in ("de", "en"):
        revisions.language_feeds(load_project(root), settings, second, lang)
    assert second.used["de"] == first.used["de"]
    moved = {uid for uid in first.used["en"] if second.used["en"][uid] != first.used["en"][uid]}
    assert moved and all(uid.startswith(NAEHTREFF) for uid in moved)
    assert {second.used["en"][uid][1] for uid in moved} == {1_790_086_400}
    # Written and read back, the record is the same (and plain text, one line per VEVENT and language).
    (root / revisions.RECORD).write_text(revisions.render(second.used), encoding="utf-8")
    assert revisions.read(root) == (second.used, None)


def test_check_says_when_the_record_is_out_of_date(origin, tmp_path):
    site = clone(origin, tmp_path / "c")
    build(site, tmp_path / "site")
    options = {}
    today = dt.date.fromisoformat(TODAY)
    assert revisions.check_config(site / "mkdocs.yml", site, load_project(site), options, today) == []
    edit(site / "offers" / "naehtreff.yml", "start: 15:00", "start: 16:00")
    warnings = revisions.check_config(site / "mkdocs.yml", site, load_project(site), options, today)
    assert len(warnings) == 1 and "kalender-revisionen.yml ist nicht aktuell" in warnings[0]
    assert "geändert" in warnings[0] and "committen Sie kalender-revisionen.yml" in warnings[0]
    (site / revisions.RECORD).write_text("de: [kaputt\n", encoding="utf-8")
    warnings = revisions.check_config(site / "mkdocs.yml", site, load_project(site), options, today)
    assert "beschädigt" in warnings[0] and "git checkout" in warnings[0]


# --- production refuses the scaffold's placeholders ---------------------------------------------------

def logo_png() -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 280, 80), fill=(0, 51, 153))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def test_production_build_of_a_new_site_refuses_every_placeholder(tmp_path):
    folder = tmp_path / "neustadt"
    assert run_cli("new", str(folder), "--name", "Stadtteilbüro Neustadt", "--city", "Gladbeck").returncode == 0
    config = folder / "mkdocs.yml"
    (folder / "logos").mkdir()
    for logo in ("mags", "mkffi", "kpk-nrw", "traeger"):      # real logos: only the other placeholders remain
        (folder / "logos" / f"{logo}.png").write_bytes(logo_png())
        edit(config, f"{{id: {logo}, alt:", f"{{id: {logo}, file: logos/{logo}.png, alt:")
    expected = [
        "mkdocs.yml: „site_url: https://www.example.org/“ ist eine Beispiel-Adresse",
        "office.yml, Zeile 4: „carrier: Träger e.V.“ ist ein Platzhalter",
        "office.yml, Zeile 5: „address.street: Musterstraße 1“",
        "office.yml, Zeile 5: „address.postcode: 00000“",
        "office.yml, Zeile 6: „phone: +49 000 000000“ ist ein Platzhalter (Telefonnummer)",
        "office.yml, Zeile 7: „email: kontakt@example.org“ ist ein Platzhalter (E-Mail-Adresse)",
        "office.yml, Zeile 15: „locations.stadtteilbuero.address.street: Musterstraße 1“",
        "office.yml, Zeile 17: „contacts.team.email: kontakt@example.org“",
        "office.yml, Zeile 19: „legal.represented_by.0.name: Vorname Nachname“",
        "office.yml, Zeile 20: „legal.responsible_for_content.name: Vorname Nachname“",
        "office.yml, Zeile 21: „legal.data_protection_officer.name: Datenschutzbeauftragte“",
        "office.yml, Zeile 21: „legal.data_protection_officer.email: datenschutz@example.org“",
        "office.yml, Zeile 22: „legal.hosting.name: Hosting-Anbieter“",
        "offers/beispiel.yml, Zeile 4: „summary: Einmal pro Woche",
        "content/index.md, Zeile 8: Hier steht noch der Beispieltext der Startseite",
    ]
    for extra, env in (((), {"STADTTEIL_PRODUCTION": "1"}), (("--strict",), {})):
        result = run_cli("build", "-f", str(config), "-d", str(tmp_path / "site"), *extra, env=env)
        output = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in output, output
        assert "veröffentlicht keine Platzhalter" in output and "Förderhinweis" not in output, output
        for message in expected:
            assert message in output, message
        assert not (tmp_path / "site").exists()
        # Every value the scaffold marks as PLATZHALTER is among them, also ones added to it later.
        lines = (folder / "office.yml").read_text(encoding="utf-8").splitlines()
        marked = [n for n, line in enumerate(lines, 1) if "PLATZHALTER" in line and not line.lstrip().startswith("#")
                  and not line.split("#")[0].rstrip().endswith(":")]
        assert marked and all(f"office.yml, Zeile {n}:" in output for n in marked), marked
    # `stadtteil check` shows the same as warnings and does not fail (a new site checks at once).
    check = run_cli("check", "-f", str(config))
    assert check.returncode == 0, check.stderr
    for message in expected:
        assert f"Hinweis: {message}" in check.stderr, message


def test_example_domains_and_their_real_neighbours():
    from stadtteil.checks.production import example_host
    for host in ("example.org", "www.example.com", "test.example.net", "www.gemeinsam-in-batenbrock.example",
                 "buero.test", "localhost"):
        assert example_host(host), host
    for host in ("www.stadtteilbuero-batenbrock.de", "example.de", "myexample.org", "examples.com"):
        assert not example_host(host), host


def test_the_record_names_the_pages_as_the_pages_do():
    from stadtteil.pages import event_src, offer_src
    assert revisions.page_src("offer", "naehtreff") == offer_src("naehtreff")
    assert revisions.page_src("event", "2026-12-05-flohmarkt") == event_src("2026-12-05-flohmarkt")
