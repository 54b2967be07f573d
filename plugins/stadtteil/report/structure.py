"""The offer structure of one year: offers by category, audience, language, weekday and time of day,
regular hours per week, offers that began or ended by their schedule; and the network of partners."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from ..formatting import language_name, text
from ..loader import Project
from ..models import ScheduleRule
from ..calendars.schedule import Session
from .dates import Year, status
from .tables import Table

WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
# By the start of a date: staff plan mornings, afternoons (after school) and evenings differently.
DAYTIMES = (("Vormittag (bis 12 Uhr)", dt.time(0), dt.time(12)), ("Nachmittag (12 bis 17 Uhr)", dt.time(12), dt.time(17)),
            ("Abend (ab 17 Uhr)", dt.time(17), dt.time.max))
WEEKS_PER_MONTH = 52 / 12


def active_offers(project: Project, found: dict[str, list[Session]]) -> list[str]:
    """Offers of the year: with a date in it, or by appointment (no schedule, only a note)."""
    return [offer_id for offer_id, offer in sorted(project.offers.items())
            if found.get(offer_id) or not offer.schedule]


def _by(name: str, caption: str, heading: str, labels: dict[str, dict[str, str]] | None,
        values: list[list[str]], note: str = "") -> Table:
    counts = Counter(v for per_offer in values for v in per_offer)
    table = Table(name, caption, [heading, "Angebote"], note=note)
    order = list(labels) if labels else sorted(counts, key=lambda k: (-counts[k], k))
    for key in order:
        if counts[key] or labels:
            label = text(labels[key]) if labels else key
            table.rows.append([label, counts[key]])
    return table


def by_category(project: Project, offers: list[str], year: Year) -> Table:
    return _by("angebote-nach-kategorie", f"Angebote {year.year} nach Kategorie", "Kategorie",
               project.settings.categories, [[project.offers[o].category] for o in offers])


def by_audience(project: Project, offers: list[str], year: Year) -> Table:
    return _by("angebote-nach-zielgruppe", f"Angebote {year.year} nach Zielgruppe", "Zielgruppe",
               project.settings.audiences, [project.offers[o].audience for o in offers],
               note="Ein Angebot kann sich an mehrere Zielgruppen richten und zählt dann bei jeder.")


def by_language(project: Project, offers: list[str], year: Year) -> Table:
    spoken = [[language_name(code) for code in project.offers[o].languages_spoken] or ["(keine Angabe)"]
              for o in offers]
    return _by("angebote-nach-sprache", f"Angebote {year.year} nach gesprochener Sprache", "Sprache", None, spoken,
               note="Ein Angebot, in dem mehrere Sprachen gesprochen werden, zählt bei jeder.")


def _slots(name: str, caption: str, heading: str, labels: list[str], slot, found: dict[str, list[Session]],
           year: Year) -> Table:
    table = Table(name, caption, [heading, "Angebote", "Termine geplant", "Termine stattgefunden"])
    for index, label in enumerate(labels):
        here = {offer_id: [s for s in offer_sessions if slot(s) == index] for offer_id, offer_sessions in found.items()}
        table.rows.append([label, sum(1 for s in here.values() if s), sum(len(s) for s in here.values()),
                           sum(1 for ss in here.values() for s in ss if status(s, year) == "held")])
    return table


def by_weekday(found: dict[str, list[Session]], year: Year) -> Table:
    return _slots("angebote-nach-wochentag", f"Angebote und Termine {year.year} nach Wochentag", "Wochentag",
                  list(WEEKDAY_NAMES), lambda s: s.day.weekday(), found, year)


def by_daytime(found: dict[str, list[Session]], year: Year) -> Table:
    def slot(session: Session) -> int:
        start = session.start.time()
        return next(i for i, (_, low, high) in enumerate(DAYTIMES) if low <= start < high)
    return _slots("angebote-nach-tageszeit", f"Angebote und Termine {year.year} nach Tageszeit", "Tageszeit",
                  [name for name, _, _ in DAYTIMES], slot, found, year)


def weekly_hours(rule: ScheduleRule) -> float:
    """Hours a rule fills in an average week: monthly dates count 12 times in 52 weeks."""
    start = dt.datetime.combine(dt.date.min, rule.start)
    hours = (dt.datetime.combine(dt.date.min, rule.end) - start).total_seconds() / 3600
    if rule.weekly is not None:
        return hours * len(rule.weekly) / rule.every
    return hours * len(rule.monthly or []) / WEEKS_PER_MONTH


def hours_per_week(project: Project, year: Year) -> Table:
    day = year.reference
    table = Table("wochenstunden", f"Regelmäßige Stunden pro Woche am {day:%d.%m.%Y}",
                  ["Angebot", "Kennung", "Stunden pro Woche"],
                  note="Aus den Regeln, die an diesem Tag gelten; monatliche Termine zählen mit 12 von 52 Wochen. "
                       "Ausfälle sind nicht abgezogen (sie stehen bei den Terminen).")
    total = 0.0
    for offer_id, offer in sorted(project.offers.items()):
        hours = sum(weekly_hours(r) for r in offer.schedule if r.from_ <= day and (r.until is None or r.until >= day))
        if hours:
            table.rows.append([text(offer.title), offer_id, round(hours, 1)])
            total += hours
    table.rows.append(["Zusammen", "", round(total, 1)])
    return table


def schedule_begin_end(project: Project, year: Year) -> Table:
    """Offers whose schedule begins or ends in the year (the data's own account; Git's is history.py)."""
    table = Table("beginn-ende-laut-terminplan", f"Angebote, die {year.year} laut Terminplan beginnen oder enden",
                  ["Angebot", "Kennung", "Ereignis", "Datum"])
    for offer_id, offer in sorted(project.offers.items()):
        if not offer.schedule:
            continue
        first = min(r.from_ for r in offer.schedule)
        last = None if any(r.until is None for r in offer.schedule) else max(r.until for r in offer.schedule)
        if first.year == year.year:
            table.rows.append([text(offer.title), offer_id, "beginnt", first.isoformat()])
        if last is not None and last.year == year.year:
            table.rows.append([text(offer.title), offer_id, "endet", last.isoformat()])
    return table


# --- network ---------------------------------------------------------------------------------------

def partners_by_topic(project: Project) -> Table:
    counts = Counter(t for p in project.partners.values() for t in p.topics)
    table = Table("partner-nach-thema", "Partner nach Thema", ["Thema", "Partner"],
                  note="Ein Partner mit mehreren Themen zählt bei jedem.")
    for key, label in project.settings.topics.items():
        table.rows.append([text(label), counts[key]])
    return table


def partners_by_kind(project: Project) -> Table:
    counts = Counter(p.kind for p in project.partners.values())
    table = Table("partner-nach-art", "Partner nach Art", ["Art", "Partner"])
    for key, label in project.settings.partner_kinds.items():
        table.rows.append([text(label), counts[key]])
    table.rows.append(["Zusammen", len(project.partners)])
    return table


def partners_in_offers(project: Project, offers: list[str], year: Year) -> Table:
    """Partners named in the offers and events of the year (``partners:`` of each record)."""
    table = Table("partner-in-angeboten", f"Partner, die {year.year} bei Angeboten und Veranstaltungen genannt sind",
                  ["Partner", "Kennung", "Angebote", "Veranstaltungen", "genannt bei"])
    events = [(i, e) for i, e in sorted(project.events.items()) if e.start.year == year.year]
    for partner_id, partner in sorted(project.partners.items()):
        in_offers = [text(project.offers[o].title) for o in offers if partner_id in project.offers[o].partners]
        in_events = [text(e.title) for _, e in events if partner_id in e.partners]
        if in_offers or in_events:
            table.rows.append([text(partner.name), partner_id, len(in_offers), len(in_events),
                               ", ".join(in_offers + in_events)])
    return table
