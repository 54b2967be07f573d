"""One way from staff data to a site, whichever engine renders the pages.

``stadtteil check``, the mkdocs plugin (``stadtteil build``, ``mkdocs serve``) and any other engine go
through the same three steps, so a mistake one of them finds, the others find too:

- ``Site.prepare(config, today)``: data loaded and validated, consent records and photos checked and
  measured (encoding may follow later), funding and site inputs checked, the data's Markdown fields
  and, when asked, the hand-written pages checked; every mistake at once (``DataErrors``), then the
  rules that stop a build whatever the data (``SiteError``: no site_url, production placeholders).
- ``site.outputs(lang)``: one language's calendars, data pages, default pages and search entries.
- ``site.finish(...)``: the calendar revision record and the reports of what was left out.

Engine-agnostic: nothing here imports mkdocs, Material or the language plugin. The engine's adapter
fills a ``SiteConfig`` from its own configuration and turns pages into its own files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml
from pydantic import ValidationError

from . import funding as funding_rules
from .images import photos as photo_rules
from .checks import plausibility
from .checks import production as production_rules
from .calendars import revisions
from . import sanitize
from .errors import DataError, DataErrors
from .calendars.feeds import FeedSettings
from .inputs import MAX_MARKDOWN_BYTES, site_inputs
from . import shared_partners
from .upgrade import version_problems
from .loader import Project, check_calendar, check_helplines, load_project
from .models import Settings
from .calendars.schedule import TZ

# The Markdown extensions every mkdocs site has, whatever mkdocs.yml says (mkdocs adds them itself).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
VOCABULARIES = ("categories", "audiences", "topics", "partner_kinds", "category_colors")


class SiteError(Exception):
    """A rule that stops the build before anything is made; its text is the German message."""


def build_date(option: str | None) -> dt.date:
    """The day the pages are built for: STADTTEIL_TODAY, the `today` option, SOURCE_DATE_EPOCH, today.

    The one date rule of check, build and preview: an event "past" for one is past for all."""
    value = os.environ.get("STADTTEIL_TODAY") or option
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise SiteError(f"„today“/STADTTEIL_TODAY „{value}“ ist kein Datum (JJJJ-MM-TT).") from None
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(epoch), TZ).date()
    return dt.datetime.now(TZ).date()


def production_requested(strict: bool = False) -> bool:
    """A production build refuses placeholders: `--strict`, or STADTTEIL_PRODUCTION=1 (the CI pipelines)."""
    return strict or os.environ.get("STADTTEIL_PRODUCTION") == "1"


def markdown_settings(entries: Any) -> tuple[list[str], dict[str, dict]]:
    """Extension names and their options from a `markdown_extensions` list as mkdocs.yml writes it."""
    names = list(BUILTIN_EXTENSIONS)
    configs: dict[str, dict] = {}
    for entry in entries or []:
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) and entry else (entry, None))
        if not isinstance(name, str):
            continue
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            # Values mkdocs.yml gives by a Python tag (`!!python/name:`) are the engine's to resolve.
            configs[name] = {k: v for k, v in options.items() if v is not None}
    return names, configs


@dataclass
class SiteConfig:
    """What the pipeline needs of a site's configuration, whichever engine read it."""
    root: Path                                  # office.yml, offers/, events/, partners/, media/
    docs_dir: Path                              # the hand-written pages (content/)
    site_url: str = ""                          # ends in "/", or "" when missing
    options: dict = field(default_factory=dict)  # the plugin's options (funding, uid_domain, vocabularies, …)
    markdown_extensions: list = field(default_factory=lambda: list(BUILTIN_EXTENSIONS))
    markdown_configs: dict = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["de"])
    config_file: str = "mkdocs.yml"            # the name messages give
    production: bool = False

    @classmethod
    def from_file(cls, config_file: Path, production: bool = False) -> "SiteConfig":
        """A site's configuration read from its mkdocs.yml without the site engine (`check` stays fast,
        and the yearly report needs no engine at all)."""
        from .yamlsource import plugin_options, read_config
        options = plugin_options(config_file)
        data = read_config(config_file)
        site_url, _, languages = revisions.site_settings(config_file, options)
        extensions, configs = markdown_settings(data.get("markdown_extensions"))
        return cls(root=(config_file.parent / options.get("data_dir", ".")).resolve(),
                   docs_dir=Path(os.path.abspath(config_file.parent / data.get("docs_dir", "docs"))),
                   site_url=site_url, options=options, markdown_extensions=extensions,
                   markdown_configs=configs, languages=languages, config_file=config_file.name,
                   production=production)

    @property
    def uid_domain(self) -> str | None:
        from urllib.parse import urlsplit
        return self.options.get("uid_domain") or urlsplit(self.site_url).hostname


def settings_of(options: dict) -> Settings:
    """The vocabularies of the plugin's options, validated once; ValueError with pydantic's problems."""
    try:
        return Settings.model_validate({k: options[k] for k in VOCABULARIES if options.get(k) is not None})
    except ValidationError as exc:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None


def markdown_renderer(extensions: list, configs: dict) -> Callable[[str], str]:
    """Staff Markdown rendered as the pages will render it, for the check (sanitize.py)."""
    import markdown as python_markdown
    md = python_markdown.Markdown(extensions=extensions, extension_configs=configs or {})
    return lambda text: md.reset().convert(text)


_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


def page_body(source: str) -> str:
    """A page's Markdown without its YAML front matter (as the engines split it)."""
    match = _FRONT_MATTER.match(source)
    if match:
        try:
            if isinstance(yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), dict):
                return source[match.end():].lstrip("\n")
        except yaml.YAMLError:
            pass
    return source


def page_problems(docs: Path, render: Callable[[str], str]) -> list[DataError]:
    """Dangerous HTML in the hand-written pages, rendered on their own (the engine checks the final
    HTML again as it renders; this is for a run that stops before, and for `check`)."""
    found: list[DataError] = []
    for rel, source in content_pages(docs):
        found += sanitize.page_problems(render(page_body(source)), source, f"content/{rel}")
    return found


def content_pages(docs: Path) -> Iterator[tuple[str, str]]:
    """(path in the pages' folder, text) of each hand-written page. Links and special files are reported
    by inputs.py and never read: the walk follows none, and a file over the size limit is left out."""
    pages = sorted(Path(folder) / name for folder, _, names in os.walk(docs, followlinks=False)
                   for name in names if name.endswith(".md"))
    for path in pages:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_MARKDOWN_BYTES:
            yield path.relative_to(docs).as_posix(), path.read_text(encoding="utf-8", errors="replace")


_BLOCK_MARKER = re.compile(r"<!-- stadtteil:([a-z-]+) -->")


def live_block_pages(docs: Path, languages: list[str]) -> dict[str, set[str]]:
    """The live blocks (``<!-- stadtteil:NAME -->``) each hand-written page names, by the page it is
    (kontakt.md for kontakt.en.md, as the engine's language folders name it)."""
    suffixes = tuple(f".{code}.md" for code in languages)
    found: dict[str, set[str]] = {}
    for rel, source in content_pages(docs):
        if markers := set(_BLOCK_MARKER.findall(source)):
            page = next((rel[: -len(suffix)] + ".md" for suffix in suffixes if rel.endswith(suffix)), rel)
            found.setdefault(page, set()).update(markers)
    return found


@dataclass
class LanguageOutputs:
    """One language's share of the site, made in whichever process (see helper_process.py)."""
    feeds: list
    revisions_used: dict
    pages: list        # data pages (pages.Page)
    defaults: list     # pages the site may write by hand instead (kontakt.md, …)
    entries: list      # search entries of the data pages
    files: list = field(default_factory=list)   # (site path, bytes): the partners' dates (opendata/embed.py)


class Site:
    """A site prepared for building: see the module's docstring."""

    def __init__(self, config: SiteConfig, today: dt.date) -> None:
        self.config = config
        self.today = today
        self.root = config.root
        self.project: Project | None = None
        self.photos = photo_rules.PhotoSet()
        self.funding: funding_rules.Funding | None = None
        self.settings = Settings()
        self.errors: list[DataError] = []
        self.notes: list[str] = []        # what was not checked because of a mistake (errors.Notice)
        self.calendar_warnings: list[str] = []
        self.warnings: list[str] = []
        # Must be seen, must not stop any build (not even --strict): old helpline entries, plausibility
        # (errors.Notice, checks/plausibility.py).
        self.notices: list[str] = []
        self._revisions = None
        self._record: tuple[dict, str | None] | None = None   # revisions.read, once per build
        self.revision_notice: str | None = None
        self.image_uses: dict[str, list[str]] = {}

    @property
    def site_url(self) -> str:
        return self.config.site_url

    @classmethod
    def prepare(cls, config: SiteConfig, today: dt.date, *, check_pages: bool = False,
                progress: Callable[[int, int, str], None] | None = None) -> "Site":
        """Everything loaded and checked; raises DataErrors with every mistake, then SiteError.

        ``check_pages``: check the hand-written pages here even when nothing else is wrong (``check``
        does; a build checks them as the engine renders them, and here only when it stops anyway)."""
        site = cls.collect(config, today, check_pages=check_pages, progress=progress)
        if site.errors:
            raise site.data_errors()
        site.site_rules()
        return site

    @classmethod
    def collect(cls, config: SiteConfig, today: dt.date, *, check_pages: bool = False,
                progress: Callable[[int, int, str], None] | None = None) -> "Site":
        """The first half of ``prepare``: every mistake in ``errors``, nothing raised (for `check`,
        which reports warnings beside them)."""
        site = cls(config, today)
        site._collect(progress)
        if site.errors or check_pages:
            site.errors += page_problems(config.docs_dir, markdown_renderer(config.markdown_extensions,
                                                                            config.markdown_configs))
        return site

    def _collect(self, progress) -> None:
        config, errors = self.config, self.errors
        try:
            self.settings = settings_of(config.options)
        except ValueError as exc:
            errors.append(DataError(config.config_file, None, None, "Die Listen (categories, audiences, topics, "
                                    f"partner_kinds, category_colors) im Plugin „stadtteil“ sind fehlerhaft: {exc}", ""))
        # A site written for another data format says which command moves it (upgrade.py).
        errors += version_problems(config.options, config.config_file)
        try:
            self.project = load_project(self.root, self.settings, config.options.get("partners_from"),
                                        config.options.get("places_from"))
            self.calendar_warnings = check_calendar(self.project, self.today)
            self.warnings += self.calendar_warnings
            self.notices += check_helplines(self.project, self.today)
            self._record = revisions.read(self.root)
            self.notices += plausibility.check(self.project, self.today, plausibility.recorded_events(self._record[0]))
        except DataErrors as exc:
            errors += exc.errors
            self.notes += exc.notes
        # Images and their consent records are checked in the same run: every mistake at once.
        # Photos are checked and measured here; new ones are encoded later (``encode_photos``, by the
        # helper when there is one): pages need only their names and sizes.
        self.photos = photo_rules.prepare(self.root, self.today, self.project, self.cache_dir,
                                          progress=progress, encode=False)
        errors += self.photos.errors
        self.notes += self.photos.notes
        # The engine copies every file of the pages' folder, following links: refused before it touches anything.
        errors += site_inputs(self.root, config.docs_dir, config.options, config.config_file)
        if self.project is not None:
            errors += sanitize.check_data(self.project, markdown_renderer(config.markdown_extensions,
                                                                          config.markdown_configs))
        try:
            self.funding = funding_rules.configure(config.options.get("funding"), self.root, config.config_file)
        except ValueError as exc:
            errors.append(DataError(config.config_file, None, None, str(exc).split(":", 1)[-1].strip(), ""))

    def data_errors(self) -> DataErrors:
        """The mistakes found, with their notes, reported with the lines they stand in."""
        return DataErrors(self.errors, self.notes, root=self.root, docs_dir=self.config.docs_dir,
                          shared=shared_partners.named_in(self.config.options))

    def site_rules(self) -> None:
        """Rules of the whole site, after the data is known to be right."""
        assert self.project is not None and self.funding is not None
        config = self.config
        if not config.site_url:
            raise SiteError(f"{config.config_file}: „site_url“ fehlt, die Web-Adresse der Website "
                            "(zum Beispiel https://www.example.org/). Die Kalender brauchen sie für ihre Links.")
        names = ", ".join(logo.id for logo in self.funding.placeholders)
        found = [f"Förderhinweis: Für diese Logos stehen noch Platzhalter: {names}. "
                 "Tragen Sie die echten Logo-Dateien in mkdocs.yml unter „funding“ ein."] if names else []
        if config.production:   # the scaffold's placeholders (Impressum, phone, site_url, …): see checks/production.py
            found += production_rules.problems(self.root, self.project, config.site_url,
                                               config.options.get("uid_domain"), config.config_file)
            if found:
                raise SiteError("Ein Produktions-Bau (--strict oder STADTTEIL_PRODUCTION=1) veröffentlicht keine "
                                "Platzhalter:\n  " + "\n  ".join(found))
        elif found:
            self.warnings.append(found[0])
        if self.project.office.legal is None:
            message = ("office.yml: Der Abschnitt „legal“ fehlt (Impressum, Datenschutzerklärung, Erklärung zur "
                       "Barrierefreiheit). Ein Produktions-Bau veröffentlicht ohne ihn nichts.")
            if config.production:
                raise SiteError(message)
            self.warnings.append(message)

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "images"

    def encode_photos(self, threads: int = 2) -> dict:
        """The new photos' variants with their bytes (in any process: the helper's too)."""
        return self.photos.encode_pending(self.cache_dir, threads=threads)

    # -- outputs ------------------------------------------------------------------------------

    def load_revisions(self) -> None:
        """The calendar revision record, read once: before a helper forks, so every language starts
        from the same record."""
        if self._revisions is None:
            self._revisions, self.revision_notice = revisions.load(self.root, self.today, self._record)

    def outputs(self, lang: str) -> LanguageOutputs:
        """One language's calendars, data pages, default pages and search entries."""
        assert self.project is not None
        self.load_revisions()
        settings = FeedSettings(self.site_url, self.config.uid_domain, self.today, self.project.office.name)
        feeds = revisions.language_feeds(self.project, settings, self._revisions, lang)
        from .pages import build_pages, default_pages, page_entries   # the templates: not needed by `check`
        from .opendata.hsds import licence_of
        generated = build_pages(self.project, self.today, lang=lang, site_url=self.site_url, photos=self.photos,
                                licence=licence_of(self.config.options.get("open_data")),
                                languages=tuple(self.config.languages))
        defaults = default_pages(self.project, self.today, lang=lang, site_url=self.site_url)
        # The record's entries go back with the feeds: a helper's copy of the record is its own.
        from .opendata.embed import files as embed_files
        return LanguageOutputs(feeds, self._revisions.used.get(lang, {}), generated, defaults,
                               page_entries(generated), embed_files(self.project, self.today, lang, self.site_url))

    def outputs_taken(self, lang: str, outputs: LanguageOutputs) -> None:
        """Records what a language's calendars used (they may have been made in another process)."""
        self.load_revisions()
        self._revisions.used[lang] = outputs.revisions_used

    def open_data_files(self) -> list[tuple[str, bytes]]:
        """(site path, bytes) of the open data (HSDS 3.0 under daten/hsds/, opendata/hsds.py): one set for the
        site, in German, published with the first language."""
        from .opendata import hsds
        assert self.project is not None
        return hsds.Export(self.project, self.today, self.site_url, self.funding.text if self.funding else "",
                           self.funders, hsds.licence_of(self.config.options.get("open_data"))).files()

    @property
    def funders(self) -> tuple[str, ...]:
        """The funders' names as their logos are captioned, the carrier's own logo aside (schema.org, HSDS)."""
        return tuple(logo.alt for logo in self.funding.logos if logo.id != "traeger") if self.funding else ()

    def logo_files(self) -> list[tuple[str, bytes]]:
        """(site path, bytes) of the funding logos, published in every language's build."""
        assert self.funding is not None
        return [(logo.site_path, logo.source.read_bytes()) for logo in self.funding.logos]

    def media_files(self) -> list[tuple[str, bytes]]:
        """(site path, bytes) of the images and videos published: graphics and videos as they are,
        photos only as their re-encoded variants."""
        files = [(photo_rules.site_path_of(source), data) for source, data in self.photos.passthrough.items()]
        # A photo still being encoded (in the helper) is written when its bytes are there (build.py).
        return files + [(variant.path, variant.data) for source, processed in self.photos.published.items()
                        if source not in self.photos.originals for variant in processed.variants]

    def content_file(self, src: str, path: Path | None, docs_dir: Path) -> tuple[str, bytes | None]:
        """What becomes of a file of the pages' folder: ("keep", None), ("drop", None), or
        ("replace", bytes) for a photo kept at its address with re-encoded bytes (links still resolve),
        ("pending", None) while that photo is still being encoded."""
        from .filekind import is_image
        if src.endswith(".consent.yml"):
            return "drop", None   # consent records hold form numbers: never published
        # An image is told by its bytes (a photo renamed to .dat is still one). Images are never
        # copied as they are: photos only re-encoded, graphics only with a valid record.
        if path is not None and path.resolve().is_relative_to(docs_dir.resolve()) and is_image(path):
            processed = self.photos.published.get(f"content/{src}")
            if processed is not None and f"content/{src}" in self.photos.originals:
                return "pending", None   # still being encoded: its bytes follow (build.py)
            return ("replace", processed.fallback.data) if processed is not None else ("drop", None)
        return "keep", None

    def image_used(self, source: str, where: str) -> None:
        self.image_uses.setdefault(source, []).append(where)

    def sign_language(self, lang: str, icon: Callable[[], str]) -> dict | None:
        """The sign-language video block's data, or None (not configured, or its consent is gone).
        ``icon``: the theme's sign-language icon (SVG), asked for only when there is a video."""
        options = self.config.options.get("sign_language_video")
        if not options or not options.get("file"):
            return None
        source = str(options["file"])
        if source not in self.photos.passthrough:
            if source in self.photos.left_out:
                self.image_used(source, "Startseite (Gebärdensprach-Video)")
            return None
        from babel.numbers import format_decimal
        from . import i18n
        size = len(self.photos.passthrough[source])
        poster = options.get("poster")
        title = options.get("title")
        return {"path": photo_rules.site_path_of(source),
                "title": title if title else i18n.gettext(lang, "Informationen in Gebärdensprache"),
                "duration": options.get("duration", ""),
                "size": format_decimal(round(size / 1_000_000, 1), "0.0", locale=i18n.language(lang).babel) + " MB",
                "type": "video/webm" if source.endswith(".webm") else "video/mp4", "icon": icon(),
                "poster": photo_rules.site_path_of(poster) if poster and poster in self.photos.passthrough else None}

    # -- finish -------------------------------------------------------------------------------

    def write_revisions(self) -> tuple[bool, str | None]:
        """The revision record after all languages, once (docs/kalender.md): (written, problem)."""
        if self._revisions is None or not revisions.may_write():
            return False, None
        try:
            return revisions.write(self.root, revisions.updated(self._revisions.record, self._revisions.used)), None
        except OSError as exc:
            return False, (f"{revisions.RECORD} konnte nicht geschrieben werden ({exc.strerror}). Die Kalender "
                           "sind trotzdem richtig; committen Sie die Datei nach einem Bau mit Schreibrecht.")

    def find_page_uses(self) -> None:
        """Where the hand-written pages show an image that is left out, without rendering them (for
        `check`, which builds nothing; a build learns it as it renders)."""
        if not self.photos.left_out:
            return
        from .images.in_pages import drop_left_out
        docs = self.config.docs_dir
        for folder, _, names in os.walk(docs, followlinks=False):
            for name in sorted(names):
                path = Path(folder) / name
                if name.endswith(".md") and stat.S_ISREG(os.lstat(path).st_mode):
                    drop_left_out(path.read_text(encoding="utf-8", errors="replace"),
                                  path.relative_to(docs).as_posix(), self.photos, self.image_used)
        video = (self.config.options.get("sign_language_video") or {}).get("file")
        if video in self.photos.left_out:
            self.image_used(video, "Startseite (Gebärdensprach-Video)")

    def left_out_report(self, built: bool = True) -> list[str]:
        """One notice per image not published (consent withdrawn or expired), with where it was used;
        ``built=False``: told before a build (`check`)."""
        assert self.project is not None
        notices = []
        for source, reason in sorted(self.photos.left_out.items()):
            uses = list(self.image_uses.get(source, []))
            for (kind, item_id), doc in self.project.sources.items():
                record = self.project.offers.get(item_id) if kind == "offers" else \
                    self.project.events.get(item_id) if kind == "events" else None
                if record is not None and record.image == source:
                    uses.append(doc.file)
            where = ", ".join(sorted(set(uses))) or "nirgends"
            if built:
                notices.append(f"Bild {source} wird nicht veröffentlicht ({reason}). Es war verwendet in: {where}. "
                               "Die Seiten wurden ohne das Bild gebaut.")
            elif uses:
                notices.append(f"Bild {source} wird nicht mehr veröffentlicht ({reason}). Es ist verwendet in: "
                               f"{where}. Der nächste Bau lässt es dort weg; entfernen Sie die Verweise danach in Ruhe.")
            else:
                notices.append(f"Bild {source} wird nicht mehr veröffentlicht ({reason}). Keine Seite zeigt es.")
        return notices

    def allowed_images(self, extra: dict[str, str]) -> dict[str, str]:
        """Site path → sha256 of every image the built site may contain (``extra``: the engine's own)."""
        from .images.output_check import sha256
        assert self.funding is not None
        allowed = extra | self.photos.allowed()
        return allowed | {logo.site_path: sha256(logo.source.read_bytes()) for logo in self.funding.logos}

    def summary(self, pages: int, languages: int, feeds: int) -> str:
        assert self.funding is not None
        notes = (len(self.calendar_warnings) + len(self.notices) + len(self.photos.left_out)
                 + len(self.funding.placeholders))
        return (f"Zusammenfassung: {pages} Seiten in {languages} Sprachen, {feeds} Kalender, Bilder: "
                f"{self.photos.encoded} neu verarbeitet, {self.photos.from_cache} aus dem Zwischenspeicher, "
                f"{len(self.photos.left_out)} ausgelassen; Förderhinweis und Bilder auf allen Seiten geprüft; "
                f"{'Hinweise oben beachten' if notes > 0 else 'keine Hinweise'}.")
