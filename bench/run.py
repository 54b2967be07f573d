"""Benchmarks: build time, scaling, memory, output size and page weight, against stock Material.

    .venv/bin/python bench/run.py [--reps 5] [--scales 1 10] [--keep DIR]      (make bench: --reps 3)

For each scale (1× = this repository, 10× = 200 offers, 200 events, 300 partners; bench/generate.py)
and for a stock mkdocs-material site with the same number of HTML pages, every repetition runs:

  cold build      site folder and image cache (.cache/) deleted first
  rebuild         nothing changed, .cache/ kept
  after an edit   one offer file changed (a space appended to its summary), then rebuilt

Each is the wall time of one `stadtteil build` (stock: `mkdocs build`) subprocess, with its peak memory
(GNU time's maximum resident set size, which includes the mkdocs process the build starts; without
/usr/bin/time: getrusage of a measuring child process). Then the output (bytes, files) and the weight of
a first visit to the home page, one offer page and every other page: the HTML plus every stylesheet,
script, font and image it loads, raw and gzip-compressed (level 6), photos counted apart.

Prints the table and writes bench/RESULTS.md. Medians with the spread (min–max) of the repetitions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from generate import TODAY, generate, read_config, stock  # bench/ is not a package

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": TODAY.isoformat()}
ENV.pop("STADTTEIL_PRODUCTION", None)  # the repository's site still has logo placeholders
GNU_TIME = "/usr/bin/time"
KB = 1000  # page weights in kB (1000 bytes): the stricter reading of "150 KB"

# Targets from the issue.
MAX_RATIO_TO_STOCK = 1.3
MAX_SCALING = 10.0
MAX_EDIT_REBUILD_S = 2.0
MAX_PEAK_MB = 500
MAX_FIRST_LOAD_KB = 150


# --- running one build ------------------------------------------------------------------------------

_RUSAGE = ("import resource, subprocess, sys; "
           "r = subprocess.run(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr); "
           "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
           "print('maxrss', u.ru_maxrss, 'cpu', u.ru_utime + u.ru_stime, file=sys.stderr); "
           "sys.exit(r.returncode)")
LOAD: list[float] = []  # 1-minute load average before each build: other work on the machine skews times


def gnu_time_works() -> bool:
    try:
        return subprocess.run([GNU_TIME, "-v", "true"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


USE_GNU_TIME = gnu_time_works()


def measure(command: list[str], cwd: Path, log: Path) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds) of one build command. The build's output goes to ``log``."""
    LOAD.append(os.getloadavg()[0])
    if USE_GNU_TIME:
        report = log.with_suffix(".time")
        wrapped = [GNU_TIME, "-v", "-o", str(report), *command]
    else:
        wrapped = [sys.executable, "-c", _RUSAGE, *command]
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        result = subprocess.run(wrapped, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0:
        sys.stderr.write(text[-3000:])
        raise SystemExit(f"Bau fehlgeschlagen (Exit {result.returncode}): {' '.join(command)} in {cwd}")
    if USE_GNU_TIME:
        timing = report.read_text()
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing)
        cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", timing))
    else:
        match = re.search(r"^maxrss (\d+) cpu ([\d.]+)$", text, re.MULTILINE)
        cpu = float(match.group(2)) if match else float("nan")
    peak_mb = int(match.group(1)) / 1024 if match else float("nan")
    return seconds, peak_mb, cpu


def append_space(path: Path, key: str | None) -> None:
    """The edit between two builds: a space at the end of the ``key:`` line (or the first text line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if (key and line.startswith(f"{key}:")) or (not key and line.strip() and not line.startswith("#")):
            lines[i] = line + " "
            break
    else:
        lines.append(" ")
    path.write_text("\n".join(lines), encoding="utf-8")


# --- page weight ------------------------------------------------------------------------------------

TEXT_TYPES = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".txt", ".ics", ".map"}
RASTER = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"}
FETCHED_LINKS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "apple-touch-icon"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def largest(srcset: str) -> str | None:
    """The largest candidate of a srcset: what a wide high-density screen loads (the upper bound)."""
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        size = float(parts[1][:-1]) if len(parts) > 1 and parts[1][-1] in "wx" else 1.0
        if size > best_size:
            best, best_size = parts[0], size
    return best


class PageScan(HTMLParser):
    """What a browser fetches on a first visit: (url, inside the article) pairs, and the article's text length."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, bool]] = []
        self.article = 0
        self.text_chars = 0
        self.picture: list[tuple[str | None, str]] | None = None  # <source> (type, srcset) of an open <picture>
        self.style = False

    def add(self, url: str | None) -> None:
        if url:
            self.urls.append((url, self.article > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article":
            self.article += 1
        elif tag == "link" and FETCHED_LINKS & set(a.get("rel", "").lower().split()):
            self.add(a.get("href"))
        elif tag == "script":
            self.add(a.get("src"))
        elif tag == "picture":
            self.picture = []
        elif tag == "source" and self.picture is not None:
            self.picture.append((a.get("type") or None, a.get("srcset", "")))
        elif tag == "img":
            chosen = None
            if self.picture:  # the first <source> the browser supports (WebP/AVIF: all current ones)
                for kind, srcset in self.picture:
                    if kind in (None, "image/webp", "image/avif") and srcset:
                        chosen = largest(srcset)
                        break
            if chosen is None and a.get("srcset"):
                chosen = largest(a["srcset"])
            self.add(chosen or a.get("src"))  # lazy ones too: an upper bound
        elif tag == "video":
            self.add(a.get("poster"))  # the video itself loads on demand (preload=metadata/none)
        elif tag == "style":
            self.style = True
        if "style" in a:
            self.css_text(a["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article = max(0, self.article - 1)
        elif tag == "picture":
            self.picture = None
        elif tag == "style":
            self.style = False

    def handle_data(self, data: str) -> None:
        if self.style:
            self.css_text(data)
        elif self.article:
            self.text_chars += len(data.strip())

    def css_text(self, css: str) -> None:
        for match in CSS_URL.finditer(css):
            self.add(match.group(2) or match.group(4))


@dataclass
class Weight:
    page: str
    raw: int = 0          # bytes without photos
    gz: int = 0           # the same, compressed as a server sends it
    photos: int = 0       # content photos (largest candidate), as they are
    requests: int = 0
    external: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class Site:
    """Sizes of a built site's files, each read and compressed once."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.sizes: dict[Path, tuple[int, int]] = {}
        self.css_refs: dict[Path, list[str]] = {}
        self.text_chars: list[int] = []

    def size(self, path: Path) -> tuple[int, int]:
        if path not in self.sizes:
            data = path.read_bytes()
            # Text is sent gzip-compressed; WOFF2, JPEG, PNG, WebP are compressed already and sent as they are.
            packed = len(gzip.compress(data, 6)) if path.suffix.lower() in TEXT_TYPES else len(data)
            self.sizes[path] = (len(data), packed)
        return self.sizes[path]

    def resolve(self, base: Path, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("data:"):
            return None
        path = unquote(parts.path)
        target = (self.root / path.lstrip("/")) if path.startswith("/") else (base / path)
        target = Path(os.path.normpath(target))
        if target.is_dir() or path.endswith("/"):
            target = target / "index.html"
        return target

    def weigh(self, html: Path) -> Weight:
        html = html.resolve()
        weight = Weight(html.relative_to(self.root).as_posix())
        scan = PageScan()
        scan.feed(html.read_text(encoding="utf-8", errors="replace"))
        self.text_chars.append(scan.text_chars)
        seen: set[Path] = {html}
        raw, packed = self.size(html)
        weight.raw, weight.gz, weight.requests = raw, packed, 1
        queue = [(html.parent, url, in_article) for url, in_article in scan.urls]
        while queue:
            base, url, in_article = queue.pop(0)
            if url.startswith(("http://", "https://", "//")):
                weight.external.append(url)
                continue
            target = self.resolve(base, url)
            if target is None or target in seen:
                continue
            seen.add(target)
            if not target.is_file():
                weight.missing.append(url)
                continue
            raw, packed = self.size(target)
            weight.requests += 1
            if in_article and target.suffix.lower() in RASTER:
                weight.photos += raw
                continue
            weight.raw += raw
            weight.gz += packed
            if target.suffix.lower() == ".css":
                if target not in self.css_refs:
                    refs = CSS_URL.finditer(target.read_text(encoding="utf-8", errors="replace"))
                    self.css_refs[target] = [m.group(2) or m.group(4) for m in refs]
                queue += [(target.parent, ref, False) for ref in self.css_refs[target] if not ref.startswith("data:")]
        return weight


def output_size(site: Path) -> tuple[int, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


# --- one site, all repetitions ----------------------------------------------------------------------

@dataclass
class Result:
    name: str
    pages: int = 0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    memory: list[float] = field(default_factory=list)   # peak MB of every build
    cold_cpu: list[float] = field(default_factory=list)  # CPU seconds (user + sys) of the cold builds
    size: tuple[int, int] = (0, 0)
    home: Weight | None = None
    detail: Weight | None = None      # an offer page (stock: a content page)
    heaviest: Weight | None = None    # the heaviest first visit of all pages (compressed, without photos)
    heaviest_photos: Weight | None = None
    text_chars: int = 0
    images_reencoded_on_rebuild: int | None = None
    problems: list[str] = field(default_factory=list)


def bench(result: Result, folder: Path, command: list[str], edit_file: Path, edit_key: str | None,
          detail_page: str, reps: int, cache: bool) -> Result:
    site = folder / "site"
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    for rep in range(reps):
        shutil.rmtree(site, ignore_errors=True)
        if cache:
            shutil.rmtree(folder / ".cache", ignore_errors=True)
        for kind, series in (("cold", result.cold), ("warm", result.warm), ("edit", result.edit)):
            if kind == "edit":
                append_space(edit_file, edit_key)
            seconds, peak, cpu = measure(command, folder, logs / f"{kind}-{rep}.log")
            series.append(seconds)
            result.memory.append(peak)
            if kind == "cold":
                result.cold_cpu.append(cpu)
            progress(f"{result.name}: {kind} {rep + 1}/{reps}: {seconds:.2f} s, {peak:.0f} MB")
        if rep == 0 and cache:
            found = re.search(r"Bilder: (\d+) neu verarbeitet", (logs / "warm-0.log").read_text(encoding="utf-8"))
            result.images_reencoded_on_rebuild = int(found.group(1)) if found else None
    pages = sorted(site.rglob("*.html"))
    result.pages = len(pages)
    result.size = output_size(site)
    weights = Site(site)
    result.home = weights.weigh(site / "index.html")
    result.detail = weights.weigh(site / detail_page / "index.html")
    every = [weights.weigh(p) for p in pages]
    result.heaviest = max(every, key=lambda w: w.gz)
    result.heaviest_photos = max(every, key=lambda w: w.photos)
    result.text_chars = int(statistics.mean(weights.text_chars)) if weights.text_chars else 0
    for w in every:
        if w.external:
            result.problems.append(f"{w.page}: externe Adressen {sorted(set(w.external))[:3]}")
        if w.missing:
            result.problems.append(f"{w.page}: fehlende Dateien {sorted(set(w.missing))[:3]}")
    return result


def bench_stadtteil(work: Path, scale: int, reps: int) -> Result:
    folder = work / f"stadtteil-{scale}x"
    counts = generate(folder, scale)
    progress(f"stadtteil {scale}×: {counts['offers']} Angebote, {counts['events']} Veranstaltungen, "
             f"{counts['partners']} Partner (stadtteil check: in Ordnung)")
    # The same offer at every scale: the first of the repository's own (generated ones sort before them).
    offers = sorted((folder / "offers").glob("*.yml"))
    offer = next((p for p in offers if (REPO / "offers" / p.name).exists()), offers[0])
    command = [str(BIN / "stadtteil"), "build", "-f", "mkdocs.yml", "-d", str(folder / "site")]
    result = Result(f"stadtteil {scale}×")
    return bench(result, folder, command, offer, "summary", f"angebote/{offer.stem}", reps, cache=True)


def bench_stock(work: Path, scale: int, pages: int, chars: int, reps: int) -> Result:
    folder = work / f"stock-{scale}x"
    stock(folder, pages, chars)
    progress(f"Stock {scale}×: {pages} Seiten zu je etwa {chars} Zeichen")
    page = min((folder / "docs").glob("bereich-*/*.md"))
    command = [str(BIN / "mkdocs"), "build", "-f", "mkdocs.yml", "-d", str(folder / "site")]
    result = Result(f"Stock {scale}×")
    detail = page.relative_to(folder / "docs").with_suffix("").as_posix()
    result = bench(result, folder, command, page, None, detail, reps, cache=False)
    if abs(result.pages - pages) > pages * 0.05:   # languages × pages per language, rounded
        result.problems.append(f"Stock hat {result.pages} statt {pages} HTML-Seiten")
    return result


# --- report -----------------------------------------------------------------------------------------

STARTED = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


def med(values: list[float]) -> float:
    return statistics.median(values)


def secs(values: list[float]) -> str:
    return f"{med(values):.2f} s ({min(values):.2f}–{max(values):.2f})" if values else "–"


def mb(values: list[float]) -> str:
    return f"{med(values):.0f} MB ({min(values):.0f}–{max(values):.0f})"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def kb(n: int) -> str:
    return f"{n / KB:.0f} kB"


def weight_cell(w: Weight | None, page: bool = False) -> str:
    if w is None:
        return "–"
    text = f"{kb(w.raw)} / **{kb(w.gz)}**" + (f" + Fotos {kb(w.photos)}" if w.photos else "")
    return (f"`{w.page.removesuffix('index.html') or '/'}`: " if page else "") + text


def nav_entries() -> int:
    def count(nav) -> int:
        return sum(count(v) if isinstance(v, list) else 1
                   for e in nav for v in ([e] if not isinstance(e, dict) else e.values()))
    return count(read_config(REPO / "mkdocs.yml").get("nav") or [])


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or platform.machine())
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    ram = next((int(line.split()[1]) / 1024 / 1024 for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} Kerne, {ram:.1f} GB RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, mkdocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}")


def report(results: dict[str, Result], scales: list[int], reps: int, minutes: float) -> str:
    cols: list[tuple[str, Result | None, Result | None]] = []  # (label, stadtteil, stock)
    for s in scales:
        cols.append((f"{s}×", results[f"s{s}"], results[f"k{s}"]))
    header = ["", *[c for s, _, _ in cols for c in (f"stadtteil {s}", f"Stock {s}", "Verhältnis")]]
    if 1 in scales and 10 in scales:
        header.append("stadtteil 10× / 1×")
    rows = []

    def row(label: str, get, fmt, compare: bool = True, scaling: bool = True) -> None:
        cells = [label]
        for _, ours, theirs in cols:
            a, b = get(ours), get(theirs)
            cells += [fmt(a) if a is not None else "–", fmt(b) if b is not None else "–",
                      ratio(med(a), med(b)) if compare and a and b else "–"]
        if len(header) > len(cells):
            a, b = get(results["s10"]), get(results["s1"])
            cells.append(ratio(med(a), med(b)) if scaling and a and b else "–")
        rows.append(cells)

    row("HTML-Seiten", lambda r: [r.pages], lambda v: str(v[0]), compare=False)
    row("Kalter Bau", lambda r: r.cold, secs)
    row("Kalter Bau, CPU-Zeit (user + sys)", lambda r: r.cold_cpu, secs)
    row("Neubau, nichts geändert", lambda r: r.warm, secs)
    row("Neubau nach Änderung einer Datei", lambda r: r.edit, secs)
    row("Spitzen-Speicher (alle Bauten)", lambda r: r.memory, mb)
    row("Ausgabe (Bytes)", lambda r: [r.size[0]], lambda v: f"{v[0] / 1e6:.1f} MB")
    row("Ausgabe (Dateien)", lambda r: [r.size[1]], lambda v: str(v[0]))
    row("Mittlere Textlänge einer Seite", lambda r: [r.text_chars], lambda v: f"{v[0]} Zeichen", scaling=False)
    def weights(label: str, get, page: bool) -> None:
        cells = [label]
        for _, ours, theirs in cols:
            a, b = get(ours), get(theirs)
            cells += [weight_cell(a, page), weight_cell(b, page), ratio(a.gz, b.gz)]
        if len(header) > len(cells):
            cells.append(ratio(get(results["s10"]).gz, get(results["s1"]).gz))
        rows.append(cells)

    weights("Startseite, erster Aufruf (roh / **gzip**)", lambda r: r.home, False)
    weights("Angebotsseite (Stock: eine Inhaltsseite), erster Aufruf", lambda r: r.detail, True)
    weights("Schwerste Seite (nach gzip, ohne Fotos)", lambda r: r.heaviest, True)
    rows.append(["Seite mit den meisten Fotos"] + [c for _, o, k in cols for c in
                 (weight_cell(o.heaviest_photos, True) if o.heaviest_photos.photos else "keine Fotos",
                  weight_cell(k.heaviest_photos, True) if k.heaviest_photos.photos else "keine Fotos", "–")])
    for r in rows:
        r += ["–"] * (len(header) - len(r))
    table = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    table += ["| " + " | ".join(r) + " |" for r in rows]

    targets = []
    ours_all = [results[f"s{s}"] for s in scales]
    for s in scales:
        o, k = results[f"s{s}"], results[f"k{s}"]
        q = med(o.cold) / med(k.cold)
        targets.append((f"Kalter Bau höchstens {MAX_RATIO_TO_STOCK:.1f}× Stock-Material bei gleicher Seitenzahl ({s}×)",
                        f"{q:.2f}× ({med(o.cold):.2f} s / {med(k.cold):.2f} s)", q <= MAX_RATIO_TO_STOCK))
    if 1 in scales and 10 in scales:
        q = med(results["s10"].cold) / med(results["s1"].cold)
        targets.append((f"10× Daten in höchstens {MAX_SCALING:.0f}× der Zeit (kalter Bau)",
                        f"{q:.2f}× ({med(results['s10'].cold):.2f} s / {med(results['s1'].cold):.2f} s)",
                        q <= MAX_SCALING))
    if 1 in scales:
        e = med(results["s1"].edit)
        targets.append((f"Neubau nach einer Änderung höchstens {MAX_EDIT_REBUILD_S:.0f} s bei 1×",
                        f"{e:.2f} s (Spanne {min(results['s1'].edit):.2f}–{max(results['s1'].edit):.2f})",
                        e <= MAX_EDIT_REBUILD_S))
    if 10 in scales:
        peak = max(results["s10"].memory)
        targets.append((f"Spitzen-Speicher unter {MAX_PEAK_MB} MB bei 10×", f"{peak:.0f} MB (höchster aller Bauten)",
                        peak < MAX_PEAK_MB))
    heaviest = max((r.heaviest for r in ours_all), key=lambda w: w.gz)
    targets.append((f"Erster Aufruf jeder Seite höchstens {MAX_FIRST_LOAD_KB} kB komprimiert, ohne Fotos",
                    (f"{heaviest.gz / KB:.0f} kB (schwerste von {sum(r.pages for r in ours_all)} Seiten: "
                     f"`{heaviest.page}`)"), heaviest.gz <= MAX_FIRST_LOAD_KB * KB))
    extra = [r.images_reencoded_on_rebuild for r in ours_all if r.images_reencoded_on_rebuild is not None]
    goals = ["| Ziel | gemessen | erfüllt |", "| --- | --- | --- |"]
    goals += [f"| {name} | {value} | {'ja' if ok else '**NEIN**'} |" for name, value, ok in targets]
    if extra:
        goals.append(f"| (zusätzlich) Unverändertes Bild beim Neubau nicht neu kodiert | {max(extra)} neu kodiert "
                     f"(Bau-Protokoll des Neubaus) | {'ja' if max(extra) == 0 else '**NEIN**'} |")
    problems = [f"- {r.name}: {p}" for r in results.values() for p in r.problems]

    now = dt.datetime.now(dt.UTC)
    memory_how = ("GNU time (`/usr/bin/time -v`), maximale Resident Set Size; sie schließt den mkdocs-Prozess "
                  "ein, den `stadtteil build` startet" if USE_GNU_TIME else
                  "`getrusage(RUSAGE_CHILDREN).ru_maxrss` eines messenden Kindprozesses")
    lines = [
        "# Benchmark-Ergebnisse",
        "",
        (f"Gemessen am {now:%d.%m.%Y um %H:%M} UTC mit `bench/run.py --reps {reps}` "
         f"({reps} Wiederholungen; Median, in Klammern die Spanne min–max; Laufzeit {minutes:.1f} min)."),
        "",
        f"**Maschine:** {machine()}",
        "",
        (f"**Last der Maschine** (load average über 1 min, vor jedem Bau gelesen): Median {med(LOAD):.1f}, "
         f"höchstens {max(LOAD):.1f} bei {os.cpu_count()} Kernen."
         + (" Andere Prozesse liefen gleichzeitig: die Wanduhr-Zeiten streuen deshalb; die CPU-Zeit ist weniger "
            "empfindlich dafür." if max(LOAD) > 1.0 else "")),
        "",
        f"**Gebaut für den Tag** {TODAY:%d.%m.%Y} (`STADTTEIL_TODAY`), damit Läufe in verschiedenen Monaten vergleichbar sind.",
        "",
        ("- *stadtteil N×*: 1× ist die Website dieses Repositorys; 10× hat 200 Angebote, 200 Veranstaltungen, "
         "300 Partner (`bench/generate.py`, von `stadtteil check` angenommen). Gemessen wird der ganze Befehl "
         "`stadtteil build`, wie das Team ihn erlebt: Python-Start, Prüfung aller Daten, Kalender, Bilder, "
         "Prüfung jeder fertigen Seite, Austausch des Ordners."),
        (f"- *Stock N×*: mkdocs-material (`font: false`, Plugin `search`; mkdocs-static-i18n ist nicht installiert) "
         "mit derselben Zahl HTML-Seiten und etwa derselben Textlänge je Seite, gebaut mit `mkdocs build`. "
         f"Das Menü hat dieselbe Form wie das des Projekts ({nav_entries()} Einträge); die übrigen Seiten werden gebaut, "
         "stehen aber nicht im Menü – wie die Datenseiten von stadtteil. (Ein Menü mit allen Seiten machte "
         "Material quadratisch langsamer: jede Seite enthielte das ganze Menü; siehe README.md.)"),
        "- *Verhältnis*: stadtteil ÷ Stock bei gleicher Seitenzahl; *10× / 1×*: stadtteil 10× ÷ stadtteil 1×.",
        ("- *Neubau nach Änderung*: an eine Angebotsdatei (Stock: eine Seite) wird ein Leerzeichen angehängt "
         "(beim Angebot an `summary`), dann `stadtteil build`; der Bild-Zwischenspeicher bleibt."),
        f"- *Spitzen-Speicher*: {memory_how}.",
        ("- *Erster Aufruf*: HTML plus alle Stylesheets, Skripte, Schriften (alle per `@font-face` eingebundenen, "
         "also eine Obergrenze) und Bilder, die die Seite lädt; roh / **gzip -6** (Text wird komprimiert, "
         "WOFF2/PNG/JPEG/WebP zählen wie sie sind, so senden Server sie). Fotos im Seiteninhalt zählen getrennt "
         "(jeweils die größte Variante des `srcset`). 1 kB = 1000 Bytes. Geprüft ist jede HTML-Seite; die "
         "Zeile „Schwerste Seite“ nennt die schwerste."),
        "",
        *table,
        "",
        "## Ziele aus dem Issue",
        "",
        *goals,
        "",
    ]
    if problems:
        lines += ["## Auffälligkeiten", "", *problems, ""]
    lines += ["Profil eines 10×-Baus: [PROFILE.md](PROFILE.md).", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks der Website (schreibt bench/RESULTS.md).")
    parser.add_argument("--reps", type=int, default=5, help="Wiederholungen je Messung (Standard 5)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="Größen (Standard: 1 10)")
    parser.add_argument("--keep", type=Path, help="erzeugte Websites hier behalten (Ordner darf nicht existieren)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error("--reps muss mindestens 1 sein")
    progress(f"Maschine: {machine()}; Speichermessung: {'GNU time' if USE_GNU_TIME else 'getrusage'}")
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="stadtteil-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=bool(not args.keep))
        for scale in args.scales:
            ours = bench_stadtteil(work, scale, args.reps)
            results[f"s{scale}"] = ours
            results[f"k{scale}"] = bench_stock(work, scale, ours.pages, ours.text_chars, args.reps)
    text = report(results, args.scales, args.reps, (time.perf_counter() - STARTED) / 60)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    progress(f"geschrieben: {args.output}")


if __name__ == "__main__":
    main()
