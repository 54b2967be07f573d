"""Options of the `stadtteil` plugin in mkdocs.yml."""

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


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
