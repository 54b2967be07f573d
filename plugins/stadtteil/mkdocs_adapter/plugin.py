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
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from .. import funding as funding_rules
from .. import rendered
from .. import revisions
from .. import sanitize
from .. import csp
from .. import bidi
from ..sitemap import write_sitemap
from ..errors import DataErrors
from ..imagecheck import sha256
from ..helper_process import Helper
from ..sitecheck import SiteCheck
from ..formatting import page_url, short_date
from .. import i18n
from .. import page_images
from ..loader import Project
from ..pages import (BLOCKS, SEARCH, page_entries, render_block,
                     search_page)
from ..pipeline import LanguageOutputs, Site, SiteError, build_date
from .config import StadtteilConfig, option, site_config
from .theme_files import THEME_DIR, finish_page, material_templates, quiet_material_alternates, theme_images
from .prerender import Prerenderer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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


# Set by `make serve PREVIEW=…`: the preview builds only this language (and German).
PREVIEW_VARIABLE = "STADTTEIL_PREVIEW_LANGUAGE"


class StadtteilPlugin(BasePlugin[StadtteilConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str | None = None
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

    # on_startup: once per mkdocs command, before any build. The command decides whether a helper
    # process may be forked: `serve` runs a web server thread, whose locks a fork could copy held.
    def on_startup(self, command: str, dirty: bool) -> None:
        self.command = command

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
        for js in ("assets/menu.js", "assets/termine.js", "assets/verlassen.js"):
            if js not in [str(getattr(j, "path", j)) for j in config.extra_javascript]:
                config.extra_javascript.append(js)
        plugin = self._i18n(config)
        if plugin is not None and not self._nested(config) and option(self.config, "preview_language"):
            self._preview_only(plugin, option(self.config, "preview_language"))
        self.lang = (plugin.current_language or plugin.default_language) if plugin else i18n.DEFAULT
        # The languages this site is built in: a site without the language plugin is German only.
        self.site_languages = [i18n.language(code) for code in plugin.build_languages] if plugin \
            else [i18n.language(i18n.DEFAULT)]
        if self._nested(config) and self.project is not None:
            # Another language of the same build: the data, images and rules are already loaded and checked.
            config.extra["stadtteil"] = dict(config.extra["stadtteil"], lang=self.lang)
            return config
        # A new build (not another language of this one): mkdocs keeps a plugin with on_startup alive for
        # the whole process (`serve`, or builds run in-process one after another), so nothing of the
        # previous build may carry over – another site's error pages least of all.
        self.languages_built: list[str] = []
        self.not_found = {}
        self.feed_count = 0
        # With a second core, a helper process prepares the other languages' data pages and calendars
        # while German builds, then checks each finished language's pages while the next one builds.
        # Option `helper: false` (STADTTEIL_HELPER=0) keeps everything in one process (bench/profile.py).
        # Never beside `mkdocs serve`'s web server thread (see on_startup).
        self.helper = Helper(enabled=(os.cpu_count() or 1) > 1 and self.command != "serve"
                             and option(self.config, "helper"))
        self.site_check = SiteCheck(Path(config.site_dir), None, self.helper)
        self._prepared: dict = {}
        # Data pages go to mkdocs as finished HTML (prerender.py), rendered where they are made:
        # the helper's share is Markdown the build's process no longer does. `prerender: false`
        # leaves all rendering to mkdocs (tests/test_build.py compares the two).
        self.prerenderer = (Prerenderer(config.markdown_extensions, config.mdx_configs or {})
                            if option(self.config, "prerender") else None)
        self._rendered: dict = {}
        self._content_problems: list = []
        self._encoding = None
        self.fallback_urls: set[str] = set()
        if not config.use_directory_urls:
            raise PluginError("mkdocs.yml: „use_directory_urls: false“ wird nicht unterstützt; "
                              "die Seiten verlinken sich über Ordner-Adressen.")
        # Everything staff wrote is loaded and checked by the pipeline, as `stadtteil check` does.
        self.project = None
        try:
            self.today = build_date(self.config.today)
            self.site = Site.prepare(
                site_config(config, dict(self.config), option(self.config, "production") or config.strict), self.today,
                progress=lambda done, total, source: log.info(f"Bild {done}/{total}: {source}"))
        except DataErrors as exc:
            # One PluginError with the whole German report: mkdocs prints it without a traceback.
            raise PluginError(exc.report()) from None
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        site = self.site
        self.root, self.project, self.photos, self.funding = site.root, site.project, site.photos, site.funding
        self.site_url = site.site_url
        if self.photos.encoded or self.photos.from_cache:
            log.info(f"Bilder: {self.photos.encoded} neu verarbeitet, {self.photos.from_cache} aus dem Zwischenspeicher, "
                     f"{len(self.photos.left_out)} ausgelassen")
        if self.photos.repaired:
            log.info(f"Hinweis: Zwischenspeicher (.cache/images) beschädigt oder veraltet für {len(self.photos.repaired)} "
                     f"Bild(er) ({', '.join(self.photos.repaired)}); sie werden neu verarbeitet, nichts zu tun.")
        for warning in site.warnings:
            log.warning(warning)
        for text in site.notices:   # helplines, plausibility: told, never failing a --strict (production) build
            notice.warning(text)
        self.site_check.funding = self.funding
        # Only the shipped themes' CSS is trusted (by path and bytes); a custom_dir's is site CSS.
        custom, base_dir = config.theme.custom_dir, Path(config.config_file_path or ".").resolve().parent
        self.site_check.css = rendered.CssCheck(
            rendered.shipped_css(Path(d) for d in config.theme.dirs if d != custom),
            tuple((folder, os.path.relpath(folder, base_dir)) for folder in (config.docs_dir, custom) if folder))
        config.extra["stadtteil"] = {"office": self.project.office, "today": self.today, "funding": self.funding,
                                     "eu_statement": funding_rules.EU_STATEMENT, "lang": self.lang}
        self._prepare_other_languages()
        return config

    def _prepare_other_languages(self) -> None:
        """Hands the new photos' encoding and the other languages' calendars and data pages to the
        helper, which makes them while mkdocs builds German. Everything they depend on is loaded by
        now (the child is a copy)."""
        others = [lang.code for lang in self.site_languages if lang.code != self.lang]
        self._encoding = None
        if others and self.helper.enabled:
            # Every input the helper's jobs read is loaded before it forks (the calendar record runs
            # git): the child holds a copy and reads nothing itself.
            self._load_revisions()
            # One thread there: the build's own process is busy with the German pages meanwhile.
            self.helper.share("photos", lambda: self.site.encode_photos(threads=1))
            self.helper.share("language", self._language_outputs)
            if self.photos.pending:
                self._encoding = self.helper.call("photos")
        if self.photos.pending and self._encoding is None:
            self.photos.complete(self.site.encode_photos())
        if not others or not self.helper.enabled:
            return
        for code in others:
            future = self.helper.call("language", code)
            if future is None:
                break
            self._prepared[code] = future

    def _language_outputs(self, lang: str) -> tuple[LanguageOutputs, dict]:
        """One language's outputs (pipeline) and its pages rendered to HTML (by source path): the
        same in either process."""
        outputs = self.site.outputs(lang)
        return outputs, {page.src: self._prerender(page.markdown) for page in outputs.pages + outputs.defaults}

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
        if option(self.config, "production"):
            raise PluginError(f"{PREVIEW_VARIABLE}={code} in einem Produktions-Bau: veröffentlicht werden immer "
                              "alle Sprachen. Entfernen Sie die Variable.")
        for lang in plugin.config.languages:
            lang.build = lang.build and (lang.default or lang.locale == code)
        log.info(f"Vorschau: nur {', '.join(plugin.build_languages)} ({PREVIEW_VARIABLE}={code}); "
                 "stadtteil build baut alle Sprachen.")

    # on_files: the data pages join the hand-written ones before mkdocs builds the navigation.
    # After the language plugin (-100): it has sorted the real files by language, and it cannot
    # handle generated files it did not see (it crashes on them, measured with 1.3.1).
    @event_priority(-110)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.project is not None and self.today is not None
        clashes = []
        self.languages_built.append(self.lang)
        outputs, rendered = Helper.result_or(self._prepared.pop(self.lang, None),
                                                lambda: self._language_outputs(self.lang))
        self.site.outputs_taken(self.lang, outputs)
        feeds, generated, defaults, entries = outputs.feeds, outputs.pages, outputs.defaults, outputs.entries
        # The new photos' bytes, from the helper (German build only), encoded while the German pages were made.
        if self._encoding is not None:
            encoding, self._encoding = self._encoding, None
            self.photos.complete(Helper.result_or(encoding, self.site.encode_photos))
        self.feed_count += len(feeds)
        for feed in feeds:
            files.append(File.generated(config, feed.path, content=feed.content))
        for path, data in self.site.logo_files():
            files.append(File.generated(config, path, content=data))
        # Files of content/ as the pipeline says (images by their bytes, consent records never).
        # Theme files (Material's favicon) are checked by hash later.
        docs_dir = Path(config.docs_dir)
        self.image_aliases: dict[str, str] = {}
        for file in list(files):
            what, data = self.site.content_file(file.src_uri, Path(file.abs_src_path) if file.abs_src_path else None,
                                                docs_dir)
            if what != "keep":
                files.remove(file)
            if data is not None:
                files.append(File.generated(config, file.src_uri, content=data))
                self.image_aliases[file.src_uri] = sha256(data)
        for path, data in self.site.media_files():
            files.append(File.generated(config, path, content=data))
        lang = self.lang
        # Hand-written pages this language shows in German (no translation yet), by address.
        self.fallback_urls = {f.url for f in files.documentation_pages()
                              if getattr(f, "locale", lang) != lang and not i18n.is_german(lang)}
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
                            "lang": "de" if getattr(file, "locale", lang) != lang and not i18n.is_german(lang) else ""})
        return entries

    def _load_revisions(self) -> None:
        self.site.load_revisions()
        if self.site.revision_notice:
            notice.warning(self.site.revision_notice)
            self.site.revision_notice = None

    def _write_revisions(self) -> None:
        written, problem = self.site.write_revisions()
        if written:
            log.info(f"{revisions.RECORD} aktualisiert: bitte zusammen mit den Daten committen.")
        if problem:
            notice.warning(problem)

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
        markdown = page_images.drop_left_out(markdown, page.file.src_uri, self.photos, self.site.image_used)
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

    def _dgs(self) -> dict | None:
        """The sign-language video block's data, with Material's icon (see Site.sign_language)."""
        return self.site.sign_language(self.lang, lambda: (Path(material_templates()) / ".icons" / "material"
                                                           / "sign-language.svg").read_text())

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
        html = page_images.rewrite(html, page.file.src_uri, page.url, self.photos, self.site.image_used)
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
            raise PluginError(DataErrors(problems, root=self.root, docs_dir=config.docs_dir).report())
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
                      "lang": a["lang"].hreflang} for a in alternates]
            # Both ways: the language plugin sets it as an attribute, which templates read first.
            config.extra["alternate"] = links
            config.extra.alternate = links
        return self._theme_context(context, alternates)

    # on_template_context: pages rendered from a template alone (404.html) get the same context;
    # their switcher leads to each language's start page.
    def on_template_context(self, context, template_name: str, config: MkDocsConfig):
        lang = i18n.language(self.lang)
        # The error page is served at any depth: its links start at the site's root path.
        root = urlsplit(self.site_url).path
        return self._theme_context(context, [{"lang": other, "current": other.code == lang.code,
                                              "absolute": self.site_url + other.prefix, "href": root + other.prefix}
                                             for other in self.site_languages])

    def _theme_context(self, context, alternates: list[dict]):
        """What the project's templates read (theme/): the language, its switcher, translations, dates."""
        lang = i18n.language(self.lang)
        context["st_alternates"] = alternates
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
        shutil.copyfile(DATA_DIR / "_headers", site_dir / "_headers")
        self._write_revisions()
        self._report_left_out()
        pages = sum(1 for _ in site_dir.rglob("*.html"))
        log.info(self.site.summary(pages, len(self.languages_built), self.feed_count))

    # on_build_error: a failed build stops its helper too (it may still be preparing or checking).
    def on_build_error(self, error: Exception) -> None:
        helper = getattr(self, "helper", None)
        if helper is not None:
            helper.close()

    def _allowed_images(self) -> dict[str, str]:
        """Site path → sha256 of every image the built site may contain."""
        return self.site.allowed_images(theme_images() | self.image_aliases)

    def _write_not_found(self, site_dir: Path) -> None:
        """Each language's error page in its folder; the German one at the root (servers fall back to it)."""
        for code, html in self.not_found.items():
            prefix = i18n.language(code).prefix
            target = site_dir / prefix / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")

    def _report_left_out(self) -> None:
        for text in self.site.left_out_report():
            notice.warning(text)

    # on_serve: `make serve` rebuilds when staff save a data file, not only a Markdown page: every file
    # and folder the data comes from, consent records, withdrawals and photos included.
    def on_serve(self, server, config: MkDocsConfig, builder):
        from ..inputs import DATA_FILES, DATA_FOLDERS
        assert self.root is not None
        for name in DATA_FILES + DATA_FOLDERS:
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        return server
