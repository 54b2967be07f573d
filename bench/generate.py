"""Synthetic sites for the benchmarks: this repository's site at 1× and 10×, and a stock Material site.

    python bench/generate.py OUT --scale 1|10
    python bench/generate.py OUT --stock PAGES
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAYS = ["mo", "di", "mi", "do", "fr"]
CATEGORIES = ["begegnung", "familie", "lernen", "beratung", "bewegung"]
AUDIENCES = ["alle", "frauen", "eltern", "alleinerziehende", "kinder", "jugendliche", "familien", "gefluechtete"]
TOPICS = ["bildung", "schule", "kinder", "jugend", "familie", "gesundheit", "migration", "beratung", "arbeit"]
KINDS = ["stadt", "schule", "traeger", "beratung", "netzwerk"]
TEXT = ("Im Stadtteilbüro treffen sich Nachbarinnen und Nachbarn, tauschen sich aus und helfen einander. "
        "Kommen Sie einfach vorbei, eine Anmeldung ist nicht nötig. ")


def copy_repo(out: Path) -> None:
    for name in ("mkdocs.yml", "office.yml"):
        shutil.copy(REPO / name, out / name)
    for name in ("content", "offers", "events", "partners", "consent", "schema"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, out / name)


def generate(out: Path, scale: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    copy_repo(out)
    if scale == 1:
        return
    rng = random.Random(scale)
    offers, events, partners = 20 * scale, 20 * scale, 30 * scale
    for i in range(partners):
        (out / "partners" / f"partner-{i:03d}.yml").write_text(
            f"name: Beratungsstelle {i}\nkind: {rng.choice(KINDS)}\ntopics: [{', '.join(rng.sample(TOPICS, 2))}]\n"
            f"description: {TEXT}\n", encoding="utf-8")
    for i in range(offers):
        day = rng.choice(DAYS)
        hour = rng.randint(9, 17)
        weekly = rng.random() < 0.8
        rule = f"  - weekly: [{day}]\n" if weekly else f"  - monthly: \"first {day}\"\n"
        # A cancelled session on a day the offer really takes place (the check refuses others).
        cancelled = f"    except: [2026-12-{7 + DAYS.index(day):02d}]\n" if weekly else ""
        (out / "offers" / f"angebot-{i:03d}.yml").write_text(
            f"title: Angebot Nummer {i}\nsummary: {TEXT[:80]}\ndescription: |\n  {TEXT}\n\n  {TEXT}\n"
            f"category: {rng.choice(CATEGORIES)}\naudience: [{', '.join(rng.sample(AUDIENCES, 2))}]\n"
            f"languages_spoken: [de, tr]\ncost: kostenlos\nregistration: false\n"
            f"partners: [partner-{rng.randrange(partners):03d}]\nschedule:\n{rule}"
            f"    start: \"{hour:02d}:00\"\n    end: \"{hour + 1:02d}:30\"\n    from: 2026-01-{rng.randint(1, 28):02d}\n"
            + cancelled, encoding="utf-8")
    for i in range(events):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        status = "cancelled" if i % 10 == 0 else "confirmed"
        (out / "events" / f"2027-{month:02d}-{day:02d}-aktion-{i:03d}.yml").write_text(
            f"title: Aktion {i}\nsummary: {TEXT[:60]}\nstart: 2027-{month:02d}-{day:02d}T14:00\n"
            f"end: 2027-{month:02d}-{day:02d}T17:00\nstatus: {status}\naudience: [{rng.choice(AUDIENCES)}]\n"
            f"description: |\n  {TEXT}\n", encoding="utf-8")


def stock(out: Path, pages: int) -> None:
    """A plain mkdocs-material site with the same number of pages (mkdocs-static-i18n is not installed here)."""
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (out / "mkdocs.yml").write_text("site_name: Stock\ntheme:\n  name: material\n  language: de\nplugins: [search]\n",
                                    encoding="utf-8")
    (docs / "index.md").write_text("# Start\n\n" + TEXT * 3, encoding="utf-8")
    for i in range(1, pages):
        section = docs / f"bereich-{i % 10}"
        section.mkdir(exist_ok=True)
        (section / f"seite-{i:04d}.md").write_text(f"# Seite {i}\n\n{TEXT * 4}\n\n## Termine\n\n- Montag 10 Uhr\n"
                                                   f"- Mittwoch 15 Uhr\n\n{TEXT * 2}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int)
    parser.add_argument("--stock", type=int)
    args = parser.parse_args()
    if args.stock:
        stock(args.out, args.stock)
    else:
        generate(args.out, args.scale or 1)


if __name__ == "__main__":
    main()
