"""Profile one build of the 10× site with cProfile and write the project's most expensive functions.

    .venv/bin/python bench/profile.py [--scale 10] [--top 15] [--keep DIR]
    .venv/bin/python bench/profile.py --prerender [--scales 1 10] [--reps 3]

Runs `python -m cProfile -m mkdocs build` (the build `stadtteil build` runs), without the helper
process (STADTTEIL_HELPER=0: the profile then holds all the work), on a site from
bench/generate.py, keeps the functions of plugins/stadtteil/ and writes the top ones by cumulative
time into bench/PROFILE.md. A section "## Deutung" already in that file (hand-written) is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from generate import TODAY, generate  # bench/ is not a package

OWN = str(REPO / "plugins" / "stadtteil") + os.sep
MARKER = "## Deutung"
PRERENDER = "## Vorab-Rendern der Datenseiten"


# Runs mkdocs and writes the CPU time of the build's own process (its helper not counted) to the file
# named by STADTTEIL_BENCH_RUSAGE: what the build itself computes, hardly touched by other load.
_OWN_CPU = """\
import atexit, os, resource, runpy, sys
def _report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["STADTTEIL_BENCH_RUSAGE"], "w") as out:
        out.write(str(usage.ru_utime + usage.ru_stime))
atexit.register(_report)
sys.argv = ["mkdocs", *sys.argv[1:]]
runpy.run_module("mkdocs", run_name="__main__")
"""


def _cold_build(folder: Path, env: dict) -> tuple[float, float, float]:
    """One cold build (no site/, no photo cache) as `stadtteil build` runs mkdocs: (wall, CPU of the
    build's own process, CPU of the build and its helper) in seconds."""
    shutil.rmtree(folder / ".cache", ignore_errors=True)
    shutil.rmtree(folder / "site", ignore_errors=True)
    own = folder.parent / "own-cpu"
    before = os.times()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _OWN_CPU, "build", "-q", "-f", "mkdocs.yml", "-d", str(folder / "site")],
                   cwd=folder, env={**env, "STADTTEIL_BENCH_RUSAGE": str(own)}, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    total = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, float(own.read_text()), total


def prerender_section(scales: list[int], reps: int) -> str:
    """Cold builds with prerender on and off, each with the helper (`stadtteil build`) and without it
    (one process, as under `mkdocs serve`), alternating so all meet the same load; the section that
    says whether prerender pays."""
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    rows = []
    for scale in scales:
        runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        with tempfile.TemporaryDirectory(prefix="stadtteil-prerender-") as tmp:
            folder = Path(tmp) / f"stadtteil-{scale}x"
            generate(folder, scale)
            pages = None
            for _ in range(reps):
                for helper in ("1", "0"):
                    for flag in ("1", "0"):
                        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": TODAY.isoformat(),
                               "STADTTEIL_PRERENDER": flag, "STADTTEIL_HELPER": helper,
                               "STADTTEIL_REVISIONEN_SCHREIBEN": "0"}
                        runs.setdefault((helper, flag), []).append(_cold_build(folder, env))
                        pages = pages or sum(1 for _ in (folder / "site").rglob("*.html"))
        for helper in ("1", "0"):
            on, off = runs[(helper, "1")], runs[(helper, "0")]
            cells = []
            for index in range(3):
                a, b = median([r[index] for r in on]), median([r[index] for r in off])
                cells.append(f"{a:.1f} s | {b:.1f} s ({(b - a) / a:+.0%})")
            rows.append(f"| {scale}× ({pages} Seiten) | {'mit Hilfsprozess' if helper == '1' else 'ein Prozess'} | "
                        + " | ".join(cells) + " |")
    return "\n".join([
        PRERENDER, "",
        (f"`bench/profile.py --prerender`, {dt.datetime.now(dt.UTC):%d.%m.%Y %H:%M} UTC: kalte Bauten "
         f"(`python -m mkdocs build`, ohne `site/` und `.cache/`), je Fassung {reps} Läufe, alle Fassungen "
         f"abwechselnd (Rechner mit {os.cpu_count()} Kernen, geteilt: die Zahlen schwanken mit der Last). "
         "Mediane; je Spalte vorab gerendert (Standard) | aus (`STADTTEIL_PRERENDER=0`: mkdocs rendert jede Seite "
         "selbst), in Klammern der Unterschied. „CPU Bau“: CPU-Zeit des Bau-Prozesses allein (ohne Hilfsprozess), "
         "von der Last kaum berührt: auf einem Rechner, der nichts anderes tut, dauert der Bau so lange und dazu die "
         "Zeit, die er auf den Hilfsprozess wartet; „CPU gesamt“: Bau und Hilfsprozess zusammen; „ein Prozess“ = "
         "`STADTTEIL_HELPER=0` (so läuft `mkdocs serve`)."), "",
        "| Website | Bau | Wanduhr vorab | aus | CPU Bau vorab | aus | CPU gesamt vorab | aus |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows, "", ""])


def where(func: tuple[str, int, str]) -> str:
    file, line, name = func
    return f"`{Path(file).relative_to(REPO / 'plugins').as_posix()}:{line}` `{name}`"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="Website und Profil hier behalten (Ordner darf nicht existieren)")
    parser.add_argument("--output", type=Path, default=BENCH / "PROFILE.md")
    parser.add_argument("--prerender", action="store_true",
                        help="nur messen, ob das Vorab-Rendern lohnt (Abschnitt in PROFILE.md ersetzen)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="(mit --prerender) Größen der Website")
    args = parser.parse_args()
    if args.prerender:
        section = prerender_section(args.scales, args.reps)
        old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if PRERENDER in old:
            start = old.index(PRERENDER)
            end = old.find("\n## ", start + 1)
            old = old[:start] + (old[end + 1:] if end >= 0 else "")
        head, marker, tail = old.partition(MARKER)
        args.output.write_text(head + section + marker + tail, encoding="utf-8")
        print(section)
        return
    with tempfile.TemporaryDirectory(prefix="stadtteil-profile-") as tmp:
        work = args.keep or Path(tmp)
        folder = work / f"stadtteil-{args.scale}x"
        generate(folder, args.scale)
        profile = work / "build.prof"
        # Without the helper process: cProfile sees one process, so all the work is in one profile.
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": TODAY.isoformat(), "STADTTEIL_HELPER": "0"}
        build = ["-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(folder / "site")]
        walls = []
        for prefix in ([], ["-m", "cProfile", "-o", str(profile)]):  # once plain, once profiled; both cold
            shutil.rmtree(folder / ".cache", ignore_errors=True)
            shutil.rmtree(folder / "site", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run([sys.executable, *prefix, *build], cwd=folder, env=env, check=True)
            walls.append(time.perf_counter() - start)
        plain, wall = walls
        stats = pstats.Stats(str(profile))
        pages = sum(1 for _ in (folder / "site").rglob("*.html"))
    total = max(row[3] for row in stats.stats.values())  # the outermost frame: the whole run
    own = [(func, row) for func, row in stats.stats.items() if func[0].startswith(OWN)]
    own.sort(key=lambda item: item[1][3], reverse=True)
    hooks = [(func, row) for func, row in own if func[0].endswith("plugin.py") and func[2].startswith("on_")]
    in_hooks = sum(row[3] for _, row in hooks)
    table = ["| # | Funktion | Aufrufe | eigene Zeit | kumuliert | Anteil am Bau |", "| --- | --- | --- | --- | --- | --- |"]
    for rank, (func, (_, calls, tottime, cumtime, _)) in enumerate(own[:args.top], 1):
        table.append(f"| {rank} | {where(func)} | {calls} | {tottime:.2f} s | {cumtime:.2f} s | {cumtime / total:.0%} |")
    hook_lines = [f"- {where(func)}: {row[3]:.2f} s ({row[3] / total:.0%})" for func, row in hooks]
    kept = ""
    if args.output.exists() and MARKER in (old := args.output.read_text(encoding="utf-8")):
        kept = old[old.index(MARKER):]
        if PRERENDER in old and old.index(PRERENDER) < old.index(MARKER):
            kept = old[old.index(PRERENDER):]
    text = "\n".join([
        "# Profil eines Baus",
        "",
        (f"Erzeugt am {dt.datetime.now(dt.UTC):%d.%m.%Y um %H:%M} UTC mit `bench/profile.py`: "
         f"`python -m cProfile -m mkdocs build` der {args.scale}×-Website aus `bench/generate.py` "
         f"({pages} HTML-Seiten, gebaut für den {TODAY:%d.%m.%Y}, kalt: ohne `site/` und `.cache/`), "
         "ohne den Hilfsprozess (`STADTTEIL_HELPER=0`), damit alle Arbeit in einem Prozess und einem Profil liegt. "
         f"Unter cProfile dauerte der Bau {wall:.1f} s, ohne Profiler {plain:.1f} s (beides auf einem Kern; mit "
         "Hilfsprozess siehe RESULTS.md); die Zeiten unten sind Profiler-Zeiten, die Anteile gelten ungefähr auch ohne ihn."),
        "",
        (f"Die Hooks des Plugins zusammen: {in_hooks:.2f} s von {total:.2f} s ({in_hooks / total:.0%} des Baus); "
         "der Rest ist mkdocs und Material (Markdown, Jinja-Vorlagen, Dateien schreiben) und der Python-Start."),
        "",
        *hook_lines,
        "",
        f"## Die {args.top} teuersten Funktionen aus plugins/stadtteil (nach kumulierter Zeit)",
        "",
        ("Kumuliert = die Funktion samt allem, was sie aufruft (auch Bibliotheken); Funktionen, die einander "
         "aufrufen, zählen deshalb mehrfach. `theme/main.html` ist die von Jinja übersetzte Seitenvorlage des "
         "Projekts (sie erweitert Materials `base.html`): ihre Zeit ist das Rendern jeder Seite."),
        "",
        *table,
        "",
        kept or f"{MARKER}\n\n(noch nicht geschrieben)\n",
    ])
    args.output.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
