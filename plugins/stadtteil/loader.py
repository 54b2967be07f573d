"""Loading every staff file, validating it, and checking that the files fit together.

Plain Python: nothing here knows the site engine. ``load_project`` either returns a complete,
consistent ``Project`` or raises ``DataErrors`` with every mistake of every file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from babel import Locale
from pydantic import BaseModel, ValidationError

from .errors import ErrorCollector, Notice, guide_for
from .formatting import slug as _slug_suggestion
from . import shared_partners
from .inputs import DATA_FILES, DATA_FOLDERS, outside_links, outside_root
from .validation_messages import translate
from .models import Event, Helpline, Location, Office, Offer, Partner, Settings
from .suggest import closest
from .yamlsource import EMPTY, Document, load_file

OFFICE_LOCATION = "stadtteilbuero"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EVENT_ID = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-[a-z0-9][a-z0-9-]*$")
_KNOWN_LANGUAGES = frozenset(Locale("de").languages)
# The one note under the mistakes of a file that cannot be read: its own mistakes are reported, nothing
# that needs the file is (no „unknown partner“ for each offer naming it), until it is readable again.
_WAITS = "werden übersprungen, bis die Datei wieder lesbar ist."
UNREADABLE_NOTES = {
    "office": "Weitere Prüfungen, die diese Datei brauchen (Orte und Kontakte der Angebote und Veranstaltungen, "
              f"Öffnungs- und Schließzeiten, alle Termine), {_WAITS}",
    "offers": f"Weitere Prüfungen dieses Angebots (Felder, Verweise, Termine) {_WAITS}",
    "events": f"Weitere Prüfungen dieser Veranstaltung (Felder, Verweise, Datum) {_WAITS}",
    "partners": f"Weitere Prüfungen, die diese Datei brauchen (Verweise auf den Partner „{{id}}“), {_WAITS}",
}
# File names that would clash with the overview pages of a folder (angebote/index.md, angebote/fuer/…).
RESERVED_IDS = frozenset({"index", "fuer"})


@dataclass
class Item:
    """A validated record with the document it came from (for later line-accurate messages)."""

    id: str
    model: Any
    doc: Document
    path: Path | None = None


@dataclass
class Project:
    office: Office
    settings: Settings
    offers: dict[str, Offer] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    helplines: dict[str, Helpline] = field(default_factory=dict)
    sources: dict[tuple[str, str], Document] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)  # "offers/naehtreff" → file, "office" → office.yml

    def location(self, ref: str | Location) -> Location:
        if isinstance(ref, Location):
            return ref
        if ref in self.office.locations:
            return self.office.locations[ref]
        # The office is always a place, even when office.yml lists no locations.
        return Location(name={"de": self.office.name}, address=self.office.address)


def _empty(problems: list) -> bool:
    return [p.message for p in problems] == [EMPTY]


def _validate(doc: Document, model: type[BaseModel], errors: ErrorCollector) -> Any | None:
    if not isinstance(doc.data, dict):
        errors.add(doc.file, 1, "Die Datei muss aus Zeilen der Form „feld: wert“ bestehen.",
                   f"Beginnen Sie mit  {'name' if doc.file == 'office.yml' else 'title'}: …  "
                   f"(siehe Beispiel in {guide_for(doc.file)}).")
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(translate(exc, doc, model))
        return None


def _collect_files(root: Path, folder: str, errors: ErrorCollector,
                   refused: frozenset[str] = frozenset()) -> list[tuple[str, Path, str]]:
    """(id, path, display name) of every data file in ``folder``; bad names are mistakes; ``refused``
    files (symbolic links, already reported) are not read."""
    directory = root / folder
    if not directory.is_dir():
        return []
    found: list[tuple[str, Path, str]] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        name = f"{folder}/{path.name}"
        if name in refused or path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix not in (".yml", ".yaml"):
            if path.suffix.lower() in (".yml", ".yaml", ".txt", ".yml~"):
                errors.add(name, None, "Die Datei hat nicht die Endung „.yml“ und wird deshalb nicht gelesen.",
                           f"Benennen Sie sie um in „{path.stem.lower()}.yml“.")
            continue
        stem = path.stem
        if not _ID.match(stem):
            errors.add(name, None,
                       "Der Dateiname ist als Adresse der Seite nicht geeignet "
                       "(nur Kleinbuchstaben, Ziffern und Bindestriche, keine Umlaute oder Leerzeichen).",
                       f"Benennen Sie die Datei um, zum Beispiel in „{_slug_suggestion(stem)}{path.suffix}“.")
            continue
        if stem in RESERVED_IDS:
            errors.add(name, None, f"Der Dateiname „{path.name}“ ist für die Übersichtsseite reserviert.",
                       "Wählen Sie einen anderen Namen, zum Beispiel den Titel des Eintrags.")
            continue
        if stem in seen:
            errors.add(name, None, f"Die Kennung „{stem}“ gibt es schon (Datei {seen[stem]}).",
                       "Jede Kennung darf nur einmal vorkommen: benennen Sie eine der Dateien um oder löschen Sie sie.")
            continue
        seen[stem] = name
        found.append((stem, path, name))
    return found


_PLURAL = {"Kategorie": "Kategorien", "Zielgruppe": "Zielgruppen", "Ort": "Orte", "Kontakt": "Kontakte",
           "Art": "Arten", "Thema": "Themen"}


def _check_ref(errors: ErrorCollector, doc: Document, path: tuple, value: str, known: Iterable[str],
               what: str, where: str) -> None:
    known = list(known)
    if value in known:
        return
    line, col = doc.line_of(path)
    guess = closest(value, known)
    hint = (f"Meinten Sie „{guess}“? " if guess else "") + f"Bekannt sind: {', '.join(sorted(known)) or '(keine)'}."
    if where:
        hint += f" Neue {_PLURAL.get(what, what)} werden in {where} eingetragen."
    errors.add(doc.file, line, f"{what} „{value}“ ist unbekannt.",
               hint, column=col, field=next((p for p in reversed(path) if isinstance(p, str)), ""))


def _load_office(root: Path, errors: ErrorCollector,
                 refused: frozenset[str] = frozenset()) -> tuple[Office | None, Document | None]:
    if refused & {"office.yml", "content/office.yml"}:
        return None, None
    candidates = [p for p in (root / "office.yml", root / "content" / "office.yml") if p.is_file()]
    if not candidates:
        errors.add("office.yml", None, "Die Datei mit den Angaben zum Stadtteilbüro fehlt.",
                   "Legen Sie „office.yml“ im Hauptordner an (alle Felder in docs/datenformat.md).")
        return None, None
    if len(candidates) > 1:
        errors.add("content/office.yml", None, "„office.yml“ gibt es zweimal (im Hauptordner und in content/).",
                   "Löschen Sie eine der beiden Dateien.")
    path = candidates[0]
    doc, problems = load_file(path, path.relative_to(root).as_posix())
    errors.extend(problems)
    if doc is None:
        if not _empty(problems):
            errors.note(path.relative_to(root).as_posix(), UNREADABLE_NOTES["office"])
        return None, None
    office = _validate(doc, Office, errors)
    return (office if not problems else None), doc


def load_project(root: Path | str, settings: Settings | None = None, partners_from: Any = None,
                 places_from: Any = None) -> Project:
    """Read and check all data below ``root``, the partner files of the shared folders ``partners_from``
    names and the places of the shared files ``places_from`` names (shared_partners.py). Raises
    ``DataErrors`` listing every mistake."""
    root = Path(root)
    settings = settings or Settings()
    errors = ErrorCollector()
    # Links are refused before anything is read, so nothing outside the repository is ever opened.
    links = outside_links(root, DATA_FOLDERS, DATA_FILES + ("content/office.yml",))
    errors.extend(links)
    refused = frozenset(e.file for e in links)
    office, office_doc = _load_office(root, errors, refused)

    items: dict[str, dict[str, Item]] = {"offers": {}, "events": {}, "partners": {}, "helplines": {}}
    unreadable: set[str] = set()   # partner files that could not be read: their ids are not „unknown“
    models = {"offers": Offer, "events": Event, "partners": Partner, "helplines": Helpline}
    overrides: dict[str, tuple[Document, list, Path]] = {}   # local files that extend a shared partner
    for folder, model in models.items():
        for item_id, path, name in _collect_files(root, folder, errors, refused):
            doc, problems = load_file(path, name)
            errors.extend(problems)
            if doc is None:
                # Its own mistake is reported; what needs the file waits, and one note says so.
                if not _empty(problems) or folder == "partners":
                    errors.note(name, UNREADABLE_NOTES[folder].format(id=item_id))
                if folder == "partners":
                    unreadable.add(item_id)
                continue
            if folder == "partners" and shared_partners.extends_of(doc) is not None:
                overrides[item_id] = (doc, problems, path)
                continue
            record = _validate(doc, model, errors)
            items[folder][item_id] = Item(item_id, record if not problems else None, doc, path)
    _add_shared_partners(root, partners_from, items, overrides, unreadable, errors)
    places = _shared_places(root, places_from, office_doc, errors)
    if office is not None and places:
        office = office.model_copy(update={"locations": {**{k: v for k, (v, _) in places.items()},
                                                         **office.locations}})

    if office is not None:
        _check_office(office, office_doc, errors)
    # A file that cannot be read has its own message; what refers to it is not reported again.
    office_unreadable = office_doc is None and any(e.file.endswith("office.yml") for e in errors.errors)
    _check_references(items, office_doc, settings, errors, unreadable, office_unreadable, set(places))
    _check_named_files(root, items, errors)
    errors.raise_if_any()
    assert office is not None
    project = Project(office=office, settings=settings,
                      offers={k: v.model for k, v in items["offers"].items()},
                      events={k: v.model for k, v in items["events"].items()},
                      partners={k: v.model for k, v in items["partners"].items()},
                      helplines={k: v.model for k, v in items["helplines"].items()})
    project.sources[("office", "office")] = office_doc
    project.paths["office"] = root / office_doc.file
    for name, (_, doc) in places.items():
        project.sources[("places", doc.file)] = doc
    for folder, records in items.items():
        for item_id, item in records.items():
            project.sources[(folder, item_id)] = item.doc
            project.paths[f"{folder}/{item_id}"] = item.path
    return project


def _add_shared_partners(root: Path, partners_from: Any, items: dict[str, dict[str, Item]],
                         overrides: dict[str, tuple[Document, list, Path]], unreadable: set[str],
                         errors: ErrorCollector) -> None:
    """The partners of the shared folders into ``items["partners"]``: ids unique across every source,
    a local file with ``extends`` laid over the shared partner it names."""
    shared: dict[str, Item] = {}
    for folder in shared_partners.folders(root, partners_from, errors):
        refused = shared_partners.refused_files(folder, errors)
        for item_id, path, name in _collect_files(root, folder.name, errors, refused):
            if item_id in shared:
                shared_partners.clash(errors, item_id, shared[item_id].doc.file, name)
                continue
            doc, problems = load_file(path, name)
            errors.extend(problems)
            if doc is None:
                errors.note(name, UNREADABLE_NOTES["partners"].format(id=item_id))
                unreadable.add(item_id)
                continue
            if shared_partners.extends_of(doc) is not None:
                shared_partners.in_shared_file(errors, doc)
                continue
            record = _validate(doc, Partner, errors)
            shared[item_id] = Item(item_id, record if not problems else None, doc, path)
    for item_id, item in shared.items():
        local = items["partners"].get(item_id)
        if local is not None:
            shared_partners.local_clash(errors, item_id, item.doc.file, local.doc.file)
        else:
            items["partners"][item_id] = item
    for item_id, (doc, problems, path) in overrides.items():
        base = shared_partners.check_extends(errors, doc, item_id, {k: v.doc.file for k, v in shared.items()})
        if base is None:
            unreadable.add(item_id)   # reported once; references to it are not „unknown“ as well
            continue
        if shared[base].model is None or problems:
            continue   # the shared file's own mistakes are reported there; the override waits for them
        combined = shared_partners.merged(shared[base].doc, doc)
        record = _validate(combined, Partner, errors)
        items["partners"][item_id] = Item(item_id, record, combined, path)


class _SharedPlaces(BaseModel):
    """A shared place file: the same ``locations`` section as in office.yml, nothing else."""
    model_config = {"extra": "forbid"}
    locations: dict[str, Location] = {}


def _shared_places(root: Path, places_from: Any, office_doc: Document | None,
                   errors: ErrorCollector) -> dict[str, tuple[Location, Document]]:
    """Places of the shared place files, id → (place, its file); ids unique across office.yml and them."""
    office_data = office_doc.data if office_doc is not None and isinstance(office_doc.data, dict) else {}
    seen: dict[str, tuple[str, int | None]] = {OFFICE_LOCATION: ("office.yml", None)}
    for key in office_data.get("locations") or {}:
        seen[key] = (office_doc.file, office_doc.key_line(("locations", key))[0])
    found: dict[str, tuple[Location, Document]] = {}
    for entry in shared_partners.place_files(root, places_from, errors):
        doc, problems = load_file(entry.path, entry.name)
        errors.extend(problems)
        if doc is None:
            continue
        record = _validate(doc, _SharedPlaces, errors)
        if record is None or problems:
            continue
        for key, place in record.locations.items():
            if not _ID.match(key):
                line, col = doc.key_line(("locations", key))
                errors.add(doc.file, line, f"Die Kennung „{key}“ ist nicht geeignet (nur Kleinbuchstaben, Ziffern "
                           "und Bindestriche, keine Umlaute).", f"Zum Beispiel „{_slug_suggestion(key)}“.", column=col)
            elif key in seen:
                shared_partners.place_clash(errors, key, *seen[key], doc)
            else:
                seen[key] = (doc.file, doc.key_line(("locations", key))[0])
                found[key] = (place, doc)
    return found


def _check_office(office: Office, doc: Document, errors: ErrorCollector) -> None:
    for key in list(office.locations) + list(office.contacts):
        if not _ID.match(key):
            section = "locations" if key in office.locations else "contacts"
            line, col = doc.key_line((section, key))
            errors.add(doc.file, line, f"Die Kennung „{key}“ ist nicht geeignet "
                                       "(nur Kleinbuchstaben, Ziffern und Bindestriche, keine Umlaute).",
                       f"Zum Beispiel „{_slug_suggestion(key)}“.", column=col)


def _check_named_files(root: Path, items: dict[str, dict[str, Item]], errors: ErrorCollector) -> None:
    """Images and logos named in records come from inside the repository, never through a link."""
    for folder, key in (("offers", "image"), ("events", "image"), ("partners", "logo")):
        for item in items[folder].values():
            if (value := _raw(item.doc, key)) is not None:
                line, col = item.doc.line_of((key,))
                if (problem := outside_root(root, value, item.doc.file, line, col, key, "Das Bild")):
                    errors.extend([problem])


def _raw(doc: Document, key: str, kind: type | tuple = str) -> Any:
    value = doc.data.get(key) if isinstance(doc.data, dict) else None
    return value if isinstance(value, kind) and not doc.is_failed((key,)) else None


def _raw_list(doc: Document, key: str) -> list[tuple[int | None, str]]:
    """(index, value) of a list of ids, also when staff wrote one id without brackets."""
    value = _raw(doc, key, (str, list))
    if isinstance(value, str):
        return [(None, value)]
    return [(i, v) for i, v in enumerate(value or []) if isinstance(v, str) and not doc.is_failed((key, i))]


def _check_references(items: dict[str, dict[str, Item]], office_doc: Document | None, settings: Settings,
                      errors: ErrorCollector, unreadable: set[str] = frozenset(),
                      office_unreadable: bool = False, shared_places: set[str] = frozenset()) -> None:
    """Check ids against each other on the raw data, so a file with other mistakes is checked too;
    not against files that could not be read (``unreadable`` partners, an unreadable office.yml)."""
    office_data = office_doc.data if office_doc and isinstance(office_doc.data, dict) else {}
    locations = set(office_data.get("locations") or {}) | {OFFICE_LOCATION} | set(shared_places)
    contacts = set(office_data.get("contacts") or {})
    partners = set(items["partners"])
    known_partners = partners | set(unreadable)

    def path(key: str, index: int | None) -> tuple:
        return (key,) if index is None else (key, index)

    for folder in ("offers", "events"):
        for item in items[folder].values():
            doc = item.doc
            if (category := _raw(doc, "category")) is not None:
                _check_ref(errors, doc, ("category",), category, settings.categories,
                           "Kategorie", "mkdocs.yml unter „categories“")
            for i, audience in _raw_list(doc, "audience"):
                _check_ref(errors, doc, path("audience", i), audience, settings.audiences,
                           "Zielgruppe", "mkdocs.yml unter „audiences“")
            if (location := _raw(doc, "location")) is not None and not office_unreadable:
                _check_ref(errors, doc, ("location",), location, locations, "Ort", "office.yml unter „locations“")
            if (contact := _raw(doc, "contact")) is not None and not office_unreadable:
                _check_ref(errors, doc, ("contact",), contact, contacts, "Kontakt", "office.yml unter „contacts“")
            for i, partner in _raw_list(doc, "partners"):
                if partner not in unreadable:
                    _check_ref(errors, doc, path("partners", i), partner, partners, "Partner", "den Ordner partners/")
            _check_language_codes(errors, doc, "languages_spoken")
    for item in items["events"].values():
        start = item.model.start if item.model is not None else None
        match = _EVENT_ID.match(item.id)
        if not match:
            example = f"{start:%Y-%m-%d}-{item.id}.yml" if start else f"2026-06-20-{item.id}.yml"
            errors.add(item.doc.file, None, "Der Dateiname einer Veranstaltung beginnt mit ihrem Datum (JJJJ-MM-TT).",
                       f"Benennen Sie die Datei um, zum Beispiel in „{example}“.")
        elif start and match.group(1, 2, 3) != (f"{start:%Y}", f"{start:%m}", f"{start:%d}"):
            line, col = item.doc.line_of(("start",))
            errors.add(item.doc.file, line,
                       f"Das Datum im Dateinamen passt nicht zum Beginn ({start:%d.%m.%Y}).",
                       "Korrigieren Sie den Beginn oder benennen Sie die Datei um in "
                       f"„{start:%Y-%m-%d}-{item.id[11:]}.yml“.", column=col, field="start")
    for item in items["helplines"].values():
        doc = item.doc
        if (partner := _raw(doc, "partner")) is not None and partner not in unreadable:
            _check_ref(errors, doc, ("partner",), partner, partners, "Partner", "den Ordner partners/")
        for i, audience in _raw_list(doc, "audience"):
            _check_ref(errors, doc, path("audience", i), audience, settings.audiences,
                       "Zielgruppe", "mkdocs.yml unter „audiences“")
        _check_language_codes(errors, doc, "languages")
    for item in items["partners"].values():
        doc = item.doc
        if (kind := _raw(doc, "kind")) is not None:
            _check_ref(errors, doc, ("kind",), kind, settings.partner_kinds, "Art", "mkdocs.yml unter „partner_kinds“")
        for i, topic in _raw_list(doc, "topics"):
            _check_ref(errors, doc, path("topics", i), topic, settings.topics, "Thema", "mkdocs.yml unter „topics“")
        if (parent := _raw(doc, "parent")) is not None:
            if parent == item.id:
                line, col = doc.line_of(("parent",))
                errors.add(doc.file, line, "Ein Partner kann nicht sein eigener „parent“ sein.",
                           "Tragen Sie die übergeordnete Stelle ein oder löschen Sie die Zeile.", column=col)
            elif parent not in unreadable:
                _check_ref(errors, doc, ("parent",), parent, known_partners, "Partner", "den Ordner partners/")


def _check_language_codes(errors: ErrorCollector, doc: Document, key: str) -> None:
    for i, code in _raw_list(doc, key):
        if code not in _KNOWN_LANGUAGES:
            line, col = doc.line_of((key,) if i is None else (key, i))
            errors.add(doc.file, line, f"Der Sprachcode „{code}“ ist unbekannt.",
                       "Verwenden Sie die zweibuchstabigen Codes nach ISO 639-1, zum Beispiel "
                       "de (Deutsch), tr (Türkisch), ar (Arabisch), uk (Ukrainisch), ru (Russisch), "
                       "fa (Persisch), ku (Kurdisch).", column=col, field=key)


def check_helplines(project: Project, today: dt.date) -> list[Notice]:
    """Notices about the numbers of the block „Im Notfall“: entries last checked more than a year before
    ``today`` (the build date), and a partner named for its number that has none. Never errors: a number
    that was right last year is still better on the page than none, and the build must go on. Each points
    at its line (the text report shows the line, pipelines annotate it)."""
    notices = []
    from .calendars.schedule import years_later
    limit = years_later(today, -1)
    for helpline_id, helpline in sorted(project.helplines.items()):
        doc = project.sources[("helplines", helpline_id)]
        if helpline.verified < limit:
            line, _ = doc.line_of(("verified",))
            notices.append(Notice(
                doc.file, line, None,
                f"Die Angaben wurden zuletzt am {helpline.verified:%d.%m.%Y} geprüft, vor mehr als einem Jahr.",
                "Prüfen Sie Nummer, Zeiten, Sprachen und Kosten auf der Seite des "
                f"Dienstes ({helpline.source}) und tragen Sie unter „verified“ das Datum der Prüfung ein."))
        partner = project.partners.get(helpline.partner) if helpline.partner else None
        if partner is not None and not helpline.phone and not partner.phone:
            line, _ = doc.line_of(("partner",))
            notices.append(Notice(
                doc.file, line, None,
                f"Der Partner „{helpline.partner}“ (partners/{helpline.partner}.yml) hat keine Telefonnummer; "
                "im Block „Im Notfall“ steht deshalb nur ein Link zu seiner Seite.",
                f"Tragen Sie in partners/{helpline.partner}.yml die Nummer unter „phone“ ein."))
    return notices


def check_calendar(project: Project, today: dt.date, horizon_days: int = 365) -> list[str]:
    """Checks that need the calendar: raises DataErrors for mistakes, returns warnings.

    Run once per build, after loading (it needs the build date, which loading does not).
    """
    from .formatting import long_date
    from .calendars.schedule import Calendar, rule_dates

    calendar = Calendar(project.office)
    errors = ErrorCollector()
    warnings: list[str] = []
    end = today + dt.timedelta(days=horizon_days)
    holiday_file = f"plugins/stadtteil/data/{calendar.school.file.name}"
    for offer_id, offer in project.offers.items():
        doc = project.sources[("offers", offer_id)]
        for index, rule in enumerate(offer.schedule):
            # As far as the last cancellation: one two years ahead is judged by the plan, not by the horizon.
            rule_days = set(rule_dates(rule, rule.from_, rule.until or max(end, rule.from_, *rule.except_)))
            for position, day in enumerate(rule.except_):
                if day not in rule_days and (rule.until is None or day <= rule.until) and day >= rule.from_:
                    following = min((d for d in rule_days if d > day), default=None)
                    hint = (f"Gemeint ist vielleicht {long_date(following)}." if following
                            else "Prüfen Sie das Datum.")
                    line, col = doc.line_of(("schedule", index, "except", position))
                    errors.add(doc.file, line, f"Am {long_date(day)} findet das Angebot laut Plan gar nicht statt; "
                               "die Absage hat deshalb keine Wirkung.", hint, column=col, field="except")
            if rule.school_holidays != "pause":
                continue
            window_start, window_end = max(today, rule.from_), min(end, rule.until or end)
            if window_start > window_end:
                continue
            for year in calendar.school.missing_years(window_start, window_end):
                message = (f"Die Schulferien {year} fehlen in {holiday_file}; das Angebot pausiert in den "
                           "Schulferien, seine Termine wären sonst falsch.")
                hint = f"Tragen Sie die Ferien {year} nach (Quelle: {calendar.school.source})."
                if year <= today.year:
                    line, col = doc.line_of(("schedule", index, "school_holidays"))
                    errors.add(doc.file, line, message, hint, column=col, field="school_holidays")
                else:
                    line, col = doc.line_of(("schedule", index, "school_holidays"))
                    warnings.append(Notice(doc.file, line, col, message, hint, field="school_holidays"))
    errors.raise_if_any()
    return sorted(set(warnings))
