"""The site in six variants: German, English, Turkish, Arabic (right to left), Ukrainian, Leichte Sprache.

Checked on the real build of the repository: every page of every language has the right `lang` and
`dir`; untranslated parts carry lang="de"; no German interface text on English, Turkish, Arabic or
Ukrainian pages; the switcher leads to the same page in each language; feeds exist per language and
are read by the real parsers; Arabic renders right to left in Chromium.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup

from browser import PHONE, DESKTOP, browser, serve
from crawl import SCROLL_AND_SETTLE

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "plugins"))
from stadtteil import i18n  # noqa: E402

from sites import BATENBROCK, DAY, MINI  # noqa: E402

LANGS = {lang.code: lang for lang in i18n.languages()}
FOREIGN = ("en", "tr", "ar", "uk")


@pytest.fixture(scope="module")
def site(full_site) -> Path:
    return full_site


def language_of(rel: str) -> str:
    first = rel.split("/", 1)[0]
    return first if first in LANGS and first != "de" else "de"


def html_pages(site: Path) -> list[tuple[str, Path]]:
    return [(p.relative_to(site).as_posix(), p) for p in sorted(site.rglob("*.html"))]


@functools.lru_cache(maxsize=1024)
def soup_of(path: Path) -> BeautifulSoup:
    """A page parsed once per run (libxml2 through bs4), for reading only: a test that changes the tree
    asks for `fresh_soup`."""
    return fresh_soup(path)


def fresh_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "lxml")


def test_all_six_variants_have_every_page(site):
    german = {rel for rel, _ in html_pages(site) if language_of(rel) == "de"}
    assert len(german) > 50
    for code, lang in LANGS.items():
        if lang.prefix:
            ours = {rel[len(lang.prefix):] for rel, _ in html_pages(site) if rel.startswith(lang.prefix)}
            assert ours == german, f"{code}: {sorted(german ^ ours)[:10]}"


def test_every_page_has_the_right_lang_and_dir(site):
    wrong = []
    for rel, path in html_pages(site):
        lang = LANGS[language_of(rel)]
        html, body = soup_of(path).html, soup_of(path).body
        if html.get("lang") != lang.html_lang or html.get("dir") != lang.direction or body.get("dir") != lang.direction:
            wrong.append(f"{rel}: lang={html.get('lang')} dir={html.get('dir')} body dir={body.get('dir')}")
    assert wrong == []


def visible_text_outside_german(soup: BeautifulSoup) -> str:
    """The text a reader sees in the page's language: German fallback parts (lang="de") left out."""
    for tag in soup.find_all(["script", "style", "template", "code"]):
        tag.decompose()
    for tag in soup.select('body [lang="de"]'):
        tag.decompose()
    for tag in soup.select("[hidden], .md-sidebar--secondary"):
        tag.decompose()
    return " ".join(soup.body.get_text(" ").split())


def german_interface_phrases() -> list[str]:
    """Every interface message that must be translated, as the German text a reader could see."""
    phrases = set()
    for message in i18n.extract():
        if not message.id or isinstance(message.id, tuple):
            continue
        for part in re.split(r"%\([a-z_]+\)[sd]|<[^>]+>|\{\{.*?\}\}", str(message.id)):
            part = part.strip(" .,:;()–-\n")
            # Short fragments ("und", "Wo") also exist in other languages' words; whole phrases do not.
            if len(part) >= 12 and " " in part:
                phrases.add(part)
    return sorted(phrases)


def test_no_german_interface_text_on_english_turkish_arabic_ukrainian_pages(site):
    phrases = german_interface_phrases()
    assert len(phrases) > 40
    # Plus the words residents would notice at once, from the date and schedule engine.
    words = re.compile(r"\b(jeden|Uhr|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Januar|Februar|"
                       r"März|Juni|Juli|Oktober|Dezember|kostenlos|Anmeldung|Abonnieren|fällt aus|Schulferien)\b")
    found = []
    for rel, path in html_pages(site):
        if language_of(rel) not in FOREIGN:
            continue
        text = visible_text_outside_german(fresh_soup(path))
        hits = [p for p in phrases if p in text] + words.findall(text)
        if hits:
            found.append(f"{rel}: {hits[:4]}")
    assert found == [], f"{len(found)} Seiten, z. B. {found[:8]}"


def test_the_scan_finds_german_interface_text_where_there_is_some(site):
    # The scan above must be able to fail: the German pages are full of the phrases it looks for.
    phrases = german_interface_phrases()
    text = visible_text_outside_german(fresh_soup(site / "kalender" / "index.html"))
    assert sum(1 for p in phrases if p in text) > 5


def test_untranslated_parts_are_marked_german_with_a_note(site):
    checked = 0
    for rel, path in html_pages(site):
        if language_of(rel) not in FOREIGN:
            continue
        soup = soup_of(path)
        for note in soup.select(".st-untranslated"):
            checked += 1
            following = note.find_next_sibling()
            assert following is not None and following.get("lang") == "de", f"{rel}: Hinweis ohne deutschen Teil"
            assert "Deutsch" not in note.get_text() or language_of(rel) == "de", rel
    # The legal texts stay German in every language (the German text is binding), so there are always some.
    assert checked >= 3 * len(FOREIGN)


def test_language_switcher_leads_to_the_same_page_with_names_in_their_own_language(site):
    problems = []
    for rel, path in html_pages(site):
        if rel.endswith("404.html"):
            continue
        lang = LANGS[language_of(rel)]
        rest = rel[len(lang.prefix):]
        for selector in (".st-languages a", ".md-select__link"):
            links = soup_of(path).select(selector)
            if len(links) != len(LANGS):
                problems.append(f"{rel}: {selector} hat {len(links)} Sprachen")
                continue
            for link, other in zip(links, LANGS.values()):
                target = (path.parent / unquote(urlsplit(link["href"]).path)).resolve()
                expected = (site / other.prefix / rest).resolve()
                if (target / "index.html" if target.is_dir() else target) != expected:
                    problems.append(f"{rel}: {link['href']} → {target}, erwartet {expected}")
                if link.get("lang") != other.html_lang or link.get_text(strip=True) != other.name:
                    problems.append(f"{rel}: {link}")
    assert problems == [], problems[:10]


def test_head_alternates_and_sitemap_name_every_language(site):
    soup = soup_of(site / "en" / "angebote" / "naehtreff" / "index.html")
    links = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
    assert links["de"] == "https://www.gemeinsam-in-batenbrock.example/angebote/naehtreff/"
    assert links["ar"] == "https://www.gemeinsam-in-batenbrock.example/ar/angebote/naehtreff/"
    assert set(links) == {"de", "en", "tr", "ar", "uk", "de-x-ls"}
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://www.gemeinsam-in-batenbrock.example/uk/angebote/naehtreff/" in sitemap
    entry = sitemap.split("<loc>https://www.gemeinsam-in-batenbrock.example/tr/termine/</loc>")[1].split("</url>")[0]
    assert entry.count('rel="alternate"') == 6
    assert not (site / "en" / "sitemap.xml").exists()


def test_search_index_per_language(site):
    # The A–Z page is the search index: each language has its own and loads no other.
    german = soup_of(site / "suche" / "index.html")
    english = soup_of(site / "en" / "suche" / "index.html")
    assert len(german.select(".st-search__list li")) > 30 and len(english.select(".st-search__list li")) > 30
    for rel, path in html_pages(site):
        if rel.endswith("suche/index.html"):
            prefix = LANGS[language_of(rel)].prefix
            for link in soup_of(path).select("main a[href]"):
                href = link["href"]
                if href.startswith(("http", "mailto:", "tel:", "#")):
                    continue
                target = (path.parent / unquote(urlsplit(href).path)).resolve()
                assert target.is_relative_to((site / prefix).resolve()), f"{rel} → {href}"
    assert english.find("h1").get_text(strip=True) != german.find("h1").get_text(strip=True)


def test_feeds_per_language_read_by_icalendar_and_ical_js(site):
    for code in FOREIGN:
        path = site / LANGS[code].prefix / "kalender" / "alle.ics"
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        events = [c for c in calendar.walk("VEVENT")]
        assert events, code
        descriptions = " ".join(str(e.get("DESCRIPTION", "")) for e in events)
        assert "Alle Termine und Absagen" not in descriptions and "Kosten:" not in descriptions, code
        assert f"/{code}/angebote/" in descriptions
    german = icalendar.Calendar.from_ical((site / "kalender" / "alle.ics").read_bytes())
    english = icalendar.Calendar.from_ical((site / "en" / "kalender" / "alle.ics").read_bytes())
    # Same events, same identities: a calendar subscribed in two languages does not change its UIDs.
    assert sorted(str(e["UID"]) for e in german.walk("VEVENT")) == sorted(str(e["UID"]) for e in english.walk("VEVENT"))
    node = subprocess.run(["node", str(REPO / "tests" / "js" / "expand.mjs"), str(site / "ar" / "kalender" / "alle.ics"),
                           DAY, "2027-01-31"], capture_output=True, text=True, cwd=REPO)
    assert node.returncode == 0, node.stderr
    assert json.loads(node.stdout), "ical.js liest den arabischen Kalender nicht"


def test_subscription_page_links_its_own_languages_feeds(site):
    soup = soup_of(site / "tr" / "kalender" / "index.html")
    hrefs = [a["href"] for a in soup.select("a[href]")]
    assert any(h.startswith("webcal://www.gemeinsam-in-batenbrock.example/tr/kalender/") for h in hrefs)
    assert "https://www.gemeinsam-in-batenbrock.example/tr/kalender/alle.ics" in soup.get_text()


def test_easy_language_start_page_and_link_on_every_page(site):
    start = soup_of(site / "de-LS" / "index.html")
    headings = " ".join(h.get_text(" ") for h in start.select("h2, h3")).lower()
    # BITV 2.0 § 4: what the site offers, how to find one's way, what the accessibility statement says.
    assert "barriere" in headings
    for rel, path in html_pages(site):
        links = [a for a in soup_of(path).select(".st-languages a") if a.get_text(strip=True) == "Leichte Sprache"]
        assert links, f"{rel}: kein sichtbarer Link zu Leichter Sprache"


def test_interface_catalogs_are_complete_and_current():
    # A text added to a template without translations would put German on the other languages' pages.
    from babel.messages.pofile import read_po
    pot = {m.id for m in read_po((i18n.LOCALES_DIR / "stadtteil.pot").open("rb")) if m.id}
    assert pot == {m.id for m in i18n.extract() if m.id}, "Katalog veraltet: `stadtteil messages` ausführen"
    for code in i18n.FULL:
        assert i18n.missing_messages(code) == [], code


def test_translation_report_names_language_and_file(capsys):
    # In-process through the public command: what is tested is the report, not a new interpreter.
    from stadtteil.cli import main
    assert main(["translations", "-f", str(MINI / "mkdocs.yml")]) == 0
    text = capsys.readouterr().out
    assert "English (en): Daten" in text and "العربية (ar)" in text
    assert re.search(r"offers/\w[\w-]*\.yml: title", text)
    assert main(["translations", "--format", "json", "-f", str(BATENBROCK / "mkdocs.yml")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"en", "tr", "ar", "uk", "de-LS"}


def test_arabic_renders_right_to_left_in_chromium(site):
    with serve(site) as base, browser() as chromium:
        for viewport in (DESKTOP, PHONE):
            page = chromium.new_page(viewport=viewport)
            page.goto(base + "ar/wochenplan/")
            assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            # Mirrored: the first language in the bar sits to the right of the second; the text starts right.
            first, second = page.locator(".st-languages a").nth(0), page.locator(".st-languages a").nth(1)
            assert first.bounding_box()["x"] > second.bounding_box()["x"]
            h1 = page.locator("article h1").first.bounding_box()
            main = page.locator("article").first.bounding_box()
            assert h1["x"] + h1["width"] > main["x"] + main["width"] - 40
            if viewport is DESKTOP:
                # The navigation sidebar is on the right of the content.
                nav = page.locator(".md-sidebar--primary").bounding_box()
                assert nav["x"] > main["x"]
            page.goto(base + "en/wochenplan/")
            assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
            page.close()


def platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew a node's text with (family → glyphs), from the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


@pytest.mark.parametrize("path, family, other", [("ar/", "Noto Sans Arabic", "en/"), ("uk/", "Noto Sans", "tr/")])
def test_arabic_and_cyrillic_text_is_drawn_with_the_sites_own_font(site, path, family, other):
    # Not just declared: the glyphs of the heading come from the font the site serves (whatever the
    # machine has installed), and other languages' pages never download it.
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page(viewport=PHONE)
        fonts_loaded: list[str] = []
        page.on("request", lambda request: fonts_loaded.append(request.url) if ".woff2" in request.url else None)
        page.goto(base + path)
        page.evaluate(SCROLL_AND_SETTLE)   # lazy images and fonts loaded
        drawn = platform_fonts(page, "article h1")
        assert drawn.get(family, 0) > 0, drawn
        served = [url for url in fonts_loaded if "noto-sans" in url]
        assert served and all(url.startswith(base) for url in served), fonts_loaded
        page.close()
        # A first visit to another language (a fresh browser: nothing cached from the page before).
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        fonts_loaded.clear()
        page.on("request", lambda request: fonts_loaded.append(request.url) if ".woff2" in request.url else None)
        page.goto(base + other)
        page.evaluate(SCROLL_AND_SETTLE)
        assert not [url for url in fonts_loaded if "noto-sans" in url], fonts_loaded
        context.close()


def test_missing_translations_fall_back_to_marked_german_and_are_reported(site):
    # The frozen snapshot leaves three English texts out on purpose (its README.md): a content page
    # without its English file, an offer and a partner without English descriptions.
    assert not (BATENBROCK / "content" / "wlan.en.md").exists()
    for page in ("en/wlan/index.html", "en/angebote/naehtreff/index.html"):
        soup = soup_of(site / page)
        notes = [n for n in soup.select("article .st-untranslated") if n.find_next_sibling().get("lang") == "de"]
        assert notes, page
        assert "German" in notes[0].get_text() and soup.html["lang"] == "en", page
    # The A–Z list of help shortens the German description; the shortened text stays inside its lang="de" span.
    html = (site / "en" / "hilfe-finden" / "index.html").read_text(encoding="utf-8")
    line = next(li for li in html.splitlines() if li.startswith('<li><a href="asd/"'))   # the directory, not „Im Notfall“
    assert line.count("<span") == line.count("</span>") and '<span lang="de" dir="ltr">Berät und unterstützt Familien' in line
    assert "…</span>" in line
    report = subprocess.run([sys.executable, "-m", "stadtteil.cli", "translations", "-f", str(BATENBROCK / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=REPO)
    english = report.stdout.split("Türkçe (tr)")[0]
    assert "content/wlan.en.md fehlt" in english and "offers/naehtreff.yml: description" in english
    assert "partners/asd.yml: description" in english
    assert "Türkçe (tr): Daten 100 %" in report.stdout


def test_shortened_fallback_text_keeps_its_markup_whole():
    from stadtteil import formatting as fmt
    value = {"de": "Ein langer deutscher Text, der im Verzeichnis gekürzt wird, weil er nicht passt."}
    short = fmt.marked(value, "en", 30)
    assert short.startswith('<span lang="de" dir="ltr">') and short.endswith("…</span>") and len(short) < 60
    assert fmt.marked(value, "de", 30) == "Ein langer deutscher Text…"
    assert fmt.marked(value, "de") == value["de"]
