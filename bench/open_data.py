"""What the open data costs: time to make the schema.org blocks and the HSDS files, and their size.

    .venv/bin/python bench/open_data.py            # the frozen fixture (tests/fixtures/batenbrock) on its day
    .venv/bin/python bench/open_data.py --reps 5

In-process, without a build: the blocks of every offer, event, start and contact page in six languages
(as Build.structured_data makes them) and the HSDS export once. Prints numbers, writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from sites import BATENBROCK, DAY  # noqa: E402

LANGUAGES = ("de", "en", "tr", "ar", "uk", "de-LS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from mkdocs.config import load_config
    from stadtteil.opendata import hsds, jsonld
    from stadtteil.loader import load_project
    from stadtteil.pipeline import settings_of

    options = load_config(str(BATENBROCK / "mkdocs.yml")).plugins["stadtteil"].config
    project = load_project(BATENBROCK, settings_of(dict(options)))
    today, site_url = dt.date.fromisoformat(DAY), "https://www.gemeinsam-in-batenbrock.example/"
    pages = ([f"angebote/{o}.md" for o in project.offers] + [f"termine/{e}.md" for e in project.events]
             + ["index.md", "kontakt.md"])
    times, blocks = [], []
    for _ in range(args.reps):
        start, blocks = time.perf_counter(), []
        for lang in LANGUAGES:
            graph = jsonld.Graph(project, today, lang, site_url, ["Geldgeber"] * 5)
            blocks += [jsonld.script(graph.for_page(src)).encode() for src in pages]
        times.append(time.perf_counter() - start)
    export_times, files = [], []
    for _ in range(args.reps):
        start = time.perf_counter()
        files = hsds.Export(project, today, site_url, "Förderhinweis", ("Geldgeber",) * 5).files()
        export_times.append(time.perf_counter() - start)
    sizes = sorted(len(b) for b in blocks)
    print(f"JSON-LD: {len(blocks)} Seiten in {statistics.median(times):.3f} s (Median aus {args.reps}); "
          f"{sum(sizes)} Bytes, Median {statistics.median(sizes):.0f}, größter Block {sizes[-1]} Bytes "
          f"({len(gzip.compress(max(blocks, key=len), 6))} Bytes komprimiert)")
    print(f"HSDS: {len(files)} Dateien in {statistics.median(export_times):.3f} s; "
          f"{sum(len(d) for _, d in files)} Bytes ({sum(len(gzip.compress(d, 6)) for _, d in files)} komprimiert)")


if __name__ == "__main__":
    main()
