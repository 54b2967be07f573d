"""The accessibility crawl of the test suite, measured: wall time, CPU seconds of the whole machine and
where each visit's time goes (load, settle, axe, targets, funding notice, keyboard, scrolling, reflow).

    .venv/bin/python bench/crawl.py              # every page of the frozen fixture (tests/fixtures/batenbrock)
    .venv/bin/python bench/crawl.py --pages 40   # every n-th page, 40 in all
    .venv/bin/python bench/crawl.py --workers 1

Builds the frozen fixture on its frozen day into a temporary folder; prints numbers, writes nothing.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("STADTTEIL_REVISIONEN_SCHREIBEN", "0")   # the fixture's calendar record stays as committed

import crawl  # noqa: E402  (tests/ is not a package)
from sites import BATENBROCK, DAY, build  # noqa: E402


def busy_seconds() -> float:
    """CPU seconds the whole machine spent (Chromium's processes are not this process's children)."""
    fields = list(map(int, open("/proc/stat").readline().split()[1:]))
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="only this many pages, evenly spread (0: all)")
    parser.add_argument("--workers", type=int, default=0, help="browser tabs at once (0: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = build(BATENBROCK, site, today=DAY)
        if result.returncode:
            sys.exit(result.stderr)
        paths = crawl.pages(site)
        if args.pages:
            paths = paths[:: max(1, len(paths) // args.pages)][: args.pages]
        cpu, started = busy_seconds(), time.perf_counter()
        visits = crawl.crawl(site, paths, workers=args.workers or None)
        wall, cpu = time.perf_counter() - started, busy_seconds() - cpu
    steps: collections.Counter = collections.Counter()
    for visit in visits:
        steps.update(visit.seconds)
    print(f"{len(paths)} Seiten, {len(visits)} Besuche (Telefon und Desktop), {os.cpu_count()} Kerne")
    print(f"Wanduhr {wall:.1f} s ({wall / len(paths) * 1000:.0f} ms je Seite), "
          f"CPU der Maschine {cpu:.1f} s ({cpu / len(paths) * 1000:.0f} ms je Seite)")
    print("Schritt      ms je Besuch (Summe der Tabs)")
    for step, seconds in steps.items():
        print(f"  {step:10s} {seconds / len(visits) * 1000:6.0f}")
    broken = [v.where + ": " + v.failure for v in visits if v.failure]
    if broken:
        print("abgebrochen:", *broken[:5], sep="\n  ")


if __name__ == "__main__":
    main()
