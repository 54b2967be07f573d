"""The benchmark's page-weight model against a real browser: the fonts bench/run.py counts for a page
are the fonts Chromium downloads for it, and its byte count matches what Chromium requests."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import PHONE, browser, serve
from crawl import SCROLL_AND_SETTLE

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import run  # noqa: E402  (bench/ is not a package)

PAGES = ["", "ar/", "ar/suche/", "uk/suche/", "en/angebote/muettercafe/", "de-LS/", "tr/wochenplan/"]


@pytest.fixture(scope="module")
def site(full_site) -> Path:
    return full_site


def test_unicode_ranges_are_read_as_browsers_read_them():
    assert run.unicode_ranges("U+0600-06FF, U+200C, u+4??") == [(0x600, 0x6FF), (0x200C, 0x200C), (0x400, 0x4FF)]


def test_fonts_counted_are_the_fonts_chromium_loads(site):
    weights = run.Site(site)
    with serve(site) as base, browser() as chromium:
        for path in PAGES:
            context = chromium.new_context(viewport=PHONE)
            page = context.new_page()
            requested: list[str] = []
            page.on("request", lambda request, seen=requested: seen.append(request.url))
            page.goto(base + path)
            # Every lazy image scrolled to and loaded (or failed), the fonts loaded: all a first visit fetches,
            # without waiting out half a second of network silence twice.
            page.evaluate(SCROLL_AND_SETTLE)
            context.close()
            loaded = sorted(Path(urlsplit(u).path).name for u in requested if u.endswith((".woff2", ".woff")))
            html = site / unquote(path) / "index.html"
            scan = run.PageScan()
            scan.feed(html.read_text(encoding="utf-8"))
            counted = sorted(Path(url).name for sheet in _sheets(weights, html, scan)
                             for url in sheet.fonts_for(scan.lang, scan.chars))
            assert counted == loaded, path
            # And the whole first visit: the bench counts no less than the browser fetched.
            fetched = {site / unquote(urlsplit(u).path).lstrip("/") for u in requested}
            fetched = {p / "index.html" if p.is_dir() else p for p in fetched}
            browser_bytes = sum(p.stat().st_size for p in fetched if "/assets/images/" not in p.as_posix())
            assert weights.weigh(html).raw >= browser_bytes, path


def _sheets(weights: run.Site, html: Path, scan: run.PageScan) -> list[run.Stylesheet]:
    """The page's stylesheets as the bench reads them."""
    sheets = []
    for url, _ in scan.urls:
        target = weights.resolve(html.parent, url)
        if target is not None and target.suffix == ".css" and target.is_file():
            sheets.append(run.Stylesheet(target.read_text(encoding="utf-8")))
    return sheets
