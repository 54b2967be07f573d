"""The check of the built site: every image in it, and every image it refers to, is allowed.

Allowed are: theme images from a fixed, hash-checked list; the funding logos; and the variants the
pipeline made from photos whose consent is valid. Everything else fails the build, naming the image,
the rule and where it is used. Images from other hosts are refused too: they would leak visitors' data.
"""

from __future__ import annotations

import hashlib
import json
import re
from base64 import b64decode
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .htmltree import parse

from .consent import IMAGE_SUFFIXES
from .errors import DataError

THEME_IMAGES_FILE = Path(__file__).parent / "data" / "theme-images.json"
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_NOT_IMAGES = (".woff2", ".woff", ".ttf", ".otf", ".eot", ".css", ".js")


def theme_images() -> dict[str, str]:
    """Site path → sha256 of the theme's own images (Material's favicon, …): a fixed list."""
    return json.loads(THEME_IMAGES_FILE.read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def svg_embeds_raster(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    return bool(re.search(r"<\s*(?:\w+:)?image\b", text, re.I) or re.search(r"data:image/(?!svg)", text, re.I))


def _data_uri_problem(uri: str) -> str | None:
    head, _, payload = uri.partition(",")
    if head.lower().startswith("data:image/svg+xml"):
        body = b64decode(payload) if ";base64" in head.lower() else unquote(payload).encode()
        if svg_embeds_raster(body):
            return "ein eingebettetes SVG enthält ein Foto"
        if re.search(rb"(href|src)\s*=\s*['\"]?(https?:)?//", body, re.I):
            return "ein eingebettetes SVG lädt etwas von einem fremden Server"
        return None
    if head.lower().startswith("data:image/"):
        return "ein Bild ist direkt in die Seite eingebettet (data:) und hat keine Einwilligung"
    return None


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


_CANDIDATES = (".//*[@src or @srcset or @poster or @style or @data or self::image or self::use or self::link"
               " or self::meta or self::style]")


def _references(html) -> list[tuple[str, str]]:
    """(url, where in the page) of every image reference in an HTML document (text or parsed tree)."""
    soup = parse(html) if isinstance(html, (str, bytes)) else html
    refs: list[tuple[str, str]] = []
    # Only elements that can refer to an image at all (a tenth of a page's elements), picked by libxml2.
    for tag in soup.select(_CANDIDATES):
        name = tag.name
        if name in ("img", "input") and tag.get("src"):
            refs.append((tag["src"], f"<{name} src>"))
        if name in ("img", "source") and tag.get("srcset"):
            refs += [(u, f"<{name} srcset>") for u in _srcset_urls(tag["srcset"])]
        if name == "image" or name == "use":
            for attr in ("href", "xlink:href"):
                if tag.get(attr):
                    refs.append((tag[attr], f"<svg {name}>"))
        if name == "video" and tag.get("poster"):
            refs.append((tag["poster"], "<video poster>"))
        if name in ("video", "source", "audio", "track") and tag.get("src"):
            refs.append((tag["src"], f"<{name} src>"))
        if name == "link" and tag.get("href"):
            rel = " ".join(tag.get("rel") or []).lower()
            if "icon" in rel or "image_src" in rel:
                refs.append((tag["href"], f'<link rel="{rel}">'))
        if name == "meta" and tag.get("content"):
            key = (tag.get("property") or tag.get("name") or "").lower()
            if key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "msapplication-tileimage"):
                refs.append((tag["content"], f'<meta {key}>'))
        if tag.get("style"):
            refs += [(m.group(2), "style-Attribut") for m in _CSS_URL.finditer(tag["style"])]
        if name == "style" and tag.string:
            refs += [(m.group(2), "<style>") for m in _CSS_URL.finditer(tag.string)]
        if name == "object" and tag.get("data"):
            refs.append((tag["data"], "<object data>"))
    return refs


def check_output(site_dir: Path, allowed: dict[str, str], parsed: dict | None = None) -> list[DataError]:
    """Every image file and every image reference of a built site (``allowed``: site path → sha256)."""
    errors = check_files(site_dir, allowed)
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        html = parsed[rel] if parsed and rel in parsed else path.read_text(encoding="utf-8", errors="replace")
        errors += check_html(html, rel, site_dir, allowed)
    return errors


def _report(where: str, message: str) -> DataError:
    return DataError(where, None, None, message, "")


def _check_ref(url: str, base: Path, where: str, site_dir: Path, allowed: dict[str, str]) -> DataError | None:
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    if url.lower().startswith("data:"):
        problem = _data_uri_problem(url)
        return _report(where, f"Bild-Verweis abgelehnt: {problem}.") if problem else None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        return _report(where, f"Bild von einem fremden Server ({parts.netloc or url}): abgelehnt – es würde Daten "
                              "der Besucher weitergeben und hat keine Einwilligung. Legen Sie das Bild mit "
                              "Einwilligung ins Projekt.")
    if parts.scheme:
        return _report(where, f"Bild-Verweis „{url[:60]}“ ist nicht erlaubt.")
    if Path(unquote(parts.path)).suffix.lower() in _NOT_IMAGES:
        return None
    target = (site_dir / unquote(parts.path).lstrip("/")) if parts.path.startswith("/") else \
        (base / unquote(parts.path))
    try:
        rel = target.resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return _report(where, f"Bild-Verweis „{url}“ zeigt aus der Website hinaus.")
    if rel not in allowed:
        return _report(where, f"verweist auf „{rel}“, das kein freigegebenes Bild ist (keine gültige Einwilligung).")
    return None


def check_files(site_dir: Path, allowed: dict[str, str]) -> list[DataError]:
    """Image files in the site, and image references in its CSS files."""
    errors: list[DataError] = []
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            rel = path.relative_to(site_dir).as_posix()
            expected = allowed.get(rel)
            if expected is None:
                errors.append(_report(f"site/{rel}", "Bild ohne gültige Einwilligung in der fertigen Website. "
                                                     "Legen Sie eine Einwilligung an oder entfernen Sie das Bild."))
            elif sha256(path.read_bytes()) != expected:
                errors.append(_report(f"site/{rel}", "Bild wurde nach der Prüfung verändert (Prüfsumme stimmt nicht)."))
    for path in sorted(site_dir.rglob("*.css")):
        rel = path.relative_to(site_dir).as_posix()
        for match in _CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if (error := _check_ref(match.group(2), path.parent, f"site/{rel} (CSS url())", site_dir, allowed)):
                errors.append(error)
    return errors


def check_html(html, rel: str, site_dir: Path, allowed: dict[str, str]) -> list[DataError]:
    """Image references of one built page (text or parsed tree)."""
    base = (site_dir / rel).parent
    return [e for url, kind in _references(html)
            if (e := _check_ref(url, base, f"site/{rel} ({kind})", site_dir, allowed))]
