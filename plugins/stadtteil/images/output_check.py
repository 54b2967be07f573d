"""The check of the built site: every image in it, and every image it refers to, is allowed.

An image is told by its bytes (filekind.py), not its name; addresses are read from HTML with libxml2
and from CSS with a real CSS parser, so `image-set("…")`, `@import` and escapes are seen as a browser sees them.

Allowed are: theme images from a fixed, hash-checked list; the funding logos; and the variants the
pipeline made from photos whose consent is valid. Everything else fails the build, naming the image,
the rule and where it is used. Images from other hosts are refused too: they would leak visitors' data.
"""

from __future__ import annotations

import hashlib
import os
import re
from base64 import b64decode
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import DataError
from ..filekind import Kind, classify

# A missing file under these names is a broken font or script link, not a hidden image.
_NOT_IMAGES = (".woff2", ".woff", ".ttf", ".otf", ".eot", ".css", ".js")


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


# CSS functions whose bare strings are image addresses (``image-set("a.jpg" 1x)`` needs no url()).
_IMAGE_FUNCTIONS = ("image-set", "-webkit-image-set", "image", "-webkit-image", "cross-fade", "-webkit-cross-fade")
_IMPORT = "@import"


def css_references(css: str) -> list[tuple[str, str]]:
    """(url, what refers to it) of every address in a stylesheet or a style attribute, read by a real
    CSS parser (tinycss2): escapes, comments and strings are what a browser makes of them."""
    refs: list[tuple[str, str]] = []
    if "(" not in css and "@" not in css:
        return refs   # every way to name an address needs one of them: most style attributes end here

    def first_address(tokens) -> str | None:
        for token in tokens:
            if token.type in ("string", "url"):
                return token.value
            if token.type == "function" and token.lower_name in ("url", "src"):
                return first_address(token.arguments)
            if token.type not in ("whitespace", "comment"):
                return None
        return None

    def walk(tokens, where: str) -> None:
        tokens = list(tokens)
        context = None
        skip = False        # inside an @import or @namespace prelude: its address is taken (or ignored) once
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "literal" and token.value == ";":
                context, skip = None, False
            elif kind == "at-keyword":
                context = token.lower_value
                if context in ("import", "namespace"):
                    skip = True
                    if context == "import" and (address := first_address(tokens[index + 1:])) is not None:
                        refs.append((address, _IMPORT))
            elif skip:
                continue
            elif kind == "url":
                refs.append((token.value, where))
            elif kind == "function":
                name = token.lower_name
                if name in ("url", "src"):
                    if (address := first_address(token.arguments)) is not None:
                        refs.append((address, where))
                    continue
                if name in _IMAGE_FUNCTIONS:
                    label = f"{name}()" if where == "url()" else f"{where}, {name}()"
                    refs.extend((t.value, label) for t in token.arguments if t.type == "string")
                walk(token.arguments, where)
            elif kind == "{} block":
                walk(token.content, "@font-face src" if context == "font-face" else where)
                context = None
            elif kind in ("() block", "[] block"):
                walk(token.content, where)

    import tinycss2   # here, not at the top: `check` loads this module for its checksums only
    walk(tinycss2.parse_component_value_list(css, skip_comments=True), "url()")
    return refs


_CANDIDATES = (".//*[@src or @srcset or @poster or @style or @data or @background or self::image or self::use"
               " or self::feimage or self::link or self::meta or self::style]")


def _references(html) -> list[tuple[str, str]]:
    """(url, where in the page) of every image reference in an HTML document (text or parsed tree)."""
    from ..htmltree import parse
    soup = parse(html) if isinstance(html, (str, bytes)) else html
    refs: list[tuple[str, str]] = []
    # Only elements that can refer to an image at all (a tenth of a page's elements), picked by libxml2.
    for tag in soup.select(_CANDIDATES):
        name = tag.name
        if name in ("img", "input", "embed") and tag.get("src"):
            refs.append((tag["src"], f"<{name} src>"))
        if name in ("img", "source") and tag.get("srcset"):
            refs += [(u, f"<{name} srcset>") for u in _srcset_urls(tag["srcset"])]
        if name in ("image", "use", "feimage"):
            for attr in ("href", "xlink:href"):
                if tag.get(attr):
                    refs.append((tag[attr], f"<svg {name}>"))
        if name == "video" and tag.get("poster"):
            refs.append((tag["poster"], "<video poster>"))
        if name in ("video", "source", "audio", "track") and tag.get("src"):
            refs.append((tag["src"], f"<{name} src>"))
        if tag.get("background"):
            refs.append((tag["background"], f"<{name} background>"))
        if name == "link" and tag.get("href"):
            rel = " ".join(tag.get("rel") or []).lower()
            if "stylesheet" in rel.split():
                refs.append((tag["href"], '<link rel="stylesheet">'))
            elif "icon" in rel or "image_src" in rel or (tag.get("as") or "").lower() == "image":
                refs.append((tag["href"], f'<link rel="{rel}">'))
        if name == "meta" and tag.get("content"):
            key = (tag.get("property") or tag.get("name") or "").lower()
            if key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "msapplication-tileimage"):
                refs.append((tag["content"], f'<meta {key}>'))
        if tag.get("style"):
            refs += [(url, "style-Attribut" if kind == "url()" else f"style-Attribut, {kind}")
                     for url, kind in css_references(tag["style"])]
        if name == "style" and tag.string:
            refs += [(url, "<style>" if kind == "url()" else f"<style>, {kind}") for url, kind in css_references(tag.string)]
        if name == "object" and tag.get("data"):
            refs.append((tag["data"], "<object data>"))
    return refs


def _report(where: str, message: str, hint: str = "") -> DataError:
    return DataError(where, None, None, message, hint)


_FIX = ("Legen Sie das Bild mit Einwilligung („<Dateiname>.consent.yml“ daneben; ohne Menschen: "
        "„persons: none“, siehe docs/anleitung.md, Abschnitt 4) in content/ oder media/ ab, oder entfernen Sie es "
        "(aus content/, dem Theme-Ordner „custom_dir“ oder der Plugin-Einstellung, die es einfügt).")


def _unapproved(rel: str, kind: Kind) -> str:
    suffix = Path(rel).suffix.lower()
    disguise = "" if kind.named_so(rel) else \
        f"; der Dateiname („{suffix or 'ohne Endung'}“) ändert daran nichts"
    return f"am Inhalt erkannt: {kind.label}{disguise}"


@lru_cache(maxsize=65536)
def _site_rel(target: str, site_dir: str) -> str | None:
    """The site path of an address's file (links followed), or None when it lies outside the site.
    Cached: every page of a language names the same stylesheets, icons and logos."""
    try:
        return Path(target).resolve().relative_to(Path(site_dir).resolve()).as_posix()
    except ValueError:
        return None


def _check_ref(url: str, base: Path, where: str, site_dir: Path, allowed: dict[str, str],
               seen: set[str] | None = None) -> list[DataError]:
    """Problems of one address used in a page or stylesheet; a stylesheet it loads is read as well."""
    url = url.strip()
    if not url or url.startswith("#"):
        return []
    if url.lower().startswith("data:"):
        problem = _data_uri_problem(url)
        return [_report(where, f"Bild-Verweis abgelehnt: {problem}.")] if problem else []
    parts = urlsplit(url)
    loads = _IMPORT in where or "stylesheet" in where or "@font-face" in where   # not a picture, but fetched
    if parts.scheme in ("http", "https") or url.startswith("//"):
        if loads:
            return [_report(where, f"Datei von einem fremden Server ({parts.netloc or url}): abgelehnt – es würde "
                                   "Daten der Besucher weitergeben. Legen Sie die Datei ins Projekt.")]
        return [_report(where, f"Bild von einem fremden Server ({parts.netloc or url}): abgelehnt – es würde Daten "
                               "der Besucher weitergeben und hat keine Einwilligung. Legen Sie das Bild mit "
                               "Einwilligung ins Projekt.")]
    if parts.scheme:
        return [_report(where, f"Bild-Verweis „{url[:60]}“ ist nicht erlaubt.")]
    if not parts.path:
        return []
    target = os.path.join(site_dir, unquote(parts.path).lstrip("/")) if parts.path.startswith("/") else \
        os.path.join(base, unquote(parts.path))
    rel = _site_rel(os.path.normpath(target), str(site_dir))
    if rel is None:
        return [_report(where, f"Bild-Verweis „{url}“ zeigt aus der Website hinaus.")]
    if rel in allowed:
        return []
    target = Path(target)
    if not target.is_file():
        # Nothing there, nothing shown; but an image address that leads nowhere is refused as before.
        if Path(rel).suffix.lower() in _NOT_IMAGES:
            return []
        return [_report(where, f"verweist auf „{rel}“, das kein freigegebenes Bild ist (keine gültige Einwilligung).")]
    kind = classify(target)
    if kind.image:
        return [_report(where, f"verweist auf „{rel}“, ein Bild ohne gültige Einwilligung ({_unapproved(rel, kind)}).",
                        _FIX)]
    if loads and "@font-face" not in where and target.suffix.lower() != ".css":
        # A stylesheet under another name is not among the site's *.css files: read it here.
        return _check_stylesheet(target, site_dir, allowed, seen if seen is not None else set())
    return []


# css_references of stylesheets by their text's digest: the same text has the same references, and the
# theme's stylesheet takes a tenth of a second. Filled beforehand (``parse_stylesheets``, in the helper)
# or by the last build of this process (`mkdocs serve` rebuilds on every save); what a build did not
# use is dropped at its end (_USED).
_PARSED: dict[bytes, list[tuple[str, str]]] = {}
_USED: set[bytes] = set()


def _text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _stylesheet_references(path: Path) -> tuple[bytes, list[tuple[str, str]]]:
    """(digest of its text, css_references) of a stylesheet; parsed only if its text is new."""
    text = path.read_text(encoding="utf-8", errors="replace")
    digest = _text_digest(text)
    if digest not in _PARSED:
        _PARSED[digest] = css_references(text)
    return digest, _PARSED[digest]


def parse_stylesheets(site_dir: Path) -> dict[bytes, list[tuple[str, str]]]:
    """The references of every stylesheet written so far, by its text's digest (for ``check_files``)."""
    return dict(_stylesheet_references(path) for path in site_dir.rglob("*.css") if path.is_file())


def parsed_beforehand(parsed: dict[bytes, list[tuple[str, str]]]) -> None:
    """What ``parse_stylesheets`` found, for the next ``check_files``: a stylesheet whose text is
    unchanged is not parsed again."""
    _PARSED.update(parsed)


def _check_stylesheet(path: Path, site_dir: Path, allowed: dict[str, str], seen: set[str]) -> list[DataError]:
    rel = path.relative_to(site_dir).as_posix()
    if rel in seen:
        return []
    seen.add(rel)
    errors: list[DataError] = []
    digest, references = _stylesheet_references(path)
    _USED.add(digest)
    for url, kind in references:
        errors += _check_ref(url, path.parent, f"site/{rel} (CSS {kind})", site_dir, allowed, seen)
    return errors


def check_files(site_dir: Path, allowed: dict[str, str]) -> list[DataError]:
    """Every file of the site that is an image by its bytes (whatever its name), and the references
    in its stylesheets (and in the stylesheets they import)."""
    errors: list[DataError] = []
    stylesheets: list[Path] = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site_dir).as_posix()
        if path.suffix.lower() == ".css":
            stylesheets.append(path)
        kind = classify(path)
        if not kind.image:
            continue
        expected = allowed.get(rel)
        if expected is None:
            errors.append(_report(f"site/{rel}", f"Bild ohne gültige Einwilligung in der fertigen Website "
                                                 f"({_unapproved(rel, kind)}).", _FIX))
        elif sha256(path.read_bytes()) != expected:
            errors.append(_report(f"site/{rel}", "Bild wurde nach der Prüfung verändert (Prüfsumme stimmt nicht)."))
    seen: set[str] = set()
    for path in stylesheets:
        errors += _check_stylesheet(path, site_dir, allowed, seen)
    # The next build (mkdocs serve) writes a new site: its links are resolved afresh; of the stylesheets,
    # only those of this site are kept.
    _site_rel.cache_clear()
    for digest in set(_PARSED) - _USED:
        del _PARSED[digest]
    _USED.clear()
    return errors


def check_html(html, rel: str, site_dir: Path, allowed: dict[str, str]) -> list[DataError]:
    """Image references of one built page (text or parsed tree)."""
    base = (site_dir / rel).parent
    return [e for url, kind in _references(html) for e in _check_ref(url, base, f"site/{rel} ({kind})", site_dir, allowed)]
