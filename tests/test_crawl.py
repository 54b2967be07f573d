"""Accessible and private on every page of the built site (not a sample), proven in real Chromium.

One browser pass per page and width (tests/crawl.py) runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules and best
practice), records network traffic, CSP violations, cookies and storage, page weight, keyboard, landmarks,
headings, target sizes and reflow; each test below judges one of these over every visit. The crawl is a
module of its own: pytest-xdist keeps a module's tests on one worker, so the crawl runs once while the other
worker takes the rest of the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawl import (BUDGET, TAGS, axe_findings, crawl, funding_findings, keyboard_findings, pages, privacy_findings, reflow_findings,
                   target_findings, weight_findings, weights)


@pytest.fixture(scope="module")
def site(full_site) -> Path:
    return full_site


@pytest.fixture(scope="module")
def visits(site):
    """Every page of every language at desktop and phone width, each loaded once with every check run on it."""
    found = crawl(site)
    assert len(found) == 2 * len(pages(site)) and len(pages(site)) > 50
    return found


def test_axe_finds_nothing_on_any_page_at_desktop_and_phone_width(visits):
    assert TAGS == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    assert axe_findings(visits) == []


def test_funding_notice_as_rendered_on_every_page_at_desktop_and_phone_width(visits):
    """Non-negotiable 1, as residents see it: emblem and EU statement in the first screen, the funding bar
    with every logo shown, on top and in contrast, the emblem as large as the largest other logo."""
    assert funding_findings(visits) == []


def test_no_request_to_another_host_no_csp_violation_no_cookies_no_storage(visits, site):
    assert privacy_findings(visits, site) == []


def test_every_page_is_light_lazy_images_included(visits, site):
    assert weight_findings(visits, site) == []
    heaviest = max(weights(visits, site).items(), key=lambda item: item[1])
    print(f"schwerste Seite: {heaviest[0]} mit {heaviest[1]} Bytes komprimiert (höchstens {BUDGET})")


def test_keyboard_skip_link_focus_landmarks_headings_and_language(visits):
    assert keyboard_findings(visits) == []


def test_readable_at_320_px_and_at_200_percent_zoom(visits):
    assert reflow_findings(visits) == []


def test_targets_outside_running_text_are_at_least_24_px(visits):
    # WCAG 2.2, 2.5.8 on every page at both widths: tags, language links, calendar buttons, footer links,
    # navigation, form labels.
    assert target_findings(visits) == []


# A valid GIF may carry anything after its end: random bytes do not compress, so this image alone is over
# the budget, and it sits far below the first screen, where only scrolling loads it.
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def test_every_crawl_check_can_fail(tmp_path):
    """Two throwaway pages break every check of the crawl; each must be reported at both widths."""
    site = tmp_path / "site"
    (site / "strict").mkdir(parents=True)
    (site / "open").mkdir()
    # The page's own CSP stays enforced while axe runs: axe reports the image, the CSP the inline script.
    (site / "strict" / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'"><title>Streng</title></head>'
        '<body><main><h2>Zuerst</h2><h1>Eins</h1><h1>Zwei</h1><img src="fehlt.png">'
        '<script>document.cookie = "eingeschmuggelt=1";</script></main></body></html>')
    (site / "open" / "index.html").write_text(
        '<!doctype html><html lang="de" dir="ltr"><head><meta charset="utf-8"><title>Offen</title></head><body>'
        '<a class="md-skip" href="#inhalt" style="outline: none">Zum Inhalt</a><header>Kopf</header><nav>Menü</nav>'
        '<main id="inhalt"><h1>Offen</h1><h3>Zu tief</h3><div style="width: 2000px">breit</div>'
        '<p><button style="width: 10px; height: 10px"></button><button style="width: 10px; height: 10px"></button></p>'
        '<div style="height: 6000px"></div><img alt="" loading="lazy" src="weit-unten.gif"></main><footer>Fuß</footer>'
        '<script>document.cookie = "kennung=1"; localStorage.setItem("a", "1"); sessionStorage.setItem("b", "1");'
        'new Image().src = "http://127.0.0.2:" + location.port + "/fremd.gif";</script></body></html>')
    (site / "open" / "weit-unten.gif").write_bytes(GIF + os.urandom(160 * 1024))

    visits = crawl(site, ["strict/", "open/"])
    assert [(v.path, v.width) for v in visits] == [("open/", 1280), ("open/", 390), ("strict/", 1280), ("strict/", 390)]
    assert not [v.failure for v in visits if v.failure]

    def reported(findings: list[str], path: str, words: str) -> set[str]:
        return {f.split("px ")[0] for f in findings if f" {path}" in f.split(":")[0] and words in f}

    both = {"1280", "390"}
    assert reported(axe_findings(visits), "strict/", "image-alt") == both
    assert reported(axe_findings(visits), "strict/", "html-has-lang") == both
    privacy = privacy_findings(visits, site)
    assert reported(privacy, "strict/", "Content-Security-Policy verletzt: ['script-src-elem inline']") == both
    assert reported(privacy, "open/", "keine Content-Security-Policy") == both
    assert reported(privacy, "open/", "fremde Adressen ['http://127.0.0.2:") == both
    assert reported(privacy, "open/", "kennung") == both
    assert reported(privacy, "open/", "Speicher im Browser [['a'], ['b']]") == both
    assert not reported(privacy, "strict/", "eingeschmuggelt")      # the blocked script never ran
    keyboard = keyboard_findings(visits)
    for words in ("erster Tab nicht auf dem Sprunglink", "Bereiche fehlen: ['header', 'nav', 'footer']",
                  "nicht mit genau einer h1: [2, 1, 1]", "lang/dir ['', ''] statt ['de', 'ltr']"):
        assert reported(keyboard, "strict/", words) == both, words
    assert reported(keyboard, "open/", "Fokus nicht sichtbar") == both
    assert reported(keyboard, "open/", "übersprungen: [1, 3]") == both
    reflow = reflow_findings(visits)
    assert {f.split(":")[0] for f in reflow} == {"1280px open/ → 640px", "390px open/ → 320px"}
    assert reported(target_findings(visits), "open/", "button") == both
    weight = weight_findings(visits, site)
    assert reported(weight, "strict/", "angefragte Datei fehlt: /strict/fehlt.png") == both
    assert reported(weight, "open/", "Bytes komprimiert") == both
    assert all(any(u.endswith("/weit-unten.gif") for u in v.requested) for v in visits if v.path == "open/")
