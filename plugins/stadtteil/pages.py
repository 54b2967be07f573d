"""The pages that come from data, as Markdown sources; and the live blocks for hand-written pages.

Engine-agnostic: the adapter of any site engine hands these sources to its Markdown renderer. URLs
follow the data format: an offer ``offers/naehtreff.yml`` is the page ``angebote/naehtreff.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import formatting as fmt
from .calendars import feeds
from . import i18n
from .opendata.hsds import DEFAULT_LICENCE
from .template_cache import TEMPLATES
from .loader import Project
from .models import HELPLINE_KINDS, Event, Helpline, Location, Offer, Partner, ScheduleRule, tel_digits
from .calendars.schedule import TZ, Calendar, Session, describe, is_current, next_sessions, sessions, time_span

# Where each kind of page lives. Changing one changes every link (all links are built from these).
HOME = "index.md"
WEEK = "wochenplan.md"
OFFERS = "angebote/index.md"
EVENTS = "termine/index.md"
PARTNERS = "hilfe-finden/index.md"
CONTACT = "kontakt.md"
CALENDARS = "kalender/index.md"
EMBED = "termine-einbinden.md"
MAX_ROWS = 30  # half-hour rows of the timetable: 15 hours; the theme's CSS has a class for each


def offer_src(offer_id: str) -> str:
    return f"angebote/{offer_id}.md"


def audience_src(audience: str) -> str:
    return f"angebote/fuer/{audience}.md"


def event_src(event_id: str) -> str:
    return f"termine/{event_id}.md"


def partner_src(partner_id: str) -> str:
    return f"hilfe-finden/{partner_id}.md"


@dataclass
class GeneratedPage:
    src: str
    markdown: str


# The sessions of the coming weeks by day, worked out once per project and date: the „today“ block asks
# for each of its 70 days and the „week“ block for its 77, every offer each time, in every language's
# View and in each live block's own (six blocks of the 10× site: 1.3 → 1.1 s of CPU). The same Session
# objects (frozen), in the same order: sessions of one day sort among themselves, days follow each other.
_COMING: dict[int, tuple[weakref.ref, dt.date, dict[dt.date, list[Session]]]] = {}   # by id(project)


def _all_sessions(project: Project, calendar: Calendar, start: dt.date, end: dt.date) -> list[Session]:
    found = [s for offer_id, offer in project.offers.items() for s in sessions(offer_id, offer, calendar, start, end)]
    return sorted(found, key=lambda s: (s.start, s.offer_id))


def _coming_by_day(project: Project, calendar: Calendar, today: dt.date) -> dict[dt.date, list[Session]]:
    kept = _COMING.get(id(project))
    if kept is not None and kept[0]() is project and kept[1] == today:
        return kept[2]
    by_day: dict[dt.date, list[Session]] = {}
    for s in _all_sessions(project, calendar, today, today + dt.timedelta(days=COMING_DAYS)):
        by_day.setdefault(s.day, []).append(s)
    for key in [k for k, v in _COMING.items() if v[0]() is None]:   # projects of earlier builds (serve)
        del _COMING[key]
    _COMING[id(project)] = (weakref.ref(project), today, by_day)
    return by_day


@dataclass
class View:
    """Everything templates need, computed once per build."""

    project: Project
    today: dt.date
    lang: str = "de"
    site_url: str = "https://example.org/"
    photos: Any = None                      # photos.PhotoSet: which images may be shown
    licence: dict[str, str] | None = None   # of the open data (hsds.licence_of), named on the calendars page
    languages: tuple[str, ...] = ()         # the site's languages (the partners' page offers these)
    calendar: Calendar = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = Calendar(self.project.office)
        # Pages of other languages live under a folder (en/…); links between pages of one language
        # are relative and need no prefix, links to files shared by all languages (images) do.
        self.prefix = i18n.language(self.lang).prefix

    # Upcoming dates, with the cancelled ones kept: residents must see that a session is off.
    def next_dates(self, offer_id: str, count: int = 5) -> list[Session]:
        return next_sessions(offer_id, self.project.offers[offer_id], self.calendar, self.today, count)

    def sessions_between(self, start: dt.date, end: dt.date) -> list[Session]:
        if self.today <= start and end <= self.today + dt.timedelta(days=COMING_DAYS):
            by_day = _coming_by_day(self.project, self.calendar, self.today)
            return [s for n in range((end - start).days + 1) for s in by_day.get(start + dt.timedelta(days=n), ())]
        return _all_sessions(self.project, self.calendar, start, end)

    def upcoming_events(self) -> list[tuple[str, Event]]:
        now = dt.datetime.combine(self.today, dt.time())
        return sorted(((k, e) for k, e in self.project.events.items() if (e.end or e.start) >= now),
                      key=lambda item: (item[1].start, item[0]))

    def upcoming_events_for(self, audience: str) -> list[tuple[str, Event]]:
        return [(k, e) for k, e in self.upcoming_events() if audience in e.audience or "alle" in e.audience]

    def past_events(self) -> list[tuple[str, Event]]:
        now = dt.datetime.combine(self.today, dt.time())
        return sorted(((k, e) for k, e in self.project.events.items() if (e.end or e.start) < now),
                      key=lambda item: (item[1].start, item[0]), reverse=True)

    def current_rules(self, offer: Offer) -> list[ScheduleRule]:
        return [r for r in offer.schedule if is_current(r, self.today)]

    def location(self, ref: str | Location) -> Location:
        return self.project.location(ref)

    def upcoming_closures(self, days: int = 120) -> list[dict[str, Any]]:
        """Closures and holidays from today on, for the opening hours block."""
        end = self.today + dt.timedelta(days=days)
        items = [{"start": c.from_, "end": c.last_day, "reason": c.reason}
                 for c in self.calendar.ranges if c.last_day >= self.today and c.from_ <= end]
        for day, name in self.calendar.holidays_between(self.today, end):
            if not any(i["start"] <= day <= i["end"] for i in items):
                items.append({"start": day, "end": day, "reason": {"de": name}})
        return sorted(items, key=lambda i: i["start"])

    def offers_for(self, audience: str) -> list[tuple[str, Offer]]:
        return [(k, o) for k, o in self.project.offers.items() if audience in o.audience or "alle" in o.audience]

    def offers_by_category(self) -> list[tuple[str, dict[str, str], list[tuple[str, Offer]]]]:
        result = []
        for cat_id, label in self.project.settings.categories.items():
            offers = sorted(((k, o) for k, o in self.project.offers.items() if o.category == cat_id),
                            key=lambda item: fmt.text(item[1].title).lower())
            if offers:
                result.append((cat_id, label, offers))
        return result

    def used_audiences(self) -> list[tuple[str, dict[str, str]]]:
        """Audiences that have a filter page: those named by an offer or an event."""
        used = {a for o in self.project.offers.values() for a in o.audience}
        used |= {a for e in self.project.events.values() for a in e.audience}
        return [(k, v) for k, v in self.project.settings.audiences.items() if k in used]

    def partners_by_topic(self) -> list[tuple[str, dict[str, str], list[tuple[str, Partner]]]]:
        result = []
        for topic_id, label in self.project.settings.topics.items():
            partners = sorted(((k, p) for k, p in self.project.partners.items() if topic_id in p.topics),
                              key=lambda item: fmt.text(item[1].name).lower())
            if partners:
                result.append((topic_id, label, partners))
        return result

    def helplines(self) -> dict[str, list[tuple[str, Helpline]]]:
        """The block „Im Notfall“: emergency numbers, the route for a child in danger, helplines, each
        group in the order staff gave (`order`, then name). Empty when the site has none."""
        groups: dict[str, list[tuple[str, Helpline]]] = {kind: [] for kind in HELPLINE_KINDS}
        for helpline_id, helpline in self.project.helplines.items():
            groups[helpline.kind].append((helpline_id, helpline))
        for entries in groups.values():
            entries.sort(key=lambda item: (item[1].order, fmt.text(item[1].name).lower(), item[0]))
        return groups if self.project.helplines else {}

    def phones(self, helpline: Helpline) -> list[str]:
        """The numbers to call: the entry's own, else those of the partner it names (one source of truth)."""
        if helpline.phone:
            return list(helpline.phone)
        partner = self.project.partners.get(helpline.partner or "")
        return [partner.phone] if partner is not None and partner.phone else []

    def feed_list(self) -> list[dict[str, Any]]:
        """The feeds the subscription page offers, with their addresses."""
        p = self.project
        _ = i18n.translator(self.lang)
        items = [{"name": _("Alle Termine"), "note": _("Alle Angebote und Veranstaltungen"), "path": feeds.all_path()},
                 {"name": _("Veranstaltungen"), "note": _("Nur Feste, Aktionen und besondere Termine"),
                  "path": feeds.events_path()}]
        for cat_id, label in p.settings.categories.items():
            if any(o.category == cat_id for o in p.offers.values()):
                items.append({"name": fmt.marked(label, self.lang), "note": _("Alle Angebote in diesem Bereich"),
                              "path": feeds.category_path(cat_id)})
        for item in items:
            item["https"] = self.site_url + self.prefix + item["path"]
            item["webcal"] = self.webcal(item["path"])
        return items

    def embed(self) -> dict[str, Any]:
        """The page for partners: the choices, the languages and the code for this page's language."""
        from html import escape

        from .opendata import embed
        _ = i18n.translator(self.lang)
        office = self.project.office.name
        choices = []
        for c in embed.choices(self.project):
            label = (_("Alle Termine") if c.kind == "all" else fmt.text(c.label, self.lang) if c.kind == "offer"
                     else _("Bereich „%(label)s“") % {"label": fmt.text(c.label, self.lang)})
            choices.append({"name": c.name, "label": label, "kind": c.kind})
        fallbacks = {}
        # Only the languages this site builds have the partners' files (a German-only site offers German).
        for other in [i18n.language(code) for code in self.languages or (self.lang,)]:
            text = i18n.gettext(other.code, "Termine im %(office)s") % {"office": office}
            # Plain text: the builder script escapes it where it writes the code (assets/einbinden.js).
            fallbacks[other.code] = {"text": text, "href": self.site_url + other.prefix + "termine/",
                                     "name": other.name, "lang": other.html_lang, "dir": other.direction}
        mine = i18n.gettext(self.lang, "Termine im %(office)s") % {"office": office}
        return {"choices": choices, "fallbacks": fallbacks, "lang": self.lang,
                "code": embed.snippet(self.site_url, self.lang, "alle", mine),
                "fallback": mine, "local": fmt.rel_file(self.prefix + EMBED, embed.FOLDER) + "/",
                "site": self.site_url, "json": json.dumps(fallbacks, ensure_ascii=False)}

    def picture(self, source: str | None, alt: dict[str, str] | None, src: str) -> Markup:
        """The `<picture>` for a data image, or nothing when it has no valid consent (any more)."""
        if not source or self.photos is None or source not in self.photos.published:
            return Markup("")
        from .images.variants import picture_html
        url = lambda path: fmt.rel_file(self.prefix + src, path)  # noqa: E731
        return Markup(picture_html(self.photos.published[source], fmt.text(alt, self.lang), url, eager=True,
                                   css_class="st-photo"))

    def webcal(self, path: str) -> str:
        """The subscribe link: webcal:// makes phones and Apple Calendar offer to subscribe."""
        return "webcal://" + (self.site_url + self.prefix + path).split("://", 1)[1]

    def offers_with_partner(self, partner_id: str) -> list[tuple[str, Offer]]:
        return [(k, o) for k, o in self.project.offers.items() if partner_id in o.partners]

    def children_of(self, partner_id: str) -> list[tuple[str, Partner]]:
        return [(k, p) for k, p in self.project.partners.items() if p.parent == partner_id]

    def week_grid(self) -> dict[str, Any]:
        """The regular week for the timetable: weekly rules only, placed in half-hour rows."""
        weekly = [(k, o, r) for k, o in self.project.offers.items() for r in self.current_rules(o) if r.weekly]
        # The grid spans only the hours that have groups, so phones and printouts show no empty evening.
        first_hour = min((r.start.hour for _, _, r in weekly), default=9)
        last_minute = max((r.end.hour * 60 + r.end.minute for _, _, r in weekly), default=first_hour * 60 + 60)
        rows = min(MAX_ROWS, max(2, -(-(last_minute - first_hour * 60) // 30)))
        columns = []
        for code in ("mo", "di", "mi", "do", "fr", "sa", "so"):
            entries = []
            for offer_id, offer, rule in weekly:
                if code in rule.weekly:
                    row = (rule.start.hour - first_hour) * 2 + rule.start.minute // 30
                    span = -(-((rule.end.hour * 60 + rule.end.minute) - (rule.start.hour * 60 + rule.start.minute)) // 30)
                    row = min(row, rows - 1)
                    entries.append({"id": offer_id, "offer": offer, "rule": rule,
                                    "row": row, "span": max(1, min(span, rows - row))})
            entries.sort(key=lambda e: (e["rule"].start, fmt.text(e["offer"].title)))
            lanes = assign_lanes(entries)
            if entries or code not in ("sa", "so"):
                # A day with groups side by side is wider (the theme's st-wide-N: 2N - 1 columns, a day 2).
                columns.append({"code": code, "name": fmt.weekday_name(code, self.lang), "entries": entries,
                                "lanes": lanes})
        monthly = [(k, o, r) for k, o in self.project.offers.items() for r in self.current_rules(o) if r.monthly]
        monthly.sort(key=lambda item: fmt.text(item[1].title).lower())
        return {"columns": columns, "monthly": monthly, "first_hour": first_hour, "rows": rows,
                "hours": list(range(first_hour, first_hour + (rows + 1) // 2))}


MAX_LANES = 6  # groups at one time on one day laid out side by side; the theme's CSS has a class for each


def assign_lanes(entries: list[dict[str, Any]]) -> int:
    """Side by side without overlap: groups at the same time on one day (sorted by start) each get a lane
    of their own, the first free one; all groups of one cluster of overlapping times share its number of
    lanes, so their boxes are equally wide. Sets ``lane``, ``lanes`` and ``overlap`` on each entry and returns
    the day's widest cluster (1 with no overlap), at most MAX_LANES: more groups share the last lane."""
    widest = 1
    cluster: list[dict[str, Any]] = []
    cluster_end = None

    def close(group: list[dict[str, Any]]) -> None:
        nonlocal widest
        count = min(MAX_LANES, max((e["lane"] for e in group), default=0) + 1)
        for e in group:
            e["lane"] = min(e["lane"], count - 1)
            e["lanes"] = count
            e["overlap"] = count > 1
        widest = max(widest, count)

    for entry in entries:
        start, end = entry["rule"].start, entry["rule"].end
        if cluster and start >= cluster_end:
            close(cluster)
            cluster = []
        busy = {e["lane"] for e in cluster if e["rule"].end > start}
        entry["lane"] = next(lane for lane in range(len(cluster) + 1) if lane not in busy)
        cluster.append(entry)
        cluster_end = end if cluster_end is None or len(cluster) == 1 else max(cluster_end, end)
    if cluster:
        close(cluster)
    return widest


# Staff text that is not Markdown (titles, names, summaries) often lands on a Markdown line (`# title`):
# the characters Markdown would act on there become character references, which it passes on as text.
# `{` matters most: `{: onclick=…}` at the end of a heading would be an attribute list.
_MARKDOWN_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}"})


def inert(text: Markup) -> Markup:
    """Escaped staff text (tags already escaped) that Markdown shows as written."""
    return Markup(str(text).translate(_MARKDOWN_ACTIVE))


_ENVIRONMENTS: dict[tuple, Environment] = {}


def _environment(view: View) -> Environment:
    """One template environment per build and language: templates compile once, not once per block."""
    key = (id(view.project), view.today, view.lang, view.site_url, id(view.photos), str(view.licence), view.languages)
    if key not in _ENVIRONMENTS:
        if len(_ENVIRONMENTS) > 16:
            _ENVIRONMENTS.clear()   # `mkdocs serve` rebuilds with new projects: keep the cache small
        _ENVIRONMENTS[key] = _new_environment(view)
    return _ENVIRONMENTS[key]


def _new_environment(view: View) -> Environment:
    env = Environment(loader=PackageLoader("stadtteil", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, extensions=["jinja2.ext.i18n"], bytecode_cache=TEMPLATES)
    lang = view.lang
    # Interface text: `_("…")` and `{% trans %}…{% endtrans %}` in the templates, German as the id.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    env.filters.update({
        # Staff text in the page's language; German fallback marked lang="de" (screen readers switch voice).
        "t": lambda value, limit=None: inert(fmt.marked(value, lang, limit)),
        # The same without markup, for front matter and attributes.
        "plain": lambda value: fmt.text(value, lang),
        # Staff descriptions are Markdown by design; they are rendered by the site's Markdown renderer.
        "md": lambda value: fmt.marked_block(value, lang),
        "long_date": lambda d: fmt.long_date(d, lang),
        "day_month": lambda d: fmt.day_month(d, lang),
        "plain_date": lambda d: fmt.plain_date(d, lang),
        "hhmm": lambda t: fmt.hhmm(t, lang),
        "hhmm_dt": lambda d: fmt.hhmm(d.time(), lang),
        "describe": lambda rule: describe(rule, lang),
        "span": lambda start, end: time_span(start, end, lang),
        "language": lambda code: fmt.language_name(code, lang),
        "weekday": lambda code: fmt.weekday_name(code, lang),
        # JSON strings are valid YAML: titles with quotes or colons stay intact in the front matter.
        "yaml_str": lambda s: Markup(json.dumps(str(s), ensure_ascii=False)),
        # A moment as ISO 8601 with its offset (staff write Bottrop's local time without one).
        "iso": lambda d: (d if d.tzinfo else d.replace(tzinfo=TZ)).isoformat(),
        # A number as phones dial it: `tel:` with digits only (and a leading +).
        "tel": lambda phone: "tel:" + tel_digits(str(phone)),
    })
    env.tests["contains_any"] = lambda value, options: any(o in value for o in options)
    # Staff text this language shows in German: the A–Z list marks it lang="de" (front matter keys).
    env.tests["untranslated"] = lambda value: fmt.is_fallback(value, lang)
    env.globals.update({
        "timedelta": dt.timedelta,
        "view": view, "project": view.project, "office": view.project.office, "today": view.today,
        "offer_src": offer_src, "event_src": event_src, "partner_src": partner_src,
        "audience_src": audience_src, "HOME": HOME, "WEEK": WEEK, "OFFERS": OFFERS,
        "EVENTS": EVENTS, "PARTNERS": PARTNERS, "CALENDARS": CALENDARS, "EMBED": EMBED, "feeds": feeds, "CONTACT": CONTACT,
        "span": lambda start, end: time_span(start, end, lang), "lang": lang,

    })
    return env


def _render(env: Environment, template: str, src: str, **context: Any) -> str:
    rel = lambda target, anchor="": fmt.rel_url(src, target, anchor)  # noqa: E731
    # Files of this language (its calendars) sit beside its pages; shared files (logos, images) at the root.
    rel_file = lambda target: fmt.rel_file(src, target)  # noqa: E731
    prefix = env.globals["view"].prefix
    site_file = lambda target: fmt.rel_file(prefix + src, target)  # noqa: E731
    return env.get_template(template).render(src=src, rel=rel, rel_file=rel_file, site_file=site_file, **context)


def build_pages(project: Project, today: dt.date, lang: str = "de",
                site_url: str = "https://example.org/", photos: Any = None,
                licence: dict[str, str] | None = None, languages: tuple[str, ...] = ()) -> list[GeneratedPage]:
    """Every page that comes from data, for one language (``languages``: all the site builds)."""
    view = View(project, today, lang, site_url, photos, licence or DEFAULT_LICENCE, tuple(languages))
    env = _environment(view)
    pages = [
        GeneratedPage(CALENDARS, _render(env, "calendars.md.j2", CALENDARS)),
        GeneratedPage(WEEK, _render(env, "week.md.j2", WEEK, grid=view.week_grid())),
        GeneratedPage(OFFERS, _render(env, "offers.md.j2", OFFERS, audience=None)),
        GeneratedPage(EVENTS, _render(env, "events.md.j2", EVENTS)),
        GeneratedPage(PARTNERS, _render(env, "partners.md.j2", PARTNERS)),
        GeneratedPage(EMBED, _render(env, "einbinden.md.j2", EMBED, embed=view.embed())),
    ]
    for audience, label in view.used_audiences():
        src = audience_src(audience)
        pages.append(GeneratedPage(src, _render(env, "offers.md.j2", src, audience=audience, label=label)))
    for offer_id, offer in project.offers.items():
        src = offer_src(offer_id)
        pages.append(GeneratedPage(src, _render(env, "offer.md.j2", src, id=offer_id, offer=offer)))
    for event_id, event in project.events.items():
        src = event_src(event_id)
        pages.append(GeneratedPage(src, _render(env, "event.md.j2", src, id=event_id, event=event)))
    for partner_id, partner in project.partners.items():
        src = partner_src(partner_id)
        pages.append(GeneratedPage(src, _render(env, "partner.md.j2", src, id=partner_id, partner=partner)))
    return pages


def N_(message: str) -> str:
    """Marks a text for the catalog where it is translated later (by its German text)."""
    return message


# The titles of the German-only legal pages, translated in the other sections' navigation and heading.
LEGAL_TITLES = (N_("Impressum"), N_("Datenschutzerklärung"), N_("Erklärung zur Barrierefreiheit"))
LEGAL_PAGES = {"impressum.md": "impressum.md.j2", "datenschutz.md": "datenschutz.md.j2",
               "barrierefreiheit.md": "barrierefreiheit.md.j2"}


def default_pages(project: Project, today: dt.date, lang: str = "de",
                  site_url: str = "https://example.org/") -> list[GeneratedPage]:
    """Pages every site needs; a hand-written page with the same path takes precedence."""
    env = _environment(View(project, today, lang, site_url))
    pages = [GeneratedPage(CONTACT, _render(env, "contact.md.j2", CONTACT))]
    # The legal pages come from office.yml, so they are always complete and current.
    pages += [GeneratedPage(src, _german_only(_render(env, template, src), lang)) for src, template in LEGAL_PAGES.items()]
    return pages


def _german_only(markdown: str, lang: str) -> str:
    """A legal text in another language's section: the German text (the binding one), marked as German,
    under a translated title and a note in the reader's language saying why it is German."""
    if lang == "de":
        return markdown
    _ = i18n.translator(lang)
    _, head, body = markdown.split("---", 2)
    import yaml
    meta = yaml.safe_load(head) or {}
    title = i18n.gettext(lang, str(meta.get("title", "")))
    if lang == "de-LS":
        note = i18n.gettext(lang, "Diesen Text gibt es nur in schwerer Sprache. Er ist ein Rechts-Text.")
    else:
        note = i18n.gettext(lang, "Dieser rechtliche Text gilt in der deutschen Fassung. Deshalb steht er hier auf Deutsch.")
    body = body.lstrip("\n")
    if body.startswith("# "):
        body = body.split("\n", 1)[1]      # the translated title replaces the German heading
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n# {title}\n\n"
            f'<p class="st-untranslated">{note}</p>\n\n<div lang="de" dir="ltr" markdown="1">\n\n{body}\n\n</div>\n')


SEARCH = "suche.md"


def search_page(project: Project, today: dt.date, entries: list[dict[str, str]], lang: str = "de") -> GeneratedPage:
    """The A–Z page that is also the search index (``entries``: title, description, src of every page)."""
    env = _environment(View(project, today, lang))
    ordered = sorted(entries, key=lambda e: e["title"].lower().replace("„", "").replace("!", ""))
    return GeneratedPage(SEARCH, _render(env, "search.md.j2", SEARCH, entries=ordered))


def page_entries(pages: list[GeneratedPage]) -> list[dict[str, str]]:
    """Title and description of generated pages, read from their front matter."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml when present: the same result, faster
    entries = []
    for page in pages:
        # The front matter ends at a line of its own: a title may contain "---" itself.
        head = page.markdown[4:page.markdown.find("\n---\n", 3)] if page.markdown.startswith("---\n") else ""
        meta = yaml.load(head, Loader=loader) or {}
        entries.append({"title": str(meta.get("title", page.src)), "description": str(meta.get("description", "")),
                        "src": page.src, "title_lang": meta.get("title_lang", ""),
                        "description_lang": meta.get("description_lang", "")})
    return entries


BLOCKS = ("today", "week", "opening-hours", "events", "contact", "funding", "dgs", "notfall")

# How far ahead „Heute“ and „Diese Woche“ are carried for the browser (assets/termine.js): ten weeks, so a
# page still shows the right day when the daily rebuild has stopped for two months. About 2 kB per day
# before compression; the days repeat their markup, so gzip takes most of it.
DAYS_AHEAD = 70
COMING_DAYS = DAYS_AHEAD + 14   # the „week“ block's days, and a week to spare (View.sessions_between)


def days_data(env: Environment, src: str, name: str, first: dt.date) -> str:
    """The block „today“ for each coming day, or the day groups of „week“, as JSON: termine.js puts in the
    visitor's day when the page is older than its build."""
    view = env.globals["view"]
    days: dict[str, str] = {}
    if name == "today":
        for offset in range(1, DAYS_AHEAD + 1):
            day = first + dt.timedelta(days=offset)
            days[day.isoformat()] = _render(env, "blocks/today.md.j2", src, day=day).strip()
        data: dict[str, Any] = {"days": days}
    else:
        by_day: dict[dt.date, list[Session]] = {}
        for s in view.sessions_between(first + dt.timedelta(days=1), first + dt.timedelta(days=DAYS_AHEAD + 7)):
            by_day.setdefault(s.day, []).append(s)
        macros = env.get_template("_macros.j2").make_module(
            {"rel": lambda target, anchor="": fmt.rel_url(src, target, anchor),
             "rel_file": lambda target: fmt.rel_file(src, target)})
        for offset in range(1, DAYS_AHEAD + 8):
            day = first + dt.timedelta(days=offset)
            days[day.isoformat()] = str(macros.day_group(day, by_day[day])).strip() if day in by_day else ""
        data = {"days": days, "empty": str(macros.no_groups_this_week())}
    # In an attribute of an empty, hidden element: content pages may hold no <script> (sanitize.py), and
    # the fragments stay out of the document until termine.js puts one in.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'<div hidden data-st-days="{name}" data-st-json="{Markup.escape(text)}"></div>'


def render_block(project: Project, today: dt.date, name: str, src: str, lang: str = "de",
                 site_url: str = "https://example.org/", funding: Any = None, dgs: Any = None) -> str:
    """A live block for a hand-written page (marker ``<!-- stadtteil:NAME -->``)."""
    view = View(project, today, lang, site_url)
    env = _environment(view)
    html = _render(env, f"blocks/{name}.md.j2", src, funding=funding, dgs=dgs)
    if name in ("today", "week"):
        html = html.rstrip("\n") + "\n" + days_data(env, src, name, today) + "\n"
    return html
