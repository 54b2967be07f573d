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


def test_following_the_guide_adds_an_offer_and_a_photo(tmp_path):
    project = copy_project(BATENBROCK, tmp_path / "repo")   # the office's data, frozen
    offer = yaml_blocks()[0]
    assert "title: Fahrradwerkstatt" in offer
    (project / "offers" / "fahrradwerkstatt.yml").write_text(offer, encoding="utf-8")
    # Section 4: a photo, its checksum from the command, the record beside it, the image on the offer.
    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 140, 60)).save(photo, "JPEG")
    (project / "media").mkdir(exist_ok=True)
    (project / "media" / "fahrradwerkstatt.jpg").write_bytes(photo.getvalue())
    checksum = run("consent-hash", "media/fahrradwerkstatt.jpg", cwd=project).stdout.strip()
    record = next(b for b in yaml_blocks() if b.startswith("sha256:")).replace("sha256: 3f5c…                 # aus Schritt 3", checksum)
    (project / "media" / "fahrradwerkstatt.jpg.consent.yml").write_text(record, encoding="utf-8")
    with (project / "offers" / "fahrradwerkstatt.yml").open("a", encoding="utf-8") as file:
        file.write("image: media/fahrradwerkstatt.jpg\nimage_alt: Ein Fahrrad steht auf dem Vorplatz\n")
    check = run("check", cwd=project)
    assert check.returncode == 0, check.stderr
    build = run("build", cwd=project)
    assert build.returncode == 0, build.stderr
    page = (project / "site" / "angebote" / "fahrradwerkstatt" / "index.html").read_text(encoding="utf-8")
    assert "Fahrradwerkstatt" in page and "jeden Mittwoch, 16–18 Uhr" in page
    assert 'alt="Ein Fahrrad steht auf dem Vorplatz"' in page and "<picture" in page
    assert "Fahrradwerkstatt" in (project / "site" / "wochenplan" / "index.html").read_text(encoding="utf-8")


def test_every_yaml_example_in_the_guide_is_valid_yaml():
    import yaml
    for block in yaml_blocks():
        yaml.safe_load(block)


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
