"""The staff guide works: its examples are valid, and following it adds an offer and a photo to the site."""

import io
import os
import re
import subprocess
import sys

from PIL import Image

from sites import BATENBROCK, REPO, copy_project

GUIDE = (REPO / "docs" / "anleitung.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    import textwrap
    return [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", GUIDE, re.S)]


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": "2027-03-01"})


def check_here(project, capsys) -> subprocess.CompletedProcess:
    """`stadtteil check` in this process (as `run` would, without a new interpreter for each look)."""
    from stadtteil.cli import main
    code = main(["check", "-f", str(project / "mkdocs.yml")])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["stadtteil", "check"], code, out.out, out.err)


def test_following_the_guide_adds_an_offer_and_a_photo(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STADTTEIL_TODAY", "2027-03-01")
    project = copy_project(BATENBROCK, tmp_path / "repo")   # the office's data, frozen
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
    first = check_here(project, capsys)
    assert first.returncode == 1 and "Zu diesem Bild gibt es keine Einwilligung" in first.stderr
    line = re.search(r"„(sha256: [0-9a-f]{64})“", first.stderr)[1]
    assert run("consent-hash", "media/fahrradwerkstatt.jpg", cwd=project).stdout.strip() == line
    example = next(b for b in yaml_blocks() if b.startswith("sha256:"))
    record = re.sub(r"^sha256: .*$", line, example, count=1, flags=re.M)
    (project / "media" / "fahrradwerkstatt.jpg.consent.yml").write_text(record, encoding="utf-8")
    with (project / "offers" / "fahrradwerkstatt.yml").open("a", encoding="utf-8") as file:
        file.write("image: media/fahrradwerkstatt.jpg\nimage_alt: Ein Fahrrad steht auf dem Vorplatz\n")
    check = check_here(project, capsys)
    assert check.returncode == 0, check.stderr
    build = run("build", cwd=project)
    assert build.returncode == 0, build.stderr
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
    assert checked == {"withdrawal", "consent", "closure", "offer", "schedule", "status", "text"}


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
