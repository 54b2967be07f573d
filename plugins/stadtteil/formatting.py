"""Dates, times and texts for display, in each site language (Babel for the local formats), and the
names of pages and files (addresses, slugs)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from functools import lru_cache

from babel.dates import format_date, format_skeleton
from markupsafe import Markup, escape
from babel import Locale

from .i18n import is_german
from .models import WEEKDAYS, LANGUAGES



def locale(lang: str) -> str:
    from .i18n import language
    return language(lang).babel


def text(value: dict[str, str] | None, lang: str = "de") -> str:
    """The text in ``lang``, falling back to German (``marked`` says so in the page)."""
    if not value:
        return ""
    return value.get(lang) or value["de"]


def is_fallback(value: dict[str, str] | None, lang: str) -> bool:
    """True when a reader of ``lang`` gets the German text instead (Leichte Sprache is German too)."""
    return bool(value) and not is_german(lang) and not value.get(lang)


def shorten(value: str, limit: int | None) -> str:
    """At most ``limit`` characters, cut at a word and ended with „…“ (the whole text when it fits)."""
    if limit is None or len(value) <= limit:
        return value
    cut = value[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:–-") + "…"


def marked(value: dict[str, str] | None, lang: str = "de", limit: int | None = None) -> Markup:
    """Inline text for HTML: a German fallback carries lang="de", so screen readers switch voice, and dir="ltr",
    so that inside Arabic it stays one isolated run („!Gemeinsam“ would otherwise lose its „!“ to the far end).

    ``limit`` shortens the text itself, before the markup is added: cutting the marked-up result would
    cut off the closing tag."""
    if is_fallback(value, lang):
        return Markup('<span lang="de" dir="ltr">%s</span>') % shorten(value["de"], limit)
    return escape(shorten(text(value, lang), limit))


def marked_block(value: dict[str, str] | None, lang: str = "de") -> Markup:
    """Markdown text (descriptions): a German fallback becomes a block with lang="de" and a note."""
    if not is_fallback(value, lang):
        return Markup(text(value, lang))
    from .i18n import gettext
    note = gettext(lang, "Dieser Text ist noch nicht übersetzt. Hier steht er auf Deutsch.")
    return Markup('<p class="st-untranslated">%s</p>\n\n<div lang="de" dir="ltr" markdown="1">\n\n' % escape(note)
                  + value["de"] + "\n\n</div>")


# Babel parses its locale data and the pattern again on every call; the pages, calendars and
# schema.org blocks of six languages ask for the same few hundred dates thousands of times.
# The results depend on the arguments alone, so they are kept (bounded: `mkdocs serve` runs for days).
@lru_cache(maxsize=8192)
def long_date(day: dt.date, lang: str = "de") -> str:
    """„Donnerstag, 26. November 2026“ (the local full date in other languages)."""
    if is_german(lang):
        return format_date(day, "EEEE, d. MMMM y", locale="de")
    return format_date(day, "full", locale=locale(lang))


@lru_cache(maxsize=8192)
def day_month(day: dt.date, lang: str = "de") -> str:
    """„Do., 26. November“."""
    if is_german(lang):
        return format_date(day, "EEE, d. MMMM", locale="de")
    return format_skeleton("MMMMEd", day, locale=locale(lang))


@lru_cache(maxsize=8192)
def plain_date(day: dt.date, lang: str = "de") -> str:
    """„26. November 2026“."""
    if is_german(lang):
        return format_date(day, "d. MMMM y", locale="de")
    return format_date(day, "long", locale=locale(lang))


@lru_cache(maxsize=8192)
def short_date(day: dt.date, lang: str = "de") -> str:
    """„26.11.2026“ and the local equivalent."""
    return format_date(day, "dd.MM.y" if is_german(lang) else "short", locale=locale(lang))


@lru_cache(maxsize=8192)
def weekday_name(code: str, lang: str = "de") -> str:
    return Locale.parse(locale(lang)).days["format"]["wide"][WEEKDAYS.index(code)]


@lru_cache(maxsize=8192)
def language_name(code: str, lang: str = "de") -> str:
    return Locale.parse(locale(lang)).languages.get(code, code)


@lru_cache(maxsize=8192)
def hhmm(t: dt.time, lang: str = "de") -> str:
    if is_german(lang):
        return f"{t.hour}:{t.minute:02d}"
    return format_skeleton("Hm", t, locale=locale(lang))


def page_url(src: str) -> str:
    """The directory URL a source page gets: ``angebote/naehtreff.md`` → ``angebote/naehtreff/``."""
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def rel_url(from_src: str, to_src: str, anchor: str = "") -> str:
    """Relative link between two pages, so the site works under any base path and from disk."""
    here, there = page_url(from_src), page_url(to_src)
    rel = posixpath.relpath(there or ".", here or ".")
    rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def rel_file(from_src: str, path: str) -> str:
    """Relative link from a page to a file in the site (a calendar, a download)."""
    return posixpath.relpath(path, page_url(from_src) or ".")


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "name") -> str:
    """The one rule for a name in an address or a file name: lower-case a–z, digits and single hyphens.
    Umlauts become ae/oe/ue/ss, other accents are dropped (é → e), every other run of characters is
    one hyphen; ``fallback`` when nothing is left (a name in another script). Used for the name staff
    are told to give a file (loader.py) and for the published names of photos (images/photos.py)."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_SLUG.sub("-", text).strip("-") or fallback
