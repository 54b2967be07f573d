"""Text is text: staff text never runs as code, never sends residents elsewhere, and shows as written.

Two real builds of the small fixture site: one whose staff text tries to inject (titles, names and
summaries are plain text and must show literally), checked page by page in Chromium; and one whose
Markdown contains what is refused, which must stop with one German report naming every file.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from browser import SETTLED, browser, serve
from stadtteil import csp
from stadtteil.sanitize import check, svg_problems
from sites import build_here
from test_build import FIXTURE, page, unexpected_warnings


def run_build(project: Path, site: Path, today: str):
    # In-process: what is tested is the output and the verdict, not the process (tests/sites.py).
    result = build_here(project, site, today=today, cwd=project)
    assert not unexpected_warnings(result)
    return result

TODAY = "2026-12-02"
SCRIPT_TITLE = "Nähtreff <script>window.__pwned = 'title'</script>"
HEART = "Eltern <3 Kinder"
PARTNER = "Schule </title><script>window.__pwned = 'partner'</script>"
SUMMARY = "Gemeinsam <img src=x onerror=\"window.__pwned = 'summary'\"> nähen --- *fett* {: onclick=\"window.__pwned = 'attr'\" }"
CARRIER = "Testverein <script>window.__pwned = 'carrier'</script> & Co"
PAGE_TITLE = "<script>window.__pwned = 'page'</script>Hallo \" & <3"


def _copy(tmp: Path) -> Path:
    project = tmp / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    return project


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Injection attempts in plain-text fields: they are built, as text."""
    project = _copy(tmp_path_factory.mktemp("text"))
    _replace(project / "offers/naehtreff.yml", "title: {de: Nähtreff, en: Sewing club}",
             f"title: {{de: {_yaml(SCRIPT_TITLE)}, en: Sewing club}}")
    _replace(project / "offers/naehtreff.yml", "summary: Gemeinsam nähen und reparieren.", f"summary: {_yaml(SUMMARY)}")
    _replace(project / "events/2026-12-05-flohmarkt.yml", "title: Kinderflohmarkt", f"title: {_yaml(HEART)}")
    _replace(project / "partners/schule.yml", "name: Grundschule am Park", f"name: {_yaml(PARTNER)}")
    _replace(project / "office.yml", "carrier: Testverein e.V.", f"carrier: {_yaml(CARRIER)}")
    (project / "content/seite.md").write_text(f"---\ntitle: {_yaml(PAGE_TITLE)}\ndescription: {_yaml(PAGE_TITLE)}\n---\n\n"
                                              "# Eine Seite\n\nMit <strong>erlaubtem</strong> HTML.\n\n## Eltern <3 Kinder\n\nText.\n", encoding="utf-8")
    site = project / "site"
    result = run_build(project, site, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> str:
    """Dangerous Markdown and an SVG with a script: the build's report (it must fail)."""
    project = _copy(tmp_path_factory.mktemp("refused"))
    _replace(project / "offers/naehtreff.yml", "  Bringen Sie **Stoff** mit. Maschinen sind da.\n",
             "  Bringen Sie **Stoff** mit.\n  <img src=x onerror=\"window.__pwned = 1\">\n")
    with (project / "events/2026-12-05-flohmarkt.yml").open("a", encoding="utf-8") as f:
        f.write("description: \"[Hier klicken](javascript:alert(1))\"\n")
    _replace(project / "partners/schule.yml", "description: Grundschule im Quartier.",
             "description: \"Grundschule <iframe src='https://evil.example/'></iframe>\"")
    (project / "content/boese.md").write_text(
        "---\ntitle: Böse\n---\n\n# Böse\n\n<meta http-equiv=\"refresh\" content=\"0; url=https://evil.example/\">\n\n"
        "Text\n\n<script>window.__pwned = 1</script>\n\n<a href=\"javascript:alert(1)\">Link</a>\n", encoding="utf-8")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
    (project / "content/bilder").mkdir(parents=True, exist_ok=True)
    (project / "content/bilder/plan.svg").write_bytes(svg)
    (project / "content/bilder/plan.svg.consent.yml").write_text(
        f"sha256: {hashlib.sha256(svg).hexdigest()}\npersons: none\nchecked_by: QK\nchecked_on: 2026-11-01\n", encoding="utf-8")
    result = run_build(project, project / "site", today=TODAY)
    assert result.returncode != 0, "Der Bau hätte abbrechen müssen:\n" + result.stdout + result.stderr
    assert not (project / "site").exists()
    return result.stdout + result.stderr


# --- refused, with German messages naming file and line --------------------------------------------

def test_dangerous_markdown_is_refused_all_at_once_in_german(refused):
    assert "Traceback" not in refused
    report = refused
    assert re.search(r"offers/naehtreff\.yml, Zeile 5: Feld „description“: Das Attribut „onerror“ \(an <img>\) startet ein Skript", report), report
    assert re.search(r"events/2026-12-05-flohmarkt\.yml, Zeile \d+: Feld „description“: Der Link „javascript:alert\(1\)“", report), report
    assert re.search(r"partners/schule\.yml, Zeile \d+: .*Das HTML-Element <iframe> ist nicht erlaubt", report), report
    assert "content/boese.md, Zeile 7: Das HTML-Element <meta> ist nicht erlaubt" in report
    assert "content/boese.md, Zeile 11: Das HTML-Element <script> ist nicht erlaubt" in report
    assert "content/boese.md, Zeile 13: Der Link „javascript:alert(1)“ (an <a>) startet ein Skript" in report
    assert "content/bilder/plan.svg: Die SVG-Grafik enthält ein Skript (<script>)" in report


def test_a_content_page_alone_is_refused_while_rendering(tmp_path):
    """Without data mistakes the pages are checked as mkdocs renders them (no second render)."""
    project = _copy(tmp_path)
    (project / "content/seite.md").write_text("# Seite\n\n## Titel {: onclick=\"alert(1)\" }\n", encoding="utf-8")
    (project / "content/versteckt.md").write_text("# Seite\n\n<p>versteckt<blink>!</blink></p>\n", encoding="utf-8")
    result = run_build(project, project / "site", today=TODAY)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out
    assert "content/seite.md, Zeile 3: Das Attribut „onclick“ (an <h2>) startet ein Skript" in out
    assert "content/versteckt.md, Zeile 3: Dieses HTML ist auf der Website nicht erlaubt: „<blink>!</blink>" in out


# --- what is built: text shows as written, nothing runs ---------------------------------------------

def test_plain_text_fields_show_literally_everywhere(site):
    soup = page(site, "angebote/naehtreff/")
    assert soup.select_one("article h1").get_text() == SCRIPT_TITLE
    assert soup.title.get_text() == f"{SCRIPT_TITLE} - Testbüro"
    assert soup.select_one(".md-header__topic:last-child .md-ellipsis").get_text(strip=True) == SCRIPT_TITLE
    assert soup.find("p", class_="st-lead").get_text() == SUMMARY     # Markdown syntax stays text too
    assert soup.find("meta", attrs={"name": "description"})["content"] == SUMMARY
    event = page(site, "termine/2026-12-05-flohmarkt/")
    assert event.select_one("article h1").get_text() == HEART
    assert event.title.get_text() == f"{HEART} - Testbüro"
    assert page(site, "hilfe-finden/schule/").select_one("article h1").get_text() == PARTNER
    assert page(site, "").select_one(".st-footer__carrier bdi").get_text() == CARRIER     # the theme's footer
    own = page(site, "seite/")
    assert own.title.get_text() == f"{PAGE_TITLE} - Testbüro"
    assert own.find("meta", attrs={"name": "description"})["content"] == PAGE_TITLE
    search = page(site, "suche/")
    titles = [a.get_text() for a in search.select(".st-search__list a")]
    assert HEART in titles and SCRIPT_TITLE in titles and PAGE_TITLE in titles
    assert SUMMARY in [span.get_text() for span in search.select(".st-search__list span")]
    assert any(li["data-text"].startswith(HEART.lower()) for li in search.select(".st-search__list li"))  # suche.js reads it
    nav = [a.get_text(strip=True) for a in page(site, "").select(".md-nav__link")]
    assert PAGE_TITLE in nav
    assert HEART in [a.get_text(strip=True) for a in own.select(".md-nav--secondary a")]   # table of contents
    for soup in (page(site, "angebote/naehtreff/"), event, own, search):
        # The schema.org block (opendata/jsonld.py) is data, never run: the title is in it as text, as written.
        runs = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        assert not [s for s in runs if "__pwned" in s.get_text()]
    data = page(site, "angebote/naehtreff/").find("script", type="application/ld+json").string
    assert "</" not in data and json.loads(data)["@graph"][0]["name"] == SCRIPT_TITLE
    assert CARRIER in [node["name"] for node in json.loads(data)["@graph"]]
    # Calendars are plain text: the same titles, not escaped twice.
    for name, title in (("veranstaltungen/2026-12-05-flohmarkt.ics", HEART), ("angebote/naehtreff.ics", SCRIPT_TITLE)):
        raw = (site / "kalender" / name).read_bytes()
        assert b"&lt;" not in raw and b"&#" not in raw and b"&amp;" not in raw
        events = Calendar.from_ical(raw).walk("VEVENT")
        assert events and {str(e["SUMMARY"]).removeprefix("ABGESAGT: ") for e in events} == {title}


def test_csp_hashes_no_script_of_the_content_region():
    inline = "<script>var theme = 1</script>"
    injected = "<script>window.__pwned = 1</script>"
    html = f"<html><head>{inline}</head><body>{csp.mark_content('<p>x</p>' + injected)}</body></html>"
    digest = lambda s: hashlib.sha256(s.encode()).digest()  # noqa: E731
    import base64
    hashes = csp.inline_script_hashes(csp.outside_content(html))
    assert "'sha256-" + base64.b64encode(digest("var theme = 1")).decode() + "'" in hashes
    result = csp.add_meta(html)
    assert base64.b64encode(digest("window.__pwned = 1")).decode() not in result
    assert "st-content" not in result and injected in result


def test_sanitiser_keeps_the_sites_own_markup_and_names_dangers():
    own = ('<picture><source type="image/webp" srcset="a.webp 1x" sizes="100vw"><img src="a.jpg" alt="" width="1" '
           'height="1" decoding="async"></picture><details><summary>Mehr</summary><p lang="ar" dir="rtl">x</p></details>'
           '<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
           '<video controls preload="none"><source src="v.mp4" type="video/mp4"></video>'
           '<span class="st-x" aria-hidden="true"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
           '<path d="M0 0h24"/></svg></span><a href="mailto:a@b.de">a</a> <a href="tel:+49">t</a>')
    assert check(own) == []
    for bad in ('<a href="java&#x09;script:alert(1)">x</a>', "<object data=x></object>", "<embed src=x>",
                "<base href='https://evil.example/'>", "<form action=https://evil.example/></form>",
                "<style>body{display:none}</style>", "<p>x<blink>!</blink></p>", "<marquee>x</marquee>",
                '<svg><use href="https://evil.example/x.svg#a"/></svg>',
                '<a href="data:text/html,x">x</a>', '<iframe src="data:text/html,x"></iframe>'):
        assert check(bad), bad
    assert svg_problems(b'<svg><a xlink:href="https://evil.example/"><rect/></a></svg>')
    assert svg_problems(b'<svg><foreignObject><p>x</p></foreignObject></svg>')
    assert svg_problems(b'<svg onload="alert(1)"/>')
    assert not svg_problems(b'<svg><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>')


# Registered before the page's own markup: a capturing listener sees every image's load or error event,
# and by the next frame the image's own handlers (an injected onerror among them) have run too.
IMAGES_SEEN = ("window.__seen = new WeakSet(); for (const t of ['load', 'error']) document.addEventListener(t, "
               "e => { if (e.target instanceof HTMLImageElement) window.__seen.add(e.target); }, true);")
IMAGES_DONE = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const waiting = () => [...document.images].filter(i => (i.getAttribute('src') || i.getAttribute('srcset'))
      && i.loading !== 'lazy' && !window.__seen.has(i));
  for (let round = 0; round < 300 && waiting().length; round++) await frame();
  await frame();
  return waiting().map(i => i.src);
}"""


def test_no_injected_code_runs_in_chromium(site):
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    assert len(pages) > 10
    dialogs: list[str] = []
    with serve(site) as base, browser() as chromium:
        context = chromium.new_context(java_script_enabled=True)
        context.add_init_script(IMAGES_SEEN)
        tab = context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        for path in pages:
            url = base + ("" if path == "." else path + "/")
            tab.goto(url, wait_until="load")
            # An injected onerror would run when its image fails: wait until every image has had its event.
            assert tab.evaluate(IMAGES_DONE) == [], url
            assert tab.evaluate(SETTLED), url
            assert tab.evaluate("typeof window.__pwned") == "undefined", url
            assert tab.url == url, f"{url} leitete weiter nach {tab.url}"
        context.close()
    assert dialogs == []
    assert errors == [], errors    # nothing was even attempted: the injected text never became script
