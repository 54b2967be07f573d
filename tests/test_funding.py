"""The funding notice: configuration rules, the check of the built output, and every way around it.

Each bypass must fail the build with a message naming the page and the rule; a browser test checks what
the static check cannot see (first screen, font, colour, sizes, CSS that hides the bar).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from browser import DESKTOP, PHONE, browser, serve
from stadtteil import funding

from sites import DAY, MINI, build_here, mini_in_six_languages

REPO = Path(__file__).resolve().parents[1]
FIXTURE = MINI
ALLOWED_FONTS = {"Arial", "Auto", "Calibri", "Garamond", "Trebuchet MS", "Trebuchet", "Tahoma", "Verdana", "Ubuntu"}
REQUIRED_LOGOS = """\
      funding:
        logos:
          - {id: eu-esf, alt: "Kofinanziert von der Europäischen Union – Europäischer Sozialfonds"}
          - {id: mags, alt: "Ministerium für Arbeit, Gesundheit und Soziales NRW"}
          - {id: mkffi, alt: "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"}
"""


def png(width: int, height: int) -> bytes:
    """A real, decodable PNG of the given size: blue over white (a single flat colour is no logo)."""
    raw = b"".join(b"\x00" + (b"\x00\x33\x99" if row < height // 2 else b"\xff\xff\xff") * width
                   for row in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def project_copy(tmp_path: Path, funding_block: str = REQUIRED_LOGOS) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    text = config.read_text()
    start = text.index("      funding:")
    end = text.index("      today:")
    config.write_text(text[:start] + funding_block + text[end:])
    return project


def build(project: Path, site: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return build_here(project, site, *extra, today=DAY, env=env)


# --- configuration -----------------------------------------------------------------------------

def test_required_funders_cannot_be_removed(tmp_path):
    with pytest.raises(ValueError) as caught:
        funding.configure({"logos": [{"id": "eu-esf", "alt": "EU-Emblem"}, {"id": "mags", "alt": "MAGS NRW"}]}, tmp_path)
    assert "Das Pflicht-Logo „mkffi“" in str(caught.value) and "nicht entfernt" in str(caught.value)


def test_configuration_mistakes_are_told_in_german(tmp_path):
    with pytest.raises(ValueError) as caught:
        funding.configure({"logos": [{"id": "EU", "alt": "x", "datei": "a.svg"}]}, tmp_path)
    text = str(caught.value)
    assert "logos.0.id darf nur Kleinbuchstaben" in text and "logos.0.alt ist zu kurz" in text
    assert "logos.0.datei gibt es nicht" in text and "should" not in text


def test_standard_text_cannot_be_shortened(tmp_path):
    options = {"text": "Gefördert vom Land NRW", "logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}
    with pytest.raises(ValueError) as caught:
        funding.configure(options, tmp_path)
    assert "Standard-Formulierung" in str(caught.value)


@pytest.mark.parametrize("content, message", [
    (b"", "ist leer"), (png(1, 1), "zu klein (1×1 Pixel)"), (b"not an image", "kein lesbares Bild"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>', "zu klein"),
])
def test_broken_logo_files_are_refused(tmp_path, content, message):
    suffix = ".svg" if content.startswith(b"<svg") else ".png"
    (tmp_path / f"mags{suffix}").write_bytes(content)
    options = {"logos": [{"id": "eu-esf", "alt": "EU Emblem"}, {"id": "mags", "file": f"mags{suffix}", "alt": "MAGS"},
                         {"id": "mkffi", "alt": "MKFFI"}]}
    with pytest.raises(ValueError) as caught:
        funding.configure(options, tmp_path)
    assert message in str(caught.value)


def test_placeholders_are_known(tmp_path):
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, tmp_path)
    assert [logo.id for logo in result.placeholders] == ["mags", "mkffi"]
    assert result.logos[0].id == "eu-esf" and not result.eu.placeholder


def test_eu_emblem_is_drawn_to_the_official_geometry():
    svg = (funding.DATA / "eu-emblem.svg").read_text()
    assert 'viewBox="0 0 810 540"' in svg and 'fill="#003399"' in svg and 'fill="#FFCC00"' in svg
    assert svg.count("<polygon") == 12


# --- the built site and the bypasses -----------------------------------------------------------------

@pytest.fixture(scope="module")
def built_site(mini_build):
    # The fixture's funding block is REQUIRED_LOGOS: project_copy(…) unchanged would build the same site.
    assert REQUIRED_LOGOS in (MINI / "mkdocs.yml").read_text(encoding="utf-8")
    site, result = mini_build
    assert "Platzhalter für diese Logos" in result.stderr or "Platzhalter" in result.stderr  # a normal build warns
    return site


def test_every_built_page_passes_the_output_check(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10 and (built_site / "404.html") in pages
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    assert funding.check_notice(built_site, result) == []


def test_production_build_refuses_placeholders(tmp_path):
    for extra, env in ((("--strict",), None), ((), {"STADTTEIL_PRODUCTION": "1"})):
        result = build(project_copy(tmp_path / str(len(extra))), tmp_path / f"site{len(extra)}", *extra, env=env)
        assert result.returncode != 0
        assert "Platzhalter" in result.stderr and "mags" in result.stderr


def test_production_build_passes_with_real_logo_files(tmp_path):
    project = project_copy(tmp_path, REQUIRED_LOGOS.replace(
        'id: mags,', 'id: mags, file: logos/mags.png,').replace('id: mkffi,', 'id: mkffi, file: logos/mkffi.png,'))
    (project / "logos").mkdir()
    (project / "logos" / "mags.png").write_bytes(png(300, 100))
    (project / "logos" / "mkffi.png").write_bytes(png(300, 100))
    from realsite import without_placeholders   # production also refuses example domains
    result = build(without_placeholders(project), tmp_path / "site", env={"STADTTEIL_PRODUCTION": "1"})
    assert result.returncode == 0, result.stderr


def assert_fails_naming(result, *words):
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for word in words:
        assert word in output, output
    assert "Traceback" not in output


def test_bypass_theme_override_empties_the_footer(tmp_path):
    project = project_copy(tmp_path)
    theme = project / "overrides"
    theme.mkdir()
    (theme / "main.html").write_text('{% extends "base.html" %}\n{% block footer %}{% endblock %}\n')
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    site = tmp_path / "site"
    assert_fails_naming(build(project, site), "site/index.html", "die Förderleiste fehlt")
    assert not site.exists()  # nothing was published


def test_bypass_front_matter_hides_the_footer(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "versteckt.md").write_text("---\nhide:\n  - footer\n---\n# Seite\n")
    assert_fails_naming(build(project, tmp_path / "site"), "content/versteckt.md", "hide: footer")


def check(project: Path, capsys) -> subprocess.CompletedProcess:
    """`stadtteil check` in-process: the verdict on the configuration, which the build reaches the same way."""
    from stadtteil.cli import main
    returncode = main(["check", "-f", str(project / "mkdocs.yml")])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["stadtteil", "check"], returncode, out, err)


def test_bypass_configuration_without_a_required_logo(tmp_path, capsys):
    project = project_copy(tmp_path, "\n".join(line for line in REQUIRED_LOGOS.splitlines() if "mkffi" not in line) + "\n")
    assert_fails_naming(check(project, capsys), "Pflicht-Logo „mkffi“")


def test_bypass_no_funding_configuration_at_all(tmp_path, capsys):
    # Check and build both refuse it: the build is shown once here, the other configuration mistakes by the check.
    project = project_copy(tmp_path, "")
    assert_fails_naming(build(project, tmp_path / "site"), "Der Förderhinweis fehlt")
    assert not (tmp_path / "site").exists()
    assert_fails_naming(check(project, capsys), "Der Förderhinweis fehlt")


@pytest.mark.parametrize("content, words", [(None, "gibt es nicht"), (b"", "ist leer"), (png(1, 1), "zu klein")])
def test_bypass_deleted_empty_or_tiny_logo(tmp_path, capsys, content, words):
    project = project_copy(tmp_path, REQUIRED_LOGOS.replace('id: mags,', 'id: mags, file: logos/mags.png,'))
    (project / "logos").mkdir()
    if content is not None:
        (project / "logos" / "mags.png").write_bytes(content)
    assert_fails_naming(check(project, capsys), "logos/mags.png", words)


def test_bypass_markdown_hides_or_fakes_the_bar(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "trick.md").write_text(
        "# Trick\n\n<div data-stadtteil-funding>Gefördert</div>\n")
    assert_fails_naming(build(project, tmp_path / "site"), "site/trick/index.html", "mehrfach")


def test_pages_changed_after_the_early_check_are_checked_again(built_site, tmp_path):
    # The build hands finished pages to a helper process early; a page rewritten after that (or one the
    # helper found fine before it was broken) must still be judged by its final bytes.
    from stadtteil.images.output_check import sha256
    from stadtteil.mkdocs_adapter.theme_files import theme_images
    from stadtteil.helper_process import Helper
    from stadtteil.checks.output import SiteCheck, check_site
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    allowed = theme_images() | {logo.site_path: sha256((site / logo.site_path).read_bytes()) for logo in result.logos}
    assert check_site(site, result, allowed) == []
    helper = Helper()
    check = SiteCheck(site, result, helper)
    check.pages_ready(allowed)
    assert helper.started and check._futures  # the helper process really has the pages
    for future, _ in check._futures:
        future.result()  # the helper has judged the unbroken page ...
    page = site / "kontakt" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("data-stadtteil-funding", "data-x"), encoding="utf-8")
    problems = check.finish(allowed)  # ... and the page is broken afterwards
    helper.close()
    assert [p.file for p in problems] == ["site/kontakt/index.html"]
    assert "die Förderleiste fehlt" in problems[0].message
    assert problems == check_site(site, result, allowed)


def test_bypass_in_another_language_fails_the_whole_build(tmp_path):
    # Other languages are built, and their pages checked in the helper process, after the German
    # ones: a fake bar on a Turkish page must still stop the build and publish nothing.
    project = mini_in_six_languages(tmp_path / "project")
    (project / "content" / "trick.md").write_text("# Trick\n\nDeutsch.\n")
    (project / "content" / "trick.tr.md").write_text("# Hile\n\n<div data-stadtteil-funding>Destek</div>\n")
    site = tmp_path / "site"
    result = build(project, site)
    assert_fails_naming(result, "site/tr/trick/index.html", "mehrfach")
    assert "site/trick/index.html" not in result.stderr  # the German page is fine
    assert not site.exists()


def test_early_check_reports_the_same_however_the_pages_are_shared(built_site, tmp_path, monkeypatch):
    # finish() right after handing over: batches the helper has not started come back to this process.
    from stadtteil.checks import output as sitecheck
    from stadtteil.helper_process import Helper
    from stadtteil.images.output_check import sha256
    from stadtteil.mkdocs_adapter.theme_files import theme_images
    from stadtteil.checks.output import SiteCheck, check_site
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    allowed = theme_images() | {logo.site_path: sha256((site / logo.site_path).read_bytes()) for logo in result.logos}
    pages = sorted(site.rglob("*.html"))
    for page in (pages[0], pages[-1]):
        page.write_text(page.read_text(encoding="utf-8").replace("data-stadtteil-funding", "data-x"), encoding="utf-8")
    monkeypatch.setattr(sitecheck, "CHUNK", 2)   # many small batches, so that some are still waiting
    helper = Helper()
    check = SiteCheck(site, result, helper)
    check.pages_ready(allowed)
    assert len(check._futures) > 10
    problems = check.finish(allowed)
    helper.close()
    assert [p.file for p in problems] == [f"site/{pages[0].relative_to(site).as_posix()}",
                                          f"site/{pages[-1].relative_to(site).as_posix()}"]
    assert problems == check_site(site, result, allowed)


def test_a_page_half_written_when_the_helper_reads_it_is_judged_by_its_final_bytes(built_site, tmp_path):
    # The build rewrites some pages after handing them over (the error pages): the helper may read an
    # empty file. It must not fail the build for that, and the final bytes are what count.
    from stadtteil.helper_process import Helper
    from stadtteil.images.output_check import sha256
    from stadtteil.mkdocs_adapter.theme_files import theme_images
    from stadtteil.checks.output import SiteCheck, check_site
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    allowed = theme_images() | {logo.site_path: sha256((site / logo.site_path).read_bytes()) for logo in result.logos}
    page = site / "404.html"
    final = page.read_text(encoding="utf-8").replace("data-stadtteil-funding", "data-x")
    page.write_text("", encoding="utf-8")
    helper = Helper()
    check = SiteCheck(site, result, helper)
    check.pages_ready(allowed)
    for future, _ in check._futures:
        future.result()   # the helper read the empty page, and went on
    page.write_text(final, encoding="utf-8")
    problems = check.finish(allowed)
    helper.close()
    assert [p.file for p in problems] == ["site/404.html"]
    assert problems == check_site(site, result, allowed)


def test_bypass_logo_file_swapped_after_the_build_is_found(built_site, tmp_path):
    # The check reads the files as published: a logo swapped for a 1×1 image is caught.
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    (site / "assets" / "funding" / "eu-esf.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>')
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    problems = funding.check_notice(site, result)
    assert problems and all("zu klein" in p.message for p in problems)


@pytest.mark.parametrize("html, words", [
    ('<footer hidden>{bar}</footer>', "mit „hidden“ ausgeblendet"),
    ('<div style="display: none">{bar}</div>', "per style-Attribut versteckt"),
    ('<div aria-hidden="true">{bar}</div>', "aria-hidden"),
    ('<noscript>{bar}</noscript>', "steht in <noscript>"),
    ('<!-- {bar} -->', "die Förderleiste fehlt"),
])
def test_hidden_bars_are_found(built_site, html, words):
    page = (built_site / "index.html").read_text()
    start = page.index("<section class=\"st-funding\"")
    end = page.index("</section>", start) + len("</section>")
    bar = page[start:end]
    changed = page[:start] + html.format(bar=bar) + page[end:]
    result = funding.configure({"logos": [{"id": i, "alt": i * 3} for i in funding.REQUIRED_IDS]}, REPO)
    problems = funding.check_page(changed, "index.html", built_site, result)
    assert any(words in p for p in problems), problems
    if "fehlt" not in words:
        # Each logo in the hidden bar is named as hidden too, for the same reason (the check walks the
        # bar's ancestors once per page and remembers them for the logos).
        hidden_logos = [p for p in problems if p.startswith("Förderleiste: das Logo") and words in p]
        assert len(hidden_logos) == bar.count("data-funder="), problems


# --- in a real browser ---------------------------------------------------------------------------------

BROWSER_CHECK = """
() => {
  const problems = [];
  const vh = window.innerHeight, vw = window.innerWidth;
  const visible = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility !== 'visible' || parseFloat(s.opacity) < 0.99) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width >= 1 && r.height >= 1;
  };
  const onTop = (el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit === el || el.contains(hit);
  };
  const strip = document.querySelector('[data-stadtteil-eu]');
  const emblem = strip && strip.querySelector('img[data-funder="eu-esf"]');
  const text = strip && strip.querySelector('.st-eu__text');
  for (const [name, el] of [['EU-Emblem', emblem], ['EU-Text', text]]) {
    if (!el) { problems.push(name + ' fehlt'); continue; }
    const r = el.getBoundingClientRect();
    if (!visible(el)) problems.push(name + ' ist nicht sichtbar');
    if (r.top < 0 || r.bottom > vh || r.left < 0 || r.right > vw) problems.push(name + ' liegt nicht im ersten Bildschirm');
    if (!onTop(el)) problems.push(name + ' ist verdeckt');
  }
  if (emblem && !emblem.complete || emblem && emblem.naturalWidth === 0) problems.push('EU-Emblem lädt nicht');
  if (text) {
    const s = getComputedStyle(text);
    if (s.fontStyle !== 'normal') problems.push('EU-Text kursiv');
    if (!s.textDecorationLine.startsWith('none')) problems.push('EU-Text unterstrichen');
    if (s.textShadow !== 'none') problems.push('EU-Text mit Effekt');
    if (!['rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(0, 51, 153)'].includes(s.color)) problems.push('EU-Text-Farbe ' + s.color);
    const t = text.getBoundingClientRect(), e = emblem.getBoundingClientRect();
    if (t.left < e.right && t.right > e.left && t.top < e.bottom && t.bottom > e.top) problems.push('EU-Text überlappt das Emblem');
  }
  const bar = document.querySelector('[data-stadtteil-funding]');
  if (!bar) { problems.push('Förderleiste fehlt'); return problems; }
  bar.scrollIntoView({block: 'center'});
  if (!visible(bar)) problems.push('Förderleiste ist nicht sichtbar');
  else if (!onTop(bar)) problems.push('Förderleiste ist verdeckt');
  const logos = [...bar.querySelectorAll('img[data-funder]')];
  const eu = logos.find(i => i.dataset.funder === 'eu-esf');
  for (const img of logos) {
    if (!visible(img)) problems.push('Logo ' + img.dataset.funder + ' ist nicht sichtbar');
    if (img.naturalWidth === 0) problems.push('Logo ' + img.dataset.funder + ' lädt nicht');
  }
  if (eu) {
    const er = eu.getBoundingClientRect();
    const maxH = Math.max(...logos.filter(i => i !== eu).map(i => i.getBoundingClientRect().height), 0);
    const maxW = Math.max(...logos.filter(i => i !== eu).map(i => i.getBoundingClientRect().width), 0);
    if (er.height + 0.5 < maxH && er.width + 0.5 < maxW) problems.push('EU-Emblem kleiner als ein anderes Logo');
  }
  return problems;
}
"""


def funding_problems(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    problems = page.evaluate(BROWSER_CHECK)
    page.evaluate("window.scrollTo(0, 0)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".st-eu__text"})["nodeId"]
    if node:
        fonts = {f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
        if not fonts or not fonts <= ALLOWED_FONTS:
            problems.append(f"EU-Text in nicht erlaubter Schrift: {sorted(fonts)}")
    cdp.detach()
    return problems


PAGES = ["", "wochenplan/", "angebote/", "angebote/naehtreff/", "termine/2026-12-16-basteln/", "hilfe-finden/stadt/",
         "kalender/", "404.html"]


def test_browser_emblem_in_first_screen_allowed_font_and_sizes(built_site):
    with serve(built_site) as base, browser() as chromium:
        checked = 0
        for viewport in (DESKTOP, PHONE):
            page = chromium.new_page(viewport=viewport)
            for path in PAGES:
                assert funding_problems(page, base + path) == [], (viewport, path)
                checked += 1
            page.close()
    assert checked == 2 * len(PAGES)


def test_extra_css_that_hides_the_bar_is_refused(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "assets").mkdir(parents=True, exist_ok=True)
    (project / "content" / "assets" / "trick.css").write_text(
        "footer .st-funding { visibility: hidden; }\n.st-eu { transform: translateY(-500px); }\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("markdown_extensions:", "extra_css: [assets/trick.css]\nmarkdown_extensions:"))
    # The site's CSS is read as a browser reads it (checks/rendered.py; the browser side: test_funding_rendered.py).
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "content/assets/trick.css, Zeile 1" in result.stderr and "visibility: hidden" in result.stderr
    assert "content/assets/trick.css, Zeile 2" in result.stderr and "transform" in result.stderr


def test_print_keeps_the_notice(built_site, tmp_path):
    with serve(built_site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "wochenplan/")
        page.emulate_media(media="print")
        footer = page.evaluate("getComputedStyle(document.querySelector('.st-footer')).display")
        display = page.evaluate("getComputedStyle(document.querySelector('[data-stadtteil-funding]')).display")
        pdf = page.pdf(format="A4")
    # A table's footer group repeats on every printed page (tests/test_print.py looks at every sheet).
    assert footer == "table-footer-group" and display != "none"
    assert pdf.startswith(b"%PDF")


@pytest.fixture(scope="module")
def repo_site(full_site):
    return full_site


def test_project_page_highlights_eu_support(repo_site):
    from bs4 import BeautifulSoup
    site = repo_site
    soup = BeautifulSoup((site / "projekt" / "index.html").read_text(), "html.parser")
    article = soup.select_one("article")
    text = " ".join(article.get_text(" ").split())
    assert "Kofinanziert von der Europäischen Union" in text
    for heading in ("Ziele", "Ergebnisse", "Förderung"):
        assert article.find("h2", string=heading)
    assert article.select_one(".st-funders__eu img")["src"].endswith("assets/funding/eu-esf.svg")
    assert len(article.select(".st-funders__list img")) == 6


def test_poster_prints_on_a3_with_emblem_and_funders(repo_site):
    import re
    site = repo_site
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "plakat/")
        page.evaluate("document.fonts.ready")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        text = page.inner_text(".st-poster")
    boxes = {tuple(round(float(v)) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes == {(842, 1191)}   # A3 in points
    for words in ("!Gemeinsam in Batenbrock", "Kofinanziert von der Europäischen Union", "Horster Straße 228",
                  "Europäischen Sozialfonds"):
        assert words in text
