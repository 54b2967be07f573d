"""Staff text is text: HTML that could run code or send residents elsewhere is refused.

Staff write Markdown (descriptions in YAML, pages in `content/`), and Markdown allows raw HTML. The
site's own blocks use that (tables, `<picture>`, `<details>`, the timetable), staff may too; what
they may not write is anything that runs code, loads other pages, or leaves the site without a click.

Two layers:
- ``problems(html)`` names each dangerous thing (element, event handler, script URL) in German, so
  staff learn what is not allowed; the build stops with every finding at once.
- ``unexpected(html)`` is the belt to those braces: nh3 (ammonia, a well-kept allow-list sanitiser)
  cleans the HTML with the site's allow-list and with an allow-list of everything present; the two
  results are serialised by the same code, so any difference is something the allow-list removed.
  The page is refused then, rather than published with nh3's re-serialised markup: the HTML that
  passes stays byte for byte what Python-Markdown made.

SVG graphics are published as files and run their own scripts when opened: ``svg_problems``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as html_escape
from html.parser import HTMLParser
from typing import Callable

import nh3

from .errors import DataError

# Elements staff content may not contain, and why (the reason is part of the message).
FORBIDDEN = {
    "script": "Skripte dürfen nicht in Seiten stehen",
    "noscript": "Skript-Ersatz gehört nicht in Seiten",
    "iframe": "fremde Seiten dürfen nicht eingebettet werden",
    "frame": "fremde Seiten dürfen nicht eingebettet werden",
    "frameset": "fremde Seiten dürfen nicht eingebettet werden",
    "object": "eingebettete Programme und fremde Inhalte sind nicht erlaubt",
    "embed": "eingebettete Programme und fremde Inhalte sind nicht erlaubt",
    "applet": "eingebettete Programme sind nicht erlaubt",
    "meta": "„meta“ kann Besucherinnen und Besucher auf eine andere Website umleiten",
    "base": "„base“ verändert die Ziele aller Links der Seite",
    "link": "„link“ lädt fremde Dateien in die Seite",
    "form": "Formulare können Eingaben an fremde Server schicken",
    "input": "Eingabefelder gehören in kein Seiten-Formular",
    "button": "Schaltflächen gehören in kein Seiten-Formular",
    "textarea": "Eingabefelder gehören in kein Seiten-Formular",
    "select": "Eingabefelder gehören in kein Seiten-Formular",
    # Styles come from the theme: a page's own could hide the funding notice or imitate the site.
    "style": "die Gestaltung kommt aus dem Theme (eigene Styles könnten den Förderhinweis verdecken)",
    "template": "unsichtbare Vorlagen sind nicht erlaubt",
    "math": "MathML ist nicht erlaubt",
}
# Attributes whose value is an address a browser follows or loads.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background",
                  "srcset", "ping", "longdesc", "manifest"}

# The allow-list: what Markdown makes, what the site's own blocks and templates put in pages
# (cards, timetable, pictures, the sign-language video, the funding notice), and plain text markup.
TAGS = nh3.ALLOWED_TAGS | {
    "picture", "source", "video", "track", "audio", "address", "section", "main", "mark", "small",
    "details", "summary", "figure", "figcaption", "time", "abbr", "bdi", "bdo", "kbd", "sup", "sub",
    "label", "caption", "thead", "tbody", "tfoot", "th", "td", "tr", "col", "colgroup",
    "svg", "path",      # icons (the sign-language block): drawing only, no <use>, <image> or <script>
}
# `style` attributes are let through: the page's CSP (style-src 'self') keeps browsers from applying
# them, and the output check (checks/output.py) names any url() in them with its own message.
_GENERIC = {"class", "id", "lang", "dir", "title", "role", "hidden", "tabindex", "translate", "style"}
ATTRIBUTES: dict[str, set[str]] = {"*": _GENERIC}
ATTRIBUTES.update({
    "a": {"href", "hreflang", "download", "rel", "type", "aria-current"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "fetchpriority"},
    "source": {"src", "srcset", "sizes", "type", "media", "width", "height"},
    "video": {"src", "controls", "preload", "poster", "width", "height", "playsinline", "muted"},
    "audio": {"src", "controls", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "time": {"datetime"}, "data": {"value"}, "abbr": {"title"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "th": {"scope", "colspan", "rowspan", "headers", "abbr"}, "td": {"colspan", "rowspan", "headers"},
    "svg": {"xmlns", "viewBox", "viewbox", "width", "height", "fill", "focusable"}, "path": {"d", "fill"},
    "col": {"span"}, "colgroup": {"span"}, "label": {"for"}, "details": {"open"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
})
PREFIXES = {"aria-", "data-"}
_ALL_ATTRIBUTES = set().union(*ATTRIBUTES.values())
# data: is left to the first layer, which refuses it except on images; images with data: are the
# consent check's business, which names them with its own message.
SCHEMES = {"http", "https", "mailto", "tel", "webcal", "data"}


@dataclass(frozen=True)
class Problem:
    message: str
    token: str      # text to look for in the staff's source, to name the line


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Problem] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.schemes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in FORBIDDEN:
            self.found.append(Problem(f"Das HTML-Element <{tag}> ist nicht erlaubt: {FORBIDDEN[tag]}.", f"<{tag}"))
        for name, value in attrs:
            self.attributes.add(name)
            if name.startswith("on"):
                self.found.append(Problem(f"Das Attribut „{name}“ (an <{tag}>) startet ein Skript; "
                                          "Ereignis-Attribute sind nicht erlaubt.", name))
            elif name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme:
                    self.schemes.add(scheme)
                if scheme in ("javascript", "vbscript"):
                    self.found.append(Problem(f"Der Link „{_short(value)}“ (an <{tag}>) startet ein Skript; "
                                              f"„{scheme}:“-Adressen sind nicht erlaubt.", f"{scheme}:"))
                elif scheme == "data" and not (tag in ("img", "source") and name in ("src", "srcset")):
                    # data: images are the consent check's business (it names them); anything else
                    # with data: is a whole document or script in disguise.
                    self.found.append(Problem(f"Die Adresse „{_short(value)}“ (an <{tag}>) enthält eine ganze "
                                              "Datei (data:); solche Adressen sind nicht erlaubt.", "data:"))

    handle_startendtag = handle_starttag


def url_scheme(value: str) -> str:
    """The scheme a browser sees: it ignores whitespace and control characters inside it ("java\tscript:")."""
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", compact)
    return match.group(1) if match else ""


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def problems(html: str) -> list[Problem]:
    """Everything dangerous in rendered staff HTML, each once, in the order found."""
    return list(dict.fromkeys(_scan(html).found))


def unexpected(html: str, scanner: _Scanner | None = None) -> Problem | None:
    """What the allow-list would remove from ``html``, or None when it keeps everything."""
    if "<" not in html:
        return None
    scanner = scanner or _scan(html)
    strict = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, generic_attribute_prefixes=PREFIXES,
                       url_schemes=SCHEMES, link_rel=None, strip_comments=False)
    everything = {"*": scanner.attributes | _ALL_ATTRIBUTES}
    loose = nh3.clean(html, tags=scanner.tags | TAGS, clean_content_tags=set(), attributes=everything,
                      generic_attribute_prefixes=PREFIXES, url_schemes=SCHEMES | scanner.schemes,
                      link_rel=None, strip_comments=False)
    if strict == loose:
        return None
    index = next((i for i, (a, b) in enumerate(zip(strict, loose)) if a != b), min(len(strict), len(loose)))
    start = loose.rfind("<", 0, index + 1)
    # What was removed starts at the difference: a tag ("<blink") or an attribute ("style").
    removed = re.match(r"\s*(<?[\w:-]+)", loose[index:])
    return Problem(f"Dieses HTML ist auf der Website nicht erlaubt: „{_short(loose[max(start, 0): index + 40], 80)}“.",
                   removed.group(1) if removed else "")


def check(html: str) -> list[Problem]:
    """Both layers: the named problems, or (when there are none) what the allow-list objects to."""
    if "<" not in html:
        return []
    scanner = _scan(html)
    if scanner.found:
        return list(dict.fromkeys(scanner.found))
    rest = unexpected(html, scanner)
    return [rest] if rest is not None else []


HINT = ("Schreiben Sie den Text ohne dieses HTML (Markdown für Fett, Listen und Links genügt); "
        "für Besonderes fragen Sie die Betreuung der Website.")


def line_of(source: str, token: str, start: int = 1) -> int | None:
    """The line (counted from ``start``) where ``token`` first appears in the staff's source."""
    if not token:
        return None
    index = source.lower().find(token.lower())
    return None if index < 0 else start + source.count("\n", 0, index)


# --- SVG graphics --------------------------------------------------------------------------------

_SVG_CHECKS = (
    (re.compile(r"<\s*(?:\w+:)?script\b", re.I), "ein Skript (<script>)"),
    (re.compile(r"<\s*(?:\w+:)?foreignObject\b", re.I), "eingebettetes HTML (<foreignObject>)"),
    (re.compile(r"""\son[a-z]+\s*=""", re.I), "ein Ereignis-Attribut (on…), das ein Skript startet"),
    (re.compile(r"""(?:xlink:)?href\s*=\s*["']\s*(?!#)[^"']""", re.I),
     "einen Verweis auf eine andere Datei oder Website (href)"),
    (re.compile(r"@import", re.I), "einen Stil-Import (@import)"),
    (re.compile(r"""url\(\s*["']?\s*(?!#)""", re.I), "eine fremde Adresse in den Stilen (url(…))"),
    (re.compile(r"<!ENTITY", re.I), "eine Entity-Definition (<!ENTITY>)"),
    (re.compile(r"javascript:", re.I), "eine Skript-Adresse (javascript:)"),
)


SVG_HINT = ("Speichern Sie die Grafik im Zeichenprogramm als „einfaches SVG“ (ohne Skripte, Links und "
            "eingebettete Dateien) und tragen Sie die neue Prüfsumme in die .consent.yml ein.")


def svg_problems(data: bytes) -> list[str]:
    """What makes an SVG file unsafe to publish: it is opened as a document of the site, so it may
    contain only drawing. References inside the file (``href="#id"``, ``url(#gradient)``) are fine."""
    text = data.decode("utf-8", errors="replace")
    return [what for pattern, what in _SVG_CHECKS if pattern.search(text)]


# --- where staff text comes in -------------------------------------------------------------------

def escape_meta(meta: dict) -> None:
    """A page's front-matter title and description are text, but themes write them into the HTML as
    they are (the <title>, the header, the navigation, <meta name="description">): they are escaped
    once, here, so „Eltern <3 Kinder“ shows as written and a <script> in a title is text."""
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and not isinstance(value, _Escaped):
            # Themes quote attributes with ": an apostrophe stays as typed.
            meta[key] = _Escaped(html_escape(value, quote=False).replace('"', "&quot;"))


class _Escaped(str):
    """A text escaped already (the adapter may see a page's metadata twice)."""


def page_problems(html: str, source: str, file: str) -> list[DataError]:
    """The problems of a hand-written page's rendered HTML, each with the line of the staff's file."""
    return [DataError(file, line_of(source, p.token), None, p.message, HINT) for p in check(html)]


_MAYBE_HTML = re.compile(r"[<:{&]")
MARKDOWN_FIELDS = {"offers": ("description",), "events": ("description",), "partners": ("description",)}


def check_data(project, render: Callable[[str], str]) -> list[DataError]:
    """Markdown fields of the data files, rendered as their pages will render them, then checked."""
    errors: list[DataError] = []
    for (kind, item_id), doc in project.sources.items():
        records = getattr(project, kind, None) if kind in MARKDOWN_FIELDS else None
        record = records.get(item_id) if records else None
        for name in MARKDOWN_FIELDS.get(kind, ()):
            value = getattr(record, name, None) if record is not None else None
            for lang, text in (value or {}).items():
                if not text or not _MAYBE_HTML.search(text):
                    continue    # no tag, no scheme, no attribute list, no character reference: nothing to find
                path = (name, lang) if (name, lang) in doc.positions else (name,)
                line, _ = doc.key_line(path)
                for problem in check(render(text)):
                    offset = line_of(text, problem.token, 0) if problem.token else None
                    # A text of several lines is a block („|“): it starts on the line after its key.
                    at = line if offset is None else line + offset + (1 if "\n" in text.rstrip("\n") else 0)
                    errors.append(DataError(doc.file, at, None, problem.message, HINT, field=".".join(path)))
    return errors
