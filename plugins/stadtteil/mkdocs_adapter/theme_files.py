"""What goes with Material: the project's theme overrides, the images Material ships, and the mending
of Material's markup and script in the built pages.

Here, with the adapter, because they are Material's: another engine brings its own theme.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from .. import i18n
from ..csp import add_meta as add_csp
from ..template_cache import TEMPLATES

# The project's templates, styles, scripts and fonts, right above Material's (see plugin.on_config).
THEME_DIR = Path(__file__).resolve().parent / "theme"
THEME_IMAGES_FILE = Path(__file__).resolve().parent / "theme-images.json"


def theme_images() -> dict[str, str]:
    """Site path → sha256 of the theme's own images (Material's favicon, …): a fixed list."""
    return json.loads(THEME_IMAGES_FILE.read_text(encoding="utf-8"))


def material_templates() -> str:
    import material
    return str(Path(material.__file__).parent / "templates")


def install_theme(config) -> None:
    """The project's theme (funding bar, EU strip, legal links, styles) ships with the package and sits
    right above Material; a site's own `custom_dir` can still override single templates."""
    position = 1 if config.theme.custom_dir else 0
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(position, str(THEME_DIR))
    # Material's and mkdocs' own templates are installed software: they may be kept compiled between
    # builds (THEME_DIR is in the package). A site's custom_dir is its input: compiled in memory only.
    import mkdocs
    TEMPLATES.trust(material_templates())
    TEMPLATES.trust(str(Path(mkdocs.__file__).parent / "templates"))
    for css in ("assets/stadtteil.css",):
        if css not in [str(c) for c in config.extra_css]:
            config.extra_css.insert(0, css)
    for js in ("assets/menu.js", "assets/termine.js", "assets/verlassen.js"):
        if js not in [str(getattr(j, "path", j)) for j in config.extra_javascript]:
            config.extra_javascript.append(js)
    # To find the theme's assets, mkdocs lists every file of the theme folders (14 500: Material's
    # icons) and matches each against its patterns, once per language: the same list every time.
    # The list is made once per build (forget_theme_listing starts a new one); the files are found
    # and added by mkdocs as before.
    theme = config.theme
    make_env = getattr(theme.get_env, "__wrapped__", theme.get_env)

    def get_env():
        env = make_env()
        list_all = env.list_templates

        def list_templates(extensions=None, filter_func=None):
            # mkdocs-static-i18n adds its sitemap folder again for each language; a folder listed
            # twice adds no file (the loader returns a set), so it is counted once.
            key = (tuple(dict.fromkeys(theme.dirs)), tuple(extensions or ()), getattr(filter_func, "__code__", filter_func),
                   tuple(sorted(theme.static_templates)))
            if key not in _THEME_LISTING:
                _THEME_LISTING[key] = list_all(extensions=extensions, filter_func=filter_func)
            return list(_THEME_LISTING[key])

        env.list_templates = list_templates
        return env

    get_env.__wrapped__ = make_env
    theme.get_env = get_env


_THEME_LISTING: dict[tuple, list[str]] = {}


def forget_theme_listing() -> None:
    """A new build: theme files may have been added or removed since the last one (`mkdocs serve`)."""
    _THEME_LISTING.clear()


def sign_language_icon() -> str:
    """Material's sign-language icon (SVG), for the start page's video block."""
    return (Path(material_templates()) / ".icons" / "material" / "sign-language.svg").read_text()


def finish_page(html: str, lang: str = "de") -> str:
    """Last touches on every rendered page: valid theme markup, direction, then the page's own CSP."""
    return add_csp(set_direction(fix_theme_markup(html, lang), i18n.language(lang)))


def set_direction(html: str, lang: i18n.Language) -> str:
    """`<html>` gets `dir` too: Material sets it only on `<body>`, so the document's own direction
    (and that of everything outside the body) would stay left to right for Arabic."""
    return re.sub(r'<html lang="[^"]*"', f'<html lang="{lang.html_lang}" dir="{lang.direction}"', html, count=1)


def mark_german_links(html: str, url: str, german: set[str]) -> str:
    """Navigation entries of pages shown in German (``german``: their addresses), and a German page's
    table of contents, are German text on another language's page: they get lang="de" (WCAG 3.1.2)."""
    base = url if url.endswith("/") or not url else posixpath.dirname(url) + "/"

    def link(match: re.Match) -> str:
        href = match.group(1)
        if href.startswith("#"):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(base, href)).lstrip("./") + "/"
        return match.group(0)[:-1] + ' lang="de">' if target in german else match.group(0)

    html = re.sub(r'<a href="([^"#:]*)" class="md-nav__link[^"]*">', link, html)
    if url in german:
        html = html.replace('<nav class="md-nav md-nav--secondary"',
                            '<nav lang="de" dir="ltr" class="md-nav md-nav--secondary"')
    return html


def fix_theme_markup(html: str, lang: str = "de") -> str:
    html = re.sub(r'(<input class="md-(?:toggle|nav__toggle)[^>]*type="checkbox"[^>]*?) autocomplete="off"', r"\1", html)
    html = html.replace(' tabindex=""', "")
    if 'id="__toc"' not in html:
        html = html.replace(' for="__toc"', "")
    # The menu button is a <label>; make it reachable and operable by keyboard (assets/menu.js).
    # (A label tied to a control may carry no role or aria-*: its name is visually hidden text.)
    html = html.replace('<label class="md-header__button md-icon" for="__drawer">',
                        '<label class="md-header__button md-icon" for="__drawer" tabindex="0">'
                        '<span class="st-sr-only">' + i18n.gettext(lang, "Menü") + '</span>')
    return html


# Material's script fetches `sitemap.xml` beside every `<link rel="alternate">` of a page, to send its own
# language selector to the same page. Our pages name the same page in every language already (head,
# switcher, language bar), so those are six needless requests per page, all 404s (prepaid data, server
# logs) and, on a preview, requests to the production host; the feeds every page names in its head
# (calendars/discovery.py: calendars, Atom) would add more, on one-language sites too. The call that starts it is
# taken out.
_ALTERNATE_SETUP = re.compile(r'function (\w+)\(\{document\$:\w+\}\)\{let \w+=new Map;\w+\.pipe\('
                              r'\w+\(\(\)=>\w+\("link\[rel=alternate\]"\)\)')


def quiet_material_alternates(site_dir: Path) -> bool:
    """Remove the sitemap fetching of Material's bundle in the built site; False if it was not found."""
    found = False
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.min.js"):
        js = bundle.read_text(encoding="utf-8")
        match = _ALTERNATE_SETUP.search(js)
        if match is None:
            continue
        call = re.compile(r"(?<![\w.])" + re.escape(match.group(1)) + r"\(\{document\$:\w+\}\);")
        js, count = call.subn("", js, count=1)
        if count:
            bundle.write_text(js, encoding="utf-8")
            found = True
    return found
