"""What „add this date“, the Atom feed and the partners' dates (#20) add to the built site: files and
bytes (raw and gzip), per language and in all, and the time the single dates' files take to make.

    .venv/bin/python bench/add_date.py            # builds the frozen fixture on its frozen day
    .venv/bin/python bench/add_date.py SITE_DIR   # measures a site built already

Prints numbers, writes nothing (the fixture is built into a temporary folder; its calendar record stays).
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("STADTTEIL_REVISIONEN_SCHREIBEN", "0")

from sites import BATENBROCK, DAY, build  # noqa: E402

LANGS = {"de": "", "en": "en/", "tr": "tr/", "ar": "ar/", "uk": "uk/", "de-LS": "de-LS/"}
# A link as the pages carry it, and as the days carried for termine.js carry it (escaped in an attribute).
LINK = re.compile(r'<a class="st-add-date".*?</a>', re.S)
LINK_IN_JSON = re.compile(r'&lt;a class=\\&#34;st-add-date\\&#34;.*?&lt;/a&gt;', re.S)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def files_of(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.is_file())


def kb(n: int) -> str:
    return f"{n / 1024:8.1f} kB"


def measure(site: Path) -> None:
    everything = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in everything)
    print(f"Website: {len(everything)} Dateien, {kb(total)}")
    print()
    print(f"{'Sprache':8} {'Einzeltermine':>13} {'Bytes':>12} {'gzip':>12} {'Links':>6} {'Link-Bytes':>12} {'davon JSON':>12}")
    sums = [0, 0, 0, 0, 0, 0]
    for lang, prefix in LANGS.items():
        singles = files_of(site / prefix / "kalender" / "termin", "*/*.ics")
        raw = sum(p.stat().st_size for p in singles)
        packed = sum(gz(p.read_bytes()) for p in singles)
        links = link_bytes = json_bytes = 0
        for page in (site / prefix).rglob("index.html"):
            rel = page.relative_to(site).as_posix()
            if prefix == "" and rel.split("/", 1)[0] in {p.rstrip("/") for p in LANGS.values() if p}:
                continue
            text = page.read_text(encoding="utf-8")
            found, in_json = LINK.findall(text), LINK_IN_JSON.findall(text)
            links += len(found) + len(in_json)
            link_bytes += sum(len(m.encode()) for m in found) + sum(len(m.encode()) for m in in_json)
            json_bytes += sum(len(m.encode()) for m in in_json)
        print(f"{lang:8} {len(singles):13d} {kb(raw):>12} {kb(packed):>12} {links:6d} {kb(link_bytes):>12} {kb(json_bytes):>12}")
        for i, v in enumerate((len(singles), raw, packed, links, link_bytes, json_bytes)):
            sums[i] += v
    print(f"{'alle':8} {sums[0]:13d} {kb(sums[1]):>12} {kb(sums[2]):>12} {sums[3]:6d} {kb(sums[4]):>12} {kb(sums[5]):>12}")
    for page in ("index.html", "angebote/naehtreff/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        bare = LINK_IN_JSON.sub("", LINK.sub("", text))
        print(f"{page}: {kb(len(text.encode()))} statt {kb(len(bare.encode()))}, gzip {kb(gz(text.encode()))} statt "
              f"{kb(gz(bare.encode()))}")
    added = sums[1] + sums[4]
    print(f"\n„In den Kalender“ zusammen: {sums[0]} Dateien, {kb(added)} ({100 * added / total:.1f} % der Website)")
    atoms = files_of(site, "**/kalender/neuigkeiten.atom")
    embeds = files_of(site / "einbinden", "*/*.json")
    print(f"Atom-Feeds: {len(atoms)} Dateien, {kb(sum(p.stat().st_size for p in atoms))}")
    print(f"Termine für Partner (einbinden/): {len(embeds)} Dateien, {kb(sum(p.stat().st_size for p in embeds))}, "
          f"gzip {kb(sum(gz(p.read_bytes()) for p in embeds))}")


def feed_time() -> None:
    """One language's calendars with and without the single dates, in this process (median of 5)."""
    import datetime as dt

    import yaml

    from stadtteil.calendars import revisions
    from stadtteil.calendars.feeds import FeedBuilder, FeedSettings
    from stadtteil.pipeline import Site, SiteConfig
    config = yaml.load((BATENBROCK / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.Loader)
    options = next(p["stadtteil"] for p in config["plugins"] if isinstance(p, dict) and "stadtteil" in p)
    site_config = SiteConfig(root=BATENBROCK, docs_dir=BATENBROCK / "content",
                             site_url=config["site_url"].rstrip("/") + "/", options=options)
    site = Site.prepare(site_config, dt.date.fromisoformat(DAY))
    site.load_revisions()
    settings = FeedSettings(site.site_url, site_config.uid_domain, site.today, site.project.office.name)

    def run() -> float:
        start = time.perf_counter()
        revisions.language_feeds(site.project, settings, site._revisions, "de")
        return time.perf_counter() - start

    with_singles = sorted(run() for _ in range(5))[2]
    original = FeedBuilder.occurrences
    FeedBuilder.occurrences = lambda self: []
    try:
        without = sorted(run() for _ in range(5))[2]
    finally:
        FeedBuilder.occurrences = original
    print(f"\nKalender einer Sprache (de): {without * 1000:.0f} ms ohne Einzeltermine, {with_singles * 1000:.0f} ms mit "
          f"(+{(with_singles - without) * 1000:.0f} ms; sechs Sprachen teilen sich zwei Kerne)")


def main() -> None:
    if len(sys.argv) > 1:
        measure(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = build(BATENBROCK, Path(tmp) / "site", today=DAY)
            if result.returncode != 0:
                sys.exit(result.stdout + result.stderr)
            measure(Path(tmp) / "site")
    feed_time()


if __name__ == "__main__":
    main()
