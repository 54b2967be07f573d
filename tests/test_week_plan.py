"""What residents see is true at a glance: the offer list and the Wochenplan say when an offer starts or
ends, in every language, and the Wochenplan lays out groups at the same time side by side without overlap.

The pages are made in-process from the mini fixture with offers added (tests/fixtures/mini stays as it is);
one Chromium test measures the Wochenplan's boxes in the shipped theme, on the shared mini build.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from stadtteil import pages
from stadtteil.loader import load_project

from browser import SETTLED, chromium, serve  # noqa: F401  (chromium: the module's browser)
from sites import DAY, MINI

TODAY = dt.date.fromisoformat(DAY)   # Tuesday, 24 November 2026

FAHRRADWERKSTATT = """\
    title: {de: Fahrradwerkstatt, en: Bike workshop}
    summary: Gemeinsam Fahrräder reparieren.
    category: bewegung
    audience: [kinder]
    schedule:
      - weekly: [mi]
        start: "16:00"
        end: "18:00"
        from: 2027-03-03
    """

SPRACHCAFE = """\
    title: Sprachcafé
    category: lernen
    audience: [kinder]
    schedule:
      - weekly: [fr]
        start: "10:00"
        end: "11:30"
        from: 2026-01-09
        until: 2027-06-25
    """


def project_with(tmp_path: Path, offers: dict[str, str]):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns(".cache", "site"))
    for name, text in offers.items():
        (root / "offers" / f"{name}.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_project(root)


def generated(project, lang: str) -> dict[str, str]:
    return {page.src: page.markdown for page in pages.build_pages(project, TODAY, lang=lang)}


def text_of(markdown: str, selector: str) -> list[str]:
    soup = BeautifulSoup(markdown, "html.parser")
    return [" ".join(e.get_text(" ").split()) for e in soup.select(selector)]


# What each language says for „ab 3. März 2027“ and „bis 25. Juni 2027“ (the catalogs' frames, Babel's dates).
STARTS = {"de": "jeden Mittwoch, 16–18 Uhr – ab 3. März 2027", "de-LS": "ab 3. März 2027",
          "en": "from 3 March 2027", "tr": "3 Mart 2027 tarihinden itibaren", "ar": "ابتداءً من",
          "uk": "з 3 березня 2027"}
ENDS = {"de": "bis 25. Juni 2027", "de-LS": "bis 25. Juni 2027", "en": "until 25 June 2027",
        "tr": "25 Haziran 2027 tarihine kadar", "ar": "حتى", "uk": "до 25 червня 2027"}


@pytest.fixture(scope="module")
def later_offers(tmp_path_factory):
    return project_with(tmp_path_factory.mktemp("spaeter"),
                        {"fahrradwerkstatt": FAHRRADWERKSTATT, "sprachcafe": SPRACHCAFE})


@pytest.mark.parametrize("lang", list(STARTS))
def test_lists_and_week_plan_say_when_an_offer_starts_or_ends(later_offers, lang):
    made = generated(later_offers, lang)
    card = {t.split(" ")[0]: t for t in text_of(made[pages.OFFERS], ".st-card")}
    assert STARTS[lang] in card["Fahrradwerkstatt" if lang != "en" else "Bike"], card
    assert ENDS[lang] in card["Sprachcafé"], card
    # The audience page lists the same cards.
    kinder = " ".join(text_of(made[pages.audience_src("kinder")], ".st-card"))
    assert STARTS[lang] in kinder and ENDS[lang] in kinder
    # The Wochenplan: the slot carries its first (or last) day.
    slots = text_of(made[pages.WEEK], "li.st-slot")
    fahrrad = next(s for s in slots if "Fahrradwerkstatt" in s or "Bike workshop" in s)
    start = STARTS[lang].split(" – ")[-1]
    assert start in fahrrad, slots
    assert ENDS[lang] in next(s for s in slots if "Sprachcafé" in s), slots
    # A regular offer without an end says nothing more: „jeden Donnerstag“ is simply true.
    naehtreff = next(s for s in slots if "15" in s and ("Nähtreff" in s or "Sewing" in s))
    assert not any(word in naehtreff for word in (STARTS[lang].split(" – ")[-1], ENDS[lang]))
    assert "st-slot__note" not in next(li for li in made[pages.WEEK].split("<li") if "Nähtreff" in li
                                       or "Sewing" in li)
    # The monthly list and the offer page say it too (the rule of Hausaufgabenhilfe ends in June 2027).
    monthly = " ".join(text_of(made[pages.WEEK], ".st-plan__side li"))
    assert ENDS[lang].replace("25", "30") in monthly, monthly
    offer = " ".join(text_of(made[pages.offer_src("fahrradwerkstatt")], "dl.st-facts dd"))
    assert start in offer


def test_german_texts_in_full(later_offers):
    made = generated(later_offers, "de")
    cards = text_of(made[pages.OFFERS], ".st-card .st-when")
    assert "jeden Mittwoch, 16–18 Uhr – ab 3. März 2027" in cards
    assert "jeden Freitag, 10:00–11:30 Uhr – bis 25. Juni 2027" in cards
    assert "jeden Montag und Mittwoch, 14:30–16:00 Uhr (nicht in den Schulferien); jeden ersten Samstag im Monat, " \
           "10–12 Uhr – bis 30. Juni 2027" in cards
    slots = text_of(made[pages.WEEK], "li.st-slot")
    assert "16–18 Uhr Fahrradwerkstatt ab 3. März 2027" in slots
    assert "10:00–11:30 Uhr Sprachcafé bis 25. Juni 2027" in slots
    assert "Hausaufgabenhilfe : jeden ersten Samstag im Monat, 10–12 Uhr – bis 30. Juni 2027" in \
        text_of(made[pages.WEEK], ".st-plan__side li")


NEW_ON_FRIDAY = SPRACHCAFE.replace("from: 2026-01-09", "from: 2026-11-27")   # starts this week, ends in June
LAST_TUESDAYS = """\
    title: Computersprechstunde
    category: lernen
    audience: [kinder]
    schedule:
      - weekly: [di]
        start: "17:00"
        end: "18:00"
        from: 2026-01-06
        until: 2026-12-15
    """


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_the_start_page_says_when_a_group_starts_or_ends(tmp_path, lang):
    """„Heute“ and „Diese Woche“ on the start page list groups by date: one that begins this week or has
    a last day says so, as the lists and the Wochenplan do (also in the days termine.js puts in later)."""
    project = project_with(tmp_path, {"sprachcafe": NEW_ON_FRIDAY, "computer": LAST_TUESDAYS})
    week = pages.render_block(project, TODAY, "week", "index.md", lang=lang)
    today = pages.render_block(project, TODAY, "today", "index.md", lang=lang)
    starts, ends = {"de": ("ab 27. November 2026", "bis 25. Juni 2027"),
                    "en": ("from 27 November 2026", "until 25 June 2027"),
                    "ar": ("ابتداءً من", "حتى")}[lang]
    shown = week.split("<div hidden")[0]
    friday = next(li for li in text_of(shown, "li") if "Sprachcaf" in li)
    assert starts in friday and ends in friday, friday
    tuesday = next(li for li in text_of(today.split("<div hidden")[0], "li") if "Computersprechstunde" in li)
    assert "(" in tuesday and ("15" in tuesday if lang != "ar" else "حتى" in tuesday), tuesday
    # A group without a first or last day to tell says nothing more.
    naehtreff = next(li for li in text_of(shown, "li") if "Nähtreff" in li or "Sewing" in li)
    assert "st-when-note" not in next(li for li in shown.split("<li") if "naehtreff" in li)
    assert "(" not in naehtreff, naehtreff
    # The days termine.js puts in when the page is older than its build carry it too.
    assert starts in week.split("<div hidden")[1]


def test_an_offer_that_has_ended_says_so_in_the_list(tmp_path):
    ended = SPRACHCAFE.replace("until: 2027-06-25", "until: 2026-06-26")
    made = generated(project_with(tmp_path, {"sprachcafe": ended}), "de")
    card = next(t for t in text_of(made[pages.OFFERS], ".st-card") if "Sprachcafé" in t)
    assert "Sprachcafé Zurzeit keine Termine." in card and "jeden Freitag" not in card
    assert not any("Sprachcafé" in s for s in text_of(made[pages.WEEK], "li.st-slot"))


# --- lanes: groups at the same time side by side -------------------------------------------------------

TITLES = ["Fahrradwerkstatt", "Hausaufgabenhilfe für Grundschulkinder", "Deutsch für Anfängerinnen",
          "Sprachcafé", "Nähtreff am Nachmittag"]


def concurrent(count: int, staggered: bool) -> dict[str, str]:
    """``count`` groups on Wednesday afternoon: all 15–17 Uhr, or each half an hour after the one before."""
    offers = {}
    for index in range(count):
        start = 15 * 60 + (30 * index if staggered else 0)
        offers[f"gruppe-{index}"] = f"""\
            title: {TITLES[index]}
            category: lernen
            schedule:
              - weekly: [mi]
                start: "{start // 60}:{start % 60:02d}"
                end: "{start // 60 + 2}:{start % 60:02d}"
                from: 2026-01-07
            """
    return offers


def wednesday(project) -> list[dict]:
    grid = pages.View(project, TODAY).week_grid()
    return next(c for c in grid["columns"] if c["code"] == "mi")["entries"]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("staggered", [False, True])
def test_groups_at_the_same_time_never_share_a_lane(tmp_path, count, staggered):
    entries = wednesday(project_with(tmp_path, concurrent(count, staggered)))
    for a in entries:
        for b in entries:
            if a is not b and a["rule"].start < b["rule"].end and b["rule"].start < a["rule"].end:
                assert a["lane"] != b["lane"], (a["id"], b["id"])
                assert a["lanes"] == b["lanes"]
        assert 0 <= a["lane"] < a["lanes"] and a["overlap"] == (a["lanes"] > 1)
    # Hausaufgabenhilfe (14:30–16:00) is on Wednesday too: with it, the widest moment.
    widest = max(sum(1 for e in entries if e["rule"].start <= t < e["rule"].end)
                 for t in (e["rule"].start for e in entries))
    assert max(e["lanes"] for e in entries) == widest


def test_three_groups_on_wednesday_afternoon_is_the_case_of_the_issue(tmp_path):
    entries = wednesday(project_with(tmp_path, concurrent(3, False)))
    by_title = {e["offer"].title["de"]: e for e in entries}
    lanes = [by_title[t]["lane"] for t in TITLES[:3]]
    assert sorted(lanes) == [1, 2, 3] and by_title["Hausaufgabenhilfe"]["lane"] == 0
    assert {e["lanes"] for e in entries} == {4}


def week_fragment(project) -> str:
    """The Wochenplan's grid as the template makes it: the part of the page the theme lays out."""
    markdown = generated(project, "de")[pages.WEEK]
    start = markdown.index('<div class="st-week ')
    end = markdown.index('<div class="st-plan__side"')
    return markdown[start:end].rstrip().removesuffix("</div>")


MEASURE = """() => {
  const boxes = [...document.querySelectorAll('.st-week__day')].map(day => {
    const d = day.getBoundingClientRect();
    return [...day.querySelectorAll('li.st-slot')].map(li => {
      const r = li.getBoundingClientRect();
      const title = li.querySelector('.st-slot__title').getBoundingClientRect();
      return {day: day.id || day.getAttribute('aria-labelledby'), text: li.innerText.replace(/\\s+/g, ' '),
              left: r.left, right: r.right, top: r.top, bottom: r.bottom, dayLeft: d.left, dayRight: d.right,
              cut: li.scrollHeight > li.clientHeight + 1 || li.scrollWidth > li.clientWidth + 1,
              titleInside: title.left >= r.left - 1 && title.right <= r.right + 1 && title.bottom <= r.bottom + 1};
    });
  });
  return boxes.flat();
}"""


@pytest.fixture(scope="module")
def week_page(mini_site, chromium):  # noqa: F811
    with serve(mini_site) as base:
        yield base + "wochenplan/", chromium


@pytest.mark.parametrize("width", [1280, 390, "Druck"])
def test_the_week_plan_lays_out_one_to_five_groups_at_a_time_without_overlap(week_page, tmp_path, width):
    url, browser = week_page
    viewport = {"width": 1123, "height": 794} if width == "Druck" else {"width": width, "height": 900}
    page = browser.new_page(viewport=viewport)
    if width == "Druck":
        page.emulate_media(media="print")
    try:
        page.goto(url)
        for count in range(1, 6):
            for staggered in (False, True):
                fragment = week_fragment(project_with(tmp_path / f"{count}-{staggered}", concurrent(count, staggered)))
                page.evaluate("html => { document.querySelector('.st-week').outerHTML = html; }", fragment)
                page.evaluate(SETTLED)
                slots = page.evaluate(MEASURE)
                assert len(slots) == 3 + count          # Hausaufgabenhilfe twice, Nähtreff, the groups
                case = f"{width}: {count} Gruppen{' versetzt' if staggered else ''}"
                for slot in slots:
                    assert not slot["cut"] and slot["titleInside"], (case, slot)
                    assert slot["dayLeft"] - 1 <= slot["left"] and slot["right"] <= slot["dayRight"] + 1, (case, slot)
                for a in slots:
                    for b in slots:
                        if a is not b:
                            apart = (a["right"] <= b["left"] + 0.5 or b["right"] <= a["left"] + 0.5
                                     or a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5)
                            assert apart, (case, a["text"], b["text"])
    finally:
        page.close()


def test_the_theme_has_a_class_for_every_lane():
    css = (Path(pages.__file__).parent / "mkdocs_adapter" / "theme" / "assets" / "stadtteil.css").read_text()
    for n in range(2, pages.MAX_LANES + 1):
        assert f".st-lanes-{n} {{ --st-lanes: {n}; }}" in css and f".st-wide-{n} {{ grid-column: span {2 * n - 1}; }}" in css
    for i in range(pages.MAX_LANES):
        assert f".st-lane-{i} {{ --st-lane: {i}; }}" in css
    assert re.search(r"li\.st-slot\[class\*=\"st-lanes-\"\]", css)


def test_dates_of_the_coming_weeks_are_the_schedule_engines(later_offers):
    """The „today“ and „week“ blocks read the coming weeks' sessions from one list made per project and
    date (pages._coming_by_day); any window, inside it, across its end or outside, gives exactly the
    sessions the engine gives for that window, in the same order, for a View of another date too."""
    from stadtteil.calendars.schedule import Calendar, sessions
    project = later_offers

    def engine(start: dt.date, end: dt.date) -> list:
        cal = Calendar(project.office)
        found = [s for oid, offer in project.offers.items() for s in sessions(oid, offer, cal, start, end)]
        return sorted(found, key=lambda s: (s.start, s.offer_id))

    for today in (TODAY, TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=100)):
        view = pages.View(project, today)
        for first, days in ((1, 0), (1, 6), (0, 83), (5, 0), (80, 10), (84, 0), (85, 3), (-3, 5), (200, 40)):
            start = today + dt.timedelta(days=first)
            end = start + dt.timedelta(days=days)
            assert view.sessions_between(start, end) == engine(start, end), (today, first, days)
    assert any(view.sessions_between(today + dt.timedelta(days=n), today + dt.timedelta(days=n)) for n in range(1, 8))
