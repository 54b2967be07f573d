"""The real mkdocs build, of the small fixture site and of the frozen snapshot of the office's data.

Each build runs the `stadtteil build` command in a subprocess, exactly as `make site` does; the
unchanged fixtures are built once per session (conftest.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import yaml
from bs4 import BeautifulSoup

from sites import BATENBROCK, DAY, MINI as FIXTURE, copy_project, mini_in_six_languages


def unexpected_warnings(result: subprocess.CompletedProcess) -> list[str]:
    # Not --strict (that is the production build, which refuses the placeholder logos); instead no
    # warning other than the placeholder notice may appear.
    return [line for line in result.stderr.splitlines() if "WARNING" in line and "Platzhalter" not in line]


def run_build(project: Path, site: Path, *extra: str, today: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if today:
        env["STADTTEIL_TODAY"] = today
    result = subprocess.run(
        [sys.executable, "-m", "stadtteil.cli", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site), *extra],
        capture_output=True, text=True, env=env, cwd=project)
    assert not unexpected_warnings(result)
    return result


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url.strip("/") / "index.html" if url.strip("/") else site / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_text(soup: BeautifulSoup) -> str:
    return " ".join(soup.select_one("article").get_text(" ").split()).replace(" ,", ",")


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def broken_links(site: Path) -> list[str]:
    """Every internal href and anchor in the built site must exist."""
    problems = []
    # One parse per page (libxml2): the ids of every page first, then every link is looked up.
    trees = {html.resolve(): lxml.html.fromstring(html.read_bytes()) for html in site.rglob("*.html")}
    ids = {path: {e.get("id") for e in tree.iter() if e.get("id") is not None} for path, tree in trees.items()}
    for html, tree in trees.items():
        for tag in tree.iter("a", "link"):
            href = tag.get("href")
            if href is None:
                continue
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "tel:")):
                continue
            if parts.path.startswith("/"):  # the 404 page links from the site root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{html.relative_to(site.resolve())} → {href}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in ids.get(target, set()):
                problems.append(f"{html.relative_to(site.resolve())} → {href} (Anker fehlt)")
    return problems


@pytest.fixture(scope="module")
def fixture_site(mini_build) -> Path:
    site, result = mini_build
    assert not unexpected_warnings(result)
    return site


# --- the fixture site: content of the rendered pages ----------------------------------------------

def test_offer_page_shows_schedule_in_words_and_facts(fixture_site):
    soup = page(fixture_site, "angebote/naehtreff/")
    assert soup.title.string.startswith("Nähtreff")
    assert soup.select_one("article h1").get_text(strip=True) == "Nähtreff"
    text = main_text(soup)
    assert "jeden Donnerstag, 15–17 Uhr" in text
    for fact in ("Gemeinsam nähen und reparieren.", "kostenlos", "Deutsch, Türkisch",
                 "Nicht nötig – kommen Sie einfach vorbei.", "Ehrenamtliche", "Das Team", "Testbüro, Teststraße 1"):
        assert fact in text
    assert "Stoff" in [s.get_text() for s in soup.select("article p strong")]  # the description is Markdown


def test_offer_page_lists_next_dates_with_cancellations(fixture_site):
    items = page(fixture_site, "angebote/naehtreff/").select("ul.st-dates li")
    texts = [" ".join(li.get_text(" ").split()) for li in items]
    assert texts[0].startswith("Do., 26. November, 15–17 Uhr")
    assert "fällt aus" in texts[1] and "3. Dezember" in texts[1]          # except: [2026-12-03]
    assert "fällt aus" not in texts[2]
    assert "24. Dezember" in texts[4] and "Weihnachtspause" in texts[4]   # office closure
    assert items[0].find("time")["datetime"] == "2026-11-26T15:00:00+01:00"


def test_offer_page_offers_its_calendar(fixture_site):
    soup = page(fixture_site, "angebote/naehtreff/")
    link = soup.find("a", string="In meinen Kalender")
    assert link["href"] == "../../kalender/angebote/naehtreff.ics"
    assert (fixture_site / "kalender/angebote/naehtreff.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    subscribe = soup.find("a", string="Abonnieren")
    assert subscribe["href"] == "webcal://test.example.org/kalender/angebote/naehtreff.ics"


def test_calendar_page_lists_feeds_with_both_addresses(fixture_site):
    soup = page(fixture_site, "kalender/")
    text = main_text(soup)
    assert "https://test.example.org/kalender/alle.ics" in text
    hrefs = [a["href"] for a in soup.select("a.st-button")]
    assert "webcal://test.example.org/kalender/alle.ics" in hrefs
    for client in ("Outlook", "Google Kalender", "Apple Kalender", "iPhone", "Android", "Thunderbird"):
        assert any(h.get_text().startswith(client) for h in soup.select("article h3")), client


def test_offer_page_links_tags_and_partners(fixture_site):
    soup = page(fixture_site, "angebote/naehtreff/")
    tags = {a.get_text(): a["href"] for a in soup.select("a.st-tag")}
    assert tags == {"Frauen": "../fuer/frauen/", "Eltern": "../fuer/eltern/"}
    partner = soup.find("a", string="Grundschule am Park")
    assert partner["href"] == "../../hilfe-finden/schule/"


def test_audience_filter_pages_work_without_javascript(fixture_site):
    frauen = main_text(page(fixture_site, "angebote/fuer/frauen/"))
    assert "Nähtreff" in frauen and "Hausaufgabenhilfe" not in frauen
    kinder = page(fixture_site, "angebote/fuer/kinder/")
    assert "Hausaufgabenhilfe" in main_text(kinder) and "Nähtreff" not in main_text(kinder)
    current = kinder.select_one('.st-filter a[aria-current="page"]')
    assert current.get_text() == "Kinder"


def test_offers_overview_groups_by_category(fixture_site):
    soup = page(fixture_site, "angebote/")
    headings = [h.get_text(strip=True) for h in soup.select("article h2")]
    assert headings == ["Begegnung und Café", "Lernen und Sprache"]
    assert "jeden Montag und Mittwoch, 14:30–16:00 Uhr (nicht in den Schulferien)" in main_text(soup)


def test_week_plan_places_offers_on_their_days(fixture_site):
    soup = page(fixture_site, "wochenplan/")
    days = {sec.h2.get_text(strip=True): " ".join(sec.get_text(" ").split()) for sec in soup.select(".st-week__day")}
    assert list(days)[:5] == ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]
    assert "Hausaufgabenhilfe" in days["Montag"] and "Hausaufgabenhilfe" in days["Mittwoch"]
    assert "Nähtreff" in days["Donnerstag"] and "15–17 Uhr" in days["Donnerstag"]
    assert "Nähtreff" not in days["Montag"]
    assert "jeden ersten Samstag im Monat" in main_text(soup)


def test_home_page_live_blocks(fixture_site):
    text = main_text(page(fixture_site, ""))
    assert "Dienstag, 24. November 2026" in text
    assert "Heute finden keine Gruppen statt" in text            # Tuesday: nothing in the fixture
    assert "Mi., 25. November" in text and "Do., 26. November 15–17 Uhr – Nähtreff" in text
    assert "9:00–13:00 Uhr" in text
    assert "23. Dezember 2026 bis 2. Januar 2027 (Weihnachtspause)" in text
    assert "Kinderflohmarkt" in text and "Abgesagt" in text
    assert "<!-- stadtteil:" not in (fixture_site / "index.html").read_text()


def test_events_cancelled_marked_and_event_page(fixture_site):
    listing = page(fixture_site, "termine/")
    cancelled = listing.select_one("li.st-cancelled")
    assert "Weihnachtsbasteln" in cancelled.get_text() and "Abgesagt" in cancelled.get_text()
    event = page(fixture_site, "termine/2026-12-16-basteln/")
    assert event.select_one("article h1").get_text(strip=True) == "Abgesagt: Weihnachtsbasteln"
    assert "Fällt wegen Krankheit aus." in main_text(event)
    flohmarkt = main_text(page(fixture_site, "termine/2026-12-05-flohmarkt/"))
    assert "Samstag, 5. Dezember 2026, 10–13 Uhr" in flohmarkt and "Stadtpark" in flohmarkt


def test_partner_directory_and_pages(fixture_site):
    soup = page(fixture_site, "hilfe-finden/")
    sections = {h.get("id"): h.get_text(strip=True) for h in soup.select("article h2")
                if not h.find_parent(class_="st-notfall")}   # the block „Im Notfall“ has its own heading
    assert sections == {"schule": "Schule", "kinder": "Kinder", "familie": "Familie"}
    stadt = main_text(page(fixture_site, "hilfe-finden/stadt/"))
    assert "Grundschule am Park" in stadt                     # children listed under the parent
    schule = main_text(page(fixture_site, "hilfe-finden/schule/"))
    assert "gehört zu Stadt Bottrop" in schule and "Nähtreff" in schule


def test_footer_has_office_address_on_every_page(fixture_site):
    for html in fixture_site.rglob("index.html"):
        footer = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one("footer address")
        assert footer is not None and "Teststraße 1" in footer.get_text(), html


def test_no_broken_internal_links(fixture_site):
    assert broken_links(fixture_site) == []


def test_no_request_to_google_fonts(fixture_site):
    for html in fixture_site.rglob("*.html"):
        assert "fonts.googleapis.com" not in html.read_text(encoding="utf-8")


# --- failures never damage the published site ------------------------------------------------------

def copy_fixture(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    # The theme ships with the package: a copy elsewhere builds as it is.
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    return project


def test_broken_data_fails_with_german_message_and_keeps_old_site(mini_site, tmp_path):
    project = copy_fixture(tmp_path)
    site = tmp_path / "site"
    shutil.copytree(mini_site, site)   # the site published before
    before = tree_digest(site)
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text().replace("weekly: [do]", "weekly: [donnerstag]"))
    (project / "partners" / "stadt.yml").write_text("name: Stadt\nkind: amt\n")
    result = run_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "offers/naehtreff.yml, Zeile 14" in output and "Wochentag „donnerstag“ ist unbekannt" in output
    assert "partners/stadt.yml, Zeile 2" in output and "Art „amt“ ist unbekannt" in output
    assert "Traceback" not in output
    assert "Die Website wurde NICHT gebaut" in output
    assert tree_digest(site) == before
    assert not (tmp_path / "site.new").exists()


def test_plain_mkdocs_build_also_stops_before_cleaning_the_site(mini_site, tmp_path):
    # Staff or a pipeline may call mkdocs directly: validation runs before mkdocs empties site_dir.
    project = copy_fixture(tmp_path)
    site = tmp_path / "site"
    shutil.copytree(mini_site, site)   # the site published before
    before = tree_digest(site)
    (project / "offers" / "naehtreff.yml").write_text("title: Nähtreff\ncategory: begegnung\nschedule:\n\t- weekly: [do]\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"),
                             "-d", str(site)], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "offers/naehtreff.yml, Zeile 4, Spalte 1" in result.stderr and "Tabulator" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(site) == before


def test_content_page_clashing_with_data_page_is_reported(tmp_path):
    project = copy_fixture(tmp_path)
    (project / "content" / "angebote").mkdir()
    (project / "content" / "angebote" / "naehtreff.md").write_text("# Doppelt\n")
    result = run_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "content/angebote/naehtreff.md" in result.stderr and "doppelt" in result.stderr


def test_unknown_marker_in_content_is_reported(tmp_path):
    project = copy_fixture(tmp_path)
    index = project / "content" / "index.md"
    index.write_text(index.read_text() + "\n<!-- stadtteil:heute -->\n")
    result = run_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "content/index.md" in result.stderr and "stadtteil:heute" in result.stderr


# --- the office's site (frozen snapshot, tests/fixtures/batenbrock) ---------------------------------

@pytest.fixture(scope="module")
def repo_site(full_build) -> Path:
    site, result = full_build
    assert not unexpected_warnings(result)
    return site


def ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (BATENBROCK / folder).glob("*.yml"))


def test_repo_has_real_content():
    # The seed names 15 offers and 17 cooperation partners; all are in the snapshot as data.
    assert len(ids("offers")) >= 15 and len(ids("partners")) >= 15 and len(ids("events")) >= 4


def test_every_offer_event_and_partner_has_its_page(repo_site):
    for folder, section in (("offers", "angebote"), ("events", "termine"), ("partners", "hilfe-finden")):
        for item_id in ids(folder):
            data = yaml.safe_load((BATENBROCK / folder / f"{item_id}.yml").read_text(encoding="utf-8"))
            title = data.get("title") or data.get("name")
            title = title["de"] if isinstance(title, dict) else title
            soup = page(repo_site, f"{section}/{item_id}/")
            assert title in soup.select_one("article h1").get_text(), (folder, item_id)


def test_overviews_show_every_offer_and_partner(repo_site):
    overview = page(repo_site, "angebote/")
    linked = {a["href"].strip("/").split("/")[-1] for a in overview.select(".st-card h3 a")}
    assert linked == set(ids("offers"))
    directory = page(repo_site, "hilfe-finden/")
    listed = {a["href"].strip("/").split("/")[-1] for a in directory.select(".st-directory a")}
    assert listed == set(ids("partners"))
    week = main_text(page(repo_site, "wochenplan/"))
    assert "Müttercafé" in week and "Nähtreff" in week


def differing_files(a: Path, b: Path) -> list[str]:
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    return [n for n in names if not (a / n).is_file() or not (b / n).is_file()
            or (a / n).read_bytes() != (b / n).read_bytes()]


def test_data_pages_rendered_beforehand_are_what_mkdocs_makes(repo_site, tmp_path):
    """Data pages reach mkdocs as finished HTML (mkdocs_adapter/prerender.py), made in the helper
    process for the other languages. Every file of the site, all languages, must be the same as when
    mkdocs renders every page itself: HTML, tables of contents, anchors, search page."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY, "STADTTEIL_PRERENDER": "0"}
    result = subprocess.run([sys.executable, "-m", "stadtteil.cli", "build", "-f", str(BATENBROCK / "mkdocs.yml"),
                             "-d", str(site)], capture_output=True, text=True, env=env, cwd=BATENBROCK)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(site.rglob("index.html"))) > 300
    assert differing_files(repo_site, site) == []


def test_every_data_page_is_rendered_beforehand_and_a_page_naming_a_md_file_is_not():
    """The equivalence above only means something if the fast path is taken: every data page of
    the office's data in every language is rendered beforehand; a page whose Markdown links a .md file
    (mkdocs rewrites those links) or has no title is left to mkdocs."""
    import datetime as dt
    from mkdocs.config import load_config
    from stadtteil.loader import load_project
    from stadtteil.mkdocs_adapter.prerender import Prerenderer
    from stadtteil.models import Settings
    from stadtteil.pages import build_pages, default_pages
    config = load_config(str(BATENBROCK / "mkdocs.yml"))
    options = config.plugins["stadtteil"].config
    settings = Settings.model_validate({k: options[k] for k in ("categories", "audiences", "topics", "partner_kinds")
                                        if options[k] is not None})
    project = load_project(BATENBROCK, settings)
    renderer = Prerenderer(config.markdown_extensions, config.mdx_configs or {})
    today = dt.date.fromisoformat(DAY)
    for lang in ("de", "en", "tr", "ar", "uk", "de-LS"):
        pages = build_pages(project, today, lang=lang) + default_pages(project, today, lang=lang)
        assert len(pages) > 50
        left = [p.src for p in pages if renderer.render(p.markdown) is None]
        assert left == [], (lang, left)
    calendars = next(p for p in build_pages(project, today) if p.src == "kalender/index.md")
    rendered = renderer.render(calendars.markdown)
    assert "<h2" in rendered.html and rendered.toc and {t["id"] for t in rendered.toc} <= rendered.anchors
    assert renderer.render('---\ntitle: "A"\n---\n\n# A\n\nSiehe [Kontakt](../kontakt.md).\n') is None
    assert renderer.render("# A\n\nText.\n") is None
    assert renderer.render('---\ntitle: "A"\n---\n\n# A\n\nText.\n').html == "<h1 id=\"a\">A</h1>\n<p>Text.</p>"


def test_repo_home_page(repo_site):
    text = main_text(page(repo_site, ""))
    assert "Dienstag, 24. November 2026" in text
    assert "Horster Straße 228" in text
    assert "Weihnachtspause" in text or "Weihnacht" in text


def test_broken_links_finds_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">gut</a><a href="b/">fehlt</a><a href="a/#da">da</a>'
                                         '<a href="a/#weg">weg</a><a href="https://example.org/x">fremd</a>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="da">A</h1><a href="/index.html#oben">oben</a>')
    assert sorted(broken_links(tmp_path)) == ["a/index.html → /index.html#oben (Anker fehlt)",
                                              "index.html → a/#weg (Anker fehlt)", "index.html → b/"]


def test_repo_site_has_no_broken_links(repo_site):
    assert broken_links(repo_site) == []


# --- the preview (`make serve`): one language, fast, never published -------------------------------

def repo_copy(tmp_path: Path) -> Path:
    return copy_project(BATENBROCK, tmp_path / "project")


def preview_env(language: str, **extra: str) -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY,
            "STADTTEIL_PREVIEW_LANGUAGE": language, **extra}


@pytest.fixture(scope="module")
def six_languages(tmp_path_factory) -> Path:
    """The mini fixture in six languages: the preview's rules concern languages, not the office's pages."""
    return mini_in_six_languages(tmp_path_factory.mktemp("sechs") / "project")


def test_preview_builds_german_and_one_language_at_their_usual_addresses(six_languages, tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(six_languages / "mkdocs.yml"), "-d",
                             str(site)], capture_output=True, text=True, env=preview_env("en"))
    assert result.returncode == 0, result.stderr
    assert "Vorschau: nur de, en" in result.stderr
    folders = {p.name for p in site.iterdir() if p.is_dir()}
    assert "en" in folders and not folders & {"tr", "ar", "uk", "de-LS"}
    assert (site / "en" / "angebote" / "naehtreff" / "index.html").is_file()
    assert (site / "angebote" / "naehtreff" / "index.html").is_file()
    # The language bar offers only what the preview has: no link leads to a missing page.
    assert broken_links(site) == []


def test_preview_setting_never_reaches_a_published_site(six_languages, tmp_path):
    # `stadtteil build` builds every language even with the variable set, and says so.
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "stadtteil.cli", "build", "-f", str(six_languages / "mkdocs.yml"),
                             "-d", str(site)], capture_output=True, text=True, env=preview_env("en"))
    assert result.returncode == 0, result.stderr
    assert "gilt nur für die Vorschau" in result.stderr
    assert {"en", "tr", "ar", "uk", "de-LS"} <= {p.name for p in site.iterdir() if p.is_dir()}
    # A production build with the variable (mkdocs directly, as a pipeline might) refuses; so does a typo.
    for language, env, words in (("en", {"STADTTEIL_PRODUCTION": "1"}, "Produktions-Bau"),
                                 ("englisch", {}, "diese Sprache gibt es nicht; möglich sind de, en")):
        failed = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(six_languages / "mkdocs.yml"),
                                 "-d", str(tmp_path / "other")], capture_output=True, text=True,
                                env=preview_env(language, **env))
        assert failed.returncode != 0 and words in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr


def test_preview_shows_a_saved_offer_change(tmp_path):
    # What staff do: `make serve`, edit an offer file, look at the page again.
    import re
    import socket
    import threading
    import time
    import urllib.request
    project = repo_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=preview_env("de"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(server.stdout), daemon=True).start()
    url = f"http://127.0.0.1:{port}/angebote/muettercafe/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 120
        while "Müttercafé" not in fetch():
            assert time.monotonic() < deadline and server.poll() is None, "".join(log)
            time.sleep(0.5)
        offer = project / "offers" / "muettercafe.yml"
        text, count = re.subn(r"(?m)^(title:\n  de: )(.*)$", r"\1\"Müttercafé am Vorplatz\"", offer.read_text(encoding="utf-8"))
        assert count == 1
        offer.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 60
        while "Müttercafé am Vorplatz" not in fetch():
            assert time.monotonic() < deadline and server.poll() is None, "".join(log)
            time.sleep(0.3)
        assert not (project / "site").exists()  # the preview never touches the published folder
    finally:
        server.terminate()
        server.wait(timeout=20)
