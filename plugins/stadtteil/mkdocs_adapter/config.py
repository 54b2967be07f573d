"""Options of the `stadtteil` plugin in mkdocs.yml."""

import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..pipeline import SiteConfig


class StadtteilConfig(Config):
    # Folder holding office.yml, offers/, events/ and partners/; default: the folder of mkdocs.yml.
    data_dir = c.Optional(c.Type(str))
    # The day the site is built "for" (YYYY-MM-DD): makes previews and tests reproducible.
    # STADTTEIL_TODAY in the environment takes precedence; without either: SOURCE_DATE_EPOCH, then today.
    today = c.Optional(c.Type(str))
    # Vocabularies staff refer to by id; each maps an id to its display text.
    categories = c.Optional(c.Type(dict))
    audiences = c.Optional(c.Type(dict))
    topics = c.Optional(c.Type(dict))
    partner_kinds = c.Optional(c.Type(dict))
    # The colour of each category's calendar, a CSS colour name ({begegnung: darkorange}); defaults: calendars/colors.py.
    category_colors = c.Optional(c.Type(dict))
    # Part of every calendar UID. Set once and never change it: a new value makes every subscribed
    # calendar show all dates twice. Default: the host name of `site_url`.
    uid_domain = c.Optional(c.Type(str))
    # The funding notice: standard text and logos (see README). The required funders (eu-esf, mags,
    # mkffi) cannot be left out; logos without `file` use the built-in emblem or placeholder.
    funding = c.Optional(c.Type(dict))
    # A self-hosted video in German Sign Language for the start page (marker <!-- stadtteil:dgs -->):
    # {file: media/dgs-willkommen.mp4, duration: "1:45", title: …, poster: …}. It needs a consent record.
    sign_language_video = c.Optional(c.Type(dict))
    # The licence of the open data under daten/hsds/ (opendata/hsds.py): {licence: …, licence_url: …}; without it
    # „Datenlizenz Deutschland – Namensnennung – Version 2.0“.
    open_data = c.Optional(c.Type(dict))
    # The site engine `stadtteil build` runs (engines.py: an entry point of the group "stadtteil.engines").
    # Read by the core's command line from mkdocs.yml; declared here so mkdocs accepts it.
    engine = c.Type(str, default="mkdocs")
    # A production build refuses every placeholder (checks/production.py); `--strict` is one too.
    # STADTTEIL_PRODUCTION=1 (the CI pipelines) overrides.
    production = c.Type(bool, default=False)
    # With a second core, a helper process prepares the other languages while German builds.
    # STADTTEIL_HELPER=0 overrides (bench/profile.py profiles one process; tests compare both ways).
    helper = c.Type(bool, default=True)
    # Data pages reach mkdocs as finished HTML (prerender.py). STADTTEIL_PRERENDER=0 overrides
    # (tests/test_build.py compares both ways).
    prerender = c.Type(bool, default=True)
    # The preview builds German and this one language only (never a production build).
    # STADTTEIL_PREVIEW_LANGUAGE overrides (`make serve PREVIEW=en`).
    preview_language = c.Optional(c.Type(str))
    # City-wide partner files kept once: folders (relative to mkdocs.yml) read like partners/
    # (shared_partners.py, docs/datenformat.md). Checked by the core with German messages.
    partners_from = c.Optional(c.Type(list))
    # City-wide places (the `locations` of office.yml) kept once: files read like that section.
    places_from = c.Optional(c.Type(list))
    # The data format the site is written for (upgrade.py); `stadtteil upgrade` moves it on.
    format_version = c.Optional(c.Type(int))


# Environment variables that override an option: only those the CI pipelines, `make` and the tests
# set, each read as it always was (production: "1" is yes; helper, prerender: "0" is no).
OVERRIDES = {"production": ("STADTTEIL_PRODUCTION", lambda v: v == "1"),
             "helper": ("STADTTEIL_HELPER", lambda v: v != "0"),
             "prerender": ("STADTTEIL_PRERENDER", lambda v: v != "0"),
             "preview_language": ("STADTTEIL_PREVIEW_LANGUAGE", str)}


def option(config: StadtteilConfig, name: str):
    """An option's value after its environment override."""
    variable, parse = OVERRIDES[name]
    value = os.environ.get(variable)
    return parse(value) if value else config[name]


def site_config(config, options: dict, production: bool) -> SiteConfig:
    """The pipeline's view of a mkdocs configuration (``options``: this plugin's)."""
    base = Path(config.config_file_path or ".").resolve().parent
    data_dir = options.get("data_dir")
    i18n = config.plugins.get("i18n")
    return SiteConfig(
        root=(base / data_dir).resolve() if data_dir else base,
        docs_dir=Path(config.docs_dir),
        site_url=config.site_url.rstrip("/") + "/" if config.site_url else "",
        options=options,
        markdown_extensions=list(config.markdown_extensions),
        markdown_configs=dict(config.mdx_configs or {}),
        languages=list(i18n.build_languages) if i18n is not None else ["de"],
        config_file=Path(config.config_file_path or "mkdocs.yml").name,
        production=production)
