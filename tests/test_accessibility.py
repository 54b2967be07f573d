"""Accessible in real Chromium and by the Nu Html Checker: print, search, the phone menu, the site without
JS, German names in right-to-left text, focus under the sticky header. The crawl of every page at both
widths (axe, privacy, weight, keyboard, reflow, targets) is tests/test_crawl.py.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import DESKTOP, PHONE, chromium, serve  # noqa: F401 - chromium is a fixture
from crawl import LANGUAGES, page_language

REPO = Path(__file__).resolve().parents[1]
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def site(full_site) -> Path:
    return full_site


@pytest.fixture(scope="module")
def base(site):
    with serve(site) as url:
        yield url


def test_nu_html_checker_finds_no_error(site):
    java = shutil.which("java")
    assert java, "Java fehlt (für den Nu Html Checker); .ci/run installiert es."
    assert VNU.exists(), "vnu-jar fehlt: `npm ci`"
    # The serial collector: a JVM of a few seconds spends less CPU on it than on the parallel default
    # (measured on the fixture's 408 pages: 9.0 → 7.6 CPU seconds, the same messages).
    result = subprocess.run([java, "-XX:+UseSerialGC", "-jar", str(VNU), "--format", "json", "--errors-only", "--skip-non-html", str(site)],
                            capture_output=True, text=True)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [f"{m.get('url', '')[-60:]}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_site_works_without_javascript(base, chromium):
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    assert "Heute im Stadtteilbüro" in page.inner_text("main")
    page.click("label.md-header__button[for='__drawer']")   # Material's drawer is a CSS-only checkbox
    page.get_by_role("link", name="Wochenplan", exact=True).first.click()
    assert page.url.endswith("/wochenplan/")
    assert "Donnerstag" in page.inner_text("main")
    page.goto(base + "angebote/")
    page.get_by_role("link", name="Frauen").first.click()
    assert "Angebote für Frauen" in page.inner_text("main h1")
    page.goto(base + "angebote/naehtreff/")
    href = page.get_by_role("link", name="In meinen Kalender").get_attribute("href")
    response = page.request.get(base + "angebote/naehtreff/" + href)
    assert response.ok and response.body().startswith(b"BEGIN:VCALENDAR")
    context.close()


def test_cancelled_dates_are_not_marked_by_colour_alone(site):
    from bs4 import BeautifulSoup
    soup = BeautifulSoup((site / "angebote" / "naehtreff" / "index.html").read_text(), "html.parser")
    for item in soup.select("li.st-cancelled"):
        assert "fällt aus" in item.get_text()


def test_legal_pages_are_complete_and_linked_from_every_footer(site):
    from bs4 import BeautifulSoup

    def text(path):
        return " ".join(BeautifulSoup((site / path / "index.html").read_text(), "html.parser")
                        .select_one("article").get_text(" ").split())

    impressum = text("impressum")
    for words in ("§ 5 Digitale-Dienste-Gesetz", "Arbeitsgemeinschaft soziale Brennpunkte Bottrop e.V.", "Borsigweg 2",
                  "Vertreten durch", "§ 18 Absatz 2 Medienstaatsvertrag"):
        assert words in impressum
    privacy = text("datenschutz")
    for words in ("keine Cookies", "Datenschutzbeauftragte", "Server-Logs", "Rechtsgrundlage", "Speicherdauer: 7 Tage",
                  "Empfänger", "Art. 15 DSGVO", "Beschwerde", "Landesbeauftragten für Datenschutz"):
        assert words in privacy
    statement = text("barrierefreiheit")
    for words in ("teilweise vereinbar", "Nicht barrierefreie Inhalte", "Grund:", "Alternative:", "24. November 2026",
                  "innerhalb von zwei Wochen", "Ombudsstelle", "ombudsstelle-barrierefreie-it@mags.nrw.de"):
        assert words in statement
    form = BeautifulSoup((site / "barrierefreiheit" / "index.html").read_text(), "html.parser").select_one("form.st-feedback")
    assert form["action"].startswith("mailto:") and all(form.find("label", attrs={"for": i["id"]})
                                                        for i in form.select("input, textarea"))
    # Every page links the three legal pages of its own language, and they exist; German pages say so in German.
    for html in site.rglob("*.html"):
        rel = html.relative_to(site).as_posix()
        prefix = next((p for p in LANGUAGES if rel.startswith(p)), "")
        footer = BeautifulSoup(html.read_text(), "html.parser").select_one(".st-footer__links")
        links = {}
        for a in footer.find_all("a"):
            href = a["href"]   # error pages link from the site root: they answer at any address
            target = href.strip("/") if href.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(rel), href))
            links[target] = a.get_text()
        for legal in ("impressum", "datenschutz", "barrierefreiheit"):
            target = prefix + legal
            assert target in links and (site / target / "index.html").exists(), (rel, target, links)
            assert links[target].strip(), (rel, target)
        if page_language(rel)[0] == "de":
            assert {links[prefix + p] for p in ("impressum", "datenschutz")} == {"Impressum", "Datenschutz"}, rel


@pytest.mark.parametrize("path", ["angebote/naehtreff/", "wochenplan/", "kontakt/"])
def test_pages_print_on_a4_with_notice_and_address(base, chromium, path):
    import re
    page = chromium.new_page()
    page.goto(base + path)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ['.st-print-url', '[data-stadtteil-funding]'].map(s => {
        const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none' ? e.textContent : null; })""")
    pdf = page.pdf(prefer_css_page_size=True)
    page.close()
    assert shown[0] and f"https://www.gemeinsam-in-batenbrock.example/{path}" in shown[0]
    assert shown[1] and "Europäischen Sozialfonds" in shown[1]
    sizes = {tuple(round(float(v)) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert sizes == ({(842, 595)} if path == "wochenplan/" else {(595, 842)})  # A4, the Wochenplan landscape


def test_search_page_is_the_index_and_filters_as_you_type(base, chromium):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base)                                   # no page but the search page loads the index
    assert not [u for u in requested if "suche" in u]
    page.goto(base + "suche/")
    total = page.locator(".st-search__list li").count()
    assert total > 50
    page.fill("#st-search-input", "naehtreff")        # ä typed as ae still finds „Nähtreff“
    visible = page.locator(".st-search__list li:not([hidden])")
    assert visible.count() >= 1 and "Nähtreff" in visible.first.inner_text()
    assert "gefunden" in page.inner_text(".st-search__count")
    context.close()
    nojs = chromium.new_context(java_script_enabled=False)
    page = nojs.new_page()
    page.goto(base + "suche/")
    assert page.locator(".st-search__list li").count() == total and not page.is_visible("#st-search-input")
    nojs.close()


def test_phone_menu_opens_with_the_keyboard_and_hides_closed_links(base, chromium):
    page = chromium.new_page(viewport=PHONE)
    page.goto(base)
    # Skip link, then the language bar, then the menu button: never one of the closed drawer's links.
    passed = []
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('for')") == "__drawer":
            break
        passed.append(page.evaluate("(a => a.closest('.st-languages') ? 'language' : a.className)"
                                    "(document.activeElement)"))
    assert page.evaluate("document.activeElement.getAttribute('for')") == "__drawer", passed
    assert "md-skip" in passed[0].split() and set(passed[1:]) == {"language"}, passed
    assert len(passed) == 1 + 6, passed              # the six languages' links
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked")
    assert page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__drawer').checked")
    # The drawer hides after its closing transition: wait for that state, not for a guessed time.
    # (expect() polls from Playwright's own script: the page's CSP forbids wait_for_function's eval.)
    from playwright.sync_api import expect
    expect(page.locator(".md-sidebar--primary")).to_have_css("visibility", "hidden", timeout=5000)
    page.close()


def test_timetable_time_axis_only_where_it_is_a_grid(base, chromium):
    # On phones the timetable is a list per day; a column of bare hours above it would only confuse.
    for viewport, shown in ((PHONE, "none"), (DESKTOP, "block")):
        page = chromium.new_page(viewport=viewport)
        for path in ("wochenplan/", "ar/wochenplan/"):
            page.goto(base + path)
            assert page.evaluate("getComputedStyle(document.querySelector('.st-week__hours')).display") == shown, \
                (viewport, path)
        page.close()


def test_german_names_are_isolated_on_arabic_pages(site):
    # In right-to-left text a German name without isolation loses its punctuation to the wrong end
    # („!Gemeinsam in Batenbrock“ read „Gemeinsam in Batenbrock!“): every occurrence of the office's
    # name, its carrier and its address sits in a <bdi> or an element with dir="ltr".
    import re

    import yaml
    from bs4 import BeautifulSoup
    office = yaml.safe_load((REPO / "office.yml").read_text())
    names = [office["name"], office["carrier"], office["address"]["street"], "Gemeinsam in Batenbrock"]
    problems, seen = [], 0
    for html in sorted((site / "ar").rglob("*.html")):
        soup = BeautifulSoup(html.read_text(), "html.parser")
        for text in soup.body.find_all(string=lambda s: any(n in s for n in names)):
            # A name inside a translated Arabic sentence is the translator's (who marks it, e.g. with U+200E).
            if text.parent.name in ("script", "style") or re.search("[\u0600-\u06ff]", text):
                continue
            seen += 1
            isolated = next((a for a in text.parents if a.name == "bdi" or a.get("dir") in ("ltr", "rtl")), None)
            if isolated is None or isolated.get("dir") == "rtl":
                problems.append(f"{html.relative_to(site)}: <{text.parent.name}> „{text.strip()[:60]}“")
    assert seen > 100, seen
    assert problems == [], problems


def test_focus_is_not_hidden_under_the_sticky_header(base, chromium):
    # WCAG 2.2, 2.4.11: walking back with Shift+Tab scrolls each link to the top edge, where Material's
    # sticky header sits; the scroll padding keeps it below.
    covered = []
    for viewport in (DESKTOP, PHONE):
        page = chromium.new_page(viewport=viewport)
        for path in ("hilfe-finden/", "ar/angebote/"):
            page.goto(base + path)
            page.locator("footer a").last.focus()
            for _ in range(40):
                page.keyboard.press("Shift+Tab")
                where = page.evaluate("""() => { const a = document.activeElement, r = a.getBoundingClientRect();
                    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
                    return r.height && getComputedStyle(a).visibility !== 'hidden' && r.top < header - 1
                        ? `${a.textContent.trim().slice(0, 30)}: ${Math.round(r.top)} < ${Math.round(header)}` : null; }""")
                if where:
                    covered.append(f"{viewport['width']}px {path}: {where}")
        page.close()
    assert covered == [], covered


def test_german_names_in_translated_text_are_isolated_but_never_inside_tags():
    from stadtteil.bidi import isolate_names
    names = ["!Gemeinsam in Batenbrock", "Horster Straße 228", "A & B e.V."]
    html = ('<p title="!Gemeinsam in Batenbrock">نحن „!Gemeinsam in Batenbrock“ في <bdi>Horster Straße 228</bdi>'
            ' مع A &amp; B e.V.</p>')
    assert isolate_names(html, names) == (
        '<p title="!Gemeinsam in Batenbrock">نحن „<bdi lang="de">!Gemeinsam in Batenbrock</bdi>“ في '
        '<bdi>Horster Straße 228</bdi> مع <bdi lang="de">A &amp; B e.V.</bdi></p>')
