"""The optional sign-language (DGS) video on the start page: self-hosted, with consent, size and running time."""

import hashlib
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from sites import build_here

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mini"
VIDEO = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 2_400_000   # 2.4 MB stand-in
RECORD = """sha256: {sha}
persons: depicted
consents:
  - {{form: EV-2026-030, form_version: "2026-01", age_group: adult, scope: [website], given: 2026-10-01}}
"""


def project_with_video(tmp_path: Path, video: bytes = VIDEO, record: bool = True) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    (project / "media").mkdir()
    (project / "media" / "dgs.mp4").write_bytes(video)
    if record:
        (project / "media" / "dgs.mp4.consent.yml").write_text(RECORD.format(sha=hashlib.sha256(video).hexdigest()))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        '      today: "2026-11-24"',
        '      today: "2026-11-24"\n      sign_language_video: {file: media/dgs.mp4, duration: "1:45", '
        'title: "Willkommen – in Gebärdensprache"}'))
    index = project / "content" / "index.md"
    index.write_text(index.read_text().replace("## Heute", "<!-- stadtteil:dgs -->\n\n## Heute", 1))
    return project


def build(project: Path, site: Path):
    return build_here(project, site, today=None)   # the fixture's own `today` option


def test_video_block_with_symbol_download_size_and_running_time(tmp_path):
    site = tmp_path / "site"
    result = build(project_with_video(tmp_path), site)
    assert result.returncode == 0, result.stderr
    block = BeautifulSoup((site / "index.html").read_text(), "html.parser").select_one("section.st-dgs")
    assert block.find("svg") and "Willkommen – in Gebärdensprache" in block.h2.get_text()
    assert block.video["preload"] == "none" and block.video.source["src"] == "assets/media/dgs.mp4"
    link = block.find("a", download=True)
    assert "2,4 MB" in link.get_text() and "1:45 Minuten" in block.get_text()
    assert (site / "assets" / "media" / "dgs.mp4").read_bytes() == VIDEO


def test_video_without_consent_fails_the_build(tmp_path):
    result = build(project_with_video(tmp_path, record=False), tmp_path / "site")
    assert result.returncode != 0 and "media/dgs.mp4: Zu diesem Bild gibt es keine Einwilligung" in result.stderr


def test_video_with_location_data_is_refused(tmp_path):
    result = build(project_with_video(tmp_path, VIDEO + b"\xa9xyz+51.5+006.9/"), tmp_path / "site")
    assert result.returncode != 0 and "Standortdaten" in result.stderr


def test_withdrawn_video_leaves_the_start_page(tmp_path):
    project = project_with_video(tmp_path)
    (project / "consent").mkdir()
    (project / "consent" / "withdrawn.yml").write_text("- {form: EV-2026-030, on: 2026-11-01}\n")
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    assert "media/dgs.mp4 wird nicht veröffentlicht" in result.stderr and "Gebärdensprach-Video" in result.stderr
    assert "st-dgs" not in (site / "index.html").read_text() and not list(site.rglob("*.mp4"))
