"""Consent by content, not by name: a photo renamed to `.dat`, `.jfif`, `.woff2` or `.txt` is still
a photo, and a browser still shows it. Every file is told by its bytes, every address in HTML and CSS
is read with a real CSS parser (image-set(), @import, @font-face src, style attributes).

Two real builds of the small fixture site carry all the mistakes at once (staff get every mistake in
one report): one with the files in content/ (refused by the consent check before anything is built),
one with the files in a theme folder, which only the check of the finished site sees.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from stadtteil.cli import collect
from stadtteil.consent import check_all
from stadtteil.filekind import classify, sniff
from stadtteil.images.output_check import (check_files, check_html, css_references, parse_stylesheets,
                                           parsed_beforehand)
from test_images import build, phone_photo, project_copy, put, record

TODAY = dt.date(2026, 11, 24)
NO_PERSONS = "persons: none\nchecked_by: QK\nchecked_on: 2026-11-01\n"
FONT = next((Path(__file__).resolve().parents[1] / "plugins" / "stadtteil" / "mkdocs_adapter" / "theme" / "fonts").glob("*.woff2"))


def png(width=40, height=30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


def avif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (90, 20, 200)).save(out, "AVIF")
    return out.getvalue()


def heic() -> bytes:
    """The start of an iPhone photo: an ISO-BMFF `ftyp` box with the HEIC brands (Pillow cannot write one)."""
    return (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x0cmeta\x00\x00\x00\x00"
            + bytes(range(256)) * 8)


def svg_with_photo() -> bytes:
    photo = base64.b64encode(phone_photo(120, 120)).decode()
    return (f'<?xml version="1.0"?>\n<!-- Lageplan -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">'
            f'<image href="data:image/jpeg;base64,{photo}" width="120" height="120"/></svg>').encode()


def add_css(project: Path, name: str = "assets/haus.css") -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("markdown_extensions:", f"extra_css: [{name}]\nmarkdown_extensions:"))


HAUS_CSS = """\
@import "teile/mehr.css";
@font-face { font-family: Haus; src: url("schrift.woff2") format("woff2"); }
.kopf { background-image: image-set("../bilder/foto.dat" 1x); }
"""
MEHR_CSS = '.band { background: -webkit-image-set("../../bilder/muster" 1x); }\n'
INDEX = """\
# Start

<div class="kopf" style='background-image: -webkit-image-set("bilder/foto.dat" 1x)'></div>

[Fotos vom Fest](bilder/kinder.jfif) · [Lageplan](bilder/plan.xml)
"""


# --- files in content/: the consent check refuses them by their bytes before anything is built ---------

@pytest.fixture(scope="module")
def refused_in_content(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inhalt")
    project = project_copy(tmp)
    content = project / "content"
    put(project, "content/bilder/foto.dat", phone_photo(), None)
    put(project, "content/bilder/kinder.jfif", phone_photo(900, 600), None)
    put(project, "content/assets/schrift.woff2", phone_photo(300, 200), None)
    put(project, "content/notizen.txt", png(), None)
    put(project, "content/bilder/handy.hif", heic(), None)
    put(project, "content/bilder/neu.avifs", avif(), None)
    put(project, "content/bilder/muster", png(), None)
    put(project, "content/bilder/plan.xml", svg_with_photo(), record(svg_with_photo(), NO_PERSONS))
    (content / "assets" / "haus.css").write_text(HAUS_CSS)
    (content / "assets" / "teile").mkdir()
    (content / "assets" / "teile" / "mehr.css").write_text(MEHR_CSS)
    (content / "index.md").write_text(INDEX)
    add_css(project)
    site = tmp / "site"
    result = build(project, site)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists()
    return result.stderr


REFUSED = [
    ("photo-renamed-dat-in-image-set", "content/bilder/foto.dat: Zu diesem Bild gibt es keine Einwilligung"),
    ("jfif-linked-from-markdown", "content/bilder/kinder.jfif: Zu diesem Bild gibt es keine Einwilligung"),
    ("jpeg-named-woff2-in-font-face", "content/assets/schrift.woff2: Zu diesem Bild gibt es keine Einwilligung"),
    ("png-named-txt-lying-around", "content/notizen.txt: Zu diesem Bild gibt es keine Einwilligung"),
    ("heic-brand", "content/bilder/handy.hif: Zu diesem Bild gibt es keine Einwilligung"),
    ("avif-brand", "content/bilder/neu.avifs: Zu diesem Bild gibt es keine Einwilligung"),
    ("png-without-suffix-in-imported-css", "content/bilder/muster: Zu diesem Bild gibt es keine Einwilligung"),
    ("svg-named-xml-with-embedded-photo", "content/bilder/plan.xml: Die SVG-Grafik enthält ein eingebettetes Foto"),
]


@pytest.mark.parametrize("case, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_image_in_content_is_told_by_its_bytes(refused_in_content, case, message):
    lines = [line for line in refused_in_content.splitlines() if message in line]
    assert lines, refused_in_content
    assert "Legen Sie" in lines[0]   # the fix comes with the message


def test_stadtteil_check_finds_the_same_by_content(tmp_path):
    project = project_copy(tmp_path)
    put(project, "content/bilder/foto.dat", phone_photo(200, 100), None)
    put(project, "content/notizen.txt", png(), None)
    (project / "content" / "ohne-bild.txt").write_text("Nur Text, kein Bild.\n")
    errors, _, _ = collect(project / "mkdocs.yml", TODAY)
    named = {e.file for e in errors}
    assert {"content/bilder/foto.dat", "content/notizen.txt"} <= named
    assert "content/ohne-bild.txt" not in named


# --- files outside content/ (a theme folder): the check of the finished site refuses them ------------

@pytest.fixture(scope="module")
def refused_in_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("theme")
    project = project_copy(tmp)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    theme = project / "overrides"
    for rel, data in (("assets/schrift.woff2", phone_photo(300, 200)), ("bilder/foto.dat", phone_photo(400, 300)),
                      ("bilder/muster", png()), ("bilder/plan.xml", svg_with_photo())):
        (theme / rel).parent.mkdir(parents=True, exist_ok=True)
        (theme / rel).write_bytes(data)
    (theme / "assets" / "haus.css").write_text(HAUS_CSS)
    (theme / "assets" / "teile").mkdir()
    (theme / "assets" / "teile" / "mehr.css").write_text(MEHR_CSS)
    (project / "content" / "kopf.md").write_text(textwrap.dedent("""\
        # Kopf

        <div style='background-image: image-set("/bilder/foto.dat" 1x)'></div>
        """))
    # A <style> element in staff Markdown is refused before anything is built (sanitize.py); in a theme
    # override it reaches the finished pages, where the image check must find what it refers to.
    (theme / "partials").mkdir()
    (theme / "partials" / "logo.html").write_text('<style>.x { background: image-set("../bilder/muster" 1x) }</style>\n')
    add_css(project)
    site = tmp / "site"
    result = build(project, site)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists()
    return result.stderr


SITE_REFUSED = [
    ("jpeg-named-woff2", ["site/assets/schrift.woff2", "am Inhalt erkannt: JPEG", "„.woff2“"]),
    ("font-face-src-to-that-jpeg", ["site/assets/haus.css (CSS @font-face src)", "„assets/schrift.woff2“"]),
    ("photo-renamed-dat", ["site/bilder/foto.dat", "am Inhalt erkannt: JPEG"]),
    ("image-set-in-extra-css", ["site/assets/haus.css (CSS image-set())", "„bilder/foto.dat“"]),
    ("image-set-in-inline-style", ["site/kopf/index.html (style-Attribut, image-set())", "„bilder/foto.dat“"]),
    ("image-set-in-style-element", ["site/kopf/index.html (<style>, image-set())", "„bilder/muster“"]),
    ("imported-css", ["site/assets/teile/mehr.css (CSS -webkit-image-set())", "„bilder/muster“"]),
    ("png-without-suffix", ["site/bilder/muster", "am Inhalt erkannt: PNG"]),
    ("svg-named-xml", ["site/bilder/plan.xml", "SVG-Grafik"]),
]


@pytest.mark.parametrize("case, words", SITE_REFUSED, ids=[c[0] for c in SITE_REFUSED])
def test_finished_site_is_checked_by_content(refused_in_site, case, words):
    lines = [line for line in refused_in_site.splitlines() if words[0] in line]
    assert lines, refused_in_site
    assert any(all(w in line for w in words[1:]) and "Legen Sie" in line for line in lines), lines


# --- the same photo with a valid record is published --------------------------------------------------

def test_photo_renamed_dat_with_consent_is_published_re_encoded(tmp_path):
    project = project_copy(tmp_path)
    original = phone_photo()
    put(project, "content/bilder/foto.dat", original)
    put(project, "content/bilder/plan.xml", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>',
        record(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>', NO_PERSONS))
    (project / "content" / "assets").mkdir()
    (project / "content" / "assets" / "haus.css").write_text(
        '@font-face { font-family: Haus; src: url("schrift.woff2") format("woff2"); }\n'
        '.kopf { background-image: image-set("../bilder/foto.dat" 1x); }\n')
    (project / "content" / "assets" / "schrift.woff2").write_bytes(FONT.read_bytes())
    (project / "content" / "index.md").write_text(INDEX.replace("[Fotos vom Fest](bilder/kinder.jfif) · ", ""))
    add_css(project)
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    published = (site / "bilder" / "foto.dat").read_bytes()
    assert classify(site / "bilder" / "foto.dat").format == "jpeg"
    # Re-encoded like every photo: the phone's GPS position is gone.
    assert published != original and Image.open(io.BytesIO(published)).getexif().get(0x8825) is None
    assert (site / "bilder" / "plan.xml").exists() and not (site / "bilder" / "foto.dat.consent.yml").exists()


# --- the parts, in-process -------------------------------------------------------------------------------

@pytest.mark.parametrize("data, fmt", [
    (phone_photo(50, 50), "jpeg"), (png(), "png"), (avif(), "avif"), (heic(), "heic"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "mp4"),
    (b"\x00\x00\x00\x08wide\x00\x10\x00\x00mdat", "mov"), (b"wOF2\x00\x01\x00\x00", "woff2"),
])
def test_formats_are_told_by_their_first_bytes(data, fmt):
    assert sniff(data[:64]).format == fmt


def test_pdf_needs_a_record_only_with_an_image_inside(tmp_path):
    (tmp_path / "text.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Page /Resources << /ProcSet [/PDF /Text /ImageB] >> >>\n")
    (tmp_path / "foto.pdf").write_bytes(b"%PDF-1.7\n5 0 obj << /Type /XObject /Subtype /Image /Width 9 >> stream\n")
    assert not classify(tmp_path / "text.pdf").image
    assert classify(tmp_path / "foto.pdf").image


def test_css_is_read_by_a_parser():
    css = r"""@import url("a.css") screen; @namespace svg url(http://www.w3.org/2000/svg);
    /* url(kommentar.jpg) */
    .a { background: image-set("b.dat" 1x, url(c.png) 2x), -webkit-image-set('d\2e jpg' 1x); }
    @media print { .e { background: url( e.jpg ) } }"""
    assert css_references(css) == [("a.css", "@import"), ("b.dat", "image-set()"), ("c.png", "url()"),
                                   ("d.jpg", "-webkit-image-set()"), ("e.jpg", "url()")]


def test_stylesheet_under_another_name_is_followed(tmp_path):
    site = tmp_path / "site"
    (site / "bilder").mkdir(parents=True)
    (site / "bilder" / "foto.dat").write_bytes(phone_photo(60, 40))
    (site / "stil.txt").write_text('.x { background: image-set("bilder/foto.dat" 1x) }')
    (site / "schrift.woff2").write_bytes(FONT.read_bytes())
    (site / "haupt.css").write_text('@import "stil.txt"; @font-face { font-family: X; src: url(schrift.woff2) }')
    allowed: dict[str, str] = {}
    problems = [f"{e.file}: {e.message}" for e in check_files(site, allowed)]
    assert any(p.startswith("site/stil.txt (CSS image-set())") for p in problems), problems
    assert not any("schrift.woff2" in p for p in problems), problems
    html = '<html><body><link rel="stylesheet" href="stil.txt"><embed src="bilder/foto.dat"></body></html>'
    found = [f"{e.file}: {e.message}" for e in check_html(html, "index.html", site, allowed)]
    assert any("(<embed src>)" in p and "bilder/foto.dat" in p for p in found), found
    assert any(p.startswith("site/stil.txt (CSS image-set())") for p in found), found


def test_stylesheets_read_beforehand_count_only_while_their_text_is_unchanged(tmp_path):
    """The helper reads the theme's stylesheets early (parse_stylesheets); the end check uses what it
    found only for a stylesheet whose text is still the same: one changed afterwards is read again.
    (That the end check reads no stylesheet twice in a build: bench/run.py, the cold build's time.)"""
    site = tmp_path / "site"
    (site / "bilder").mkdir(parents=True)
    (site / "bilder" / "foto.dat").write_bytes(phone_photo(60, 40))
    (site / "haupt.css").write_text(".x { color: red }")
    early = parse_stylesheets(site)
    assert list(early.values()) == [[]]
    # Changed after it was read: the new text names a photo without consent, and that is found.
    (site / "haupt.css").write_text('.x { background: url("bilder/foto.dat") }')
    parsed_beforehand(early)
    problems = [e.file for e in check_files(site, {})]
    assert "site/haupt.css (CSS url())" in problems, problems


def test_the_next_build_of_the_process_reads_a_changed_stylesheet_again(tmp_path):
    """`mkdocs serve` rebuilds in one process and keeps what it read of unchanged stylesheets: a stylesheet
    changed between two builds is read again, and only the current site's stylesheets are kept."""
    from stadtteil.images import output_check
    site = tmp_path / "site"
    (site / "bilder").mkdir(parents=True)
    (site / "bilder" / "foto.dat").write_bytes(phone_photo(60, 40))
    (site / "haupt.css").write_text(".x { color: red }")
    assert not any("haupt.css" in e.file for e in check_files(site, {}))
    kept = dict(output_check._PARSED)
    assert len(kept) == 1
    (site / "haupt.css").write_text('.x { background: url("bilder/foto.dat") }')
    problems = [e.file for e in check_files(site, {})]
    assert "site/haupt.css (CSS url())" in problems, problems
    assert len(output_check._PARSED) == 1 and set(output_check._PARSED) != set(kept)


def test_consent_check_ignores_text_and_fonts(tmp_path):
    put(tmp_path, "content/seite.md", b"# Seite\n\n<svg><rect/></svg>\n", None)
    put(tmp_path, "content/assets/schrift.woff2", FONT.read_bytes(), None)
    put(tmp_path, "content/bilder/logo", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', None)
    put(tmp_path, "content/flyer-text.pdf", b"%PDF-1.7\n1 0 obj << /Type /Page >>\n", None)
    put(tmp_path, "content/flyer-foto.pdf", b"%PDF-1.7\n5 0 obj << /Subtype /Image /Width 9 >> stream\n", None)
    check = check_all(tmp_path, TODAY)
    assert [e.file for e in check.errors] == ["content/bilder/logo", "content/flyer-foto.pdf"]


def test_stylesheet_and_font_from_another_host_are_refused_as_files(tmp_path):
    html = ('<html><head><link rel="stylesheet" href="https://fonts.example.com/css?family=X">'
            '<style>@font-face { font-family: X; src: url(//cdn.example.net/x.woff2) }</style></head></html>')
    found = [e.format() for e in check_html(html, "index.html", tmp_path, {})]
    assert any('(<link rel="stylesheet">): Datei von einem fremden Server (fonts.example.com)' in f for f in found), found
    assert any("(<style>, @font-face src): Datei von einem fremden Server (cdn.example.net)" in f for f in found), found
