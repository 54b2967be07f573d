"""mkdocs plugin `stadtteil`: translates mkdocs' events into calls of the core (pipeline.py, build.py).

Event order (mkdocs calls them in this order within one build):
on_config → on_files → per page on_page_markdown, on_page_content → on_env → per page
on_page_context, on_post_page → on_post_build. `mkdocs serve` repeats from on_config on every
change, so data is always re-read.

Languages: mkdocs-static-i18n builds the default language, then, from its on_post_build, runs one
nested build per other language into a folder (en/, tr/, …). Every event here therefore runs once
per language; data is loaded and the built site is checked once, in the outer (German) build.

What is decided is decided in the core; here are only what mkdocs' objects are (files, pages,
config, the language plugin) and Material's markup (theme_files.py).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from .. import i18n
from ..checks import rendered
from ..build import PREVIEW_VARIABLE, Build, Reporter, preview_languages, use_helper
from ..errors import DataErrors
from ..formatting import page_url
from ..pages import SEARCH
from ..pipeline import Site, SiteError, build_date
from ..template_cache import TEMPLATES
from .config import StadtteilConfig, option, site_config
from .prerender import Prerenderer
from .theme_files import (finish_page, forget_theme_listing, install_theme, mark_german_links,
                          quiet_material_alternates, sign_language_icon, theme_images)

log = logging.getLogger("mkdocs.plugins.stadtteil")
# Notices that must be seen but must not fail a --strict build (mkdocs counts warnings of its own
# loggers): an image left out after a withdrawn consent is the system working, not a build error.
notice = logging.getLogger("stadtteil.notice")


class _Stderr(logging.StreamHandler):
    """Writes to the standard error of the moment a notice is told, not of the moment this module was
    imported: a host that captures the output of each build (a test, a server) hears every notice."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


# Once, whatever else listens to the logger (a test may have added its own listener before this import).
if not any(isinstance(h, _Stderr) for h in notice.handlers):
    _handler = _Stderr()
    _handler.setFormatter(logging.Formatter("HINWEIS  -  %(message)s"))
    notice.addHandler(_handler)
    notice.setLevel(logging.INFO)
    notice.propagate = False


class _Listed(File):
    """A file the core writes into site_dir itself (its helper, beside mkdocs): mkdocs knows it, so
    links to it resolve, but does not write it."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class StadtteilPlugin(BasePlugin[StadtteilConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str | None = None
        self.build: Build | None = None
        self.root: Path | None = None
        self._rendered: dict = {}

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
    # The preview's language choice must come before the language plugin's on_config, which reads
    # the languages' `build` flags.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        install_theme(config)
        plugin = self._i18n(config)
        if plugin is not None and not self._nested(config) and option(self.config, "preview_language"):
            self._preview_only(plugin, option(self.config, "preview_language"))
        lang = (plugin.current_language or plugin.default_language) if plugin else i18n.DEFAULT
        if self._nested(config) and self.build is not None:
            # Another language of the same build: the data, images and rules are already loaded and checked.
            self.build.begin(lang)
            config.extra["stadtteil"] = self.build.template_globals()
            return config
        # A new build (not another language of this one): mkdocs keeps a plugin with on_startup alive for
        # the whole process (`serve`, or builds run in-process one after another), so nothing of the
        # previous build may carry over – another site's error pages least of all.
        self.build, self._rendered = None, {}
        forget_theme_listing()
        if not config.use_directory_urls:
            raise PluginError("mkdocs.yml: „use_directory_urls: false“ wird nicht unterstützt; "
                              "die Seiten verlinken sich über Ordner-Adressen.")
        # Everything staff wrote is loaded and checked by the pipeline, as `stadtteil check` does.
        production = option(self.config, "production") or config.strict
        try:
            site = Site.prepare(site_config(config, dict(self.config), production), build_date(self.config.today),
                                progress=lambda done, total, source: log.info(f"Bild {done}/{total}: {source}"))
        except DataErrors as exc:
            # One PluginError with the whole German report: mkdocs prints it without a traceback.
            raise PluginError(exc.report()) from None
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        self.root = site.root
        # Only the shipped themes' CSS is trusted (by path and bytes); a custom_dir's is site CSS.
        custom, base_dir = config.theme.custom_dir, Path(config.config_file_path or ".").resolve().parent
        css = rendered.CssCheck(rendered.shipped_css(Path(d) for d in config.theme.dirs if d != custom),
                                tuple((folder, os.path.relpath(folder, base_dir))
                                      for folder in (config.docs_dir, custom) if folder))
        # Data pages go to mkdocs as finished HTML (prerender.py), rendered where they are made: the
        # helper's share is Markdown the build's process no longer does. `prerender: false` leaves all
        # rendering to mkdocs (tests/test_build.py compares the two).
        prerenderer = (Prerenderer(config.markdown_extensions, config.mdx_configs or {})
                       if option(self.config, "prerender") else None)
        self.build = Build(
            site, list(plugin.build_languages) if plugin else [i18n.DEFAULT],
            use_helper(option(self.config, "helper"), fork_safe=self.command != "serve"),
            Path(config.site_dir), css, prerenderer.render if prerenderer else None,
            sign_language_icon, theme_images(),
            Reporter(info=log.info, warning=log.warning, notice=notice.warning))
        self.build.begin(lang)
        config.extra["stadtteil"] = self.build.template_globals()
        self.build.start()
        return config

    def _preview_only(self, plugin, code: str) -> None:
        """The preview (`make serve PREVIEW=…`) builds German and at most one other language, at their
        usual addresses, so a saved file shows within about two seconds; never a production build."""
        try:
            keep = preview_languages(code, [lang.locale for lang in plugin.config.languages],
                                     option(self.config, "production"))
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        for lang in plugin.config.languages:
            lang.build = lang.build and (lang.default or lang.locale in keep)
        log.info(f"Vorschau: nur {', '.join(plugin.build_languages)} ({PREVIEW_VARIABLE}={code}); "
                 "stadtteil build baut alle Sprachen.")

    # on_files: the data pages join the hand-written ones before mkdocs builds the navigation.
    # After the language plugin (-100): it has sorted the real files by language, and it cannot
    # handle generated files it did not see (it crashes on them, measured with 1.3.1).
    @event_priority(-110)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        build = self.build
        assert build is not None
        outputs, rendered_pages = build.take_outputs()
        # mkdocs has emptied site_dir by now (after on_pre_build): the helper may write into it.
        extra = build.extra_files(outputs)
        kind = _Listed if build.write_beside(extra) else File
        for path, data in extra:
            files.append(kind.generated(config, path, content=data))
        # Files of content/ as the core says (images by their bytes, consent records never).
        docs_dir = Path(config.docs_dir)
        for file in list(files):
            what, data = build.content_file(file.src_uri, Path(file.abs_src_path) if file.abs_src_path else None,
                                            docs_dir)
            if what != "keep":
                files.remove(file)
            if data is not None:
                files.append(File.generated(config, file.src_uri, content=data))
        for path, data in build.site.media_files():
            files.append(File.generated(config, path, content=data))
        # The language plugin tells each hand-written page's language (`locale`): German where a
        # translation is missing.
        build.shown_in_german((f.url, getattr(f, "locale", build.lang)) for f in files.documentation_pages())
        try:
            pages, entries = build.pages(outputs, lambda src: files.get_file_from_path(src) is not None)
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        for page in pages:
            files.append(self._page_file(config, page.src, page.markdown, rendered_pages.get(page.src)))
        if files.get_file_from_path(SEARCH) is None:
            content = [(getattr(f, "norm_src_uri", f.src_uri),   # kontakt.en.md is the page kontakt.md
                        get_data(Path(f.abs_src_path).read_text(encoding="utf-8"))[1], getattr(f, "locale", build.lang))
                       for f in files.documentation_pages() if not f.generated_by and f.abs_src_path]
            markdown = build.search_page(entries, content).markdown
            files.append(self._page_file(config, SEARCH, markdown, build.render_page(markdown)))
        return files

    def _page_file(self, config: MkDocsConfig, src: str, markdown: str, rendered_page=None) -> File:
        """A generated page of the language being built. It is named like a translated file
        (wochenplan.en.md), so the language plugin's lookups (navigation, Markdown links) find it,
        and it is written into the language's folder (en/wochenplan/). ``rendered_page``: its HTML,
        made already (on_page_content puts it in)."""
        lang = i18n.language(self.build.lang)
        if not lang.prefix:
            file = File.generated(config, src, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV)
        else:
            stem = src[:-3]
            file = File.generated(config, f"{stem}.{lang.code}.md", content=markdown,
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = lang.prefix + page_url(src) + "index.html"
            file.name = Path(stem).name
        if rendered_page is not None:
            self._rendered[file.src_uri] = rendered_page
        return file

    # on_page_markdown: the page's front matter is known here, before rendering; hand-written pages
    # (home, contact) carry markers for live data blocks, which must be Markdown when mkdocs renders.
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        try:
            self.build.page_meta(page.meta, src)
            if src in self._rendered:
                return ""   # rendered already: nothing left for mkdocs' Markdown step (see on_page_content)
            return self.build.page_markdown(markdown, src, getattr(page.file, "norm_src_uri", src))
        except SiteError as exc:
            raise PluginError(str(exc)) from None

    # on_page_content, first of all plugins: the HTML is final here, Markdown tricks included, and
    # nothing else has looked at it yet. A data page rendered beforehand gets its HTML here, with the
    # table of contents and anchor ids mkdocs' own render would have recorded.
    @event_priority(100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered_page = self._rendered.pop(page.file.src_uri, None)
        if rendered_page is not None:
            html = rendered_page.html
            page.toc = get_toc(rendered_page.toc)
            page.present_anchor_ids = set(rendered_page.anchors)
        handwritten = not page.file.generated_by and page.file.abs_src_path
        return self.build.page_html(html, page.file.src_uri, page.url,
                                    Path(page.file.abs_src_path) if handwritten else None,
                                    getattr(page.file, "locale", None))

    # on_env: after every page is rendered and before any is written, so dangerous HTML of all pages
    # is refused at once. mkdocs makes a new theme environment for every language's build; with the
    # shared template cache, Material's templates compile once per build instead of once per language
    # (and are loaded compiled in the next build: template_cache.py).
    def on_env(self, env, config: MkDocsConfig, files: Files):
        try:
            self.build.pages_rendered()
        except DataErrors as exc:
            # With the project folder, each mistake shows its line with a caret under it.
            raise PluginError(DataErrors(exc.errors, root=self.root, docs_dir=config.docs_dir).report()) from None
        env.bytecode_cache = TEMPLATES
        return env

    # on_page_context: after the language plugin (priority 50), which points the switcher only at
    # pages it knows. Every page here, generated or not, has the same address in every language,
    # so the alternates are computed from the address: same page, other folder.
    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        alternates = self.build.alternates(page.url)
        if self._i18n(config) is not None:
            # <link rel="alternate" hreflang> in the head: absolute addresses, as search engines want.
            links = [{"name": a["lang"].name, "link": a["absolute"], "lang": a["lang"].hreflang} for a in alternates]
            # Both ways: the language plugin sets it as an attribute, which templates read first.
            config.extra["alternate"] = links
            config.extra.alternate = links
        context.update(self.build.template_context(alternates))
        context["st_jsonld"] = self.build.structured_data(page.url)
        context["st_feeds"] = self.build.feed_links(page.url)
        return context

    # on_template_context: pages rendered from a template alone (404.html) get the same context.
    def on_template_context(self, context, template_name: str, config: MkDocsConfig):
        context.update(self.build.template_context(self.build.error_page_alternates()))
        return context

    # on_post_page: the page as Material wrote it. Its templates write a few attributes the HTML
    # standard does not allow (found by the Nu Html Checker), and German navigation entries on another
    # language's page need lang="de": mended here, in the adapter, where the theme is known.
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.build.german_urls:
            output = mark_german_links(output, page.url, self.build.german_urls)
        return finish_page(output, self.build.lang)

    # on_post_template: the same for pages rendered from a template alone (404.html). Every language
    # build writes site/404.html; each language keeps its own copy in its folder (core: finish).
    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        output = finish_page(output_content, self.build.lang)
        if template_name == "404.html":
            self.build.error_page(output)
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
            self.build.language_written()
            return
        site_dir = Path(config.site_dir)
        several = self._i18n(config) is not None
        # Every site has alternates now, one language or six: each page names its calendars and Atom feed.
        if not quiet_material_alternates(site_dir):
            log.warning("Material-Skript: der Abruf von sitemap.xml neben jedem <link rel=\"alternate\"> wurde nicht "
                        "gefunden (neue Material-Version?). Seiten laden dann Dateien, die es nicht gibt: "
                        "theme_files.py anpassen.")
        try:
            self.build.finish(site_dir, sitemap=several)
        except SiteError as exc:
            raise PluginError(str(exc)) from None

    # on_build_error: a failed build stops its helper too (it may still be preparing or checking).
    def on_build_error(self, error: Exception) -> None:
        if self.build is not None:
            self.build.close()

    # on_serve: `make serve` rebuilds when staff save a data file, not only a Markdown page: every file
    # and folder the data comes from, consent records, withdrawals and photos included.
    def on_serve(self, server, config: MkDocsConfig, builder):
        from ..inputs import DATA_FILES, DATA_FOLDERS
        assert self.root is not None
        for name in DATA_FILES + DATA_FOLDERS:
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        return server
