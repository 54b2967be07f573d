"""The site's languages and its interface translations (gettext message catalogs).

Engine-agnostic. German is the source language: message ids are the German texts, so staff read
templates as they appear on the German site, and a missing translation shows German (reported by
``stadtteil translations``, refused by the tests for the four full translations).
Catalogs live in ``locales/<lang>/LC_MESSAGES/stadtteil.po`` and are read directly (no compiled
``.mo`` files in the repository: one source of truth, nothing to forget to compile).
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import sys
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .models import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "stadtteil"


@dataclass(frozen=True)
class Language:
    code: str          # as in the data files and the URL: de-LS
    name: str          # in its own language, for the switcher
    html_lang: str     # BCP 47 for `lang` (Leichte Sprache is German: lang="de")
    direction: str     # ltr | rtl
    babel: str         # locale for dates and language names (British English: dates as in Europe)

    @property
    def german(self) -> bool:
        """Its text is German (Leichte Sprache is German too): no German fallback to mark."""
        return self.code in GERMAN

    @property
    def hreflang(self) -> str:
        """For `<link rel="alternate">` and the sitemap: Leichte Sprache as a private-use subtag."""
        return "de-x-ls" if self.code == "de-LS" else self.html_lang

    @property
    def prefix(self) -> str:
        """Where its pages live: the default language at the root, the others in a folder."""
        return "" if self.code == DEFAULT else f"{self.code}/"

    def unprefixed(self, url: str) -> str:
        """A page address of this language without its folder: the same page's address in German."""
        return url[len(self.prefix):] if self.prefix and url.startswith(self.prefix) else url


DEFAULT = "de"
# Languages whose text is German: a German text shown there is no fallback.
GERMAN = ("de", "de-LS")


def is_german(code: str) -> bool:
    return code in GERMAN

_TABLE = {
    "de": Language("de", "Deutsch", "de", "ltr", "de"),
    "en": Language("en", "English", "en", "ltr", "en_GB"),
    "tr": Language("tr", "Türkçe", "tr", "ltr", "tr"),
    "ar": Language("ar", "العربية", "ar", "rtl", "ar"),
    "uk": Language("uk", "Українська", "uk", "ltr", "uk"),
    "de-LS": Language("de-LS", "Leichte Sprache", "de", "ltr", "de"),
}
assert tuple(_TABLE) == LANGUAGES
# Languages whose interface must be complete: a gap would put German text on their pages.
FULL = ("en", "tr", "ar", "uk")


def language(code: str) -> Language:
    return _TABLE[code]


def languages() -> list[Language]:
    return list(_TABLE.values())


def catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(code: str) -> _gettext.NullTranslations:
    """The catalog of a language; German (the message ids themselves) when it has none."""
    path = catalog_path(code)
    if code == DEFAULT or not path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with path.open("rb") as handle, contextlib.redirect_stdout(sys.stderr):
        catalog = read_po(handle, locale=language(code).babel)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(code: str, message: str) -> str:
    return translations(code).gettext(message)


def ngettext(code: str, singular: str, plural: str, n: int) -> str:
    return translations(code).ngettext(singular, plural, n)


def translator(code: str):
    """``_`` for Python code that renders for one language: ``_("Anmeldung")``."""
    return translations(code).gettext


# --- catalogs: extraction and the translation report -------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parent
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "trim_blocks": "true",
                  "lstrip_blocks": "true"}
# Where interface text is: the page templates, the theme (``st_t`` there) and the Python core.
_TEMPLATES = [("templates/**.j2", "jinja2.ext:babel_extract"), ("mkdocs_adapter/theme/**.html", "jinja2.ext:babel_extract")]
# In templates gettext/ngettext take the message first ({% trans %} compiles to them); in Python the
# package's own i18n.gettext(lang, message) takes the language first.
_TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "st_t": None}
_PYTHON_KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)}


def extract():
    """A catalog of every interface text in the package (the template for translators)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    catalog = Catalog(project="stadtteil", domain=DOMAIN, charset="utf-8", fuzzy=False)
    options = {"templates/**.j2": _JINJA_OPTIONS, "mkdocs_adapter/theme/**.html": _JINJA_OPTIONS}
    found = list(extract_from_dir(str(PACKAGE_DIR), method_map=_TEMPLATES, options_map=options,
                                  keywords=_TEMPLATE_KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True))
    found += extract_from_dir(str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords=_PYTHON_KEYWORDS,
                              comment_tags=("Translators:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogs() -> dict[str, int]:
    """Write ``locales/stadtteil.pot`` and merge it into every language's catalog; new texts stay empty."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po
    template = extract()
    LOCALES_DIR.mkdir(exist_ok=True)
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, template, width=100, omit_header=True, sort_output=True)
    missing = {}
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = catalog_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language(lang).babel)
        else:
            catalog = Catalog(locale=language(lang).babel, domain=DOMAIN, charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as out:
            write_po(out, catalog, width=100, omit_header=True, sort_output=True, include_previous=False)
        missing[lang] = sum(1 for m in catalog if m.id and not m.string)
    translations.cache_clear()
    return missing


def missing_messages(lang: str) -> list[str]:
    """Interface texts of the package that ``lang`` has no translation for."""
    from babel.messages.pofile import read_po
    path = catalog_path(lang)
    template = extract()
    done: set = set()
    if path.exists():
        with path.open("rb") as handle, contextlib.redirect_stdout(sys.stderr):   # Babel prints its warnings
            done = {m.id for m in read_po(handle, locale=language(lang).babel)
                    if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy}
    return sorted(str(m.id) for m in template if m.id and m.id not in done)
