"""Options of the `stadtteil` plugin in mkdocs.yml."""

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
    # Part of every calendar UID. Set once and never change it: a new value makes every subscribed
    # calendar show all dates twice. Default: the host name of `site_url`.
    uid_domain = c.Optional(c.Type(str))
    # The funding notice: standard text and logos (see README). The required funders (eu-esf, mags,
    # mkffi) cannot be left out; logos without `file` use the built-in emblem or placeholder.
    funding = c.Optional(c.Type(dict))
    # A self-hosted video in German Sign Language for the start page (marker <!-- stadtteil:dgs -->):
    # {file: media/dgs-willkommen.mp4, duration: "1:45", title: …, poster: …}. It needs a consent record.
    sign_language_video = c.Optional(c.Type(dict))


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
