"""No image without consent; every published image re-encoded, responsive and without metadata.

Photos are made in the tests with Pillow, with GPS positions in their EXIF data, like phone photos.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from stadtteil.consent import check_all
from stadtteil.images.variants import ImageProblem, process

from sites import BATENBROCK, DAY, build_here, copy_project

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mini"
TODAY = dt.date(2026, 11, 24)


def phone_photo(width=1800, height=1200, orientation=1, gps=True, fmt="JPEG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    for x in range(0, width, 60):
        image.paste((40, 90, 160), (x, 0, x + 20, height // 3))   # some structure so orientation shows
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 31.0, 12.0), 3: "E", 4: (6.0, 55.0, 48.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif, quality=90)
    return out.getvalue()


def record(data: bytes, body: str = "") -> str:
    body = body or """\
        persons: depicted
        consents:
          - form: EV-2026-014
            form_version: "2026-01"
            age_group: adult
            scope: [website, print]
            given: 2026-06-20
        """
    return f"sha256: {hashlib.sha256(data).hexdigest()}\n" + textwrap.dedent(body)


def put(root: Path, rel: str, data: bytes, consent: str | None = "default") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if consent is not None:
        path.with_name(path.name + ".consent.yml").write_text(record(data) if consent == "default" else consent)


def project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    # The theme ships with the package: a copy elsewhere builds as it is.
    return project


def build(project: Path, site: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    # Without STADTTEIL_TODAY the project's own `today` option holds (the mini fixture's is DAY).
    return build_here(project, site, today=(env or {}).get("STADTTEIL_TODAY"), env=env)


# --- consent rules -------------------------------------------------------------------------------

CONSENT_CASES = [
    ("no-record", None, "Zu diesem Bild gibt es keine Einwilligung", None),
    ("sha-mismatch", record(b"other file"), "die Prüfsumme stimmt nicht", 1),
    ("depicted-without-consents", "sha256: {sha}\npersons: depicted\n", "keine Einwilligung eingetragen", 2),
    ("under-14-without-guardians", """sha256: {sha}
persons: depicted
consents:
  - {{form: EV-1, form_version: "1", age_group: under-14, scope: [website], given: 2026-01-01}}
""", "Kind unter 14 Jahren", 4),
    ("14-17-without-child", """sha256: {sha}
persons: depicted
consents:
  - form: EV-2
    form_version: "1"
    age_group: 14-17
    guardians_signed: true
    scope: [website]
    given: 2026-01-01
""", "Jugendlichen von 14 bis 17", 4),
    ("scope-without-website", """sha256: {sha}
persons: depicted
consents:
  - {{form: EV-3, form_version: "1", age_group: adult, scope: [print, social], given: 2026-01-01}}
""", "gilt nicht für die Website", 4),
    ("none-without-check", "sha256: {sha}\npersons: none\n", "wer wann geprüft hat", 2),
    ("unknown-field", "sha256: {sha}\npersons: none\nchecked_by: QK\nchecked_on: 2026-01-01\nname: Frau M.\n",
     "Das Feld „name“ gibt es nicht", 5),
    ("age-group-typo", """sha256: {sha}
persons: depicted
consents:
  - {{form: EV-4, form_version: "1", age_group: erwachsen, scope: [website], given: 2026-01-01}}
""", "„erwachsen“ ist hier nicht erlaubt", 4),
]


@pytest.mark.parametrize("case, body, message, line", CONSENT_CASES, ids=[c[0] for c in CONSENT_CASES])
def test_consent_rules(tmp_path, case, body, message, line):
    data = phone_photo()
    sha = hashlib.sha256(data).hexdigest()
    put(tmp_path, "media/foto.jpg", data, None if body is None else body.format(sha=sha))
    result = check_all(tmp_path, TODAY)
    assert len(result.errors) == 1, [e.format() for e in result.errors]
    error = result.errors[0]
    assert message in error.message + error.hint, error.format()
    assert error.line == line, error.format()
    assert "media/foto.jpg" in error.file
    assert "media/foto.jpg" not in result.verdicts or not result.verdicts["media/foto.jpg"].publish


def test_valid_adult_and_youth_consents_publish(tmp_path):
    data = phone_photo()
    put(tmp_path, "media/gruppe.jpg", data, record(data, """\
        persons: depicted
        consents:
          - {form: EV-10, form_version: "2026-01", age_group: adult, scope: [website], given: 2026-06-20}
          - form: EV-11
            form_version: "2026-01"
            age_group: 14-17
            guardians_signed: true
            child_signed: true
            scope: [website, print]
            given: 2026-06-20
            expires: 2028-06-20
        """))
    result = check_all(tmp_path, TODAY)
    assert result.errors == [] and result.verdicts["media/gruppe.jpg"].publish


@pytest.mark.parametrize("withdrawn, expires, reason", [
    ("- {form: EV-2026-014, on: 2026-09-01}\n", None, "widerrufen"),
    ("", "2026-10-01", "abgelaufen"),
])
def test_withdrawn_or_expired_leaves_the_image_out_without_error(tmp_path, withdrawn, expires, reason):
    data = phone_photo()
    body = record(data)
    if expires:
        body += "    expires: " + expires + "\n"
    put(tmp_path, "media/foto.jpg", data, body)
    (tmp_path / "consent").mkdir()
    (tmp_path / "consent" / "withdrawn.yml").write_text(withdrawn)
    result = check_all(tmp_path, TODAY)
    assert result.errors == []
    verdict = result.verdicts["media/foto.jpg"]
    assert not verdict.publish and reason in verdict.reason


def test_withdrawal_in_the_future_does_not_count_yet(tmp_path):
    data = phone_photo()
    put(tmp_path, "media/foto.jpg", data)
    (tmp_path / "consent").mkdir()
    (tmp_path / "consent" / "withdrawn.yml").write_text("- {form: EV-2026-014, on: 2026-12-31}\n")
    assert check_all(tmp_path, TODAY).verdicts["media/foto.jpg"].publish


def test_withdrawn_list_mistakes_have_lines(tmp_path):
    (tmp_path / "consent").mkdir()
    (tmp_path / "consent" / "withdrawn.yml").write_text("- {form: EV-1, on: 2026-09-01}\n- {form: EV-2, am: 2026-09-01}\n")
    errors = check_all(tmp_path, TODAY).errors
    assert [(e.file, e.line) for e in errors] == [("consent/withdrawn.yml", 2), ("consent/withdrawn.yml", 2)]
    assert any("„am“ gibt es nicht" in e.message for e in errors)


def test_record_without_image_is_reported(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "alt.jpg.consent.yml").write_text("sha256: " + "0" * 64 + "\npersons: none\n")
    errors = check_all(tmp_path, TODAY).errors
    assert len(errors) == 1 and "gibt es das Bild „alt.jpg“ nicht" in errors[0].message


# --- the pipeline --------------------------------------------------------------------------------------

def test_published_photo_loses_all_metadata_and_is_upright(tmp_path):
    # Orientation 6: the camera was turned; the pixels must be turned upright before EXIF is dropped.
    processed = process(phone_photo(1800, 1200, orientation=6), "media/x.jpg", "x", tmp_path)
    assert (processed.width, processed.height) == (1200, 1800)
    for variant in processed.variants:
        with Image.open(io.BytesIO(variant.data)) as image:
            assert image.getexif() == {} or len(image.getexif()) == 0, variant.path
            assert "exif" not in image.info and "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
            assert image.height > image.width
        assert b"PhoneMaker" not in variant.data and b"GPS" not in variant.data
    assert {v.format for v in processed.variants} == {"webp", "jpeg"}
    assert sorted({v.width for v in processed.variants}) == [320, 640, 960, 1200]


def test_unchanged_photo_is_never_encoded_twice(tmp_path):
    data = phone_photo()
    first = process(data, "media/x.jpg", "x", tmp_path)
    second = process(data, "media/x.jpg", "x", tmp_path)
    assert not first.cached and second.cached
    assert [v.data for v in first.variants] == [v.data for v in second.variants]


@pytest.mark.parametrize("data, words", [
    (phone_photo()[:3000], "unvollständig oder beschädigt"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100, "HEIC"),
    (b"this is text", "kein lesbares Bild"),
    (phone_photo(1, 1, gps=False), "zu klein"),
    (phone_photo(6000, 500, gps=False), "Panorama"),
])
@pytest.mark.parametrize("encode", [True, False])
def test_unusable_files_get_a_clear_message(tmp_path, data, words, encode):
    # Without encoding (the build's first look, see below) every mistake is found all the same.
    with pytest.raises(ImageProblem) as caught:
        process(data, "media/x.jpg", "x", None, encode=encode)
    assert words in str(caught.value)


def test_photo_measured_before_encoding_has_the_names_and_sizes_of_the_encoded_one(tmp_path):
    """The build writes its pages from a photo that is read, checked and measured but not encoded yet
    (the helper process encodes it meanwhile): names and sizes must be those of the encoded variants."""
    data = phone_photo(1500, 1000, orientation=6)
    measured = process(data, "media/x.jpg", "x", tmp_path, encode=False)
    assert not measured.encoded and not measured.cached and all(v.data == b"" for v in measured.variants)
    assert not (tmp_path / f"{measured.digest}-v1").exists()     # nothing cached without the bytes
    encoded = process(data, "media/x.jpg", "x", tmp_path)
    assert encoded.encoded and (measured.width, measured.height) == (encoded.width, encoded.height) == (1000, 1500)
    shape = lambda p: [(v.path, v.width, v.height, v.format) for v in p.variants]  # noqa: E731
    assert shape(measured) == shape(encoded) and all(v.data for v in encoded.variants)


def test_image_bomb_is_refused(tmp_path):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG")   # 81 million pixels, tiny on disk
    with pytest.raises(ImageProblem) as caught:
        process(out.getvalue(), "media/bombe.png", "bombe", None)
    assert "riesig" in str(caught.value)


# --- the real build: pages, bypasses, withdrawal ----------------------------------------------------------

def test_new_photo_of_a_site_in_several_languages_is_encoded_beside_the_build_and_cached(tmp_path):
    """With a second core, a cold build encodes new photos in its helper process while the German
    pages are made. The published files are the pipeline's bytes, and the cache keeps them: the
    next build encodes nothing."""
    project = copy_project(BATENBROCK, tmp_path / "project")
    env = {"STADTTEIL_TODAY": DAY}
    result = build(project, tmp_path / "site", env)
    assert result.returncode == 0, result.stderr
    assert "Bilder: 1 neu verarbeitet, 0 aus dem Zwischenspeicher" in result.stderr
    source = "content/bilder/buechertelefonzelle.jpg"
    expected = process((project / source).read_bytes(), source, "buechertelefonzelle", None)
    assert len(expected.variants) == 8
    for variant in expected.variants:
        assert (tmp_path / "site" / variant.path).read_bytes() == variant.data, variant.path
    # The photo keeps its address too (the pages' Markdown links it). The first language's engine wrote an
    # empty placeholder there while the helper encoded: the published file has the re-encoded bytes.
    assert (tmp_path / "site" / "bilder" / "buechertelefonzelle.jpg").read_bytes() == expected.fallback.data
    again = build(project, tmp_path / "site2", env)
    assert again.returncode == 0, again.stderr
    assert "Bilder: 0 neu verarbeitet, 1 aus dem Zwischenspeicher" in again.stderr

@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("photos")
    project = project_copy(tmp)
    data = phone_photo()
    put(project, "media/naehtreff.jpg", data)
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text() + "image: media/naehtreff.jpg\nimage_alt: Nähmaschinen auf einem Tisch\n")
    put(project, "content/bilder/fest.jpg", phone_photo(1600, 1000))
    index = project / "content" / "index.md"
    index.write_text(index.read_text() + "\n![Das Sommerfest](bilder/fest.jpg)\n")
    site = tmp / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    return project, site, result


def test_offer_photo_is_a_responsive_picture(photo_site):
    _, site, _ = photo_site
    soup = BeautifulSoup((site / "angebote" / "naehtreff" / "index.html").read_text(), "html.parser")
    picture = soup.select_one("picture.st-photo")
    img = picture.img
    assert img["alt"] == "Nähmaschinen auf einem Tisch" and img["width"] and img["height"]
    assert picture.source["type"] == "image/webp" and "640w" in picture.source["srcset"]
    assert img["sizes"] and "w," in img["srcset"]
    assert img.get("fetchpriority") == "high"           # the page's first image loads at once


def test_markdown_photo_is_rewritten_and_lazy_below_the_first_screen(photo_site):
    _, site, _ = photo_site
    soup = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    img = soup.select_one("article picture img")
    assert img["alt"] == "Das Sommerfest" and "srcset" in img.attrs
    for path in site.rglob("*"):
        if path.suffix in (".jpg", ".webp") and "favicon" not in path.name:
            with Image.open(path) as image:
                assert len(image.getexif()) == 0, path
            assert b"PhoneMaker" not in path.read_bytes()
    assert not list(site.rglob("*.consent.yml"))      # records hold form numbers: never published


def test_a_photo_and_a_file_name_get_their_name_by_the_same_slug_rule(tmp_path):
    """One slug rule (formatting.slug): the name a photo's variants are published under, and the name
    staff are told to give a badly named file, both lower-case a–z, digits and single hyphens, with
    umlauts spelled out and accents dropped; every reference to the photo uses the published name."""
    from stadtteil.cli import collect
    project = project_copy(tmp_path)
    put(project, "content/bilder/Mütter--Café_1.jpg", phone_photo(1600, 1000))
    index = project / "content" / "index.md"
    index.write_text(index.read_text() + "\n![Im Café](bilder/Mütter--Café_1.jpg)\n")
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    published = sorted(p.name for p in (site / "assets" / "images").iterdir() if p.name != "favicon.png")
    assert published and all(re.fullmatch(r"muetter-cafe-1-[0-9a-f]{8}-\d+\.(webp|jpg)", name) for name in published)
    soup = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    named = {url.split()[0] for tag in soup.select("article picture source, article picture img")
             for url in [tag.get("src", "")] + tag.get("srcset", "").split(",") if url.strip()}
    assert named and all(Path(url).name in published for url in named), named
    # The same rule names the file staff should have written.
    (project / "offers" / "naehtreff.yml").rename(project / "offers" / "Mütter--Café_1.yml")
    errors, _, _ = collect(project / "mkdocs.yml")
    assert any("„muetter-cafe-1.yml“" in (e.message + e.hint) for e in errors), [e.format() for e in errors]


def withdrawn_copy(photo_site, tmp_path) -> Path:
    """The photo site after the form of both photos was withdrawn."""
    project, _, _ = photo_site
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    (copy / "consent").mkdir()
    (copy / "consent" / "withdrawn.yml").write_text("- {form: EV-2026-014, on: 2026-11-01}\n")
    return copy


def test_withdrawal_removes_the_photo_from_every_page_without_failing(photo_site, tmp_path):
    site = tmp_path / "site"
    result = build(withdrawn_copy(photo_site, tmp_path), site)
    assert result.returncode == 0, result.stderr
    assert "media/naehtreff.jpg wird nicht veröffentlicht" in result.stderr
    assert "offers/naehtreff.yml" in result.stderr and "content/index.md" in result.stderr
    for html in site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(), "html.parser")
        for img in soup.find_all("img"):
            assert "naehtreff" not in img.get("src", "") and "fest" not in img.get("src", ""), html
    assert not [p for p in site.rglob("*") if p.suffix in (".jpg", ".webp") and "favicon" not in p.name]


def test_production_build_still_succeeds_after_a_withdrawal(photo_site, tmp_path):
    # A production build fails on any warning; a withdrawal must never stop the build that removes the photo.
    copy = withdrawn_copy(photo_site, tmp_path)
    config = copy / "mkdocs.yml"
    text = config.read_text()
    for logo in ("mags", "mkffi"):      # real logo files, so that only the withdrawal is left to test
        (copy / f"{logo}.png").write_bytes(phone_photo(300, 100, gps=False, fmt="PNG"))
        text = text.replace(f"{{id: {logo}, alt:", f"{{id: {logo}, file: {logo}.png, alt:")
    config.write_text(text)
    from realsite import without_placeholders   # production also refuses example domains
    result = build(without_placeholders(copy), tmp_path / "site", env={"STADTTEIL_PRODUCTION": "1"})
    assert result.returncode == 0, result.stderr
    assert "wird nicht veröffentlicht" in result.stderr


def bypass(tmp_path, change) -> subprocess.CompletedProcess:
    project = project_copy(tmp_path)
    change(project)
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists()
    return result


def test_bypass_unrecorded_image_from_markdown(tmp_path):
    def change(project):
        put(project, "content/bilder/ohne.jpg", phone_photo(), None)
        (project / "content" / "index.md").write_text("# Start\n\n![Kinder](bilder/ohne.jpg)\n")
    assert "content/bilder/ohne.jpg: Zu diesem Bild gibt es keine Einwilligung" in bypass(tmp_path, change).stderr


def test_bypass_unrecorded_upper_case_jpg(tmp_path):
    def change(project):
        put(project, "content/bilder/FOTO.JPG", phone_photo(), None)
    assert "content/bilder/FOTO.JPG: Zu diesem Bild gibt es keine Einwilligung" in bypass(tmp_path, change).stderr


def test_bypass_image_from_raw_html_outside_the_content_folder(tmp_path):
    # The file is not in content/ (so no record is asked for), but the page refers to it: refused on output.
    def change(project):
        (project / "content" / "roh.md").write_text('# Roh\n\n<p><img src="/geheim/foto.jpg" alt="x"></p>\n')
    result = bypass(tmp_path, change)
    assert "site/roh/index.html (<img src>)" in result.stderr and "kein freigegebenes Bild" in result.stderr


def test_bypass_hotlinked_image_from_another_host(tmp_path):
    def change(project):
        (project / "content" / "fremd.md").write_text(
            '# Fremd\n\n<img src="https://example.com/kind.jpg" alt="Kind">\n<div style="background:url(//cdn.example.net/x.png)"></div>\n')
    result = bypass(tmp_path, change)
    assert "site/fremd/index.html (<img src>)" in result.stderr and "example.com" in result.stderr
    assert "style-Attribut" in result.stderr and "cdn.example.net" in result.stderr


def test_bypass_image_in_extra_css(tmp_path):
    def change(project):
        (project / "content" / "assets").mkdir(parents=True, exist_ok=True)
        (project / "content" / "assets" / "extra.css").write_text("body { background: url('../bilder/hinter.jpg'); }\n")
        config = project / "mkdocs.yml"
        config.write_text(config.read_text().replace("markdown_extensions:", "extra_css: [assets/extra.css]\nmarkdown_extensions:"))
    result = bypass(tmp_path, change)
    assert "site/assets/extra.css (CSS url())" in result.stderr


def test_bypass_offer_image_without_record(tmp_path):
    def change(project):
        put(project, "media/naehtreff.jpg", phone_photo(), None)
        offer = project / "offers" / "naehtreff.yml"
        offer.write_text(offer.read_text() + "image: media/naehtreff.jpg\nimage_alt: Nähmaschinen\n")
    assert "media/naehtreff.jpg: Zu diesem Bild gibt es keine Einwilligung" in bypass(tmp_path, change).stderr


def test_bypass_offer_image_that_does_not_exist(tmp_path):
    def change(project):
        offer = project / "offers" / "naehtreff.yml"
        offer.write_text(offer.read_text() + "image: media/gibtsnicht.jpg\nimage_alt: Nähmaschinen\n")
    result = bypass(tmp_path, change)
    assert "offers/naehtreff.yml, Zeile 19" in result.stderr and "gibt es nicht" in result.stderr


def test_bypass_photo_swapped_after_its_record_was_written(tmp_path):
    def change(project):
        put(project, "content/bilder/fest.jpg", phone_photo())
        (project / "content" / "bilder" / "fest.jpg").write_bytes(phone_photo(1700, 1100))
    assert "die Prüfsumme stimmt nicht" in bypass(tmp_path, change).stderr


def test_bypass_svg_that_embeds_a_raster_photo(tmp_path):
    import base64

    def change(project):
        photo = base64.b64encode(phone_photo(200, 200)).decode()
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><image href="data:image/jpeg;base64,{photo}" '
               'width="200" height="200"/></svg>').encode()
        put(project, "content/bilder/grafik.svg", svg, record(svg, "persons: none\nchecked_by: QK\nchecked_on: 2026-11-01\n"))
    assert "eingebettetes Foto" in bypass(tmp_path, change).stderr


def test_bypass_data_uri_photo_in_markdown(tmp_path):
    import base64

    def change(project):
        photo = base64.b64encode(phone_photo(100, 100)).decode()
        (project / "content" / "daten.md").write_text(f'# Daten\n\n<img src="data:image/jpeg;base64,{photo}" alt="x">\n')
    assert "direkt in die Seite eingebettet" in bypass(tmp_path, change).stderr
