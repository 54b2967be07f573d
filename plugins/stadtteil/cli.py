"""`stadtteil` command: check the data, or build the site without ever damaging the published one.

`stadtteil build` builds into a fresh folder next to the site and swaps it in only when the whole
build succeeded; a failed build leaves the previous site exactly as it was (mkdocs itself would
first empty the site folder and then fail halfway).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .errors import DataErrors
from .loader import load_project
from .models import Settings


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags are mkdocs' business, not ours."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def plugin_options(config_file: Path) -> dict:
    data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and "stadtteil" in entry:
            return entry["stadtteil"] or {}
    return {}


def check(config_file: Path) -> int:
    options = plugin_options(config_file)
    settings = Settings.model_validate({k: options[k] for k in ("categories", "audiences", "topics", "partner_kinds")
                                        if options.get(k) is not None})
    root = (config_file.parent / options.get("data_dir", ".")).resolve()
    try:
        project = load_project(root, settings)
    except DataErrors as exc:
        print(exc.report().replace("Die Website wurde nicht gebaut; die zuletzt veröffentlichte Fassung "
                                   "bleibt unverändert.", "Bitte korrigieren Sie diese Stellen."), file=sys.stderr)
        return 1
    print(f"Alles in Ordnung: {len(project.offers)} Angebote, {len(project.events)} Veranstaltungen, "
          f"{len(project.partners)} Partner.")
    return 0


def build(config_file: Path, site_dir: Path, strict: bool) -> int:
    staging = site_dir.with_name(site_dir.name + ".new")
    retired = site_dir.with_name(site_dir.name + ".old")
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--config-file", str(config_file),
               "--site-dir", str(staging)]
    if strict or os.environ.get("STADTTEIL_PRODUCTION") == "1":
        command.append("--strict")
    # The end-of-life banner of Material is for developers, not for staff reading the build output.
    result = subprocess.run(command, env={"NO_MKDOCS_2_WARNING": "1", **os.environ})
    if result.returncode != 0 or not (staging / "index.html").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        kept = "Die bisherige Fassung in „{}“ bleibt unverändert.".format(site_dir.name) if site_dir.exists() else ""
        print(f"\nDie Website wurde NICHT gebaut. {kept}".rstrip(), file=sys.stderr)
        return 1
    # Two renames: the window in which no site folder exists is as short as the file system allows.
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    print(f"Die Website ist fertig: {site_dir}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stadtteil", description="Website des Stadtteilbüros prüfen und bauen.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="Nur die Daten prüfen (schnell).")
    p_check.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_build = sub.add_parser("build", help="Website bauen; die alte bleibt bei Fehlern erhalten.")
    p_build.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    p_build.add_argument("-d", "--site-dir", default="site", type=Path)
    p_build.add_argument("--strict", action="store_true", help="Warnungen (z. B. kaputte Links) sind Fehler.")
    p_hash = sub.add_parser("consent-hash", help="Prüfsumme (sha256) eines Bildes für seine Einwilligung ausgeben.")
    p_hash.add_argument("image", type=Path)
    p_schema = sub.add_parser("schema", help="JSON-Schemas für Editoren neu schreiben (Ordner schema/).")
    p_schema.add_argument("-o", "--output", default="schema", type=Path)
    args = parser.parse_args(argv)
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
        return check(args.config_file.resolve())
    return build(args.config_file.resolve(), args.site_dir.resolve(), args.strict)


if __name__ == "__main__":
    sys.exit(main())
