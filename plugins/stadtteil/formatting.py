"""Dates, times and texts for display. German for now; every function takes the language already."""

from __future__ import annotations

import datetime as dt
import posixpath

from babel.dates import format_date
from babel import Locale

from .models import WEEKDAYS, LANGUAGES

_BABEL = {"de-LS": "de"}


def locale(lang: str) -> str:
    return _BABEL.get(lang, lang)


def text(value: dict[str, str] | None, lang: str = "de") -> str:
    """The text in ``lang``, falling back to German (languages issue: mark the fallback)."""
    if not value:
        return ""
    return value.get(lang) or value["de"]


def long_date(day: dt.date, lang: str = "de") -> str:
    """„Donnerstag, 26. November 2026“."""
    return format_date(day, "EEEE, d. MMMM y", locale=locale(lang))


def day_month(day: dt.date, lang: str = "de") -> str:
    """„Do., 26. November“."""
    return format_date(day, "EEE, d. MMMM", locale=locale(lang))


def plain_date(day: dt.date, lang: str = "de") -> str:
    """„26. November 2026“."""
    return format_date(day, "d. MMMM y", locale=locale(lang))


def weekday_name(code: str, lang: str = "de") -> str:
    return Locale.parse(locale(lang)).days["format"]["wide"][WEEKDAYS.index(code)]


def language_name(code: str, lang: str = "de") -> str:
    return Locale.parse(locale(lang)).languages.get(code, code)


def hhmm(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


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


assert set(_BABEL) <= set(LANGUAGES)
