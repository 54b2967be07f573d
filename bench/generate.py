"""Synthetic sites for the benchmarks.

    python bench/generate.py OUT --scale 1        this repository's site (data, pages, configuration)
    python bench/generate.py OUT --scale 10       the same, topped up to 200 offers, 200 events, 300 partners
    python bench/generate.py OUT --stock PAGES    plain mkdocs-material, PAGES HTML pages (404.html included)

Scale N has 20·N offers, 20·N events and 30·N partners: the repository's own files plus generated
ones (varied, valid: only the categories, audiences, topics and partner kinds declared in mkdocs.yml,
places and contacts from office.yml, partner ids that exist, cancellations on days that really have a
session). Every generated stadtteil site is checked with `stadtteil check` (``--no-check`` skips it).
The data is random but reproducible: the same scale always gives the same files.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# The day the benchmark sites are built for (run.py sets STADTTEIL_TODAY to it): fixed, so results
# compare across months; generated events lie around it (a few past, most within the next year).
TODAY = dt.date(2026, 11, 24)
# Copied as they are; the brief's list plus the optional image folders a site may use.
DATA = ("content", "offers", "events", "partners", "consent", "media", "logos")
WEEKDAYS = ["mo", "di", "mi", "do", "fr"]
ORDINALS = ["first", "second", "third", "last"]
LANGUAGES = ["de", "tr", "ar", "uk", "ru", "fa", "ku", "en", "pl", "ro"]

OFFER_NAMES = ["Nähtreff", "Sprachcafé", "Hausaufgabenhilfe", "Elterncafé", "Spielgruppe", "Kochtreff",
               "Fahrradwerkstatt", "Computersprechstunde", "Lesepatenschaft", "Frauenfrühstück", "Seniorentreff",
               "Bewerbungshilfe", "Mieterberatung", "Yoga im Park", "Tanzgruppe", "Malwerkstatt", "Gartengruppe",
               "Repair-Café", "Deutschkurs", "Mädchentreff", "Jungentreff", "Krabbelgruppe", "Schachclub",
               "Chor der Nachbarn", "Energieberatung", "Schuldnerberatung", "Lauftreff", "Tischtennis",
               "Theaterwerkstatt", "Handyhilfe"]
QUALIFIERS = ["am Vormittag", "am Nachmittag", "für Einsteiger", "für Fortgeschrittene", "im Quartier",
              "am Vorplatz", "für Eltern", "für Kinder", "für Jugendliche", "mit Dolmetscherin", "in kleiner Runde"]
EVENT_NAMES = ["Nachbarschaftsfest", "Kinderflohmarkt", "Infoabend", "Lesung", "Stadtteilspaziergang",
               "Kleidertauschparty", "Laternenumzug", "Spieletag", "Kochabend", "Filmabend", "Bastelnachmittag",
               "Sprechstunde der Stadt", "Aktionstag Sauberes Quartier", "Erzählabend", "Workshop Energie sparen",
               "Bewerbungstraining", "Gesundheitstag", "Fahrrad-Check", "Vorlesestunde", "Stadtteilkonferenz"]
PARTNER_NAMES = ["Beratungsstelle", "Familienzentrum", "Jugendzentrum", "Grundschule", "Kita", "Sportverein",
                 "Migrationsdienst", "Schuldnerberatung", "Gesundheitsamt", "Stadtbibliothek", "Bürgerverein",
                 "Pflegestützpunkt", "Jobcenter-Team", "Erziehungsberatung", "Gemeinde", "Netzwerk Frühe Hilfen",
                 "Mehrgenerationenhaus", "Quartiersnetzwerk", "Berufskolleg", "Tafel"]
STREETS = ["Horster Straße", "Batenbrockstraße", "Prosperstraße", "Gladbecker Straße", "Am Lamperfeld",
           "Ernst-Wilczok-Platz", "Osterfelder Straße", "Kirchhellener Straße"]
SENTENCES = [
    "Im Stadtteilbüro treffen sich Nachbarinnen und Nachbarn, tauschen sich aus und helfen einander.",
    "Kommen Sie einfach vorbei, eine Anmeldung ist nicht nötig.",
    "Kinder sind willkommen, es gibt eine Spielecke mit Büchern und Bausteinen.",
    "Wir sprechen Deutsch, Türkisch und Arabisch; für andere Sprachen helfen Ehrenamtliche beim Übersetzen.",
    "Tee und Kaffee stehen bereit, und oft bringt jemand Kuchen mit.",
    "Das Angebot ist kostenlos und offen für alle im Quartier, egal wie alt.",
    "Bei Fragen zu Briefen von Ämtern, zur Kita oder zur Schule helfen die Quartierskümmerer direkt vor Ort.",
    "Bringen Sie gern eigene Ideen mit: vieles hier ist entstanden, weil jemand gefragt hat.",
    "Der Raum ist barrierefrei erreichbar; eine Toilette ist im Haus.",
    "Wer mag, kann auch nur zuschauen und erst einmal ankommen.",
    "In den Schulferien kann sich die Uhrzeit ändern; aktuelle Termine stehen auf dieser Seite.",
    "Die Gruppe wird von Ehrenamtlichen geleitet, die selbst im Stadtteil wohnen.",
    "Material ist vorhanden, Sie müssen nichts kaufen.",
    "Gemeinsam planen wir kleine Ausflüge in die Umgebung, zum Beispiel in den Batenbrockpark.",
]
EXTRAS = [
    "\n\n**Bitte mitbringen:** gute Laune und, wenn vorhanden, eigenes Material.",
    "\n\n- Treffpunkt am Eingang\n- Getränke vor Ort\n- Bei Regen drinnen",
    "\n\nMehr Informationen bekommen Sie im Stadtteilbüro oder telefonisch.",
    "",
    "",
]


# --- reading the repository's configuration ---------------------------------------------------------

class _Tolerant(yaml.SafeLoader):
    """mkdocs.yml may carry `!ENV` or `!!python/name:` tags; their values do not matter here."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Tolerant) or {}


def plugin_options(config: dict) -> dict:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "stadtteil" in entry:
            return entry["stadtteil"] or {}
    return {}


def vocabularies(config: dict) -> dict[str, list[str]]:
    """The ids staff may use, as declared in mkdocs.yml (the plugin's defaults where none are declared)."""
    options = plugin_options(config)
    result = {}
    for key in ("categories", "audiences", "topics", "partner_kinds"):
        declared = options.get(key)
        if not declared:
            from stadtteil.models import Settings
            declared = getattr(Settings(), key)
        result[key] = sorted(declared)
    return result


def theme_dir_line(text: str, config: dict) -> str:
    """mkdocs.yml with `theme.custom_dir` made absolute (the copy lives elsewhere; paths must not break).

    The custom_dir is the repository's `theme/`, resolved from this file's location. When the repository's
    configuration names no custom_dir and `theme/` does not exist (the theme ships with the package), the
    configuration is left as it is: mkdocs refuses a custom_dir that does not exist.
    """
    theme = config.get("theme") or {}
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    lines = text.splitlines()
    if custom:
        target = (REPO / custom).resolve()
        return "\n".join(f"{line.split('custom_dir:')[0]}custom_dir: {target}" if line.strip().startswith("custom_dir:")
                         else line for line in lines) + "\n"
    if (REPO / "theme").is_dir():
        out = []
        for line in lines:
            out.append(line)
            if line.rstrip() == "theme:":
                out.append(f"  custom_dir: {(REPO / 'theme').resolve()}")
        return "\n".join(out) + "\n"
    return text


# --- stadtteil sites ------------------------------------------------------------------------------

def copy_repo(out: Path) -> dict:
    """This repository's site, with an absolute theme path. Returns the parsed mkdocs.yml."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = read_config(REPO / "mkdocs.yml")
    (out / "mkdocs.yml").write_text(theme_dir_line(text, config), encoding="utf-8")
    shutil.copy(REPO / "office.yml", out / "office.yml")
    for name in DATA:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, out / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    for name in ("offers", "events", "partners"):
        (out / name).mkdir(exist_ok=True)
    return config


def q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prose(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.sample(SENTENCES, sentences))


def block(text: str, indent: str = "  ") -> str:
    """A YAML literal block (``|``) with ``text``."""
    return "|\n" + "\n".join(indent + line if line else "" for line in text.splitlines()) + "\n"


def nth_weekday(year: int, month: int, ordinal: str, weekday: int) -> dt.date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[-1] if ordinal == "last" else days[ORDINALS.index(ordinal)]


def schedule_rule(rng: random.Random) -> str:
    """One valid rule; a cancelled date (`except`) always falls on a real session."""
    hour = rng.randint(8, 18)
    minute = rng.choice([0, 0, 30])
    length = rng.choice([60, 90, 120, 180])
    start = dt.datetime(2000, 1, 1, hour, minute)
    end = start + dt.timedelta(minutes=length)
    first = TODAY - dt.timedelta(days=rng.randint(30, 400))
    lines = []
    sessions: list[dt.date] = []
    horizon = TODAY + dt.timedelta(days=180)
    if rng.random() < 0.75:
        days = sorted(rng.sample(range(5), rng.choice([1, 1, 1, 2])))
        every = rng.choice([1, 1, 1, 2])
        first = first - dt.timedelta(days=first.weekday()) + dt.timedelta(days=days[0])  # a session day
        lines.append(f"  - weekly: [{', '.join(WEEKDAYS[d] for d in days)}]")
        if every > 1:
            lines.append(f"    every: {every} weeks")
        anchor = first - dt.timedelta(days=first.weekday())
        day = TODAY
        while day <= horizon:
            if day.weekday() in days and ((day - anchor).days // 7) % every == 0:
                sessions.append(day)
            day += dt.timedelta(days=1)
    else:
        picks = rng.sample([(o, d) for o in ORDINALS for d in range(5)], rng.choice([1, 1, 2]))
        names = [f"{o} {WEEKDAYS[d]}" for o, d in picks]
        lines.append(f"  - monthly: {q(names[0])}" if len(names) == 1
                     else f"  - monthly: [{', '.join(q(n) for n in names)}]")
        year, month = TODAY.year, TODAY.month
        for _ in range(6):
            sessions += [nth_weekday(year, month, o, d) for o, d in picks]
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        sessions = sorted(s for s in sessions if s >= TODAY)
    lines.append(f"    start: {q(start.strftime('%H:%M'))}")
    lines.append(f"    end: {q(end.strftime('%H:%M'))}")
    lines.append(f"    from: {first.isoformat()}")
    until = None
    if rng.random() < 0.15:
        until = TODAY + dt.timedelta(days=rng.randint(60, 300))
        lines.append(f"    until: {until.isoformat()}")
    cancelled = [s for s in sessions if until is None or s <= until]
    if cancelled and rng.random() < 0.4:
        chosen = sorted(rng.sample(cancelled, min(len(cancelled), rng.choice([1, 1, 2]))))
        lines.append(f"    except: [{', '.join(d.isoformat() for d in chosen)}]")
    if rng.random() < 0.2:
        lines.append("    school_holidays: pause")
    return "\n".join(lines) + "\n"


def common_fields(rng: random.Random, vocab: dict, places: list[str], contacts: list[str], partners: list[str],
                  title: str, event: bool) -> list[str]:
    lines = []
    if rng.random() < 0.3:
        lines.append(f"title: {{de: {q(title)}, en: {q(title + ' (international)')}, tr: {q(title + ' (Türkçe)')}}}")
    else:
        lines.append(f"title: {q(title)}")
    lines.append(f"summary: {q(prose(rng, 1))}")
    description = "\n\n".join(prose(rng, rng.randint(2, 4)) for _ in range(rng.randint(1, 3))) + rng.choice(EXTRAS)
    lines.append("description: " + block(description).rstrip("\n"))
    if not event or rng.random() < 0.7:
        lines.append(f"category: {rng.choice(vocab['categories'])}")
    lines.append(f"audience: [{', '.join(rng.sample(vocab['audiences'], rng.randint(1, 3)))}]")
    if not event:
        spoken = ["de"] + rng.sample(LANGUAGES[1:], rng.randint(0, 3))
        lines.append(f"languages_spoken: [{', '.join(spoken)}]")
    lines.append(f"cost: {q(rng.choice(['kostenlos', 'kostenlos', '2 € pro Termin', 'Spende erbeten', '5 € Materialgeld']))}")
    registration = rng.choice(["false", "false", "true", q("Bitte im Stadtteilbüro oder telefonisch anmelden.")])
    lines.append(f"registration: {registration}")
    if places and rng.random() < 0.8:
        lines.append(f"location: {rng.choice(places)}")
    elif rng.random() < 0.5:
        lines.append(f"location: {{name: {q(rng.choice(PARTNER_NAMES) + ' Batenbrock')}, "
                     f"address: {{street: {q(rng.choice(STREETS) + ' ' + str(rng.randint(1, 200)))}, "
                     f"postcode: \"46236\", city: Bottrop}}}}")
    if contacts and rng.random() < 0.7:
        lines.append(f"contact: {rng.choice(contacts)}")
    if partners and rng.random() < 0.7:
        lines.append(f"partners: [{', '.join(rng.sample(partners, rng.randint(1, min(3, len(partners)))))}]")
    return lines


def write_partners(out: Path, rng: random.Random, vocab: dict, count: int) -> list[str]:
    ids = sorted(p.stem for p in (out / "partners").glob("*.yml"))
    number = 0
    while len(ids) < count:
        number += 1
        pid = f"partner-{number:03d}"
        name = f"{rng.choice(PARTNER_NAMES)} {rng.choice(['Batenbrock', 'Bottrop-Süd', 'Innenstadt', 'Ebel', 'Welheim', 'Boy'])} {number}"
        lines = [f"name: {q(name)}", f"kind: {rng.choice(vocab['partner_kinds'])}",
                 f"topics: [{', '.join(rng.sample(vocab['topics'], rng.randint(1, 3)))}]"]
        if ids and rng.random() < 0.3:
            lines.append(f"parent: {rng.choice(ids)}")  # an earlier partner: the tree has no cycles
        lines.append(f"description: {q(prose(rng, rng.randint(1, 3)))}")
        if rng.random() < 0.6:
            lines.append(f"url: https://www.partner-{number:03d}.example.org/")
        if rng.random() < 0.6:
            lines.append(f"phone: \"+49 2041 {rng.randint(100000, 999999)}\"")
        if rng.random() < 0.5:
            lines.append(f"email: kontakt@partner-{number:03d}.example.org")
        if rng.random() < 0.5:
            lines.append(f"address: {{street: {q(rng.choice(STREETS) + ' ' + str(rng.randint(1, 200)))}, "
                         "postcode: \"46236\", city: Bottrop}")
        (out / "partners" / f"{pid}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        ids.append(pid)
    return ids


def write_offers(out: Path, rng: random.Random, vocab: dict, office: dict, partners: list[str], count: int) -> None:
    places = sorted(office.get("locations") or {})
    contacts = sorted(office.get("contacts") or {})
    existing = len(list((out / "offers").glob("*.yml")))
    for number in range(1, count - existing + 1):
        title = f"{rng.choice(OFFER_NAMES)} {rng.choice(QUALIFIERS)} ({number})"
        lines = common_fields(rng, vocab, places, contacts, partners, title, event=False)
        lines.append(f"volunteer_led: {str(rng.random() < 0.3).lower()}")
        if rng.random() < 0.05:
            lines.append(f"schedule_note: {q('Nach Vereinbarung, bitte im Büro melden.')}")
        else:
            lines.append("schedule:")
            lines.append("".join(schedule_rule(rng) for _ in range(rng.choice([1, 1, 1, 2]))).rstrip("\n"))
            if rng.random() < 0.15:
                lines.append(f"schedule_note: {q('In den Ferien nach Absprache.')}")
        (out / "offers" / f"angebot-{number:03d}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_events(out: Path, rng: random.Random, vocab: dict, office: dict, partners: list[str], count: int) -> None:
    places = sorted(office.get("locations") or {})
    contacts = sorted(office.get("contacts") or {})
    existing = len(list((out / "events").glob("*.yml")))
    for number in range(1, count - existing + 1):
        day = TODAY + dt.timedelta(days=rng.randint(-60, 365))   # a few are over, most still ahead
        start = dt.datetime.combine(day, dt.time(rng.randint(9, 19), rng.choice([0, 30])))
        slug = rng.choice(EVENT_NAMES).lower()
        for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), (" ", "-")):
            slug = slug.replace(a, b)
        title = f"{rng.choice(EVENT_NAMES)} ({number})"
        lines = common_fields(rng, vocab, places, contacts, partners, title, event=True)
        lines.append(f"start: {start:%Y-%m-%dT%H:%M}")
        if rng.random() < 0.85:
            lines.append(f"end: {start + dt.timedelta(hours=rng.choice([1, 2, 3, 4])):%Y-%m-%dT%H:%M}")
        status = rng.choices(["confirmed", "cancelled", "postponed"], weights=[85, 10, 5])[0]
        if status != "confirmed":
            lines.append(f"status: {status}")
            lines.append(f"status_note: {q('Fällt leider aus, ein neuer Termin folgt.' if status == 'cancelled' else 'Wird verschoben, der neue Termin steht bald hier.')}")
        (out / "events" / f"{start:%Y-%m-%d}-{slug}-{number:03d}.yml").write_text("\n".join(lines) + "\n",
                                                                                   encoding="utf-8")


def stadtteil_bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local if local.exists() else REPO / ".venv" / "bin" / name)


def check(out: Path) -> None:
    """`stadtteil check` must accept the generated data (exit 0); otherwise stop with its report."""
    result = subprocess.run([stadtteil_bin("stadtteil"), "check", "-f", str(out / "mkdocs.yml")],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"stadtteil check lehnt die erzeugte Website in {out} ab (Exit {result.returncode}).")


def generate(out: Path, scale: int, validate: bool = True) -> dict[str, int]:
    """A stadtteil site at ``scale`` in ``out`` (which must not exist yet). Returns the file counts."""
    out.mkdir(parents=True, exist_ok=False)
    config = copy_repo(out)
    if scale > 1:
        rng = random.Random(f"stadtteil-bench-{scale}")
        vocab = vocabularies(config)
        office = yaml.safe_load((out / "office.yml").read_text(encoding="utf-8")) or {}
        partners = write_partners(out, rng, vocab, 30 * scale)
        write_offers(out, rng, vocab, office, partners, 20 * scale)
        write_events(out, rng, vocab, office, partners, 20 * scale)
    if validate:
        check(out)
    return {name: len(list((out / name).glob("*.yml"))) for name in ("offers", "events", "partners")}


# --- stock Material -------------------------------------------------------------------------------

def _nav_with(nav: list, pages: list[str]) -> list:
    """The repository's navigation shape (same entries, same sections), filled with stock pages."""
    result = []
    for entry in nav:
        if not pages:
            break
        if isinstance(entry, dict):
            (title, value), = entry.items()
            if isinstance(value, list):
                result.append({title: _nav_with(value, pages)})
            else:
                result.append({title: pages.pop(0)})
        else:
            result.append(pages.pop(0))
    return result


def stock_page(rng: random.Random, number: int, chars: int) -> str:
    parts = [f"# Seite {number}: {rng.choice(OFFER_NAMES)}\n"]
    size = len(parts[0])
    section = 0
    while size < chars:
        if size > 400 * (section + 1):
            section += 1
            heading = f"\n## {rng.choice(['Wann und wo', 'Für wen', 'Kosten', 'Anmeldung', 'Kontakt'])}\n"
            parts.append(heading)
            size += len(heading)
        if rng.random() < 0.2:
            text = "\n- " + "\n- ".join(rng.sample(SENTENCES, 3)) + "\n"
        else:
            text = "\n" + prose(rng, rng.randint(2, 4)) + "\n"
        parts.append(text)
        size += len(text)
    return "".join(parts)


def stock(out: Path, pages: int, chars: int = 1500) -> None:
    """Plain mkdocs-material (font: false, search plugin, mkdocs-static-i18n with the repository's
    languages) with about ``pages`` HTML pages in the end, over all languages. ``chars`` is the
    length of a page's text; the navigation has the shape of the repository's (the other pages are
    built, as the stadtteil data pages are, but not listed in the menu)."""
    out.mkdir(parents=True, exist_ok=False)
    docs = out / "docs"
    docs.mkdir()
    rng = random.Random(f"stock-{pages}")
    repo = read_config(REPO / "mkdocs.yml")
    # The same languages as the repository, with mkdocs-static-i18n: every language is built from the
    # German files (fallback), so ``pages`` HTML pages in all are pages / languages per language.
    i18n = next((p["i18n"] for p in repo.get("plugins") or [] if isinstance(p, dict) and "i18n" in p), None)
    languages = len(i18n["languages"]) if i18n else 1
    per_language = max(2, round(pages / languages))
    names = ["index.md"] + [f"bereich-{i % 10}/seite-{i:04d}.md" for i in range(1, per_language - 1)]
    for number, name in enumerate(names):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(stock_page(rng, number, chars), encoding="utf-8")
    config = {
        "site_name": "Stock Material",
        "site_url": "https://stock.example.org/",
        "docs_dir": "docs",
        "theme": {"name": "material", "language": "de", "font": False, "custom_dir": "overrides"},
        "plugins": ["search"] + ([{"i18n": {"docs_structure": "suffix", "fallback_to_default": True,
                                            "languages": [{k: v for k, v in lang.items() if k != "nav_translations"}
                                                          for lang in i18n["languages"]]}}] if i18n else []),
        "markdown_extensions": repo.get("markdown_extensions") or [],
        "nav": _nav_with(repo.get("nav") or [], list(names)),
        "not_in_nav": "/bereich-*/\n",
    }
    # Material has no language file for Leichte Sprache: the smallest possible one (German texts).
    shim = out / "overrides" / "partials" / "languages" / "de-LS.html"
    shim.parent.mkdir(parents=True)
    shim.write_text('{% import "partials/languages/de.html" as de %}{% macro t(key) %}{{ de.t(key) }}{% endmacro %}\n')
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if i18n:
        # The preview in one language, as `make serve` does for stadtteil (run.py measures both so).
        marker = "    docs_structure: suffix\n"
        assert marker in text
        text = text.replace(marker, marker + "    build_only_locale: !ENV [STADTTEIL_PREVIEW_LANGUAGE, null]\n")
    (out / "mkdocs.yml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to create (must not exist)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scale", type=int, default=1, help="1 = this repository, 10 = 200/200/300")
    group.add_argument("--stock", type=int, metavar="PAGES", help="stock Material site with PAGES HTML pages")
    parser.add_argument("--chars", type=int, default=1500, help="text length of a stock page")
    parser.add_argument("--no-check", action="store_true", help="skip `stadtteil check`")
    args = parser.parse_args()
    if args.stock:
        stock(args.out, args.stock, args.chars)
        print(f"Stock-Material-Website mit {args.stock} Seiten in {args.out}")
    else:
        counts = generate(args.out, args.scale, validate=not args.no_check)
        print(f"stadtteil-Website {args.scale}× in {args.out}: {counts['offers']} Angebote, "
              f"{counts['events']} Veranstaltungen, {counts['partners']} Partner"
              + ("" if args.no_check else " (stadtteil check: in Ordnung)"))


if __name__ == "__main__":
    main()
