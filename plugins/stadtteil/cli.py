"""`stadtteil` command: check the data, or build the site without ever damaging the published one.

`stadtteil build` builds into a fresh folder next to the site and swaps it in only when the whole
build succeeded; a failed build leaves the previous site exactly as it was (mkdocs itself would
first empty the site folder and then fail halfway).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import datetime as dt
from dataclasses import dataclass

from .errors import DataError, DataErrors, Notice
from .excerpt import Sources
from .yamlsource import plugin_options


def site_config(config_file: Path, production: bool = False):
    """The pipeline's view of a site, read from mkdocs.yml without the site engine (check stays fast)."""
    from .pipeline import SiteConfig
    return SiteConfig.from_file(config_file, production)


@dataclass
class Checked:
    """What `stadtteil check` found: mistakes, warnings, notes (what a mistake kept from being checked),
    a one-line summary, and the project's files for the lines the text report shows."""
    errors: list[DataError]
    warnings: list[str]
    notes: list[str]
    summary: str
    sources: Sources | None = None


def collect(config_file: Path, today: dt.date | None = None) -> tuple[list[DataError], list[str], str]:
    """Every mistake a build would find in the data, consent records, photos, pages and funding
    configuration, without building: (errors, warnings and notes, one-line summary)."""
    checked = gather(config_file, today)
    return checked.errors, checked.warnings + checked.notes, checked.summary


def gather(config_file: Path, today: dt.date | None = None) -> Checked:
    """``collect`` in full. The build's own pipeline (pipeline.py) with the build's date."""
    from .checks import production
    from .calendars import revisions
    from .pipeline import Site, SiteError, build_date

    config = site_config(config_file)
    from .shared_partners import named_in
    sources = Sources(config.root, config.docs_dir, named_in(config.options))
    errors: list[DataError] = []
    try:
        today = today or build_date(config.options.get("today"))
    except SiteError as exc:
        return Checked([DataError(config_file.name, None, None, str(exc), "")], [], [], "", sources)
    site = Site.collect(config, today, check_pages=True)
    errors += site.errors
    if not errors:
        try:
            site.site_rules()
        except SiteError as exc:
            errors.append(DataError(config_file.name, None, None, str(exc).removeprefix(config_file.name + ": "), ""))
    warnings = list(site.warnings) + list(site.notices)
    project = site.project
    if project is not None:
        # The attendance numbers of the yearly report (teilnahme/): no page shows them, but a mistake
        # in them is found here, not on the day the report is due.
        from .report.attendance import check_files
        errors += check_files(project, config.root, today)
    if project is not None and site.photos.left_out:
        # What a withdrawal (or an expired consent) takes off the site, before the build does it.
        site.find_page_uses()
        warnings += site.left_out_report(built=False)
    if project is not None:
        # What a production build would refuse, and the calendar record: told here, not refused.
        warnings += production.problems(config.root, project, config.site_url or None, config.options.get("uid_domain"),
                                        config_file.name)
        warnings += revisions.check_config(config_file, config.root, project, config.options, today)
    photos = site.photos
    summary = (f"{len(project.offers)} Angebote, {len(project.events)} Veranstaltungen, {len(project.partners)} Partner, "
               f"{len(photos.published) + len(photos.passthrough) + len(photos.left_out)} Bilder" if project else "")
    return Checked(DataErrors(errors).errors if errors else [], warnings, list(site.notes), summary, sources)


def _text_report(errors: list[DataError], notes: list[str] = (), sources: Sources | None = None) -> str:
    """The mistakes by file, each with its line and a caret under the column, and the notes of each file."""
    lines = [f"{len(errors)} Fehler gefunden:" if len(errors) != 1 else "1 Fehler gefunden:", ""]
    for file in sorted({e.file for e in errors}):
        lines.append(file)
        for e in [e for e in errors if e.file == file]:
            where = f"Zeile {e.line}" + (f", Spalte {e.column}" if e.column else "") if e.line else "Datei"
            field = f"Feld „{e.field}“: " if e.field else ""
            lines.append(f"  {where}: {field}{e.message} {e.hint}".rstrip())
            if sources is not None:
                lines += sources.excerpt(e.file, e.line, e.column)
        lines += [f"  Hinweis: {getattr(n, 'text', n)}" for n in notes if getattr(n, "file", None) == file]
        lines.append("")
    files = {e.file for e in errors}
    lines += [f"Hinweis: {n}" for n in notes if getattr(n, "file", None) not in files]
    return "\n".join(lines)


def _warning_text(warning: str, sources: Sources | None) -> str:
    """A warning for the text report: with its line and a caret when it points at one."""
    lines = [f"Hinweis: {warning}"]
    if sources is not None and isinstance(warning, Notice):
        lines += sources.excerpt(warning.file, warning.line, warning.column)
    return "\n".join(lines)


def _annotation_place(item) -> list[str]:
    line, column = getattr(item, "line", None), getattr(item, "column", None)
    return ([f"file={item.file}"] if getattr(item, "file", None) else []) + \
        ([f"line={line}"] if line else []) + ([f"col={column}"] if column else [])


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(errors: list[DataError]) -> str:
    out = []
    for e in errors:
        props = _annotation_place(e)
        props.append("title=" + _github_escape(f"Feld {e.field}" if e.field else "Datenfehler")
                     .replace(",", "%2C").replace(":", "%3A"))
        out.append(f"::error {','.join(props)}::{_github_escape((e.message + ' ' + e.hint).strip())}")
    return "\n".join(out)


def _github_warning(warning: str) -> str:
    if isinstance(warning, Notice):
        return f"::warning {','.join(_annotation_place(warning))}::{_github_escape(warning.text)}"
    return f"::warning::{_github_escape(warning)}"


def _gitlab(errors: list[DataError]) -> str:
    import hashlib
    import json
    report = [{"description": (e.message + " " + e.hint).strip(), "check_name": "stadtteil",
               "fingerprint": hashlib.sha1(f"{e.file}:{e.line}:{e.message}".encode()).hexdigest(),
               "severity": "major", "location": {"path": e.file, "lines": {"begin": e.line or 1}}} for e in errors]
    return json.dumps(report, ensure_ascii=False, indent=2)


def check(config_file: Path, fmt: str = "text", today: dt.date | None = None) -> int:
    import json
    checked = gather(config_file, today)
    errors, warnings, notes = checked.errors, checked.warnings, checked.notes
    if fmt == "json":
        print(json.dumps({"ok": not errors, "errors": [e.__dict__ for e in errors], "warnings": warnings + notes},
                         ensure_ascii=False, indent=2))
    elif fmt == "github":
        if errors:
            print(_github(errors))
        for warning in warnings + notes:
            print(_github_warning(warning))
    elif fmt == "gitlab":
        print(_gitlab(errors))
    else:
        for warning in warnings:
            print(_warning_text(warning, checked.sources), file=sys.stderr)
        if errors:
            print(_text_report(errors, notes, checked.sources) + "Bitte korrigieren Sie diese Stellen.", file=sys.stderr)
        else:
            for note in notes:
                print(f"Hinweis: {note}", file=sys.stderr)
            print(f"Alles in Ordnung: {checked.summary}.")
    return 1 if errors else 0


def build(config_file: Path, site_dir: Path, strict: bool) -> int:
    """Builds into a staging folder and publishes it whole (see publish.py); one build at a time."""
    from .publish import publish
    # A published site has every language: the one-language preview setting is for `make serve` only.
    if os.environ.pop("STADTTEIL_PREVIEW_LANGUAGE", None):
        print("Hinweis: STADTTEIL_PREVIEW_LANGUAGE gilt nur für die Vorschau (make serve); "
              "gebaut werden alle Sprachen.", file=sys.stderr)

    from . import engines
    from .pipeline import production_requested

    # The engine the site names (cli.py knows none): loaded before anything is touched.
    try:
        engine = engines.load(plugin_options(config_file).get("engine") or engines.DEFAULT, config_file.name)
    except engines.EngineError as exc:
        print(exc, file=sys.stderr)
        return 1

    def build_into(staging: Path) -> bool:
        return engine.build(config_file, staging, production_requested(strict))

    if not publish(site_dir, build_into):
        return 1
    print(f"Die Website ist fertig: {site_dir}/")
    return 0


def new_site(folder: Path, name: str, carrier: str, city: str, git: bool = True) -> int:
    """A complete site repository for another neighbourhood, with the same enforcement (scaffold.py)."""
    from . import newsite as scaffold
    if folder.exists() and any(folder.iterdir()):
        print(f"Der Ordner {folder} ist nicht leer; bitte einen neuen Ordner angeben.", file=sys.stderr)
        return 1
    scaffold.write_site(folder, name, carrier, city)
    note = scaffold.first_commit(folder) if git else None
    if note:
        print(f"Hinweis: {note}", file=sys.stderr)
    if not scaffold.released(scaffold.engine_version()):
        print(f"Hinweis: Die Programmversion {scaffold.engine_version()} ist keine veröffentlichte Version (kein "
              "Git-Tag); requirements.txt nennt sie trotzdem. Tragen Sie dort eine Version mit Tag oder den Weg zur "
              "Wheel-Datei ein (README.md, „Das Programm: eine feste Version“).", file=sys.stderr)
    print(f"Neue Website in {folder}/ angelegt (Programmversion {scaffold.engine_version()}). Weiter mit:\n"
          f"  cd {folder}\n  make site      (richtet alles ein und baut die Website)\n"
          "  make test      (baut und prüft sie)\nZuerst alle PLATZHALTER ersetzen: siehe README.md.")
    return 0


def translations_report(config_file: Path, output: str, summary: bool) -> int:
    """Missing translations per language and file (exit 0: a report, not a check)."""
    import json
    from .loader import load_project
    from .pipeline import settings_of
    from .translations import as_json, format_text, report
    config = site_config(config_file)
    try:
        project = load_project(config.root, settings_of(config.options), config.options.get("partners_from"),
                               config.options.get("places_from"))
    except DataErrors as exc:
        print(DataErrors(exc.errors, exc.notes, root=config.root, docs_dir=config.docs_dir).report(), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{config_file.name}, Plugin „stadtteil“: {exc}", file=sys.stderr)
        return 1
    reports = report(project, config.docs_dir)
    print(json.dumps(as_json(reports), ensure_ascii=False, indent=2) if output == "json"
          else format_text(reports, details=not summary))
    return 0


def report(config_file: Path, year: int, out: Path | None) -> int:
    """The yearly report (§ 11 of the cooperation agreement) as HTML, CSV and JSON (report/)."""
    from .pipeline import SiteError, build_date
    from .report.make import write_report
    out = out or config_file.parent / "bericht" / str(year)
    try:
        today = build_date(plugin_options(config_file).get("today"))
        written = write_report(config_file, year, out, today)
    except DataErrors as exc:
        config = site_config(config_file)
        print(_text_report(exc.errors, exc.notes, Sources(config.root, config.docs_dir))
              + "Bitte korrigieren Sie diese Stellen; der Bericht wurde nicht geschrieben.", file=sys.stderr)
        return 1
    except (ValueError, SiteError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for note in written.notes:
        print(f"Hinweis: {note}", file=sys.stderr)
    print(f"Der Bericht {year} ist fertig: {out}/index.html (Tabellen als CSV und bericht.json daneben).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stadtteil", description="Website des Stadtteilbüros prüfen und bauen.")
    from .newsite import engine_version
    parser.add_argument("--version", action="version", version=f"stadtteil {engine_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="Nur die Daten prüfen (schnell).")
    p_check.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_check.add_argument("--format", default="text", choices=["text", "json", "github", "gitlab"],
                         help="Ausgabe: text (Standard), json, github (Anmerkungen in Pull Requests), "
                              "gitlab (Code-Quality-Bericht für Merge Requests)")
    p_check.add_argument("files", nargs="*", help="(für pre-commit) geänderte Dateien; geprüft wird immer alles")
    p_build = sub.add_parser("build", help="Website bauen; die alte bleibt bei Fehlern erhalten.")
    p_build.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_build.add_argument("-d", "--site-dir", default="site", type=Path)
    p_build.add_argument("--strict", action="store_true", help="Warnungen (z. B. kaputte Links) sind Fehler.")
    p_new = sub.add_parser("new", help="Eine neue Website für ein anderes Stadtteilbüro anlegen.")
    p_new.add_argument("folder", type=Path)
    p_new.add_argument("--name", default="Stadtteilbüro Neustadt")
    p_new.add_argument("--carrier", default="Träger e.V.")
    p_new.add_argument("--city", default="Bottrop")
    p_upgrade = sub.add_parser("upgrade", help="Auf eine neue Programmversion wechseln und die Daten anpassen.")
    p_upgrade.add_argument("--version", default="", help="die neue Version (leer: nur die Daten anpassen)")
    p_upgrade.add_argument("--pip-options", default="", help="weitere Optionen für pip, z. B. --find-links ../dist")
    p_upgrade.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_migrate = sub.add_parser("migrate", help="(von upgrade aufgerufen) Daten auf das Format dieser Version bringen.")
    p_migrate.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_hash = sub.add_parser("consent-hash", help="Prüfsumme (sha256) eines Bildes für seine Einwilligung ausgeben.")
    p_hash.add_argument("image", type=Path)
    p_tr = sub.add_parser("translations", help="Bericht: was ist in welcher Sprache noch nicht übersetzt?")
    p_tr.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_tr.add_argument("--format", default="text", choices=["text", "json"])
    p_tr.add_argument("--summary", action="store_true", help="nur eine Zeile je Sprache")
    p_msg = sub.add_parser("messages", help="(für Entwickler) Texte der Oberfläche in die Übersetzungs-Kataloge übernehmen.")
    p_schema = sub.add_parser("schema", help="JSON-Schemas für Editoren neu schreiben (Ordner schema/).")
    p_schema.add_argument("-o", "--output", default="schema", type=Path)
    p_report = sub.add_parser("bericht", help="Jahresbericht (§ 11 der Kooperationsvereinbarung) als HTML, CSV und JSON.")
    p_report.add_argument("jahr", type=int, help="das Jahr, zum Beispiel 2026")
    p_report.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_report.add_argument("-o", "--output", type=Path, help="Ordner für den Bericht (Standard: bericht/<jahr>)")
    args = parser.parse_args(argv)
    if args.command == "bericht":
        return report(args.config_file.resolve(), args.jahr, args.output.resolve() if args.output else None)
    if args.command == "new":
        return new_site(args.folder, args.name, args.carrier, args.city)
    if args.command == "upgrade":
        from .upgrade import upgrade
        return upgrade(args.config_file.resolve(), args.version.strip(), args.pip_options)
    if args.command == "migrate":
        from .upgrade import migrate_command
        return migrate_command(args.config_file.resolve())
    if args.command == "consent-hash":
        import hashlib
        if not args.image.is_file():
            print(f"Die Datei {args.image} gibt es nicht.", file=sys.stderr)
            return 1
        print(f"sha256: {hashlib.sha256(args.image.read_bytes()).hexdigest()}")
        return 0
    if args.command == "schema":
        from .schema import write_all
        for path in write_all(args.output):
            print(f"geschrieben: {path}")
        return 0
    if args.command == "check":
        return check(args.config_file.resolve(), args.format)
    if args.command == "translations":
        return translations_report(args.config_file.resolve(), args.format, args.summary)
    if args.command == "messages":
        from .i18n import update_catalogs
        for lang, missing in update_catalogs().items():
            print(f"{lang}: {missing} Texte ohne Übersetzung")
        return 0
    return build(args.config_file.resolve(), args.site_dir.resolve(), args.strict)


def run() -> None:
    """The `stadtteil` command: ``main``, then the process ends. Frozen first, the objects a build
    loaded are not collected once more on the way out (measured: 0.2 s of a 4 s build); a command
    run in-process (tests) calls ``main`` and keeps its collector."""
    status = main()
    import gc
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
