"""Print is a medium too (§ 6 of the cooperation agreement: the logos on all print media).

The office's site (frozen snapshot, tests/fixtures/batenbrock) is built once and printed by real
Chromium to PDF, the way staff print with „Drucken“ (the page's own CSS page size, no background
graphics). Each PDF is read with pypdf for its pages and text, and rasterised with poppler's `pdftoppm`
to see the logos: every printed sheet must carry the funding text, every configured logo (drawn, at
least 12 mm high), the office address and the page's address. The Wochenplan prints as one landscape
A4 plan, the poster on one A3 sheet.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from browser import browser, serve

from sites import BATENBROCK, CLOCK
SITE_URL = "https://www.gemeinsam-in-batenbrock.example/"
DPI = 100
MM = 25.4
A4, A4_LANDSCAPE, A3 = (595, 842), (842, 595), (842, 1191)   # PDF points, rounded

# A sample of the page templates in German, Arabic (right to left) and Ukrainian:
# path, expected sheet size, and how many sheets (exactly, or at least with a "+").
SAMPLE = [
    ("angebote/naehtreff/", A4, "1+"),      # offer page
    ("wochenplan/", A4_LANDSCAPE, "1"),
    ("", A4, "1+"),                          # start page
    ("kontakt/", A4, "1+"),
    ("projekt/", A4, "2+"),                  # a long page: the notice on every sheet, not only the last
    ("plakat/", A3, "1"),
    ("ar/angebote/naehtreff/", A4, "1+"),
    ("ar/wochenplan/", A4_LANDSCAPE, "1"),
    ("ar/", A4, "2+"),
    ("ar/plakat/", A3, "1"),
    ("uk/wochenplan/", A4_LANDSCAPE, "1"),
    ("uk/kontakt/", A4, "1+"),
]


def require_pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm fehlt (Debian-Paket „poppler-utils“); .ci/run installiert es.")
        pytest.skip("pdftoppm fehlt: `apt-get install poppler-utils`")
    return found


@pytest.fixture(scope="module")
def site(full_site) -> Path:
    return full_site


@pytest.fixture(scope="module")
def chromium(site):
    with serve(site) as base, browser() as instance:
        yield base, instance


@pytest.fixture(scope="module")
def printed(chromium, tmp_path_factory):
    """Each page printed once per module, whichever test asks first."""
    base, instance = chromium
    folder = tmp_path_factory.mktemp("pdf")
    cache: dict[str, Printout] = {}

    def get(path: str) -> Printout:
        if path not in cache:
            cache[path] = Printout.make(instance, base, path, folder)
        return cache[path]
    return get


def words(text: str) -> str:
    """Text reduced to its words: PDF text comes with ligatures (ﬁ), line breaks and, in right-to-left
    pages, punctuation moved to the other end of a line."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text)))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class Printout:
    """One page printed to PDF: its sheets' sizes and text, its footer as the page has it, its sheets as images."""

    def __init__(self, path: str, pdf: bytes, html_footer: dict, folder: Path, measure):
        import pypdf
        self.path, self.pdf, self.footer, self.measure = path, pdf, html_footer, measure
        self.reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.texts = [page.extract_text() or "" for page in self.reader.pages]
        self.sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in self.reader.pages]
        self.folder = folder
        self._images: list | None = None

    @classmethod
    def make(cls, instance, base: str, path: str, folder: Path) -> Printout:
        page = instance.new_page()
        page.clock.set_fixed_time(CLOCK)
        page.goto(base + path)
        page.evaluate("document.fonts.ready")
        # As staff print: the CSS page size wins; A4 (A3 for the poster) only if the CSS names none.
        pdf = page.pdf(prefer_css_page_size=True, format="A3" if "plakat" in path else "A4")
        footer = page.evaluate("""() => ({
            text: document.querySelector('.st-footer .st-funding__text')?.textContent || '',
            ids: [...document.querySelectorAll('.st-footer [data-funder]')].map(i => i.dataset.funder)})""")
        page.close()
        return cls(path, pdf, footer, folder, lambda width: _footer_layout(instance, base, path, width))

    def images(self):
        """Every sheet as an RGB image at DPI dots per inch."""
        if self._images is None:
            from PIL import Image
            name = re.sub(r"\W", "_", self.path) or "start"
            pdf_file = self.folder / f"{name}.pdf"
            pdf_file.write_bytes(self.pdf)
            subprocess.run([require_pdftoppm(), "-r", str(DPI), "-png", str(pdf_file), str(self.folder / name)],
                           check=True, capture_output=True)
            files = sorted(self.folder.glob(f"{name}-*.png"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
            self._images = [Image.open(f).convert("RGB") for f in files]
            assert len(self._images) == len(self.sizes)
        return self._images


def _footer_layout(instance, base: str, path: str, width_px: float) -> list[dict]:
    """Where each logo sits in the footer, relative to the footer's top rule, laid out at the printed
    width: the footer repeats unchanged on every sheet, so these offsets hold on each of them."""
    context = instance.new_context(viewport={"width": round(width_px), "height": 1200})
    page = context.new_page()
    page.clock.set_fixed_time(CLOCK)
    page.goto(base + path)
    page.emulate_media(media="print")
    page.evaluate("document.fonts.ready")
    boxes = page.evaluate("""() => {
        const meta = document.querySelector('.st-footer .md-footer-meta').getBoundingClientRect();
        return [...document.querySelectorAll('.st-footer [data-funder]')].map(img => {
            const r = img.getBoundingClientRect();
            return {id: img.dataset.funder, x: r.left - meta.left, y: r.top - meta.top, w: r.width, h: r.height}; }); }""")
    context.close()
    return boxes


def footer_rule(image) -> tuple[int, int, int] | None:
    """The footer's top rule on a sheet: the lowest dark line across most of the text width
    (top row, left and right end in pixels)."""
    dark = image.convert("L").point(lambda v: 255 if v < 110 else 0)
    width, height = dark.size
    found = None
    for y in range(height - 1, -1, -1):
        row = dark.crop((0, y, width, y + 1))
        best = 0
        if row.histogram()[255] > width * 0.5:      # only then look for one unbroken line
            line = row.tobytes()
            run = start = 0
            for x, value in enumerate(line):
                run = run + 1 if value else 0
                if run > best:
                    best, start = run, x - run + 1
        if best > width * 0.5:
            found = (y, start, start + best)
        elif found:
            return found
    return found


def ink(image, box) -> tuple[float, float]:
    """Share of drawn (non-white) and of EU-blue pixels in a box."""
    region = image.crop(box)
    data = list(region.get_flattened_data()) if hasattr(region, "get_flattened_data") else list(region.getdata())
    drawn = sum(1 for r, g, b in data if min(r, g, b) < 225)
    blue = sum(1 for r, g, b in data if b > 100 and r < 90 and g < 110)
    return drawn / len(data), blue / len(data)


def expect_count(count: int, expected: str) -> bool:
    return count >= int(expected[:-1]) if expected.endswith("+") else count == int(expected)


@pytest.mark.parametrize("path,size,sheets", SAMPLE, ids=[p or "start" for p, _, _ in SAMPLE])
def test_every_printed_sheet_carries_the_notice_and_the_addresses(printed, path, size, sheets):
    out = printed(path)
    assert expect_count(len(out.sizes), sheets), f"{path}: {len(out.sizes)} Blätter, erwartet {sheets}"
    assert set(out.sizes) == {size}, (path, out.sizes)
    notice = words(out.footer["text"])
    assert "Europäischen Sozialfonds" in notice and "Kinder Familie Flüchtlinge und Integration" in notice
    address = squeezed(SITE_URL + path).rstrip("/")   # a right-to-left line moves the final "/" to its start
    for number, text in enumerate(out.texts, 1):
        assert notice in words(text), f"{path}, Blatt {number}: Fördertext fehlt"
        assert address in squeezed(text), f"{path}, Blatt {number}: Adresse der Seite fehlt"
        assert "Horster Straße 228" in words(text) and "2041" in text and "000000" in text, \
            f"{path}, Blatt {number}: Anschrift oder Telefon des Stadtteilbüros fehlt"


@pytest.mark.parametrize("path", ["angebote/naehtreff/", "wochenplan/", "projekt/", "plakat/", "ar/wochenplan/",
                                  "ar/", "uk/kontakt/"])
def test_every_logo_is_drawn_on_every_printed_sheet(printed, path):
    out = printed(path)
    assert {"eu-esf", "mags", "mkffi"} <= set(out.footer["ids"]), out.footer["ids"]
    layout = None
    for number, image in enumerate(out.images(), 1):
        rule = footer_rule(image)
        assert rule, f"{path}, Blatt {number}: kein Förderhinweis am Fuß des Blatts"
        top, left, right = rule
        scale = DPI / 96                      # CSS pixels to raster pixels
        if layout is None:
            layout = out.measure((right - left) / scale)
            assert [b["id"] for b in layout] == out.footer["ids"]
        for logo in layout:
            height_mm = logo["h"] * MM / 96
            assert height_mm >= 11.9, f"{path}: Logo {logo['id']} nur {height_mm:.1f} mm hoch"
            # The inner part of the box, so a neighbour's edge never counts for this logo.
            x0, y0 = left + (logo["x"] + logo["w"] * 0.1) * scale, top + (logo["y"] + logo["h"] * 0.1) * scale
            x1, y1 = left + (logo["x"] + logo["w"] * 0.9) * scale, top + (logo["y"] + logo["h"] * 0.9) * scale
            assert y1 < image.height, f"{path}, Blatt {number}: Logo {logo['id']} liegt unter dem Blattrand"
            drawn, blue = ink(image, (round(x0), round(y0), round(x1), round(y1)))
            assert drawn > 0.02, f"{path}, Blatt {number}: Logo {logo['id']} ist nicht gedruckt"
            if logo["id"] == "eu-esf":
                assert blue > 0.5, f"{path}, Blatt {number}: EU-Emblem nicht zu sehen (Blauanteil {blue:.0%})"


@pytest.mark.parametrize("lang", ["", "ar/", "uk/"], ids=["de", "ar", "uk"])
def test_wochenplan_prints_as_one_landscape_plan(printed, site, lang):
    from bs4 import BeautifulSoup
    out = printed(lang + "wochenplan/")
    assert len(out.sizes) == 1, f"{lang}wochenplan/: {len(out.sizes)} Blätter statt einem"
    width, height = out.sizes[0]
    assert width > height, "Wochenplan nicht im Querformat"
    soup = BeautifulSoup((site / lang / "wochenplan" / "index.html").read_text(), "html.parser")
    offers = {a["href"] for a in soup.select(".st-plan a[href*='angebote/']")}
    assert len(offers) == len(list((BATENBROCK / "offers").glob("*.yml"))), offers   # every offer is on the plan
    assert soup.select_one(".st-plan .st-hours"), "Öffnungszeiten fehlen auf dem Wochenplan"
    if lang == "ar/":
        return   # Arabic comes out of the PDF's text reordered: its sheet is checked by the tests above
    text = squeezed(out.texts[0])
    for title in soup.select(".st-slot__title, .st-plan__side li a"):
        assert squeezed(title.get_text()) in text, f"{lang}wochenplan/: „{title.get_text()}“ fehlt im Druck"
    for cell in soup.select(".st-hours th, .st-hours td"):
        assert squeezed(cell.get_text()) in text, f"{lang}wochenplan/: Öffnungszeit „{cell.get_text()}“ fehlt"


@pytest.mark.parametrize("lang", ["", "uk/", "de-LS/"], ids=["de", "uk", "de-LS"])
def test_wochenplan_print_carries_the_emergency_numbers(printed, site, lang):
    """The printed plan carries the block „Im Notfall“ (issue #23) on its one sheet: the heading, every number
    and the way for a child in danger; never the quick exit (a button is no use on paper)."""
    from bs4 import BeautifulSoup
    out = printed(lang + "wochenplan/")
    assert len(out.sizes) == 1, f"{lang}wochenplan/: {len(out.sizes)} Blätter statt einem"
    text = squeezed(out.texts[0])
    soup = BeautifulSoup((site / lang / "wochenplan" / "index.html").read_text(), "html.parser")
    block = soup.select_one(".st-plan .st-notfall")
    numbers = [a.get_text() for a in block.select("a[href^='tel:']")]
    assert {"110", "112", "116 111", "116 016", "116 117"} <= set(numbers)
    child = block.select_one(".st-notfall__child")
    for german_name in child.select("bdi[lang=de]"):
        german_name.decompose()          # on paper the translated names suffice (stadtteil.css)
    for part in [block.find("h2").get_text(), *numbers, child.get_text()]:
        assert squeezed(part) in text, f"{lang}wochenplan/: „{part.strip()}“ fehlt im Druck"
    assert squeezed(soup.select_one("a[data-st-exit]").get_text()) not in text
