"""`stadtteil bericht 2026`: load the data as a build does, count, and write HTML, CSV and JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import funding as funding_rules
from ..errors import DataErrors
from ..loader import Project, load_project
from . import attendance, charts, dates, history, structure
from .dates import Year
from .render import Section, page
from .tables import Table


HOW_COUNTED = ("Gezählt wird nach dem Stand der Daten am Tag des Berichts, mit derselben Berechnung wie der "
               "Kalender der Website (Absagen, Schließzeiten, Feiertage in NRW, Schulferien-Pausen).")


@dataclass
class Report:
    """``notes``: what a reader must know about this report's numbers (also printed by the command)."""
    year: Year
    office: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        found = []
        for section in self.sections:
            for part in section.parts:
                if isinstance(part, Table):
                    found.append(part)
                elif isinstance(part, tuple):
                    found.append(part[1])
        return found

    def as_json(self) -> dict:
        return {"jahr": self.year.year, "stichtag": self.year.reference.isoformat(),
                "erstellt_am": self.year.today.isoformat(), "buero": self.office,
                "hinweise": self.notes, "tabellen": {t.name: t.as_json() for t in self.tables}}


def _overview(year: Year, offers: list[str], per_offer: Table, events: Table, project: Project, hours: Table,
              participants: Table | None) -> Table:
    total = per_offer.rows[-1]
    columns = per_offer.columns
    table = Table("kennzahlen", f"Kennzahlen {year.year}", ["Kennzahl", "Wert"])
    table.rows += [
        ["Angebote im Jahr", len(offers)],
        ["Termine geplant", total[columns.index("geplant")]],
        ["Termine stattgefunden", total[columns.index("stattgefunden")]],
        ["Termine ausgefallen", total[columns.index("ausgefallen zusammen")]],
        ["Termine noch offen", total[columns.index("noch offen")]],
        ["Stunden stattgefunden", total[columns.index("Stunden stattgefunden")]],
        ["Regelmäßige Stunden pro Woche", hours.rows[-1][2]],
        ["Veranstaltungen stattgefunden", sum(1 for r in events.rows if r[2] == "stattgefunden")],
        ["Veranstaltungen abgesagt", sum(1 for r in events.rows if r[2] == "abgesagt")],
        ["Partner", len(project.partners)],
    ]
    if participants is not None:
        table.rows.append(["Teilnahmen (eingetragen)", participants.rows[-1][4]])
    return table


def compute(project: Project, root: Path, year: Year) -> Report:
    """Every table of the report. Raises DataErrors when the attendance file has mistakes."""
    found = dates.year_sessions(project, year)
    offers = structure.active_offers(project, found)
    per_offer = dates.per_offer(project, found, year)
    per_month = dates.per_month(found, year)
    event_list = dates.events(project, year)
    hours = structure.hours_per_week(project, year)
    numbers, problems = attendance.load(project, year, found, root)
    if problems:
        raise DataErrors(problems)
    participant_tables = attendance.tables(project, numbers, found, year) if numbers is not None else None
    past = history.read(root, year.year)
    notes = list(past.notes)
    if year.today < year.last:
        notes.append(f"Das Jahr {year.year} ist noch nicht vorbei: gezählt ist bis zum {year.reference:%d.%m.%Y}; "
                     "spätere Termine stehen unter „noch offen“.")
    by_cause = [f"ausgefallen: {dates.CAUSE_NAMES[c]}" for c in dates.CAUSES]
    date_series = ["stattgefunden", *by_cause, "noch offen"]
    category = structure.by_category(project, offers, year)
    weekday = structure.by_weekday(found, year)
    sections = [
        Section("ueberblick", "Überblick", parts=[_overview(year, offers, per_offer, event_list, project, hours,
                                                            participant_tables[0] if participant_tables else None)]),
        Section("angebote", "Angebotsstruktur",
                "Angebote des Jahres: alle mit mindestens einem Termin im Jahr und alle nach Vereinbarung.",
                [(charts.from_table("c-kategorie", category, ["Angebote"]), category),
                 structure.by_audience(project, offers, year), structure.by_language(project, offers, year),
                 (charts.from_table("c-wochentag", weekday, ["Termine geplant"]), weekday),
                 structure.by_daytime(found, year), hours, structure.schedule_begin_end(project, year),
                 history.summary_table(past, year.year),
                 history.changes_table(past, "offers", "aenderungen-angebote",
                                       f"Neue, geänderte und beendete Angebote {year.year}", year.year)]),
        Section("termine", "Termine",
                "Geplant ist jeder Termin, den die Regeln eines Angebots nennen; ausgefallen ist er durch eine "
                "einzelne Absage („except“), eine Schließzeit des Büros, einen Feiertag oder die Pause in den "
                "Schulferien.",
                [(charts.from_table("c-monat", per_month, date_series), per_month),
                 (charts.from_table("c-angebot", per_offer, date_series), per_offer),
                 dates.events_summary(event_list), event_list]),
        Section("netzwerk", "Netzwerk",
                parts=[(charts.from_table("c-thema", (topics := structure.partners_by_topic(project)), ["Partner"]),
                        topics),
                       structure.partners_by_kind(project), structure.partners_in_offers(project, offers, year),
                       history.changes_table(past, "partners", "aenderungen-partner",
                                             f"Neue, geänderte und beendete Partner {year.year}", year.year)]),
    ]
    if participant_tables:
        by_offer, by_month = participant_tables
        sections.append(Section("teilnahme", "Teilnahme",
                                f"Aus {attendance.FOLDER}/{year.year}.yml: nur Zahlen, keine Namen.",
                                [by_offer, (charts.from_table("c-teilnahme", by_month, ["Teilnehmende zusammen"]),
                                            by_month)]))
    else:
        sections.append(Section("teilnahme", "Teilnahme",
                                f"Für {year.year} sind keine Teilnehmendenzahlen eingetragen "
                                f"(Datei {attendance.FOLDER}/{year.year}.yml, siehe docs/anleitung.md)."))
    sections.append(Section("hinweise", "Hinweise zu den Zahlen", parts=[*notes, HOW_COUNTED]))
    return Report(year, project.office.name, sections, notes)


def write(report: Report, funding: funding_rules.Funding, office, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    logo_files = {}
    (out / "logos").mkdir(exist_ok=True)
    for logo in funding.logos:
        target = out / "logos" / f"{logo.id}{logo.source.suffix.lower()}"
        shutil.copyfile(logo.source, target)
        logo_files[logo.id] = f"logos/{target.name}"
    year = report.year
    title = f"Jahresbericht {year.year} – {report.office}"
    subtitle = (f"Angebotsstruktur, Termine, Netzwerk{' und Teilnahme' if any(s.id == 'teilnahme' and s.parts for s in report.sections) else ''} "
                f"nach § 11 der Kooperationsvereinbarung. Stand der Daten: {year.today:%d.%m.%Y}; gezählt bis "
                f"{year.reference:%d.%m.%Y}.")
    html = out / "index.html"
    html.write_text(page(title, subtitle, report.sections, funding, logo_files, office), encoding="utf-8")
    written.append(html)
    for table in report.tables:
        path = out / f"{table.name}.csv"
        path.write_text(table.as_csv(), encoding="utf-8")
        written.append(path)
    data = out / "bericht.json"
    data.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    written.append(data)
    return written


def write_report(config_file: Path, year: int, out: Path, today: dt.date) -> Report:
    """Load and check the data as `stadtteil check` does, then write the report to ``out``.
    Raises DataErrors (data or attendance mistakes) or ValueError (configuration, funding)."""
    from ..pipeline import SiteConfig, settings_of
    config = SiteConfig.from_file(config_file)
    project = load_project(config.root, settings_of(config.options), config.options.get("partners_from"),
                           config.options.get("places_from"))   # as the build loads it (pipeline.py)
    funding = funding_rules.configure(config.options.get("funding"), config.root, config.config_file)
    report = compute(project, config.root, Year(year, today))
    if funding.placeholders:
        # Funders read this report: a placeholder where their logo belongs is told before it is sent.
        report.notes.append("Förderhinweis: Für diese Logos stehen noch Platzhalter: "
                            + ", ".join(logo.id for logo in funding.placeholders)
                            + ". Tragen Sie die echten Logo-Dateien in mkdocs.yml unter „funding“ ein.")
    write(report, funding, project.office, out)
    return report
