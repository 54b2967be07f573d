"""The staff guide works as a newcomer uses it: every command it shows runs here exactly as written (in a copy
of a fixture project with the repository's Makefile and this installation's .venv/bin), every example is
valid data, following it adds an offer and a photo to the site, its sample message is what `check` prints,
and its table of messages is made from the messages themselves (tests/guide_table.py)."""

import inspect
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from PIL import Image

from sites import BATENBROCK, DAY, MINI, REPO, copy_project

GUIDE = (REPO / "docs" / "anleitung.md").read_text(encoding="utf-8")
GUIDE_DAY = "2027-03-01"   # the guide's example offer starts on 3 March 2027

# --- the commands of the guide ---------------------------------------------------------------------------

_COMMAND = re.compile(r"`((?:make|\.venv/bin/)[^`]*)`")
# Mentions, not commands: the first `make`, the folder `.venv/bin/`, and make's own output.
_MENTIONS = {"make", ".venv/bin/"}

# Each command the guide shows, and the test that runs it exactly as written.
RUN = {
    "make check": "test_following_the_guide_adds_an_offer_and_a_photo",
    "make site": "test_following_the_guide_adds_an_offer_and_a_photo",
    ".venv/bin/stadtteil consent-hash media/fahrradwerkstatt.jpg": "test_following_the_guide_adds_an_offer_and_a_photo",
    ".venv/bin/stadtteil translations": "test_the_translation_report_runs_as_the_guide_shows",
    "make serve": "test_the_preview_starts_and_stops_as_the_guide_says",
    "make serve PREVIEW=en": "test_the_preview_starts_and_stops_as_the_guide_says",
    "make bericht JAHR=2026": "test_the_yearly_report_is_made_as_the_guide_says",
}
# Commands that cannot run here, and why; what they lead to is run instead.
NOT_RUN = {
    ".venv/bin/pip install pre-commit": "lädt ein Paket aus dem Internet",
    ".venv/bin/pre-commit install": "braucht das Paket davor; der Haken, den es einrichtet, ist `make check` "
                                    "(.pre-commit-config.yaml), und der läuft hier",
}


def guide_commands() -> set[str]:
    found = {c for c in _COMMAND.findall(GUIDE) if c not in _MENTIONS and not c.startswith("make:")}
    for block in re.findall(r"```sh\n(.*?)```", GUIDE, re.S):
        found |= {line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()}
    return found


def workspace(source: Path, target: Path) -> Path:
    """A copy of a project as staff have it on their computer: the data, the repository's Makefile, and a
    `.venv` whose bin/ is this installation's (so `make` finds it set up and installs nothing)."""
    project = copy_project(source, target)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, project / name)
    os.utime(project / "pyproject.toml", (0, 0))   # older than the stamp: make installs nothing
    (project / ".venv").mkdir()
    (project / ".venv" / "bin").symlink_to(Path(sys.executable).parent, target_is_directory=True)
    (project / ".venv" / ".installed-stamp").touch()
    return project


def terminal(day: str) -> dict:
    """The environment of a staff member's terminal: no preview language set, and no `make` around it
    (`make test` runs the tests inside make, whose MAKELEVEL would make the guide's „make:“ „make[1]:“)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": day}
    for name in ("STADTTEIL_PREVIEW_LANGUAGE", "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
        env.pop(name, None)
    return env


def shell(command: str, cwd: Path, day: str = GUIDE_DAY, **popen) -> subprocess.CompletedProcess:
    """A command of the guide, typed as it stands there, in a shell in ``cwd``."""
    assert command.split(" --")[0] in guide_commands(), f"„{command}“ steht nicht in der Anleitung"
    env = terminal(day)
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **popen)


def test_every_command_of_the_guide_runs_in_a_test():
    assert guide_commands() == set(RUN) | set(NOT_RUN), guide_commands() ^ (set(RUN) | set(NOT_RUN))
    for command, test in RUN.items():
        assert f'"{command}"' in inspect.getsource(globals()[test]), (command, test)
    # What `pre-commit install` sets up is `make check`, run by the tests above.
    assert "entry: make check" in (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    import textwrap
    return [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", GUIDE, re.S)]


def check_here(project, capsys) -> subprocess.CompletedProcess:
    """`stadtteil check` in this process (as `run` would, without a new interpreter for each look)."""
    from stadtteil.cli import main
    code = main(["check", "-f", str(project / "mkdocs.yml")])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["stadtteil", "check"], code, out.out, out.err)


def test_following_the_guide_adds_an_offer_and_a_photo(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STADTTEIL_TODAY", GUIDE_DAY)
    project = workspace(BATENBROCK, tmp_path / "repo")   # the office's data, frozen
    offer = yaml_blocks()[0]
    assert "title: Fahrradwerkstatt" in offer
    (project / "offers" / "fahrradwerkstatt.yml").write_text(offer, encoding="utf-8")
    # Section 4: a photo in media/ (the folder the repository has), committed alone first.
    assert (REPO / "media").is_dir()
    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 140, 60)).save(photo, "JPEG")
    (project / "media").mkdir(exist_ok=True)
    (project / "media" / "fahrradwerkstatt.jpg").write_bytes(photo.getvalue())
    # In the browser: the check names the line to paste. On the computer: the command prints the same line.
    first = shell("make check", project)
    assert first.returncode != 0 and "Zu diesem Bild gibt es keine Einwilligung" in first.stderr, first.stderr
    line = re.search(r"„(sha256: [0-9a-f]{64})“", first.stderr)[1]
    assert shell(".venv/bin/stadtteil consent-hash media/fahrradwerkstatt.jpg", project).stdout.strip() == line
    example = next(b for b in yaml_blocks() if b.startswith("sha256:"))
    record = re.sub(r"^sha256: .*$", line, example, count=1, flags=re.M)
    (project / "media" / "fahrradwerkstatt.jpg.consent.yml").write_text(record, encoding="utf-8")
    with (project / "offers" / "fahrradwerkstatt.yml").open("a", encoding="utf-8") as file:
        file.write("image: media/fahrradwerkstatt.jpg\nimage_alt: Ein Fahrrad steht auf dem Vorplatz\n")
    check = check_here(project, capsys)
    assert check.returncode == 0, check.stderr
    build = shell("make site", project)
    assert build.returncode == 0, build.stderr[-3000:]
    page = (project / "site" / "angebote" / "fahrradwerkstatt" / "index.html").read_text(encoding="utf-8")
    assert "Fahrradwerkstatt" in page and "jeden Mittwoch, 16–18 Uhr" in page
    assert 'alt="Ein Fahrrad steht auf dem Vorplatz"' in page and "<picture" in page
    week = (project / "site" / "wochenplan" / "index.html").read_text(encoding="utf-8")
    assert "Fahrradwerkstatt" in week and "ab 3. März 2027" in week
    # Section 5: the withdrawal as the guide writes it, then with the typo the guide warns of.
    withdrawal = next(b for b in yaml_blocks() if b.startswith("- {form: EV-2026-014"))
    (project / "consent" / "withdrawn.yml").write_text(withdrawal, encoding="utf-8")
    told = check_here(project, capsys)
    assert told.returncode == 0, told.stderr
    assert "Bild media/fahrradwerkstatt.jpg wird nicht mehr veröffentlicht" in told.stderr
    assert "offers/fahrradwerkstatt.yml" in told.stderr
    (project / "consent" / "withdrawn.yml").write_text(withdrawal.replace("EV-2026-014", "EV-2026-14"), encoding="utf-8")
    typo = check_here(project, capsys)
    assert typo.returncode == 1 and "Gemeint ist wohl „EV-2026-014“" in typo.stderr


def test_every_yaml_example_in_the_guide_is_valid_yaml():
    import yaml
    for block in yaml_blocks():
        yaml.safe_load(block)


def test_every_yaml_example_in_the_guide_is_valid_data():
    """Each example is checked as the data it shows: an offer, a schedule, a closure, a consent record,
    a withdrawal, a translated text, an event's status."""
    from stadtteil.consent import ConsentRecord, WithdrawnList
    from stadtteil.models import Event, Office, Offer, ScheduleRule, _text
    from stadtteil.yamlsource import parse_text

    checked = set()
    for block in yaml_blocks():
        doc, errors = parse_text("anleitung.yml", block)
        assert doc is not None and not errors, (block, errors)
        data = doc.data
        if isinstance(data, list):
            WithdrawnList.model_validate({"items": data})
            checked.add("withdrawal")
        elif "sha256" in data:
            ConsentRecord.model_validate({**data, "sha256": "0" * 64})
            checked.add("consent")
        elif "closures" in data:
            Office.model_validate({"name": "x", "carrier": "x", "address": {"city": "x"}, **data})
            checked.add("closure")
        elif all(isinstance(v, dict) and all(re.fullmatch(r"\d{4}-\d\d-\d\d", k) for k in v) for v in data.values()):
            from stadtteil.report.attendance import AttendanceFile
            AttendanceFile.model_validate(data)
            checked.add("attendance")
        elif "title" in data and "schedule" in data:
            Offer.model_validate(data)
            checked.add("offer")
        elif "schedule" in data:
            for rule in data["schedule"]:
                ScheduleRule.model_validate(rule)
            checked.add("schedule")
        elif "status" in data:
            Event.model_validate({"title": "x", "start": "2026-06-20T14:00", **data})
            checked.add("status")
        elif "title" in data:
            _text(data["title"])
            checked.add("text")
    assert checked == {"withdrawal", "consent", "closure", "offer", "schedule", "status", "text", "attendance"}


def test_guide_screenshots_exist():
    images = re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", GUIDE)
    names = [name for _, name in images if name.startswith("bilder/") and name.endswith(".png")]
    # The guide shows start page, offer, timetable and calendar: four screenshots at least, none missing.
    assert len(names) >= 4, images
    missing = [name for name in names if not (REPO / "docs" / name).is_file()]
    assert missing == [], missing
    for alt, name in images:
        if name in names:
            assert len(alt) >= 10, f"{name}: Alternativtext fehlt"
            with Image.open(REPO / "docs" / name) as picture:
                assert picture.format == "PNG" and picture.width >= 300 and picture.height >= 300, name
                # A screenshot shows something: not one flat colour.
                assert len(picture.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 16, name
            assert (REPO / "docs" / name).stat().st_size > 10_000, name


def test_the_translation_report_runs_as_the_guide_shows(tmp_path, capsys):
    project = workspace(BATENBROCK, tmp_path / "repo")
    report = shell(".venv/bin/stadtteil translations", project)
    assert report.returncode == 0 and "English (en): Daten" in report.stdout and "%" in report.stdout, report.stderr
    # The options the guide names beside it (in this process: the command itself ran above).
    assert "`--summary`" in GUIDE and "`--format json`" in GUIDE
    import json
    from stadtteil.cli import main
    capsys.readouterr()
    assert main(["translations", "-f", str(project / "mkdocs.yml"), "--summary"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all("%" in line for line in lines), lines
    assert main(["translations", "-f", str(project / "mkdocs.yml"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_in_a_terminal() -> None:
    """In the new process, before the shell starts: Ctrl+C and Ctrl+\\ do what they do in a terminal. A
    test run started in the background (`make test &`, a CI runner's step) ignores SIGINT and SIGQUIT, and
    every process inherits that: make, the shell and mkdocs would ignore the test's Strg+C (Python installs
    its Ctrl+C handler only where SIGINT is not ignored), and the preview would run on."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _signal_state(group: int) -> str:
    """What the processes of a process group do with signals, and where their threads wait."""
    lines = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) != group:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
            masks = [line for line in status.splitlines() if line.startswith(("State", "SigPnd", "ShdPnd", "SigBlk",
                                                                              "SigIgn", "SigCgt", "Threads"))]
            waits = [(Path(f"/proc/{pid}/task/{task}/wchan").read_text(), Path(f"/proc/{pid}/task/{task}/stat")
                      .read_text().split(") ")[1][0]) for task in os.listdir(f"/proc/{pid}/task")]
            lines.append(f"{pid} {command}: {' | '.join(masks)}; Threads warten: {waits}")
        except OSError:
            continue
    return "\n".join(lines)


def _serve(project: Path, command: str, day: str, pages: list[tuple[str, str]]) -> str:
    """Starts the preview with ``command`` as a terminal would, waits for each (address, words), then presses
    Ctrl+C (SIGINT to the terminal's process group); the preview's output."""
    port = _free_port()
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"\ndev_addr: 127.0.0.1:{port}\n")   # the same command, at a free address
    assert command in guide_commands()
    env = terminal(day)
    server = subprocess.Popen(command, shell=True, cwd=project, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              preexec_fn=_as_in_a_terminal)
    try:
        for path, words in pages:
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                        if words in response.read().decode("utf-8"):
                            break
                except OSError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()[-3000:]
                time.sleep(0.5)
        os.killpg(server.pid, signal.SIGINT)   # Strg+C
        try:
            output, _ = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError("Strg+C hält die Vorschau nicht an:\n" + _signal_state(server.pid)) from None
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return output


def test_the_preview_starts_and_stops_as_the_guide_says(tmp_path):
    said = "dort vielleicht `make: *** [Makefile:…: serve] Interrupt`"
    assert said in GUIDE and "**Strg+C**" in GUIDE
    # `make serve`: German only.
    mini = workspace(MINI, tmp_path / "mini")
    output = _serve(mini, "make serve", DAY, [("/", "Testbüro"), ("/angebote/naehtreff/", "Nähtreff")])
    assert re.search(r"make: \*\*\* \[Makefile:\d+: serve\] Interrupt", output), output[-2000:]
    assert not (mini / "site").exists()
    # `make serve PREVIEW=en`: German and English, at their usual addresses.
    office = workspace(BATENBROCK, tmp_path / "office")
    output = _serve(office, "make serve PREVIEW=en", DAY,
                    [("/en/angebote/muettercafe/", "lang=\"en\""), ("/angebote/muettercafe/", "Müttercafé")])
    assert "Vorschau: nur de, en" in output and "Interrupt" in output, output[-2000:]


def test_the_sample_message_is_what_check_prints(tmp_path, capsys, monkeypatch):
    """Section 9 shows what `check` prints for `weekly: [mi fr]` in the offer of section 1: it is the real output."""
    monkeypatch.setenv("STADTTEIL_TODAY", GUIDE_DAY)
    project = copy_project(BATENBROCK, tmp_path / "repo")
    offer = yaml_blocks()[0]
    assert offer.count("weekly: [mi]  ") == 1
    (project / "offers" / "fahrradwerkstatt.yml").write_text(offer.replace("weekly: [mi]  ", "weekly: [mi fr]"),
                                                            encoding="utf-8")
    sample = re.search(r"geschrieben:\n\n```text\n(.*?)```", GUIDE, re.S)[1]
    result = check_here(project, capsys)
    assert result.returncode == 1
    assert sample in result.stderr, (sample, result.stderr)


def test_the_table_of_messages_is_made_from_the_messages():
    """The table in section 9 is what tests/guide_table.py makes from the cases of the tests today."""
    import guide_table
    start = GUIDE.index(guide_table.BEGIN) + len(guide_table.BEGIN)
    shown = GUIDE[start:GUIDE.index(guide_table.END)].strip()
    assert shown == guide_table.table(), ("Die Tabelle der Meldungen ist nicht aktuell: "
                                          ".venv/bin/python tests/guide_table.py")
    # Every row comes from a case that exists and says what the row shows (else table() has failed above).
    assert len(guide_table.ROWS) >= 35


def test_the_yearly_report_is_made_as_the_guide_says(tmp_path):
    """Section 12: `make bericht JAHR=2026` writes bericht/2026/ (the report's numbers: tests/test_report.py)."""
    project = workspace(REPO / "tests" / "fixtures" / "bericht", tmp_path / "repo")
    done = shell("make bericht JAHR=2026", project, DAY)
    assert done.returncode == 0, done.stderr
    out = project / "bericht" / "2026"
    assert "Förderhinweis" in (out / "index.html").read_text(encoding="utf-8")
    assert {"index.html", "bericht.json", "termine-je-monat.csv"} <= {p.name for p in out.iterdir()}
    assert "bericht/2026/" in GUIDE and "teilnahme/2026.yml" in GUIDE
