"""Benchmarks: build time, scaling, memory, output size and page weight against stock Material.

    .venv/bin/python bench/run.py [--reps 3]      (make bench)

Prints a table and writes bench/RESULTS.md. Timings are wall-clock medians of whole build commands,
as staff experience them; min–max shows the spread.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, stock  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": "2026-11-24"}
MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
           "print(r.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one command, measured in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=cwd, env=ENV)
    code, seconds, rss = out.stdout.split()
    if code != "0":
        raise SystemExit(f"Bau fehlgeschlagen: {' '.join(command)} in {cwd}")
    return float(seconds), int(rss) / 1024


SERVE_LIKE = """
import sys, time, os
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
folder, site = Path(sys.argv[1]), sys.argv[2]
offer = sorted((folder / "offers").glob("*.yml"))[0]
build(load_config(str(folder / "mkdocs.yml"), site_dir=site))          # the first build of a serve session
offer.write_text(offer.read_text(encoding="utf-8").replace("summary: ", "summary:  ", 1), encoding="utf-8")
t = time.perf_counter()
build(load_config(str(folder / "mkdocs.yml"), site_dir=site))          # what `make serve` does after a save
print(time.perf_counter() - t)
"""


def serve_rebuild(folder: Path) -> float:
    """Seconds of the rebuild `mkdocs serve` runs after one offer is saved (same process, like serve)."""
    out = subprocess.run([sys.executable, "-c", SERVE_LIKE, str(folder), str(folder / "serve-site")],
                         capture_output=True, text=True, cwd=folder, env=ENV)
    return float(out.stdout.strip().splitlines()[-1])


def ours(site: Path) -> list[str]:
    return [str(BIN / "stadtteil"), "build", "-f", "mkdocs.yml", "-d", str(site)]


def stock_cmd(site: Path) -> list[str]:
    return [str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", str(site)]


def series(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def weight(site: Path, page: str) -> tuple[int, int, int]:
    """Bytes of a first load of ``page``: (raw, gzip, photos), photos counted apart."""
    html_path = site / page / "index.html" if page else site / "index.html"
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    base = html_path.parent
    assets = set()
    for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
        for element in soup.find_all(tag):
            if element.get(attr) and (tag != "link" or "stylesheet" in (element.get("rel") or []) or "icon" in (element.get("rel") or [])):
                assets.add((base / element[attr].split("?")[0].split("#")[0]).resolve())
    for css in [a for a in assets if a.suffix == ".css"]:
        import re
        for url in re.findall(r"url\(['\"]?([^'\")]+\.woff2)", css.read_text(encoding="utf-8")):
            assets.add((css.parent / url).resolve())
    raw = len(html_path.read_bytes())
    gz = len(gzip.compress(html_path.read_bytes(), 6))
    photos = 0
    for asset in assets:
        if not asset.is_file():
            continue
        data = asset.read_bytes()
        if "/assets/images/" in str(asset) and "favicon" not in asset.name:
            photos += len(data)
            continue
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    return raw, gz, photos


def bench_ours(folder: Path, reps: int) -> dict:
    site = folder / "site"
    cold, warm, edit, memory = [], [], [], []
    offer = sorted((folder / "offers").glob("*.yml"))[0]
    for _ in range(reps):  # noqa: B007
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(folder / ".cache", ignore_errors=True)
        seconds, peak = timed(ours(site), folder)
        cold.append(seconds)
        memory.append(peak)
        warm.append(timed(ours(site), folder)[0])
        edit.append(serve_rebuild(folder))
    pages = sum(1 for _ in site.rglob("*.html"))
    offer_page = f"angebote/{offer.stem}"
    return {"cold": cold, "warm": warm, "edit": edit, "memory": max(memory), "pages": pages,
            "size": size_of(site), "home": weight(site, ""), "offer": weight(site, offer_page)}


def bench_stock(folder: Path, reps: int) -> dict:
    site = folder / "site"
    cold, memory = [], []
    for _ in range(reps):
        shutil.rmtree(site, ignore_errors=True)
        seconds, peak = timed(stock_cmd(site), folder)
        cold.append(seconds)
        memory.append(peak)
    return {"cold": cold, "memory": max(memory), "pages": sum(1 for _ in site.rglob("*.html")),
            "size": size_of(site), "home": weight(site, "")}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    from importlib.metadata import version
    return (f"{cpu}, {os.cpu_count()} Kerne, {memory} MB RAM; Python {platform.python_version()}, "
            f"mkdocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for scale in (1, 10):
            folder = tmp / f"scale{scale}"
            generate(folder, scale)
            print(f"… stadtteil {scale}×", file=sys.stderr)
            results[scale] = bench_ours(folder, args.reps)
            stock_folder = tmp / f"stock{scale}"
            stock(stock_folder, results[scale]["pages"])
            print(f"… stock Material, {results[scale]['pages']} Seiten", file=sys.stderr)
            results[f"stock{scale}"] = bench_stock(stock_folder, args.reps)
    one, ten, s1, s10 = results[1], results[10], results["stock1"], results["stock10"]
    med = statistics.median
    rows = [
        ("Seiten (HTML)", f"{one['pages']}", f"{ten['pages']}", f"{s1['pages']}", f"{s10['pages']}"),
        ("Kalter Bau", series(one["cold"]), series(ten["cold"]), series(s1["cold"]), series(s10["cold"])),
        ("Neubau, nichts geändert", series(one["warm"]), series(ten["warm"]), "–", "–"),
        ("Neubau nach Änderung eines Angebots (wie `make serve`)", series(one["edit"]), series(ten["edit"]), "–", "–"),
        ("Spitzen-Speicher", f"{one['memory']:.0f} MB", f"{ten['memory']:.0f} MB", f"{s1['memory']:.0f} MB",
         f"{s10['memory']:.0f} MB"),
        ("Ausgabe", f"{one['size'][0] / 1e6:.1f} MB / {one['size'][1]} Dateien",
         f"{ten['size'][0] / 1e6:.1f} MB / {ten['size'][1]} Dateien", f"{s1['size'][0] / 1e6:.1f} MB / {s1['size'][1]} Dateien",
         f"{s10['size'][0] / 1e6:.1f} MB / {s10['size'][1]} Dateien"),
        ("Startseite, erster Aufruf (roh / gzip)", f"{one['home'][0] / 1024:.0f} / {one['home'][1] / 1024:.0f} KB",
         f"{ten['home'][0] / 1024:.0f} / {ten['home'][1] / 1024:.0f} KB",
         f"{s1['home'][0] / 1024:.0f} / {s1['home'][1] / 1024:.0f} KB", f"{s10['home'][0] / 1024:.0f} / {s10['home'][1] / 1024:.0f} KB"),
        ("Angebotsseite, erster Aufruf (roh / gzip)", f"{one['offer'][0] / 1024:.0f} / {one['offer'][1] / 1024:.0f} KB",
         f"{ten['offer'][0] / 1024:.0f} / {ten['offer'][1] / 1024:.0f} KB", "–", "–"),
    ]
    ratio1 = med(one["cold"]) / med(s1["cold"])
    ratio10 = med(ten["cold"]) / med(s10["cold"])
    scaling = med(ten["cold"]) / med(one["cold"])
    heaviest = max(one["home"][1], one["offer"][1], ten["home"][1], ten["offer"][1])
    targets = [
        ("Bau höchstens 1.3× Stock-Material bei gleicher Seitenzahl", f"{ratio1:.2f}× (1×), {ratio10:.2f}× (10×)",
         ratio1 <= 1.3 and ratio10 <= 1.3),
        ("10× Daten in höchstens 10× der Zeit", f"{scaling:.2f}×", scaling <= 10),
        ("Neubau nach einer Änderung höchstens 2 s bei 1×", f"{med(one['edit']):.2f} s", med(one["edit"]) <= 2),
        ("Unverändertes Bild nie neu kodiert", "Zwischenspeicher nach Inhalts-Prüfsumme (Test test_images)", True),
        ("Spitzen-Speicher unter 500 MB bei 10×", f"{ten['memory']:.0f} MB", ten["memory"] < 500),
        ("Erster Aufruf höchstens 150 KB komprimiert ohne Fotos", f"{heaviest / 1024:.0f} KB", heaviest <= 150 * 1024),
    ]
    table = ["| | stadtteil 1× | stadtteil 10× | Stock 1× | Stock 10× |", "| --- | --- | --- | --- | --- |"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    goals = ["| Ziel | gemessen | erfüllt |", "| --- | --- | --- |"]
    goals += [f"| {name} | {value} | {'ja' if ok else 'NEIN'} |" for name, value, ok in targets]
    text = "\n".join(table + [""] + goals)
    print(text)
    (REPO / "bench" / "RESULTS.md").write_text(
        f"# Benchmark-Ergebnisse\n\nGemessen am {dt.date.today():%d.%m.%Y} mit `make bench` ({args.reps} Wiederholungen, "
        f"Median und Spanne).\n\nMaschine: {machine()}\n\n"
        "Stock = mkdocs-material ohne Zusätze mit derselben Zahl schlichter Markdown-Seiten "
        "(mkdocs-static-i18n ist hier nicht installiert). Zeiten sind ganze Bau-Befehle, wie das Team sie erlebt, "
        "inklusive Python-Start, Prüfung aller Daten, Kalender, Bilder und Prüfung der fertigen Seiten.\n\n"
        f"{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
