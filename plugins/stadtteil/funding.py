"""The mandatory funding notice: configuration rules and the check of the built output.

Section 6 of the cooperation agreement makes the standard formulation and the logos of ESF, MAGS and
MKFFI (plus Kommunale Präventionsketten NRW, Stadt Bottrop and the carrier) mandatory on all digital
media, and EU funding can be reclaimed when the visibility rules are broken. So the required funders
are built in here (configuration can add logos, never remove one), and every page of the finished
site is parsed and checked: no template, Markdown or configuration trick gets a page past it.
"""

from __future__ import annotations

import itertools
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DataError

if TYPE_CHECKING:
    from .htmltree import Node

DATA = Path(__file__).parent / "data" / "funding"

STANDARD_TEXT = ("Mit finanzieller Unterstützung des Europäischen Sozialfonds (ESF), des Ministeriums für "
                 "Arbeit, Gesundheit und Soziales und des Ministeriums für Kinder, Familie, Flüchtlinge und "
                 "Integration des Landes Nordrhein-Westfalen")
# Regulation (EU) 2021/1060, Annex IX: the statement written out next to the emblem. It also meets
# the 2014–2020 rule (the reference to the Union, "Europäische Union", written out).
EU_STATEMENT = "Kofinanziert von der Europäischen Union"
EU_ID = "eu-esf"


@dataclass(frozen=True)
class Funder:
    id: str
    alt: str
    default_file: Path


REQUIRED = (
    Funder(EU_ID, "Kofinanziert von der Europäischen Union – Europäischer Sozialfonds", DATA / "eu-emblem.svg"),
    Funder("mags", "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen",
           DATA / "mags.svg"),
    Funder("mkffi", "Ministerium für Kinder, Familie, Flüchtlinge und Integration des Landes Nordrhein-Westfalen",
           DATA / "mkffi.svg"),
)
REQUIRED_IDS = tuple(f.id for f in REQUIRED)
# Logos the agreement names as well; shipped as placeholders until the real files are delivered.
DEFAULT_FILES = {f.id: f.default_file for f in REQUIRED} | {
    "kpk-nrw": DATA / "kpk-nrw.svg", "stadt-bottrop": DATA / "stadt-bottrop.svg", "traeger": DATA / "traeger.svg"}
MIN_LOGO_PIXELS = 40          # shorter side of a raster logo, or of an SVG's view box
PLACEHOLDER_MARK = b"data-stadtteil-placeholder"


class LogoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    file: str | None = None
    alt: str = Field(min_length=3)


class FundingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = STANDARD_TEXT
    logos: list[LogoConfig] = Field(default_factory=list)


@dataclass(frozen=True)
class Logo:
    id: str
    alt: str
    source: Path            # the file in the project (or the package's built-in file)
    site_path: str          # where it is published: assets/funding/<id>.<ext>
    placeholder: bool
    required: bool


@dataclass(frozen=True)
class Funding:
    text: str
    logos: tuple[Logo, ...]

    @property
    def eu(self) -> Logo:
        return next(logo for logo in self.logos if logo.id == EU_ID)

    @property
    def placeholders(self) -> list[Logo]:
        return [logo for logo in self.logos if logo.placeholder]


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _image_problem(data: bytes, name: str) -> str | None:
    """Why this file is no usable logo (None when it is fine)."""
    if not data:
        return f"Die Logo-Datei {name} ist leer."
    if name.lower().endswith(".svg"):
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            return f"Die Logo-Datei {name} ist kein gültiges SVG."
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            width, height = (float(box[2]), float(box[3])) if len(box) == 4 else (
                float(re.sub(r"[^\d.]", "", root.get("width", "0")) or 0),
                float(re.sub(r"[^\d.]", "", root.get("height", "0")) or 0))
        except ValueError:
            return f"Die Logo-Datei {name} hat keine lesbare Größe."
        if min(width, height) < MIN_LOGO_PIXELS:
            return f"Die Logo-Datei {name} ist zu klein ({width:g}×{height:g})."
        if not any(True for el in root.iter() if el is not root):
            return f"Die Logo-Datei {name} enthält keine Grafik."
        return _svg_blank(root, name)
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # Pillow raises many types for broken files; any of them means "not a logo"
        return f"Die Logo-Datei {name} ist kein lesbares Bild."
    if min(width, height) < MIN_LOGO_PIXELS:
        return f"Die Logo-Datei {name} ist zu klein ({width}×{height} Pixel)."
    return _raster_blank(data, name)


BLANK_HINT = ("Ein Logo muss auf der weißen Förderleiste sichtbar sein: Tragen Sie die echte Logo-Datei ein, "
              "wie sie der Fördergeber liefert.")
MIN_CONTRAST_RANGE = 32    # 0–255: less difference than this between any two pixels reads as one flat colour


def _raster_blank(data: bytes, name: str) -> str | None:
    """A raster logo that shows nothing on the bar: fully transparent, or one flat colour over white."""
    with Image.open(BytesIO(data)) as image:
        image.draft("RGB", (256, 256))   # JPEG: decode at a small size; the check needs no detail
        rgba = image.convert("RGBA")
    rgba.thumbnail((256, 256))
    if rgba.getchannel("A").getextrema()[1] == 0:
        return f"Die Logo-Datei {name} ist vollständig durchsichtig. {BLANK_HINT}"
    # As the bar shows it: over white. A white logo on transparency is as invisible as a blank one.
    shown = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    if max(high - low for low, high in shown.getextrema()) < MIN_CONTRAST_RANGE:
        return f"Die Logo-Datei {name} ist eine leere Fläche in einer Farbe. {BLANK_HINT}"
    return None


_SVG_DRAWING = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "image", "use",
                "textPath", "tspan", "foreignObject"}
_SVG_NOT_DRAWN = {"defs", "clipPath", "mask", "symbol", "pattern", "marker", "linearGradient", "radialGradient",
                  "filter", "title", "desc", "metadata", "style", "script"}
_SVG_WHITE = {"#fff", "#ffffff", "white", "#ffff", "#ffffffff", "rgb(255,255,255)", "transparent", "none"}
_SVG_HIDING_CSS = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0*(\.0*)?\s*(;|}|$)", re.I)


def _svg_props(el) -> dict[str, str]:
    props = {k: v.strip() for k, v in el.attrib.items()}
    for part in (el.get("style") or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            props[key.strip().lower()] = value.strip()
    return props


def _svg_blank(root, name: str) -> str | None:
    """An SVG logo that draws nothing visible: no drawing element left once hidden, unpainted and white ones go."""
    for style in root.iter("{http://www.w3.org/2000/svg}style"):
        if _SVG_HIDING_CSS.search(style.text or ""):
            return f"Die Logo-Datei {name} blendet ihre Grafik per CSS aus. {BLANK_HINT}"

    def visible(el, inherited: dict[str, str]) -> bool:
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag in _SVG_NOT_DRAWN:
            return False
        props = _svg_props(el)
        if props.get("display") == "none" or props.get("visibility") in ("hidden", "collapse"):
            return False
        try:
            if float(props.get("opacity", "1").rstrip("%")) <= 0:
                return False
        except ValueError:
            pass
        paint = {**inherited, **{k: props[k].lower().replace(" ", "") for k in ("fill", "stroke", "fill-opacity",
                                                                                 "stroke-opacity") if k in props}}
        if tag in _SVG_DRAWING:
            if tag == "path" and not (el.get("d") or "").strip():
                return False
            if tag in ("rect", "image", "foreignObject") and any(
                    re.fullmatch(r"0*(\.0*)?(px)?", el.get(k, "1").strip()) for k in ("width", "height")):
                return False
            if tag in ("text", "tspan", "textPath") and not "".join(el.itertext()).strip():
                return False
            fills = paint.get("fill", "#000") not in _SVG_WHITE and paint.get("fill-opacity", "1") not in ("0", "0.0")
            strokes = paint.get("stroke", "none") not in _SVG_WHITE and paint.get("stroke-opacity", "1") not in ("0", "0.0")
            if tag in ("image", "use", "foreignObject") or fills or strokes:
                return True
        return any(visible(child, paint) for child in el)

    if not visible(root, {}):
        return f"Die Logo-Datei {name} zeigt nichts Sichtbares (alles ausgeblendet, ohne Farbe oder weiß). {BLANK_HINT}"
    return None


def configure(options: dict[str, Any] | None, root: Path, config_file: str = "mkdocs.yml") -> Funding:
    """The funding notice from the site configuration; raises ValueError with German text on mistakes."""
    where = f"{config_file}, Plugin „stadtteil“, „funding“"
    if options is None:
        raise ValueError(f"{where}: Der Förderhinweis fehlt. Tragen Sie die Logos von "
                         f"{', '.join(REQUIRED_IDS)} ein (siehe README).")
    try:
        parsed = FundingConfig.model_validate(options)
    except ValidationError as exc:
        german = {"missing": "fehlt", "extra_forbidden": "gibt es nicht (erlaubt: id, file, alt)",
                  "string_too_short": "ist zu kurz", "string_pattern_mismatch":
                  "darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten", "string_type": "muss ein Text sein",
                  "list_type": "muss eine Liste sein", "model_type": "muss eine Gruppe von Feldern sein"}
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))} {german.get(e['type'], 'ist ungültig')}"
                             for e in exc.errors())
        raise ValueError(f"{where}: {problems}") from None
    problems = []
    if _normalize(STANDARD_TEXT) not in _normalize(parsed.text):
        problems.append("Der Text muss die Standard-Formulierung aus der Kooperationsvereinbarung enthalten: "
                        f"„{STANDARD_TEXT}“.")
    ids = [logo.id for logo in parsed.logos]
    for funder in REQUIRED:
        if funder.id not in ids:
            problems.append(f"Das Pflicht-Logo „{funder.id}“ ({funder.alt}) fehlt. Es darf nicht entfernt werden.")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"Diese Logos stehen doppelt: {', '.join(duplicates)}.")
    logos = []
    for entry in parsed.logos:
        source = (root / entry.file) if entry.file else DEFAULT_FILES.get(entry.id)
        if source is None:
            problems.append(f"Beim Logo „{entry.id}“ fehlt „file“.")
            continue
        if not source.is_file():
            problems.append(f"Die Logo-Datei {entry.file} (Logo „{entry.id}“) gibt es nicht.")
            continue
        if entry.file and (source.is_symlink() or not source.resolve().is_relative_to(root.resolve())):
            continue  # never read: inputs.site_inputs reports it
        data = source.read_bytes()
        if (problem := _image_problem(data, entry.file or source.name)):
            problems.append(problem)
            continue
        logos.append(Logo(entry.id, entry.alt, source, f"assets/funding/{entry.id}{source.suffix.lower()}",
                          PLACEHOLDER_MARK in data, entry.id in REQUIRED_IDS))
    if problems:
        raise ValueError(f"{where}:\n" + "\n".join(f"  • {p}" for p in problems))
    # The EU emblem comes first: it is the one the rules are about.
    logos.sort(key=lambda logo: (logo.id != EU_ID, not logo.required))
    return Funding(_normalize(parsed.text), tuple(logos))


# --- the check of the built output -----------------------------------------------------------------

_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$)|"
                           r"(^|;)\s*(width|height|max-height|max-width)\s*:\s*0(px|rem|em)?\s*(;|$)|"
                           r"clip\s*:|font-size\s*:\s*0", re.I)


@lru_cache(maxsize=256)
def _file_problem_cached(path: Path, mtime: float, size: int, name: str) -> str | None:
    return _image_problem(path.read_bytes(), name)


def _file_problem(path: Path, name: str) -> str | None:
    # The same logo file is checked from every page: read and decode it once per version.
    stat = path.stat()
    return _file_problem_cached(path, stat.st_mtime, stat.st_size, name)


@lru_cache(maxsize=1024)
def _real(path: str) -> Path:
    # Every page names the same logo files (the paths are normalised first): resolving them (a system
    # call per path segment) once per path, not 7 times per page, saves most of the logo check.
    # Existence is still asked each time (is_file), so a logo removed while `mkdocs serve` runs is noticed.
    return Path(os.path.realpath(path))


def _own_hiding(node) -> str | None:
    if node.name in ("noscript", "template", "head"):
        return f"steht in <{node.name}>"
    if node.has_attr("hidden"):
        return "ist mit „hidden“ ausgeblendet"
    if node.get("aria-hidden") == "true":
        return "ist mit aria-hidden für Screenreader versteckt"
    if node.has_attr("inert"):
        return "ist mit „inert“ deaktiviert"
    if _HIDING_STYLE.search(node.get("style", "")):
        return "ist per style-Attribut versteckt"
    return None


def _hidden_reason(tag, seen: dict) -> str | None:
    """Why ``tag`` is hidden (itself or an ancestor), or None. ``seen``: what is known of this page's
    elements so far: the logos' ancestors are the bar's, walked once per page, not once per logo."""
    walked = []
    reason = None
    for node in itertools.chain((tag,), tag.parents):
        key = getattr(node, "el", None)
        if key is not None and key in seen:
            reason = seen[key]
            break
        if getattr(node, "name", None) is None:
            continue
        walked.append(key)
        if (reason := _own_hiding(node)):
            break
    seen.update((key, reason) for key in walked if key is not None)
    return reason


def check_page(html, page: str, site_dir: Path, funding: Funding) -> list[str]:
    """Every reason this built page breaks the funding rules (empty: the page is fine).

    ``html`` is the page's text or an already parsed tree (``htmltree.parse``; parsing is the costly part)."""
    from .htmltree import parse   # the finished site's check only (lxml is not needed by `check`)
    soup = parse(html) if isinstance(html, (str, bytes)) else html
    problems = []
    bars = soup.find_all(attrs={"data-stadtteil-funding": True})
    strips = soup.find_all(attrs={"data-stadtteil-eu": True})
    if len(bars) != 1:
        problems.append("die Förderleiste fehlt" if not bars else "die Förderleiste steht mehrfach auf der Seite")
    if len(strips) != 1:
        problems.append("das EU-Emblem oben auf der Seite fehlt" if not strips else "das EU-Emblem steht mehrfach oben")
    page_dir = (site_dir / page).parent
    seen: dict = {}   # hidden or not, by element (_hidden_reason)

    def check_logo(container, logo: Logo, what: str) -> None:
        img = container.find("img", attrs={"data-funder": logo.id})
        if img is None:
            problems.append(f"{what}: das Logo „{logo.id}“ fehlt")
            return
        if not (img.get("alt") or "").strip():
            problems.append(f"{what}: dem Logo „{logo.id}“ fehlt der Alternativtext")
        src = (img.get("src") or "").split("?")[0].split("#")[0]
        if not src or "://" in src or src.startswith("//") or src.startswith("data:"):
            problems.append(f"{what}: das Logo „{logo.id}“ hat keine Adresse auf dieser Website")
            return
        # As a browser does: "../" taken away from the address first (so pages of every folder share one
        # resolved path per logo), then links followed.
        target = _real(os.path.normpath(str(site_dir / src.lstrip("/")) if src.startswith("/")
                                        else os.path.join(page_dir, src)))
        if not target.is_file():
            problems.append(f"{what}: die Logo-Datei {src} gibt es nicht")
            return
        if (problem := _file_problem(target, src)):
            problems.append(f"{what}: {problem}")
        if (reason := _hidden_reason(img, seen)):
            problems.append(f"{what}: das Logo „{logo.id}“ {reason}")

    if len(bars) == 1:
        bar = bars[0]
        if (reason := _hidden_reason(bar, seen)):
            problems.append(f"die Förderleiste {reason}")
        if funding.text not in _normalize(bar.get_text(" ")):
            problems.append("der Text der Förderleiste ist unvollständig")
        for logo in funding.logos:
            check_logo(bar, logo, "Förderleiste")
    if len(strips) == 1:
        strip = strips[0]
        if (reason := _hidden_reason(strip, seen)):
            problems.append(f"das EU-Emblem oben {reason}")
        if EU_STATEMENT not in _normalize(strip.get_text(" ")):
            problems.append(f"neben dem EU-Emblem fehlt der Text „{EU_STATEMENT}“")
        check_logo(strip, funding.eu, "EU-Emblem oben")
    return problems


def check_notice(site_dir: Path, funding: Funding, parsed: dict[str, Node] | None = None) -> list[DataError]:
    """The funding notice on every HTML page of a built site; one entry per page that breaks the rules
    (the whole output check, images included, is sitecheck.check_site)."""
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        page = path.relative_to(site_dir).as_posix()
        html = parsed[page] if parsed and page in parsed else path.read_text(encoding="utf-8", errors="replace")
        problems = check_page(html, page, site_dir, funding)
        if problems:
            found.append(page_error(page, problems))
    return found


def page_error(page: str, problems: list[str]) -> DataError:
    return DataError(f"site/{page}", None, None, "Förderhinweis: " + "; ".join(problems) + ".",
                     "Die Förderleiste mit allen Pflicht-Logos muss auf jeder Seite sichtbar sein.")
