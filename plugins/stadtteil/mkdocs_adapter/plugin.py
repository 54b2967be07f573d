"""mkdocs plugin `stadtteil`: staff data in, pages out.

Event order (mkdocs calls them in this order within one build):
on_config → on_files → on_page_markdown (per page) → on_post_build. `mkdocs serve` repeats from
on_config on every change, so data is always re-read.

Languages: mkdocs-static-i18n builds the default language, then, from its on_post_build, runs one
nested build per other language into a folder (en/, tr/, …). Every event here therefore runs once
per language; data is loaded and the built site is checked once, in the outer (German) build.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from html import unescape as html_unescape
import posixpath
import re
import shutil
import stat
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from pydantic import ValidationError

from .. import funding as funding_rules
from .. import rendered
from .. import photos as photo_rules
from .. import production as production_rules
from .. import revisions
from .. import sanitize
from .. import csp
from .. import bidi
from ..filekind import is_image
from ..csp import add_meta as add_csp
from ..errors import DataErrors
from ..inputs import MAX_MARKDOWN_BYTES, site_inputs
from ..imagecheck import sha256, theme_images
from ..helper import Helper
from ..sitecheck import SiteCheck
from ..images import picture_html
from ..feeds import FeedSettings
from ..formatting import page_url, short_date
from .. import i18n
from ..loader import Project, check_calendar, load_project
from ..models import Settings
from ..pages import (BLOCKS, SEARCH, build_pages, default_pages, page_entries, render_block,
                     search_page)
from ..schedule import TZ
from .config import StadtteilConfig
from .prerender import Prerenderer

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
log = logging.getLogger("mkdocs.plugins.stadtteil")
# Notices that must be seen but must not fail a --strict build (mkdocs counts warnings of its own
# loggers): an image left out after a withdrawn consent is the system working, not a build error.
notice = logging.getLogger("stadtteil.notice")
if not notice.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("HINWEIS  -  %(message)s"))
    notice.addHandler(_handler)
    notice.setLevel(logging.INFO)
    notice.propagate = False
_MARKER = "<!-- stadtteil:{} -->"
_MD_IMAGE = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)(\{[^}]*\})?""")


def build_date(option: str | None) -> dt.date:
    """The day the pages are built for: STADTTEIL_TODAY, the `today` option, SOURCE_DATE_EPOCH, today."""
    value = os.environ.get("STADTTEIL_TODAY") or option
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PluginError(f"„today“/STADTTEIL_TODAY „{value}“ ist kein Datum (JJJJ-MM-TT).") from None
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(epoch), TZ).date()
    return dt.datetime.now(TZ).date()


def material_templates() -> str:
    import material
    return str(Path(material.__file__).parent / "templates")


def finish_page(html: str, lang: str = "de") -> str:
    """Last touches on every rendered page: valid theme markup, direction, then the page's own CSP."""
    return add_csp(set_direction(fix_theme_markup(html, lang), i18n.language(lang)))


def set_direction(html: str, lang: i18n.Language) -> str:
    """`<html>` gets `dir` too: Material sets it only on `<body>`, so the document's own direction
    (and that of everything outside the body) would stay left to right for Arabic."""
    return re.sub(r'<html lang="[^"]*"', f'<html lang="{lang.html_lang}" dir="{lang.direction}"', html, count=1)


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


def write_sitemap(site_dir: Path, site_url: str, languages: list[str]) -> None:
    """sitemap.xml with every page of every language and its alternates (hreflang), replacing the
    language plugin's, which knows only the hand-written pages."""
    import gzip
    from xml.sax.saxutils import escape as xml_escape
    prefixes = [i18n.language(code) for code in languages]
    others = tuple(p.prefix for p in prefixes if p.prefix)
    pages = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("index.html"))
    rests = [p[: -len("index.html")] for p in pages if not p.startswith(others)]
    hreflang = lambda lang: "de-x-ls" if lang.code == "de-LS" else lang.html_lang  # noqa: E731
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for rest in rests:
        variants = [(lang, site_url + lang.prefix + rest) for lang in prefixes
                    if (site_dir / lang.prefix / rest / "index.html").exists()]
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{hreflang(lang)}" href="{xml_escape(url)}"/>'
                        for lang, url in variants)
        for _, url in variants:
            lines.append(f"<url><loc>{xml_escape(url)}</loc>{links}</url>")
    lines.append("</urlset>\n")
    data = "\n".join(lines).encode("utf-8")
    (site_dir / "sitemap.xml").write_bytes(data)
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(data, mtime=0))
    for lang in prefixes:   # the language plugin leaves a partial sitemap in every language folder
        if lang.prefix:
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (site_dir / lang.prefix / name).unlink(missing_ok=True)


# Material's script fetches `sitemap.xml` beside every `<link rel="alternate">` of a page, to send its own
# language selector to the same page. Our pages name the same page in every language already (head,
# switcher, language bar), so those are six needless requests per page, all 404s (prepaid data, server
# logs) and, on a preview, requests to the production host. The call that starts it is taken out.
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


_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]*)""", re.I)

# Set by `make serve PREVIEW=…`: the preview builds only this language (and German).
PREVIEW_VARIABLE = "STADTTEIL_PREVIEW_LANGUAGE"


class StadtteilPlugin(BasePlugin[StadtteilConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.project: Project | None = None
        self.today: dt.date | None = None
        self.root: Path | None = None
        self.lang = i18n.DEFAULT
        self.not_found: dict[str, str] = {}

    def _i18n(self, config: MkDocsConfig):
        """The language plugin, when the site has one (a site may be German only)."""
        return config.plugins.get("i18n")

    def _nested(self, config: MkDocsConfig) -> bool:
        """True during the language plugin's builds of the other languages."""
        plugin = self._i18n(config)
        return bool(plugin is not None and plugin.building)

    # on_config, first of all plugins: staff mistakes must stop the build before mkdocs cleans
    # site_dir (it does so right after on_pre_build), so a site built earlier stays untouched.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The project's theme (funding bar, EU strip, legal links, styles) ships with the package and
        # sits right above Material; a site's own `custom_dir` can still override single templates.
        position = 1 if config.theme.custom_dir else 0
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(position, str(THEME_DIR))
        for css in ("assets/stadtteil.css",):
            if css not in [str(c) for c in config.extra_css]:
                config.extra_css.insert(0, css)
        for js in ("assets/menu.js", "assets/termine.js"):
            if js not in [str(getattr(j, "path", j)) for j in config.extra_javascript]:
                config.extra_javascript.append(js)
        plugin = self._i18n(config)
        if plugin is not None and not self._nested(config) and os.environ.get(PREVIEW_VARIABLE):
            self._preview_only(plugin, os.environ[PREVIEW_VARIABLE])
        self.lang = (plugin.current_language or plugin.default_language) if plugin else i18n.DEFAULT
        # The languages this site is built in: a site without the language plugin is German only.
        self.site_languages = [i18n.language(code) for code in plugin.build_languages] if plugin \
            else [i18n.language(i18n.DEFAULT)]
        if self._nested(config) and self.project is not None:
            # Another language of the same build: the data, images and rules are already loaded and checked.
            config.extra["stadtteil"] = dict(config.extra["stadtteil"], lang=self.lang)
            return config
        self.languages_built: list[str] = []
        self.feed_count = 0
        # With a second core, a helper process prepares the other languages' data pages and calendars
        # while German builds, then checks each finished language's pages while the next one builds.
        # STADTTEIL_HELPER=0 keeps everything in one process (bench/profile.py, debugging).
        self.helper = Helper(enabled=(os.cpu_count() or 1) > 1 and os.environ.get("STADTTEIL_HELPER") != "0")
        self.site_check = SiteCheck(Path(config.site_dir), None, self.helper)
        self._prepared: dict = {}
        # Data pages go to mkdocs as finished HTML (prerender.py), rendered where they are made:
        # the helper's share is Markdown the build's process no longer does. STADTTEIL_PRERENDER=0
        # leaves all rendering to mkdocs (tests/test_build.py compares the two).
        self.prerenderer = (Prerenderer(config.markdown_extensions, config.mdx_configs or {})
                            if os.environ.get("STADTTEIL_PRERENDER") != "0" else None)
        self._rendered: dict = {}
        self._content_problems: list = []
        self._encoding = None
        self._revisions = None
        self.fallback_urls: set[str] = set()
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = (base / self.config.data_dir).resolve() if self.config.data_dir else base
        self.today = build_date(self.config.today)
        settings_input = {k: self.config[k] for k in ("categories", "audiences", "topics", "partner_kinds")
                          if self.config[k] is not None}
        try:
            settings = Settings.model_validate(settings_input)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise PluginError(f"mkdocs.yml, Plugin „stadtteil“: {problems}") from None
        errors, warnings = [], []
        self.project = None
        try:
            self.project = load_project(self.root, settings)
            warnings = check_calendar(self.project, self.today)
        except DataErrors as exc:
            errors += exc.errors
        # Images and their consent records are checked in the same run: every mistake at once.
        # Photos are checked and measured here; new ones are encoded at the end of on_config (by the
        # helper, while German builds, when there is one): pages need only their names and sizes.
        self.photos = photo_rules.prepare(self.root, self.today, self.project, self.root / ".cache" / "images",
                                          progress=lambda done, total, source: log.info(f"Bild {done}/{total}: {source}"),
                                          encode=False)
        errors += self.photos.errors
        # mkdocs copies every file of docs_dir, following links: refused before it touches anything.
        errors += site_inputs(self.root, Path(config.docs_dir), self.config, Path(config.config_file_path or "mkdocs.yml").name)
        if self.project is not None:
            errors += sanitize.check_data(self.project, self._markdown_renderer(config))
        if errors:
            # The pages are checked as they render (on_page_content); a build that stops here checks
            # them now, so staff get every mistake in one report.
            errors += self._content_problems_now(config)
            # One PluginError with the whole German report: mkdocs prints it without a traceback.
            raise PluginError(DataErrors(errors).report())
        if self.photos.encoded or self.photos.from_cache:
            log.info(f"Bilder: {self.photos.encoded} neu verarbeitet, {self.photos.from_cache} aus dem Zwischenspeicher, "
                     f"{len(self.photos.left_out)} ausgelassen")
        if self.photos.repaired:
            log.info(f"Hinweis: Zwischenspeicher (.cache/images) beschädigt oder veraltet für {len(self.photos.repaired)} "
                     f"Bild(er) ({', '.join(self.photos.repaired)}); sie werden neu verarbeitet, nichts zu tun.")
        self.image_uses: dict[str, list[str]] = {}
        self.warning_count = len(warnings)
        for warning in warnings:
            log.warning(warning)
        if not config.use_directory_urls:
            raise PluginError("mkdocs.yml: „use_directory_urls: false“ wird nicht unterstützt; "
                              "die Seiten verlinken sich über Ordner-Adressen.")
        if not config.site_url:
            raise PluginError("mkdocs.yml: „site_url“ fehlt, die Web-Adresse der Website "
                              "(zum Beispiel https://www.example.org/). Die Kalender brauchen sie für ihre Links.")
        self.site_url = config.site_url.rstrip("/") + "/"
        self.uid_domain = self.config.uid_domain or urlsplit(self.site_url).hostname
        try:
            self.funding = funding_rules.configure(self.config.funding, self.root)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        self.site_check.funding = self.funding
        # Only the shipped themes' CSS is trusted (by path and bytes); a custom_dir's is site CSS.
        custom, base_dir = config.theme.custom_dir, Path(config.config_file_path or ".").resolve().parent
        self.site_check.css = rendered.CssCheck(
            rendered.shipped_css(Path(d) for d in config.theme.dirs if d != custom),
            tuple((folder, os.path.relpath(folder, base_dir)) for folder in (config.docs_dir, custom) if folder))
        self._placeholders(config)
        if self.project.office.legal is None:
            message = ("office.yml: Der Abschnitt „legal“ fehlt (Impressum, Datenschutzerklärung, Erklärung zur "
                       "Barrierefreiheit). Ein Produktions-Bau veröffentlicht ohne ihn nichts.")
            if os.environ.get("STADTTEIL_PRODUCTION") == "1" or config.strict:
                raise PluginError(message)
            log.warning(message)
        config.extra["stadtteil"] = {"office": self.project.office, "today": self.today, "funding": self.funding,
                                     "eu_statement": funding_rules.EU_STATEMENT, "lang": self.lang}
        self._prepare_other_languages()
        return config

    def _prepare_other_languages(self) -> None:
        """Hands the new photos' encoding and the other languages' calendars and data pages to the
        helper, which makes them while mkdocs builds German. Everything they depend on is loaded by
        now (the child is a copy)."""
        others = [lang.code for lang in self.site_languages if lang.code != self.lang]
        cache = self.root / ".cache" / "images"
        self._encoding = None
        if others and self.helper.enabled:
            # One thread there: the build's own process is busy with the German pages meanwhile.
            self.helper.share("photos", lambda: self.photos.encode_pending(cache, threads=1))
            self.helper.share("language", self._language_outputs)
            if self.photos.pending:
                self._encoding = self.helper.call("photos")
        if self.photos.pending and self._encoding is None:
            self.photos.complete(self.photos.encode_pending(cache))
        if not others or not self.helper.enabled:
            return
        self._load_revisions()   # before the helper forks: every language starts from the same record
        for code in others:
            future = self.helper.call("language", code)
            if future is None:
                break
            self._prepared[code] = future

    def _language_outputs(self, lang: str) -> tuple[tuple, list, list, list, dict]:
        """The calendars, data pages, default pages, the data pages' search entries and the pages
        rendered to HTML (by source path) of one language: the same in either process."""
        generated = build_pages(self.project, self.today, lang=lang, site_url=self.site_url, photos=self.photos)
        defaults = default_pages(self.project, self.today, lang=lang, site_url=self.site_url)
        return (self._feeds(lang), generated, defaults, page_entries(generated),
                {page.src: self._prerender(page.markdown) for page in generated + defaults})

    def _prerender(self, markdown: str):
        return self.prerenderer.render(markdown) if self.prerenderer is not None else None

    def _preview_only(self, plugin, code: str) -> None:
        """The preview (`make serve`) builds German and at most one other language, at their usual
        addresses, so a saved file shows within about two seconds. Runs before the language plugin's
        on_config, which reads the languages' `build` flags; never in a production build."""
        known = [lang.locale for lang in plugin.config.languages]
        if code not in known:
            raise PluginError(f"{PREVIEW_VARIABLE}={code}: diese Sprache gibt es nicht; möglich sind "
                              + ", ".join(known) + ".")
        if os.environ.get("STADTTEIL_PRODUCTION") == "1":
            raise PluginError(f"{PREVIEW_VARIABLE}={code} in einem Produktions-Bau: veröffentlicht werden immer "
                              "alle Sprachen. Entfernen Sie die Variable.")
        for lang in plugin.config.languages:
            lang.build = lang.build and (lang.default or lang.locale == code)
        log.info(f"Vorschau: nur {', '.join(plugin.build_languages)} ({PREVIEW_VARIABLE}={code}); "
                 "stadtteil build baut alle Sprachen.")

    def _placeholders(self, config: MkDocsConfig) -> None:
        production = os.environ.get("STADTTEIL_PRODUCTION") == "1" or config.strict
        names = ", ".join(logo.id for logo in self.funding.placeholders)
        found = [f"Förderhinweis: Für diese Logos stehen noch Platzhalter: {names}. "
                 "Tragen Sie die echten Logo-Dateien in mkdocs.yml unter „funding“ ein."] if names else []
        if production:   # the scaffold's placeholders (Impressum, phone, site_url, …): see production.py
            found += production_rules.problems(self.root, self.project, config.site_url, self.config.uid_domain,
                                               Path(config.config_file_path or "mkdocs.yml").name)
        if not found:
            return
        if production:
            raise PluginError("Ein Produktions-Bau (--strict oder STADTTEIL_PRODUCTION=1) veröffentlicht keine "
                              "Platzhalter:\n  " + "\n  ".join(found))
        log.warning(found[0])

    # on_files: the data pages join the hand-written ones before mkdocs builds the navigation.
    # After the language plugin (-100): it has sorted the real files by language, and it cannot
    # handle generated files it did not see (it crashes on them, measured with 1.3.1).
    @event_priority(-110)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.project is not None and self.today is not None
        clashes = []
        self.languages_built.append(self.lang)
        prepared = self._prepared.pop(self.lang, None)
        (feeds, used), generated, defaults, entries, rendered = (prepared.result() if prepared is not None
                                                                 else self._language_outputs(self.lang))
        self._revisions.used[self.lang] = used
        # The new photos' bytes, from the helper (German build only), encoded while the German pages were made.
        if self._encoding is not None:
            encoding, self._encoding = self._encoding, None
            try:
                encoded = encoding.result()
            except Exception:  # noqa: BLE001  (the helper died: encode here, raising what it raised)
                encoded = self.photos.encode_pending(self.root / ".cache" / "images")
            self.photos.complete(encoded)
        self.feed_count += len(feeds)
        for feed in feeds:
            files.append(File.generated(config, feed.path, content=feed.content))
        for logo in self.funding.logos:
            files.append(File.generated(config, logo.site_path, content=logo.source.read_bytes()))
        # Images in content/ are never copied as they are: photos only as re-encoded variants,
        # graphics only with a valid record. Theme files (Material's favicon) are checked by hash later.
        docs_dir = Path(config.docs_dir).resolve()
        self.image_aliases: dict[str, str] = {}
        for file in list(files):
            if file.src_uri.endswith(".consent.yml"):
                files.remove(file)  # consent records hold form numbers: never published
                continue
            # An image is told by its bytes (a photo renamed to .dat is still one), by the core.
            if (file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(docs_dir)
                    and is_image(Path(file.abs_src_path))):
                files.remove(file)
                processed = self.photos.published.get(f"content/{file.src_uri}")
                if processed is not None:
                    # Keep the original address alive (links still resolve), with a re-encoded file.
                    files.append(File.generated(config, file.src_uri, content=processed.fallback.data))
                    self.image_aliases[file.src_uri] = sha256(processed.fallback.data)
        for source, data in self.photos.passthrough.items():
            files.append(File.generated(config, photo_rules.site_path_of(source), content=data))
        for processed in self.photos.published.values():
            for variant in processed.variants:
                files.append(File.generated(config, variant.path, content=variant.data))
        lang = self.lang
        # Hand-written pages this language shows in German (no translation yet), by address.
        self.fallback_urls = {f.url for f in files.documentation_pages()
                              if getattr(f, "locale", lang) != lang and lang not in ("de", "de-LS")}
        defaults = [p for p in defaults if files.get_file_from_path(p.src) is None]
        generated += defaults
        entries += page_entries(defaults)
        for page in generated:
            if files.get_file_from_path(page.src) is not None:
                clashes.append(page.src)
                continue
            files.append(self._page_file(config, page.src, page.markdown, rendered.get(page.src)))
        if clashes:
            raise PluginError(
                "Diese Seiten gibt es doppelt, als Datei in content/ und aus den Daten erzeugt: "
                + ", ".join(f"content/{c}" for c in clashes)
                + ". Benennen Sie die Datei in content/ um oder löschen Sie sie.")
        if files.get_file_from_path(SEARCH) is None:
            entries = entries + self._content_entries(files, lang)
            markdown = search_page(self.project, self.today, entries, lang=lang).markdown
            files.append(self._page_file(config, SEARCH, markdown, self._prerender(markdown)))
        return files

    def _page_file(self, config: MkDocsConfig, src: str, markdown: str, rendered=None) -> File:
        """A generated page of the language being built. It is named like a translated file
        (wochenplan.en.md), so the language plugin's lookups (navigation, Markdown links) find it,
        and it is written into the language's folder (en/wochenplan/). ``rendered``: its HTML, made
        already (on_page_content puts it in)."""
        lang = i18n.language(self.lang)
        if not lang.prefix:
            file = File.generated(config, src, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV)
        else:
            stem = src[:-3]
            file = File.generated(config, f"{stem}.{lang.code}.md", content=markdown,
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = lang.prefix + page_url(src) + "index.html"
            file.name = Path(stem).name
        if rendered is not None:
            self._rendered[file.src_uri] = rendered
        return file

    @staticmethod
    def _content_entries(files: Files, lang: str = "de") -> list[dict[str, str]]:
        """Titles and descriptions of the hand-written pages, from their front matter."""
        from mkdocs.utils.meta import get_data
        entries = []
        for file in files.documentation_pages():
            if file.generated_by or not file.abs_src_path:
                continue
            _, meta = get_data(Path(file.abs_src_path).read_text(encoding="utf-8"))
            src = getattr(file, "norm_src_uri", file.src_uri)   # kontakt.en.md is the page kontakt.md
            entries.append({"title": str(meta.get("title", Path(src).stem)),
                            "description": str(meta.get("description", "")), "src": src,
                            # A page shown in German (not translated yet) is listed as German.
                            "lang": "de" if getattr(file, "locale", lang) != lang and lang not in ("de", "de-LS") else ""})
        return entries

    def _feeds(self, lang: str):
        """The calendar files, from the same schedule engine as the pages' "next dates"."""
        self._load_revisions()
        settings = FeedSettings(self.site_url, self.uid_domain, self.today, self.project.office.name)
        feeds = revisions.language_feeds(self.project, settings, self._revisions, lang)
        # The record's entries go back with the feeds: the helper's copy of the record is its own.
        return feeds, self._revisions.used.get(lang, {})

    def _load_revisions(self) -> None:
        if self._revisions is None:
            self._revisions, problem = revisions.load(self.root, self.today)
            if problem:
                notice.warning(problem)

    def _write_revisions(self) -> None:
        """The revision record after all languages, once, in this process (docs/kalender.md)."""
        if self._revisions is None or not revisions.may_write():
            return
        try:
            if revisions.write(self.root, revisions.updated(self._revisions.record, self._revisions.used)):
                log.info(f"{revisions.RECORD} aktualisiert: bitte zusammen mit den Daten committen.")
        except OSError as exc:
            notice.warning(f"{revisions.RECORD} konnte nicht geschrieben werden ({exc.strerror}). Die Kalender "
                           "sind trotzdem richtig; committen Sie die Datei nach einem Bau mit Schreibrecht.")

    # on_page_markdown: hand-written pages (home, contact) carry markers for live data blocks.
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        sanitize.escape_meta(page.meta)
        hide = page.meta.get("hide") or []
        if "footer" in hide:
            # The footer carries the funding notice; no page may ask to drop it.
            raise PluginError(f"content/{page.file.src_uri}: „hide: footer“ ist nicht erlaubt – die Fußzeile "
                              "enthält den vorgeschriebenen Förderhinweis. Löschen Sie „footer“ aus „hide“.")
        if page.file.src_uri in self._rendered:
            return ""   # rendered already: nothing left for mkdocs' Markdown step (see on_page_content)
        markdown = self._drop_left_out_images(markdown, page)
        if "<!-- stadtteil:" not in markdown:
            return markdown
        assert self.project is not None and self.today is not None
        for name in BLOCKS:
            marker = _MARKER.format(name)
            if marker in markdown:
                src = getattr(page.file, "norm_src_uri", page.file.src_uri)
                block = render_block(self.project, self.today, name, src, lang=self.lang,
                                     site_url=self.site_url, funding=self.funding, dgs=self._dgs())
                markdown = markdown.replace(marker, "\n" + block + "\n")
        if "<!-- stadtteil:" in markdown:
            unknown = markdown.split("<!-- stadtteil:", 1)[1].split("-->", 1)[0].strip()
            raise PluginError(
                f"content/{page.file.src_uri}: Den Platzhalter „stadtteil:{unknown}“ gibt es nicht. "
                f"Erlaubt sind: {', '.join(BLOCKS)}.")
        return markdown

    def _content_problems_now(self, config: MkDocsConfig) -> list:
        from mkdocs.utils.meta import get_data
        render, found = self._markdown_renderer(config), []
        docs = Path(config.docs_dir)
        # Links and special files are reported by inputs.py and never read: walk without following them.
        pages = sorted(Path(folder) / name for folder, _, names in os.walk(docs, followlinks=False)
                       for name in names if name.endswith(".md"))
        for path in pages:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MARKDOWN_BYTES:
                continue
            source = path.read_text(encoding="utf-8", errors="replace")
            body, _ = get_data(source)
            found += sanitize.page_problems(render(body), source, f"content/{path.relative_to(docs).as_posix()}")
        return found

    @staticmethod
    def _markdown_renderer(config: MkDocsConfig):
        """Staff Markdown rendered as the pages will render it, for the check (sanitize.py)."""
        import markdown as python_markdown
        md = python_markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})
        return lambda text: md.reset().convert(text)

    def _dgs(self) -> dict | None:
        """The sign-language video block's data, or None (not configured, or its consent is gone)."""
        options = self.config.sign_language_video
        if not options or not options.get("file"):
            return None
        source = str(options["file"])
        if source not in self.photos.passthrough:
            if source in self.photos.left_out:
                self.image_uses.setdefault(source, []).append("Startseite (Gebärdensprach-Video)")
            return None
        icon = (Path(material_templates()) / ".icons" / "material" / "sign-language.svg").read_text()
        size = len(self.photos.passthrough[source])
        poster = options.get("poster")
        from babel.numbers import format_decimal
        title = options.get("title")
        return {"path": photo_rules.site_path_of(source),
                "title": title if title else i18n.gettext(self.lang, "Informationen in Gebärdensprache"),
                "duration": options.get("duration", ""),
                "size": format_decimal(round(size / 1_000_000, 1), "0.0", locale=i18n.language(self.lang).babel) + " MB",
                "type": "video/webm" if source.endswith(".webm") else "video/mp4", "icon": icon,
                "poster": photo_rules.site_path_of(poster) if poster and poster in self.photos.passthrough else None}

    def _drop_left_out_images(self, markdown: str, page: Page) -> str:
        """Markdown images whose consent was withdrawn go before rendering (no broken link, no warning)."""
        if not self.photos.left_out or "![" not in markdown:
            return markdown
        page_dir = Path(page.file.src_uri).parent

        def replace(match: re.Match) -> str:
            source = "content/" + os.path.normpath((page_dir / match.group(1)).as_posix()).lstrip("./")
            if source in self.photos.left_out:
                self.image_uses.setdefault(source, []).append(f"content/{page.file.src_uri}")
                return ""
            return match.group(0)

        return _MD_IMAGE.sub(replace, markdown)

    # on_page_content: images in hand-written pages become responsive variants, or disappear
    # (with their link) when consent was withdrawn; the HTML is final here, Markdown tricks included.
    # A data page rendered beforehand gets its HTML here, with the table of contents and anchor ids
    # mkdocs' own render would have recorded, before anything else looks at the content.
    @event_priority(100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self._rendered.pop(page.file.src_uri, None)
        if rendered is not None:
            html = rendered.html
            page.toc = get_toc(rendered.toc)
            page.present_anchor_ids = set(rendered.anchors)
        html = self._images(html, page)
        if not page.file.generated_by and page.file.abs_src_path:
            self._content_problems += sanitize.page_problems(html, Path(page.file.abs_src_path).read_text(encoding="utf-8"),
                                                            f"content/{page.file.src_uri}")
        if i18n.language(self.lang).direction == "rtl" and self.project is not None:
            office = self.project.office
            html = bidi.isolate_names(html, [office.project, office.name, office.carrier,
                                                  office.address.street])
        return csp.mark_content(self._mark_fallback(html, page))

    def _mark_fallback(self, html: str, page: Page) -> str:
        """A hand-written page shown in German because its translation is missing says so, in the
        reader's language, and its German part carries lang="de" (WCAG 3.1.2)."""
        locale = getattr(page.file, "locale", None)
        if locale is None or locale == self.lang:
            return html
        if self.lang == "de-LS":
            note = i18n.gettext(self.lang, "Diese Seite gibt es noch nicht in Leichter Sprache. Hier steht sie in "
                                           "schwerer Sprache.")
        else:
            note = i18n.gettext(self.lang, "Diese Seite ist noch nicht übersetzt. Hier steht sie auf Deutsch.")
        return f'<p class="st-untranslated">{note}</p>\n<div lang="de" dir="ltr">\n{html}\n</div>'

    @staticmethod
    def _image_source(src: str, page: Page) -> str | None:
        """The project file an <img src> of a content page names (None: not one of ours)."""
        src = src.split("#")[0].split("?")[0]
        if not src or "://" in src or src.startswith(("data:", "/")):
            return None  # foreign and data images are refused by the output check, with the page named
        return "content/" + os.path.normpath((Path(page.file.src_uri).parent / src).as_posix()).lstrip("./")

    def _images(self, html: str, page: Page) -> str:
        # Most pages have no image of a content file (data pages bring finished <picture>s): a quick
        # look at the src values spares them the parse.
        sources = [self._image_source(html_unescape(src), page) for src in _IMG_SRC.findall(html)]
        if not any(source and self.photos.status(source) != "unknown" for source in sources):
            return html
        from bs4 import BeautifulSoup
        soup = BeautifulSoup(html, "html.parser")
        changed = False
        page_path = page.url.rstrip("/") if page.url.endswith("/") else str(Path(page.url).parent)
        for index, img in enumerate(soup.find_all("img")):
            source = self._image_source(img.get("src") or "", page)
            if source is None:
                continue
            status = self.photos.status(source)
            if status == "published" and source in self.photos.published:
                url = lambda path: os.path.relpath(path, page_path or ".")  # noqa: E731
                picture = BeautifulSoup(picture_html(self.photos.published[source], img.get("alt", ""), url,
                                                     eager=index == 0), "html.parser")
                img.replace_with(picture)
                changed = True
            elif status == "left_out":
                self.image_uses.setdefault(source, []).append(f"content/{page.file.src_uri}")
                parent = img.parent
                img.decompose()
                if parent is not None and parent.name in ("a", "figure", "p") and not parent.get_text(strip=True) \
                        and not parent.find(["img", "picture"]):
                    parent.decompose()
                changed = True
        return str(soup) if changed else html

    # on_post_page: Material's templates write a few attributes the HTML standard does not allow
    # (found by the Nu Html Checker); mend them here, in the adapter, where the theme is known.
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.fallback_urls:
            output = self._mark_fallback_links(output, page)
        return finish_page(output, self.lang)

    def _mark_fallback_links(self, html: str, page: Page) -> str:
        """Navigation entries of pages shown in German, and a German page's table of contents, are
        German text on this language's page: they get lang="de" too (WCAG 3.1.2)."""
        base = page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url) + "/"

        def link(match: re.Match) -> str:
            href = match.group(1)
            if href.startswith("#"):
                return match.group(0)
            target = posixpath.normpath(posixpath.join(base, href)).lstrip("./") + "/"
            return match.group(0)[:-1] + ' lang="de">' if target in self.fallback_urls else match.group(0)

        html = re.sub(r'<a href="([^"#:]*)" class="md-nav__link[^"]*">', link, html)
        if page.url in self.fallback_urls:
            html = html.replace('<nav class="md-nav md-nav--secondary"', '<nav lang="de" dir="ltr" class="md-nav md-nav--secondary"')
        return html

    # on_env: mkdocs makes a new theme environment for every language's build; with the shared
    # bytecode cache, Material's templates compile once per build instead of once per language.
    def on_env(self, env, config: MkDocsConfig, files: Files):
        from ..pages import BYTECODE
        # Every page is rendered now, none written: refuse dangerous HTML of all pages at once.
        problems, self._content_problems = self._content_problems, []
        if problems:
            raise PluginError(DataErrors(problems).report())
        env.bytecode_cache = BYTECODE
        return env

    # on_page_context: after the language plugin (priority 50), which points the switcher only at
    # pages it knows. Every page here, generated or not, has the same address in every language,
    # so the alternates are computed from the address: same page, other folder.
    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        lang = i18n.language(self.lang)
        rest = page.url[len(lang.prefix):] if lang.prefix and page.url.startswith(lang.prefix) else page.url
        alternates = []
        for other in self.site_languages:
            target = other.prefix + rest
            alternates.append({"lang": other, "current": other.code == lang.code, "absolute": self.site_url + target,
                               "href": get_relative_url(target or ".", page.url or ".")})
        if self._i18n(config) is not None:
            # <link rel="alternate" hreflang> in the head: absolute addresses, as search engines want.
            links = [{"name": a["lang"].name, "link": a["absolute"],
                      "lang": "de-x-ls" if a["lang"].code == "de-LS" else a["lang"].html_lang} for a in alternates]
            # Both ways: the language plugin sets it as an attribute, which templates read first.
            config.extra["alternate"] = links
            config.extra.alternate = links
        context["st_alternates"] = alternates
        context["st_lang"] = lang
        context["st_t"] = i18n.translator(self.lang)
        context["st_home"] = lang.prefix
        context["st_easy"] = any(other.code == "de-LS" for other in self.site_languages)
        context["st_date"] = lambda day: short_date(day, self.lang)
        return context

    # on_template_context: pages rendered from a template alone (404.html) get the same context;
    # their switcher leads to each language's start page.
    def on_template_context(self, context, template_name: str, config: MkDocsConfig):
        lang = i18n.language(self.lang)
        # The error page is served at any depth: its links start at the site's root path.
        root = urlsplit(self.site_url).path
        context["st_alternates"] = [{"lang": other, "current": other.code == lang.code,
                                     "absolute": self.site_url + other.prefix, "href": root + other.prefix}
                                    for other in self.site_languages]
        context["st_lang"], context["st_t"], context["st_home"] = lang, i18n.translator(self.lang), lang.prefix
        context["st_easy"] = any(other.code == "de-LS" for other in self.site_languages)
        context["st_date"] = lambda day: short_date(day, self.lang)
        return context

    # on_post_template: the same for pages rendered from a template alone (404.html). Every language
    # build writes site/404.html; each language keeps its own copy in its folder, German the root one.
    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        output = finish_page(output_content, self.lang)
        if template_name == "404.html":
            self.not_found[self.lang] = output
        return output

    # on_post_build, last of all plugins: the finished HTML is what residents get, so that is what is
    # checked; `stadtteil build` only publishes a site that passed.
    # Priority -200: after the language plugin (-100), whose on_post_build runs the other languages'
    # builds, so the check sees the whole site, every language. Nested builds skip it.
    # A nested build's on_post_build comes after that language's pages are written: they go to the
    # check's helper process, which checks them on the second core while the next language builds.
    @event_priority(-200)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self._nested(config):
            self.site_check.pages_ready(self._allowed_images())
            return
        site_dir = Path(config.site_dir)
        self._write_not_found(site_dir)
        if self._i18n(config) is not None and not quiet_material_alternates(site_dir):
            log.warning("Material-Skript: der Abruf von sitemap.xml je Sprache wurde nicht gefunden (neue "
                        "Material-Version?). Seiten laden dann Dateien, die es nicht gibt: plugin.py anpassen.")
        if self._i18n(config) is not None:
            write_sitemap(site_dir, self.site_url, self.languages_built)
        try:
            problems = self.site_check.finish(self._allowed_images())
        finally:
            self.helper.close()
        if problems:
            raise PluginError(DataErrors(problems).report().replace("Die Daten enthalten", "Die gebaute Website hat"))
        # Hosts that read a `_headers` file (Netlify, Cloudflare Pages) get the calendar type and headers;
        # mkdocs skips files starting with "_", so it is written here.
        shutil.copyfile(THEME_DIR.parent / "data" / "_headers", site_dir / "_headers")
        self._write_revisions()
        self._report_left_out()
        pages = sum(1 for _ in site_dir.rglob("*.html"))
        log.info(f"Zusammenfassung: {pages} Seiten in {len(self.languages_built)} Sprachen, {self.feed_count} Kalender, Bilder: "
                 f"{self.photos.encoded} neu verarbeitet, {self.photos.from_cache} aus dem Zwischenspeicher, "
                 f"{len(self.photos.left_out)} ausgelassen; Förderhinweis und Bilder auf allen Seiten geprüft; "
                 f"{self.warning_count + len(self.photos.left_out) + len(self.funding.placeholders) > 0 and 'Hinweise oben beachten' or 'keine Hinweise'}.")

    # on_build_error: a failed build stops its helper too (it may still be preparing or checking).
    def on_build_error(self, error: Exception) -> None:
        helper = getattr(self, "helper", None)
        if helper is not None:
            helper.close()

    def _allowed_images(self) -> dict[str, str]:
        """Site path → sha256 of every image the built site may contain."""
        allowed = theme_images() | self.photos.allowed() | self.image_aliases
        return allowed | {logo.site_path: sha256(logo.source.read_bytes()) for logo in self.funding.logos}

    def _write_not_found(self, site_dir: Path) -> None:
        """Each language's error page in its folder; the German one at the root (servers fall back to it)."""
        for code, html in self.not_found.items():
            prefix = i18n.language(code).prefix
            target = site_dir / prefix / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")

    def _report_left_out(self) -> None:
        assert self.project is not None
        for source, reason in sorted(self.photos.left_out.items()):
            uses = list(self.image_uses.get(source, []))
            for (kind, item_id), doc in self.project.sources.items():
                record = self.project.offers.get(item_id) if kind == "offers" else \
                    self.project.events.get(item_id) if kind == "events" else None
                if record is not None and record.image == source:
                    uses.append(doc.file)
            where = ", ".join(sorted(set(uses))) or "nirgends"
            notice.warning(f"Bild {source} wird nicht veröffentlicht ({reason}). Es war verwendet in: {where}. "
                           "Die Seiten wurden ohne das Bild gebaut.")

    # on_serve: `make serve` rebuilds when staff save a data file, not only a Markdown page.
    def on_serve(self, server, config: MkDocsConfig, builder):
        assert self.root is not None
        for name in ("office.yml", "offers", "events", "partners"):
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        return server
