"""The block „Im Notfall“ (issue #23): emergency numbers, the route for a child in danger, helplines.

Helplines are data (helplines/*.yml), checked like the partners: German messages with file and line,
all at once. An entry last verified more than a year before the build is a notice, never an error.
The block is checked on the shared builds (the mini site, German; the frozen office site, six languages),
the quick exit in real Chromium; its print on the Wochenplan is in tests/test_print.py.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from browser import PHONE, chromium, serve  # noqa: F401 (chromium: the module's browser)
from sites import BATENBROCK, MINI, copy_project
from stadtteil import i18n
from stadtteil.errors import DataErrors
from stadtteil.loader import check_helplines, load_project
from stadtteil.models import tel_digits

LANGS = ["de", "en", "tr", "ar", "uk", "de-LS"]
TEL = re.compile(r"^tel:\+?\d{3,15}$")


def soup_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def prefix(lang: str) -> str:
    return i18n.language(lang).prefix


# --- the data: validation and the notice on old entries -------------------------------------------

VALID = """\
name: {de: Kinder- und Jugendtelefon, en: Helpline for children}   # 1
phone: "116 111"                                                    # 2
hours: Mo–Sa 14–20 Uhr                                              # 3
cost: kostenlos                                                     # 4
languages: [de]                                                     # 5
audience: [kinder]                                                  # 6
source: https://www.example.org/kjt                                 # 7
verified: 2026-11-01                                                # 8
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = copy_project(MINI, tmp_path / "site")
    shutil.rmtree(root / "helplines")
    (root / "helplines").mkdir()
    return root


def write(root: Path, name: str, text: str) -> None:
    (root / "helplines" / f"{name}.yml").write_text(text, encoding="utf-8")


def errors_of(root: Path) -> list:
    with pytest.raises(DataErrors) as caught:
        load_project(root)
    return caught.value.errors


def test_valid_helpline_loads_with_its_numbers(project):
    write(project, "kjt", VALID)
    write(project, "seelsorge", VALID.replace('phone: "116 111"', 'phone: ["0800 111 0 111", 116123]'))
    loaded = load_project(project)
    assert loaded.helplines["kjt"].phone == ["116 111"]
    assert loaded.helplines["seelsorge"].phone == ["0800 111 0 111", "116123"]   # a bare number is text too
    assert loaded.helplines["kjt"].verified == dt.date(2026, 11, 1)
    assert tel_digits("+49 2041 70-0") == "+492041700" and tel_digits("0800 / 111 0 550") == "08001110550"


@pytest.mark.parametrize("phone,words", [
    ('"Nummer gegen Kummer"', "enthält Buchstaben"),
    ('"+49 (0) 2041 123"', "(0)"),
    ('"11"', "zu kurz"),
    ('"0800 111+0"', "+ mitten"),
])
def test_bad_phone_number_is_named_with_file_and_line(project, phone, words):
    write(project, "kjt", VALID.replace('"116 111"', phone))
    [error] = errors_of(project)
    assert (error.file, error.line, error.field) == ("helplines/kjt.yml", 2, "phone")
    assert words in error.message and "Telefonnummer" in error.message
    assert error.hint   # how to write it instead


def test_missing_source_is_an_error_naming_the_field(project):
    write(project, "kjt", VALID.replace("source: https://www.example.org/kjt", "# keine Quelle"))
    [error] = errors_of(project)
    assert error.file == "helplines/kjt.yml" and error.line is not None
    assert "Pflichtfeld „source“ fehlt" in error.message


def test_every_mistake_of_every_helpline_at_once(project):
    write(project, "kjt", VALID.replace("languages: [de]", "languages: [deutsch]")
          .replace("audience: [kinder]", "audience: [kids]"))
    write(project, "asd", "name: Jugendamt\nkind: kinderschutz\npartner: jugendamt\nhours: Dienstzeiten\n"
                          "source: https://www.example.org/\nverified: 2026-11-01\n")
    write(project, "leer", "name: Falsch\nkind: notfall\nhours: immer\nsource: keine Adresse\nverified: gestern\n")
    write(project, "stumm", "name: Ohne Nummer\nhours: immer\nsource: https://www.example.org/\nverified: 2026-11-01\n")
    found = {(e.file, e.line, e.field or e.message.split("“")[0]) for e in errors_of(project)}
    messages = " ".join(e.message for e in errors_of(project))
    assert ("helplines/kjt.yml", 5, "languages") in found and ("helplines/kjt.yml", 6, "audience") in found
    assert ("helplines/asd.yml", 3, "partner") in found and "Partner „jugendamt“ ist unbekannt" in messages
    assert {("helplines/leer.yml", 2), ("helplines/leer.yml", 4), ("helplines/leer.yml", 5)} <= {(f, l) for f, l, _ in found}
    assert "Die Telefonnummer fehlt" in messages and "helplines/stumm.yml" in {f for f, _, _ in found}  # no phone, no partner
    assert "notruf, kinderschutz, telefon" in " ".join(e.hint for e in errors_of(project))


def test_old_verification_is_a_notice_with_file_and_line_not_an_error(project):
    write(project, "kjt", VALID.replace("verified: 2026-11-01", "verified: 2025-11-23"))
    loaded = load_project(project)                     # loads: an old entry never stops the build
    today = dt.date(2026, 11, 24)
    [notice] = check_helplines(loaded, today)
    assert notice.startswith("helplines/kjt.yml, Zeile 8: ") and "23.11.2025" in notice
    assert "https://www.example.org/kjt" in notice and "„verified“" in notice
    # Exactly one year is still fine; the day after it is not.
    write(project, "kjt", VALID.replace("verified: 2026-11-01", "verified: 2025-11-24"))
    assert check_helplines(load_project(project), today) == []
    assert check_helplines(load_project(project), today + dt.timedelta(days=1))


def test_partner_without_number_is_a_notice(project):
    write(project, "asd", "name: Jugendamt\nkind: kinderschutz\npartner: schule\nhours: Dienstzeiten\n"
                          "source: https://www.example.org/\nverified: 2026-11-01\n")
    [notice] = check_helplines(load_project(project), dt.date(2026, 11, 24))
    assert notice.startswith("helplines/asd.yml, Zeile 3: ") and "partners/schule.yml" in notice and "„phone“" in notice


def test_check_and_build_report_the_old_entry_and_go_on(mini_build, capsys):
    """The mini site has one entry verified on 2025-06-01 (built on 2026-11-24): a notice in `stadtteil check`
    and in the build, through the notice logger („HINWEIS“), not mkdocs' WARNING, which --strict would
    turn into a failed production build."""
    from stadtteil.cli import main
    assert main(["check", "-f", str(MINI / "mkdocs.yml")]) == 0
    err = capsys.readouterr().err
    assert "Hinweis: helplines/sorgentelefon.yml, Zeile 10: Die Angaben wurden zuletzt am 01.06.2025 geprüft" in err
    site, result = mini_build
    assert result.returncode == 0
    [line] = [line for line in result.stderr.splitlines() if "helplines/sorgentelefon.yml" in line]
    assert line.startswith("HINWEIS") and "WARNING" not in line


# --- the block on the built pages ------------------------------------------------------------------

def test_block_on_the_mini_site(mini_site):
    page = soup_of(mini_site, "hilfe-finden")
    block = page.select_one("article section.st-notfall")
    assert block.find("h2").get_text() == "Im Notfall" and block["aria-labelledby"] == "im-notfall"
    # At the top: right after the page heading, before the directory.
    assert page.select_one("article h1").find_next("section") is block
    numbers = {a.get_text(): a["href"] for a in block.select("a[href^='tel:']")}
    # The child-in-danger route takes its number from partners/stadt.yml, not from helplines/.
    assert numbers == {"110": "tel:110", "+49 2041 111110": "tel:+492041111110",
                       "0800 111 0 111": "tel:08001110111", "116 123": "tel:116123"}
    assert "111110" not in (MINI / "helplines" / "kinderschutz.yml").read_text(encoding="utf-8")
    child = block.select_one(".st-notfall__child")
    assert child.find("a", href="stadt/") and "Außerhalb der Dienstzeiten" in child.get_text()
    text = " ".join(block.get_text(" ").split())
    assert "Für: Eltern · rund um die Uhr · kostenlos · Sprachen: Deutsch, Türkisch" in text
    assert "geprüft am 1. Juni 2025" in text and block.find("a", href="https://www.example.org/sorgen")
    # Start page and Wochenplan: the short block, with the way to the full one.
    start = soup_of(mini_site, "").select_one("article section.st-notfall--compact")
    assert start.find("a", href="hilfe-finden/#im-notfall") and start.find("a", href="tel:110")
    assert soup_of(mini_site, "wochenplan").select_one(".st-plan > section.st-notfall")


def test_quick_exit_leads_to_a_page_of_the_site_itself(mini_site):
    for url in ("hilfe-finden", "", "wochenplan"):
        page = soup_of(mini_site, url)
        [link] = page.select("a[data-st-exit]")
        target = (mini_site / url / link["href"]).resolve()
        assert not re.match(r"^[a-z]+:|^//", link["href"]), link["href"]   # no other host, no scheme
        assert target == (mini_site / "termine").resolve() and (target / "index.html").is_file()
        assert link.find_parent(class_="st-noprint")
        # The script that makes it replace the page is the site's own file, never inline.
        assert page.find("script", src=re.compile(r"assets/verlassen\.js$"))
    hint = soup_of(mini_site, "hilfe-finden").select_one(".st-exit__hint").get_text()
    assert "Verlauf" in hint and "Strg + Umschalt + Entf" in hint


@pytest.mark.parametrize("lang", LANGS)
def test_block_in_every_language(full_site, lang):
    helplines = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((BATENBROCK / "helplines").glob("*.yml"))]
    phones = {str(p) for h in helplines for p in (h.get("phone") if isinstance(h.get("phone"), list) else [h.get("phone")]) if p}
    heading = i18n.gettext(lang, "Im Notfall")
    for url, full in (("hilfe-finden", True), ("", False), ("wochenplan", False)):
        page = soup_of(full_site, prefix(lang) + url)
        assert page.html["lang"] == i18n.language(lang).html_lang and page.html["dir"] == i18n.language(lang).direction
        block = page.select_one("section.st-notfall")
        assert block.find("h2").get_text() == heading, (lang, url)
        links = block.select("a[href^='tel:']")
        assert all(TEL.match(a["href"]) and a["href"] == "tel:" + tel_digits(a.get_text()) for a in links)
        assert all(a.get("dir") == "ltr" for a in links)        # digit groups stay in order in Arabic
        assert {a.get_text() for a in links} == phones, (lang, url)
        exit_link = page.select_one("a[data-st-exit]")
        assert exit_link.get_text() == i18n.gettext(lang, "Seite schnell verlassen")
        assert (full_site / prefix(lang) / url / exit_link["href"]).resolve() == (full_site / prefix(lang) / "termine").resolve()
        text = " ".join(block.get_text(" ").split())
        if full:
            assert page.select_one(".st-exit__hint").get_text().strip()
            assert i18n.gettext(lang, "Hilfe am Telefon") in text
        # The services' texts in this language, from the data: no German stand-ins on translated pages.
        for h in helplines:
            name = h["name"].get(lang) or h["name"]["de"]
            assert name in text, (lang, url, name)
            if lang not in ("de", "de-LS") and h["name"].get(lang):
                # … and the German name beside it, isolated (it is what the service answers with)
                assert block.find("bdi", lang="de", string=f"({h['name']['de']})"), (lang, h["name"]["de"])
    if lang == "de-LS":
        assert "Tag und Nacht" in " ".join(soup_of(full_site, "de-LS/hilfe-finden").get_text(" ").split())


def test_child_in_danger_route_uses_the_partner_and_says_what_to_do_after_hours(full_site):
    block = soup_of(full_site, "hilfe-finden").select_one(".st-notfall__child")
    text = " ".join(block.get_text(" ").split())
    assert text.startswith("Ein Kind ist in Gefahr?")
    assert block.find("a", href="asd/", string="Allgemeiner Sozialer Dienst (ASD) des Jugendamts")
    assert "Außerhalb der Dienstzeiten" in text and "(110)" in text and "(112)" in text
    # partners/asd.yml has no number yet: the route shows no made-up one.
    assert not block.select("a[href^='tel:']")


# --- the quick exit in a real browser --------------------------------------------------------------

def test_quick_exit_by_keyboard_replaces_the_page_and_numbers_are_big_enough(mini_site, chromium):
    """Tab from the top of „Hilfe finden“ reaches the quick exit first in the content; Enter replaces the
    page (assets/verlassen.js: location.replace), so Back leads to the page before, not back to it. Every
    number and the exit are targets of at least 24 × 24 CSS pixels on a phone. Without JavaScript the
    exit is a plain link to the same page."""
    with serve(mini_site) as base:
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(base)
        page.goto(base + "hilfe-finden/")
        boxes = page.eval_on_selector_all(
            ".st-notfall a[href^='tel:'], a[data-st-exit]",
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.width, r.height]; })")
        assert len(boxes) == 5 and all(w >= 24 and h >= 24 for _, w, h in boxes), boxes
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('a[data-st-exit]')"):
                break
        else:
            pytest.fail("Die Taste Tab erreicht „Seite schnell verlassen“ nicht.")
        assert page.evaluate("document.activeElement === document.querySelector('article a')")
        page.keyboard.press("Enter")
        page.wait_for_url(base + "termine/")
        page.go_back()
        assert page.url == base, "Zurück führt wieder zu „Hilfe finden“: die Seite wurde nicht ersetzt"
        context.close()
        plain = chromium.new_context(java_script_enabled=False)
        page = plain.new_page()
        page.goto(base + "hilfe-finden/")
        page.click("a[data-st-exit]")
        page.wait_for_url(base + "termine/")
        plain.close()


def test_documented_example_is_a_valid_helpline():
    """docs/datenformat.md shows staff a whole file: it must load as written."""
    from stadtteil.models import Helpline
    text = (Path(__file__).resolve().parents[1] / "docs" / "datenformat.md").read_text(encoding="utf-8")
    [example] = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "helpline.schema.json" in b]
    helpline = Helpline.model_validate(yaml.safe_load(example))
    assert helpline.phone == ["0800 111 0 550"] and helpline.source.startswith("https://")
