"""One build of a prepared site by an engine that renders the languages one after the other.

Engine-agnostic: what a build decides, whichever engine writes the HTML. The engine's adapter only
translates its events into these calls (for mkdocs: ``mkdocs_adapter/plugin.py``), in this order:

- ``Build(site, languages, …)`` after ``Site.prepare``; ``start(lang)``: the helper process takes the
  other languages' calendars and data pages and the new photos' encoding (helper_process.py);
- per language: ``begin(lang)``, ``take_outputs()`` (that language's outputs, made here or by the
  helper), ``content_file``/``extra_files``/``pages``/``search_page`` (what the engine gets as
  files; ``write_beside(files)`` once the engine has emptied its output folder: the helper writes
  the extra files, the engine only lists them), then for each page ``page_meta``, ``page_markdown``
  and ``page_html``; the theme's context from ``alternates``/``template_context`` and the head's
  schema.org block from ``structured_data``; ``error_page`` for the language's 404 page;
  ``language_written()`` once its pages are on disk;
- ``finish(site_dir)``: error pages, sitemap, the check of the finished site, the calendar record,
  the reports of what was left out, the summary.

Messages go to a ``Reporter`` (the engine's log); mistakes are raised as ``SiteError`` or
``DataErrors`` with the German text, which the adapter hands to its engine unchanged.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable

from . import bidi, csp, i18n, sanitize
from .opendata import jsonld
from .calendars import discovery, revisions
from .errors import DataErrors
from .formatting import short_date
from .funding import EU_STATEMENT
from .helper_process import Helper
from .images import in_pages
from .images.output_check import sha256
from .pages import BLOCKS, SEARCH, GeneratedPage, page_entries, render_block, search_page
from .pipeline import LanguageOutputs, Site, SiteError, live_block_pages
from .checks.rendered import CssCheck
from .checks.output import SiteCheck
from .sitemap import write_sitemap

DATA_DIR = Path(__file__).resolve().parent / "data"
MARKER = "<!-- stadtteil:{} -->"
# Set by `make serve PREVIEW=…`: the preview builds only this language (and German).
PREVIEW_VARIABLE = "STADTTEIL_PREVIEW_LANGUAGE"


def _ignore(message: str) -> None:
    return None


@dataclass
class Reporter:
    """Where a build's messages go: ``info`` and ``warning`` as the engine logs them (a warning fails a
    strict build), ``notice`` for what must be seen but must not fail one (an image left out after a
    withdrawn consent is the system working, not a build error)."""
    info: Callable[[str], None] = _ignore
    warning: Callable[[str], None] = _ignore
    notice: Callable[[str], None] = _ignore


def preview_languages(code: str, known: list[str], production: bool) -> list[str]:
    """The languages a one-language preview (`make serve PREVIEW=…`) builds: German and ``code``.
    A production build always publishes every language."""
    if code not in known:
        raise SiteError(f"{PREVIEW_VARIABLE}={code}: diese Sprache gibt es nicht; möglich sind "
                        + ", ".join(known) + ".")
    if production:
        raise SiteError(f"{PREVIEW_VARIABLE}={code} in einem Produktions-Bau: veröffentlicht werden immer "
                        "alle Sprachen. Entfernen Sie die Variable.")
    return [lang for lang in known if lang == i18n.DEFAULT or lang == code]


def use_helper(wanted: bool, fork_safe: bool) -> Helper:
    """A helper process on the second core, when there is one, the site wants it and forking is safe
    (the engine knows: a preview server runs threads whose locks a fork could copy held)."""
    return Helper(enabled=(os.cpu_count() or 1) > 1 and fork_safe and wanted)


def relative_url(url: str, other: str) -> str:
    """``url`` relative to the page at ``other`` (site paths; a last part with a dot is a file)."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts, dest_parts = _parts(other), _parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def _parts(path: str) -> list[str]:
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return path.split("/") if path else []


def untranslated_note(html: str, lang: str) -> str:
    """A hand-written page shown in German because its translation is missing says so, in the
    reader's language, and its German part carries lang="de" (WCAG 3.1.2)."""
    if lang == "de-LS":
        note = i18n.gettext(lang, "Diese Seite gibt es noch nicht in Leichter Sprache. Hier steht sie in "
                                  "schwerer Sprache.")
    else:
        note = i18n.gettext(lang, "Diese Seite ist noch nicht übersetzt. Hier steht sie auf Deutsch.")
    return f'<p class="st-untranslated">{note}</p>\n<div lang="de" dir="ltr">\n{html}\n</div>'


def write_files(site_dir: Path, files: list[tuple[str, bytes]]) -> None:
    """Writes (site path, bytes) into ``site_dir``: in the helper (``Build.write_beside``), or here."""
    made: set[Path] = set()
    for path, data in files:
        target = site_dir / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)


class Build:
    """One build of ``site`` in ``languages`` (the first is the default language, built first)."""

    def __init__(self, site: Site, languages: list[str], helper: Helper, site_dir: Path,
                 css: CssCheck | None = None, render: Callable[[str], Any] | None = None,
                 sign_language_icon: Callable[[], str] = lambda: "", theme_images: dict[str, str] | None = None,
                 report: Reporter | None = None) -> None:
        self.site = site
        self.languages = [i18n.language(code) for code in languages]
        self.helper = helper
        self.site_dir = site_dir
        self.check = SiteCheck(site_dir, site.funding, helper, css)
        # ``render``: the engine's Markdown step for a generated page, run where the page is made (in
        # the helper for the other languages); None when the engine renders every page itself.
        self.render = render
        self.sign_language_icon = sign_language_icon
        self.theme_images = theme_images or {}      # site path → sha256 of the theme's own images
        self.report = report or Reporter()
        self.lang = languages[0]
        self.built: list[str] = []
        self.feed_count = 0
        self.error_pages: dict[str, str] = {}
        self.image_aliases: dict[str, str] = {}    # content/ paths of photos kept with re-encoded bytes
        self.german_urls: set[str] = set()        # pages of this language shown in German
        self._prepared: dict = {}
        # Photos of the pages' folder (their paths there) the first language's engine wrote as empty
        # placeholders while the helper was still encoding them; filled in by _photos_encoded.
        self._placeholders: set[str] = set()
        # The live blocks of the hand-written pages (page: block names), and the current language's
        # blocks made beforehand by the helper, by (name, page).
        self._block_pages: dict[str, set[str]] = {}
        self._blocks: dict[tuple[str, str], str] = {}
        self._feeds: dict = {}                     # this language's feeds by (kind, key), for feed_links
        self._encoding = None
        self._content_problems: list = []
        self._graphs: dict[str, jsonld.Graph] = {}
        self._writing: list[list] = []   # [future, files until written] of the helper's writes (write_beside)
        self._handed: set[str] = set()   # the site paths handed to it
        photos = site.photos
        if photos.encoded or photos.from_cache:
            self.report.info(f"Bilder: {photos.encoded} neu verarbeitet, {photos.from_cache} aus dem "
                             f"Zwischenspeicher, {len(photos.left_out)} ausgelassen")
        if photos.repaired:
            self.report.info(f"Hinweis: Zwischenspeicher (.cache/images) beschädigt oder veraltet für "
                             f"{len(photos.repaired)} Bild(er) ({', '.join(photos.repaired)}); sie werden neu "
                             "verarbeitet, nichts zu tun.")
        for warning in site.warnings:
            self.report.warning(warning)
        for text in site.notices:   # helplines, plausibility: told, never failing a --strict (production) build
            self.report.notice(text)

    # -- the languages, and the helper's share of them ------------------------------------------

    def template_globals(self) -> dict:
        """What the theme's templates read of the site (office, build day, funding notice, language)."""
        return {"office": self.site.project.office, "today": self.site.today, "funding": self.site.funding,
                "eu_statement": EU_STATEMENT, "lang": self.lang}

    def start(self) -> None:
        """Hands the new photos' encoding and the other languages' calendars and data pages to the
        helper, which makes them while the engine builds the first language. Everything they depend
        on is loaded by now (the child is a copy and reads nothing itself)."""
        site, photos = self.site, self.site.photos
        others = [lang.code for lang in self.languages if lang.code != self.lang]
        if others and self.helper.enabled:
            # The calendar record runs git: loaded before the fork, like every other input.
            self._load_revisions()
            # One thread there: the build's own process is busy with the first language meanwhile.
            self.helper.share("photos", lambda: site.encode_photos(threads=1))
            # The pages' live blocks are read before the fork too: the helper makes the other
            # languages' blocks („Heute“, „Diese Woche“ … 70 days each) while the engine builds the first.
            self._block_pages = live_block_pages(site.config.docs_dir, [lang.code for lang in self.languages])
            self.helper.share("language", lambda code: self.language_outputs(code, blocks=True))
            if photos.pending:
                self._encoding = self.helper.call("photos")
        if photos.pending and self._encoding is None:
            photos.complete(site.encode_photos())
        if not others or not self.helper.enabled:
            return
        for code in others:
            future = self.helper.call("language", code)
            if future is None:
                break
            self._prepared[code] = future

    def language_outputs(self, lang: str, blocks: bool = False) -> tuple[LanguageOutputs, dict, dict]:
        """One language's outputs, its pages rendered by the engine's Markdown step (by source path)
        and, with ``blocks`` (the helper's share), the live blocks of its hand-written pages by (name,
        page): the same in either process. Made here, the blocks are made when a page asks for them."""
        outputs = self.site.outputs(lang)
        rendered = {page.src: self.render_page(page.markdown) for page in outputs.pages + outputs.defaults}
        return outputs, rendered, self.live_blocks(lang) if blocks else {}

    def live_blocks(self, lang: str) -> dict[tuple[str, str], str]:
        """The live blocks of the hand-written pages in ``lang``, but the sign-language block: whether its
        video is left out is recorded by the build's own process (Site.sign_language), so it is made there."""
        site = self.site
        return {(name, page): render_block(site.project, site.today, name, page, lang=lang, site_url=site.site_url,
                                           funding=site.funding)
                for page, names in sorted(self._block_pages.items()) for name in sorted(names)
                if name in BLOCKS and name != "dgs"}

    def render_page(self, markdown: str) -> Any:
        return self.render(markdown) if self.render is not None else None

    def begin(self, lang: str) -> None:
        """The engine starts building ``lang``."""
        self.lang = lang

    def take_outputs(self) -> tuple[LanguageOutputs, dict]:
        """The language's outputs, from the helper or made here; with the second language, the new
        photos' bytes (the helper encoded them while the engine built the first)."""
        self.built.append(self.lang)
        self.image_aliases = {}
        outputs, rendered, self._blocks = Helper.result_or(self._prepared.pop(self.lang, None),
                                                           lambda: self.language_outputs(self.lang))
        self.site.outputs_taken(self.lang, outputs)
        if len(self.built) > 1:
            self._photos_encoded()
        self.feed_count += len(outputs.feeds)
        # Single dates (occurrence) are named by the pages' lists, not in any head.
        self._feeds = {(feed.kind, feed.key): feed for feed in outputs.feeds if feed.kind != "occurrence"}
        return outputs, rendered

    def extra_files(self, outputs: LanguageOutputs) -> list[tuple[str, bytes]]:
        """(site path, bytes) the engine adds before the pages' folder: calendars, partners' dates, funding
        logos, and with the first language the open data (daten/hsds/)."""
        data = self.site.open_data_files() if self.lang == self.languages[0].code else []
        return [(feed.path, feed.content) for feed in outputs.feeds] + outputs.files + self.site.logo_files() + data

    def write_beside(self, files: list[tuple[str, bytes]]) -> bool:
        """Has the helper write ``files`` (``extra_files``) into the output folder while the engine goes on;
        True: the engine lists them (links to them resolve) but does not write them. On a disk where
        creating a file costs most of a millisecond, the thousand calendars of six languages would cost
        the engine's process a second. Call once the engine has emptied its output folder.

        The helper runs its jobs in order: the first language's files (the funding logos among them)
        are written before any page is checked. At the end, ``finish`` writes here what the helper has
        not started (beside it, as it checks the last pages) or could not write."""
        if not files or not self.helper.started:
            return False
        # The funding logos are the same files in every language: written once, with the first.
        new = [(path, data) for path, data in files if path not in self._handed]
        future = self.helper.submit(write_files, self.site_dir, new)
        if future is None:
            return False
        self._handed.update(path for path, _ in new)
        job = [future, new]
        # Written there: the bytes are not kept here (a large site's six languages would double the memory).
        future.add_done_callback(lambda done: None if done.cancelled() or done.exception()
                                 else job.__setitem__(1, None))
        self._writing.append(job)
        return True

    def _files_written(self) -> None:
        """Every file handed to the helper is on disk: a job it has not started is done here, beside
        it; one that failed (or whose helper died) is done again here."""
        writing, self._writing = self._writing, []
        for future, _ in writing:
            future.cancel()
        for future, files in writing:
            if future.cancelled():
                write_files(self.site_dir, files)
            else:
                Helper.result_or(future, partial(write_files, self.site_dir, files))

    def content_file(self, src: str, path: Path | None, docs_dir: Path) -> tuple[str, bytes | None]:
        """What becomes of a file of the pages' folder (``Site.content_file``); a photo kept at its
        address is one of the site's images by its new bytes. A photo still being encoded is an empty
        placeholder for the engine (its links resolve) until its bytes are there (_photos_encoded)."""
        what, data = self.site.content_file(src, path, docs_dir)
        if what == "pending":
            self._placeholders.add(src)
            return "replace", b""
        if data is not None:
            self.image_aliases[src] = sha256(data)
        return what, data

    def _photos_encoded(self) -> None:
        """The new photos' variants, once the helper has encoded them (or made here if it failed),
        written where the first language's engine left them out or wrote a placeholder; before any
        page is checked (language_written, finish), so the checks read the real bytes."""
        if self._encoding is None:
            return
        encoding, self._encoding = self._encoding, None
        pending = set(self.site.photos.pending)
        self.site.photos.complete(Helper.result_or(encoding, self.site.encode_photos))
        for source in sorted(pending):
            for variant in self.site.photos.published[source].variants:
                write_files(self.site_dir, [(variant.path, variant.data)])
        for src in sorted(self._placeholders):
            data = self.site.photos.published[f"content/{src}"].fallback.data
            write_files(self.site_dir, [(src, data)])
            self.image_aliases[src] = sha256(data)
        self._placeholders = set()

    def shown_in_german(self, pages: Iterable[tuple[str, str]]) -> None:
        """(address, language of its text) of the hand-written pages: those this language shows in
        German (no translation yet) get lang="de" wherever they are named."""
        self.german_urls = {url for url, locale in pages if locale != self.lang and not i18n.is_german(self.lang)}

    def pages(self, outputs: LanguageOutputs, exists: Callable[[str], bool]) -> tuple[list[GeneratedPage], list]:
        """The data pages, and the default pages the site did not write by hand (``exists``: a page
        of the pages' folder has this source path), with their search entries. A data page that is
        also a hand-written file stops the build."""
        defaults = [page for page in outputs.defaults if not exists(page.src)]
        clashes = [page.src for page in outputs.pages if exists(page.src)]
        if clashes:
            raise SiteError("Diese Seiten gibt es doppelt, als Datei in content/ und aus den Daten erzeugt: "
                            + ", ".join(f"content/{c}" for c in clashes)
                            + ". Benennen Sie die Datei in content/ um oder löschen Sie sie.")
        return outputs.pages + defaults, outputs.entries + page_entries(defaults)

    def search_page(self, entries: list, content: Iterable[tuple[str, dict, str]]) -> GeneratedPage:
        """The A–Z and search page: the data pages' ``entries`` and the hand-written pages' (source
        path, front matter, language of its text); a page shown in German is listed as German."""
        own = [{"title": str(meta.get("title", Path(src).stem)), "description": str(meta.get("description", "")),
                "src": src, "lang": "de" if locale != self.lang and not i18n.is_german(self.lang) else ""}
               for src, meta, locale in content]
        return search_page(self.site.project, self.site.today, entries + own, lang=self.lang)

    # -- each page ------------------------------------------------------------------------------

    def page_meta(self, meta: dict, src: str) -> None:
        """A page's front matter is text, and no page may drop the footer (the funding notice)."""
        sanitize.escape_meta(meta)
        if "footer" in (meta.get("hide") or []):
            raise SiteError(f"content/{src}: „hide: footer“ ist nicht erlaubt – die Fußzeile enthält den "
                            "vorgeschriebenen Förderhinweis. Löschen Sie „footer“ aus „hide“.")

    def page_markdown(self, markdown: str, src: str, page: str) -> str:
        """A page's Markdown before rendering: left-out images gone, live blocks (``<!-- stadtteil:NAME
        -->``) filled in. ``src``: its file in the pages' folder, ``page``: the page it is (kontakt.md
        for kontakt.en.md)."""
        site = self.site
        markdown = in_pages.drop_left_out(markdown, src, site.photos, site.image_used)
        if "<!-- stadtteil:" not in markdown:
            return markdown
        for name in BLOCKS:
            marker = MARKER.format(name)
            if marker in markdown:
                block = self._blocks.get((name, page))
                if block is not None:
                    markdown = markdown.replace(marker, "\n" + block + "\n")
                    continue
                block = render_block(site.project, site.today, name, page, lang=self.lang, site_url=site.site_url,
                                     funding=site.funding, dgs=site.sign_language(self.lang, self.sign_language_icon))
                markdown = markdown.replace(marker, "\n" + block + "\n")
        if "<!-- stadtteil:" in markdown:
            unknown = markdown.split("<!-- stadtteil:", 1)[1].split("-->", 1)[0].strip()
            raise SiteError(f"content/{src}: Den Platzhalter „stadtteil:{unknown}“ gibt es nicht. "
                            f"Erlaubt sind: {', '.join(BLOCKS)}.")
        return markdown

    def page_html(self, html: str, src: str, url: str, source: Path | None, locale: str | None) -> str:
        """A page's HTML as rendered: images of hand-written pages responsive or gone, a hand-written
        page's dangerous HTML noted (``source``: its file), names isolated in right-to-left text, a
        German fallback marked (``locale``: the language of its text), the content region marked."""
        site = self.site
        html = in_pages.rewrite(html, src, url, site.photos, site.image_used)
        if source is not None:
            self._content_problems += sanitize.page_problems(html, source.read_text(encoding="utf-8"),
                                                             f"content/{src}")
        if i18n.language(self.lang).direction == "rtl" and site.project is not None:
            office = site.project.office
            html = bidi.isolate_names(html, [office.project, office.name, office.carrier, office.address.street])
        if locale is not None and locale != self.lang:
            html = untranslated_note(html, self.lang)
        return csp.mark_content(html)

    def pages_rendered(self) -> None:
        """Every page of the language is rendered, none written: its dangerous HTML refused at once."""
        problems, self._content_problems = self._content_problems, []
        if problems:
            raise DataErrors(problems)

    def alternates(self, url: str) -> list[dict]:
        """The page at ``url`` in every language (same address, other folder): for the switcher and
        `<link rel="alternate" hreflang>` (absolute)."""
        lang = i18n.language(self.lang)
        rest = lang.unprefixed(url)
        return [{"lang": other, "current": other.code == lang.code, "absolute": self.site.site_url + other.prefix + rest,
                 "href": relative_url(other.prefix + rest or ".", url or ".")} for other in self.languages]

    def structured_data(self, url: str) -> str:
        """The schema.org element for the head of the page at ``url`` ("" for pages without one):
        offer, event, start and contact pages (opendata/jsonld.py)."""
        site, lang = self.site, i18n.language(self.lang)
        rest = lang.unprefixed(url)
        src = "index.md" if rest == "" else rest.rstrip("/") + ".md"
        if self.lang not in self._graphs:
            self._graphs[self.lang] = jsonld.Graph(site.project, site.today, self.lang, site.site_url,
                                                   list(site.funders))
        return jsonld.script(self._graphs[self.lang].for_page(src))

    def feed_links(self, url: str) -> list[discovery.FeedLink]:
        """The feeds the page at ``url`` names in its head (calendars/discovery.py), for the theme."""
        lang = i18n.language(self.lang)
        rest = lang.unprefixed(url)
        offers = self.site.project.offers if self.site.project is not None else {}
        return discovery.feed_links(rest, self._feeds, self.site.site_url,
                                    {oid: offer.category for oid, offer in offers.items()})

    def error_page_alternates(self) -> list[dict]:
        """The error page is served at any depth: its switcher leads to each language's start page,
        from the site's root path."""
        from urllib.parse import urlsplit
        lang, root = i18n.language(self.lang), urlsplit(self.site.site_url).path
        return [{"lang": other, "current": other.code == lang.code, "absolute": self.site.site_url + other.prefix,
                 "href": root + other.prefix} for other in self.languages]

    def template_context(self, alternates: list[dict]) -> dict:
        """What the project's theme templates read: the language, its switcher, translations, dates."""
        lang = i18n.language(self.lang)
        return {"st_alternates": alternates, "st_lang": lang, "st_t": i18n.translator(self.lang),
                "st_home": lang.prefix, "st_easy": any(other.code == "de-LS" for other in self.languages),
                "st_date": lambda day: short_date(day, self.lang)}

    def error_page(self, html: str) -> None:
        """This language's error page; each language keeps its own in its folder (``finish``)."""
        self.error_pages[self.lang] = html

    def language_written(self) -> None:
        """The language's pages are on disk: the helper checks them while the next one builds."""
        self._photos_encoded()
        self.check.pages_ready(self.allowed_images())

    # -- the end --------------------------------------------------------------------------------

    def allowed_images(self) -> dict[str, str]:
        """Site path → sha256 of every image the built site may contain (the theme's own included)."""
        return self.site.allowed_images(self.theme_images | self.image_aliases)

    def finish(self, site_dir: Path, sitemap: bool) -> None:
        """After the last language: error pages, sitemap (``sitemap``: the site has several
        languages), the check of the finished site (SiteError: the site must not be published), then
        the calendar record, the reports and the summary."""
        self._files_written()
        for code, html in self.error_pages.items():
            # The German one at the root too: servers fall back to it.
            target = site_dir / i18n.language(code).prefix / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        if sitemap:
            write_sitemap(site_dir, self.site.site_url, self.built)
        self._photos_encoded()
        try:
            problems = self.check.finish(self.allowed_images())
        finally:
            self.close()
        if problems:
            raise SiteError(DataErrors(problems).report().replace("Die Daten enthalten", "Die gebaute Website hat"))
        # Hosts that read a `_headers` file (Netlify, Cloudflare Pages) get the calendar type and
        # headers; engines skip files starting with "_", so it is written here.
        shutil.copyfile(DATA_DIR / "_headers", site_dir / "_headers")
        written, problem = self.site.write_revisions()
        if written:
            self.report.info(f"{revisions.RECORD} aktualisiert: bitte zusammen mit den Daten committen.")
        if problem:
            self.report.notice(problem)
        for text in self.site.left_out_report():
            self.report.notice(text)
        self.report.info(self.site.summary(self.check.pages, len(self.built), self.feed_count))

    def close(self) -> None:
        """The helper ends with the build, however it ends (it may still be preparing or checking)."""
        self.helper.close()

    def _load_revisions(self) -> None:
        self.site.load_revisions()
        if self.site.revision_notice:
            self.report.notice(self.site.revision_notice)
            self.site.revision_notice = None
