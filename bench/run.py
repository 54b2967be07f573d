"""Benchmarks: build time, scaling, memory, output size and page weight, against stock Material.

    .venv/bin/python bench/run.py [--reps 5] [--scales 1 10] [--keep DIR]      (make bench: --reps 3)

For each scale (1× = this repository, 10× = 200 offers, 200 events, 300 partners; bench/generate.py)
and for a stock mkdocs-material site with the same number of HTML pages (same languages), after one
uncounted warm-up build of each, every repetition runs, alternating between the two sites:

  cold build      site folder and image cache (.cache/) deleted first; the compiled templates kept in the
                  user's cache folder (stadtteil/template_cache.py, filled by the warm-up build) are used,
                  as Python uses its compiled modules
  first build     (stadtteil only) the cold build with that folder empty too: the first build of a machine
  rebuild         nothing changed, .cache/ kept
  after an edit   one offer file changed (a space appended to its summary), then rebuilt

Each is the wall time of one `stadtteil build` (stock: `mkdocs build`) subprocess, with its peak memory
(GNU time's maximum resident set size of the largest process; without /usr/bin/time: getrusage of a
measuring child process). Then the preview: `mkdocs serve` in German only, as `make serve` runs it,
timed from saving the same edit to the server's "Reloading browsers". Then the output (bytes, files)
and the weight of a first visit to the home page, one offer page and every other page: the HTML plus
every stylesheet, script, font (the ones a browser loads for the page's language and characters) and
image it loads, raw and gzip-compressed (level 6), photos counted apart.

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
# The compiled templates of the measured builds live in the benchmark's own folder (main() sets it), not
# in the user's: what another program version left there cannot change a figure.
CACHE_HOME = "XDG_CACHE_HOME"
GNU_TIME = "/usr/bin/time"
KB = 1000  # page weights in kB (1000 bytes): the stricter reading of "150 KB"

# Targets from the issue.
MAX_RATIO_TO_STOCK = 1.3
MAX_SCALING = 10.0
MAX_EDIT_REBUILD_S = 2.0
MAX_PEAK_MB = 500
MAX_FIRST_LOAD_KB = 150
MAX_CHECK_S = {1: 1.0, 10: 3.0}    # `stadtteil check` (issue #19)


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


def measure(command: list[str], cwd: Path, log: Path, env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds) of one build command. The build's output goes to ``log``."""
    LOAD.append(os.getloadavg()[0])
    if USE_GNU_TIME:
        report = log.with_suffix(".time")
        wrapped = [GNU_TIME, "-v", "-o", str(report), *command]
    else:
        wrapped = [sys.executable, "-c", _RUSAGE, *command]
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        result = subprocess.run(wrapped, cwd=cwd, env=env or ENV, stdout=out, stderr=subprocess.STDOUT, check=False)
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


def append_space(path: Path, key: str | None, atomic: bool = False) -> None:
    """The edit between two builds: a space at the end of the ``key:`` line (or the first text line).
    ``atomic``: written to a new file that replaces the old one, as many editors save, so a watcher
    never sees the file half written."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if (key and line.startswith(f"{key}:")) or (not key and line.strip() and not line.startswith("#")):
            lines[i] = line + " "
            break
    else:
        lines.append(" ")
    if atomic:
        fresh = path.with_name(path.name + ".neu")
        fresh.write_text("\n".join(lines), encoding="utf-8")
        os.replace(fresh, path)
    else:
        path.write_text("\n".join(lines), encoding="utf-8")


# --- page weight ------------------------------------------------------------------------------------

FONT_TYPES = {".woff2", ".woff", ".ttf", ".otf"}
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
    """What a browser fetches on a first visit: (url, inside the article) pairs, the article's text
    length, and the page's language and characters (which decide which web fonts it downloads)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, bool]] = []
        self.article = 0
        self.text_chars = 0
        self.lang = ""
        self.chars: set[str] = set()
        self.script = False
        self.picture: list[tuple[str | None, str]] | None = None  # <source> (type, srcset) of an open <picture>
        self.style = False

    def add(self, url: str | None) -> None:
        if url:
            self.urls.append((url, self.article > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "").lower()
        for key in ("alt", "title", "aria-label", "placeholder", "value"):
            self.chars.update(a.get(key, ""))
        if tag == "script":
            self.script = True
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
        elif tag == "script":
            self.script = False

    def handle_data(self, data: str) -> None:
        if self.style:
            self.css_text(data)
            return
        if not self.script:
            self.chars.update(data)
        if self.article:
            self.text_chars += len(data.strip())

    def css_text(self, css: str) -> None:
        for match in CSS_URL.finditer(css):
            self.add(match.group(2) or match.group(4))


@dataclass
class FontFace:
    family: str
    urls: list[str]
    ranges: list[tuple[int, int]] | None   # unicode-range; None: every character


CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
FAMILY = re.compile(r"font-family\s*:\s*(['\"]?)([^;'\"]+)\1", re.I)
UNICODE_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)", re.I)


def unicode_ranges(value: str) -> list[tuple[int, int]]:
    ranges = []
    for part in value.split(","):
        part = part.strip().upper().removeprefix("U+")
        low, _, high = part.partition("-")
        if "?" in low:
            ranges.append((int(low.replace("?", "0"), 16), int(low.replace("?", "F"), 16)))
        elif low:
            ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


class Stylesheet:
    """A stylesheet's references, its @font-face rules, and the selectors that use each face's family."""

    def __init__(self, text: str) -> None:
        text = CSS_COMMENT.sub("", text)
        self.faces: list[FontFace] = []
        rules: list[tuple[str, str]] = []
        for selector, body in CSS_RULE.findall(text):
            selector = selector.strip()
            if selector.lower().endswith("@font-face"):
                family = FAMILY.search(body)
                found = UNICODE_RANGE.search(body)
                self.faces.append(FontFace(family.group(2).strip() if family else "",
                                           [m.group(2) for m in CSS_URL.finditer(body) if m.group(2)],
                                           unicode_ranges(found.group(1)) if found else None))
            else:
                rules.append((selector.rsplit(";", 1)[-1].strip(), body))
        font_urls = {url for face in self.faces for url in face.urls}
        self.refs = [m.group(2) or m.group(4) for m in CSS_URL.finditer(text)]
        self.refs = [r for r in self.refs if r not in font_urls and not r.startswith("data:")]
        # family → selectors of the rules that name it (in font-family or a custom property)
        self.users: dict[str, list[str]] = {}
        for face in self.faces:
            quoted = re.compile(r"""(^|[\s,:'"])""" + re.escape(face.family) + r"""($|[\s,;'"])""")
            self.users[face.family] = [sel for sel, body in rules if quoted.search(body)]

    def fonts_for(self, lang: str, chars: set[str]) -> list[str]:
        """The font files a browser downloads for a page: a face whose family a rule applying to the
        page's language uses (rules scoped with :lang() to other languages do not apply), and whose
        unicode-range covers at least one character of the page."""
        codes = {ord(c) for c in chars}
        primary = lang.split("-")[0]
        urls = []
        for face in self.faces:
            def applies(selector: str) -> bool:
                scopes = re.findall(r":lang\(\s*['\"]?([\w-]+)", selector)
                return not scopes or any(s.lower() in (lang, primary) for s in scopes)
            if not any(applies(part) for sel in self.users.get(face.family, []) for part in sel.split(",")):
                continue
            if face.ranges is not None and not any(low <= c <= high for c in codes for low, high in face.ranges):
                continue
            urls += face.urls[:1]   # the first source a browser supports: all list WOFF2 first
        return urls


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
        self.sheets: dict[Path, Stylesheet] = {}
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
                if target not in self.sheets:
                    self.sheets[target] = Stylesheet(target.read_text(encoding="utf-8", errors="replace"))
                sheet = self.sheets[target]
                queue += [(target.parent, ref, False) for ref in sheet.refs + sheet.fonts_for(scan.lang, scan.chars)]
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
    single: list[float] = field(default_factory=list)         # cold, STADTTEIL_HELPER=0 (stadtteil only)
    first: list[float] = field(default_factory=list)          # cold, no compiled templates (stadtteil only)
    preview: list[float] = field(default_factory=list)        # make serve: saved → browser told to reload
    preview_build: list[float] = field(default_factory=list)  # the rebuild inside, as mkdocs reports it
    memory: list[float] = field(default_factory=list)   # peak MB of every build
    cold_cpu: list[float] = field(default_factory=list)  # CPU seconds (user + sys) of the cold builds
    check: list[float] = field(default_factory=list)     # `stadtteil check`: wall seconds (stadtteil only)
    check_cpu: list[float] = field(default_factory=list)  # … and its CPU seconds
    size: tuple[int, int] = (0, 0)
    home: Weight | None = None
    detail: Weight | None = None      # an offer page (stock: a content page)
    heaviest: Weight | None = None    # the heaviest first visit of all pages (compressed, without photos)
    heaviest_photos: Weight | None = None
    text_chars: int = 0
    images_reencoded_on_rebuild: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Subject:
    """One site under test and how it is built and edited."""
    result: Result
    folder: Path
    command: list[str]
    edit_file: Path
    edit_key: str | None
    detail_page: str
    cache: bool           # has an image cache (.cache/) that a cold build deletes

    @property
    def site(self) -> Path:
        return self.folder / "site"


def build_once(s: Subject, kind: str, rep: int) -> None:
    logs = s.folder / "logs"
    logs.mkdir(exist_ok=True)
    if kind in ("cold", "single", "first"):
        shutil.rmtree(s.site, ignore_errors=True)
        if s.cache:
            shutil.rmtree(s.folder / ".cache", ignore_errors=True)
    if kind == "edit":
        append_space(s.edit_file, s.edit_key)
    # "single": the cold build again, all in one process (no helper on the second core)
    env = {**ENV, "STADTTEIL_HELPER": "0"} if kind == "single" else None
    if kind == "first":   # the cold build again, with an empty folder for compiled templates
        env = {**ENV, CACHE_HOME: tempfile.mkdtemp(prefix="erster-bau-", dir=s.folder.parent)}
    seconds, peak, cpu = measure(s.command, s.folder, logs / f"{kind}-{rep}.log", env)
    if kind == "first":
        shutil.rmtree(env[CACHE_HOME])
    if kind == "warmup":
        progress(f"{s.result.name}: Aufwärmbau (nicht gezählt): {seconds:.2f} s")
        return
    {"cold": s.result.cold, "warm": s.result.warm, "edit": s.result.edit,
     "single": s.result.single, "first": s.result.first}[kind].append(seconds)
    s.result.memory.append(peak)
    if kind == "cold":
        s.result.cold_cpu.append(cpu)
    progress(f"{s.result.name}: {kind} {rep + 1}: {seconds:.2f} s, {peak:.0f} MB")


def check_once(s: Subject, rep: int) -> None:
    """`stadtteil check` as the team and the pipelines run it: the data, consent records, photos and pages
    checked, nothing built."""
    logs = s.folder / "logs"
    logs.mkdir(exist_ok=True)
    seconds, _, cpu = measure([str(BIN / "stadtteil"), "check", "-f", "mkdocs.yml"], s.folder, logs / f"check-{rep}.log")
    s.result.check.append(seconds)
    s.result.check_cpu.append(cpu)
    progress(f"{s.result.name}: check {rep + 1}: {seconds:.2f} s (CPU {cpu:.2f} s)")


def check_target(results: dict[str, "Result"], scales: list[int]) -> list[tuple[str, str, bool]]:
    """`stadtteil check` under 1 s at 1× and 3 s at 10×: judged by the wall time on a quiet machine
    (load below 1), else by the CPU time, which other work on the machine disturbs less."""
    quiet = bool(LOAD) and max(LOAD) < 1.0
    targets = []
    for scale in scales:
        r = results.get(f"s{scale}")
        if scale not in MAX_CHECK_S or r is None or not r.check:
            continue
        wall, cpu = med(r.check), med(r.check_cpu)
        judged = wall if quiet else cpu
        targets.append((f"`stadtteil check` höchstens {MAX_CHECK_S[scale]:.0f} s bei {scale}× "
                        f"({'Wanduhr' if quiet else 'CPU-Zeit: die Maschine war nicht ruhig'})",
                        f"{judged:.2f} s (Wanduhr {secs(r.check)}, CPU {secs(r.check_cpu)})",
                        judged <= MAX_CHECK_S[scale]))
    return targets


def analyse(s: Subject) -> None:
    """Pages, output size and the first-visit weight of every page of the built site."""
    result, site = s.result, s.site
    pages = sorted(site.rglob("*.html"))
    result.pages = len(pages)
    result.size = output_size(site)
    weights = Site(site)
    result.home = weights.weigh(site / "index.html")
    result.detail = weights.weigh(site / s.detail_page / "index.html")
    weights.text_chars.clear()
    every = [weights.weigh(p) for p in pages]
    result.heaviest = max(every, key=lambda w: w.gz)
    result.heaviest_photos = max(every, key=lambda w: w.photos)
    result.text_chars = int(statistics.mean(weights.text_chars)) if weights.text_chars else 0
    for w in every:
        if w.external:
            result.problems.append(f"{w.page}: externe Adressen {sorted(set(w.external))[:3]}")
        if w.missing:
            result.problems.append(f"{w.page}: fehlende Dateien {sorted(set(w.missing))[:3]}")


PREVIEW_VARIABLE = "STADTTEIL_PREVIEW_LANGUAGE"


def preview_edits(s: Subject, reps: int) -> None:
    """`mkdocs serve` in one language, as `make serve` runs it; each repetition appends a space to the
    edit file and times the wait until the server has rebuilt and tells the browser to reload (what a
    person sees after saving: the file watcher's polling included) and mkdocs' own build time."""
    import socket
    import threading
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**ENV, PREVIEW_VARIABLE: "de"}
    log = (s.folder / "logs" / "preview.log").open("w", encoding="utf-8", buffering=1)
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
                              cwd=s.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []
    arrived = threading.Condition()

    def read() -> None:
        for line in server.stdout:
            log.write(line)
            with arrived:
                lines.append((time.perf_counter(), line))
                arrived.notify_all()

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str, since: int, timeout: float = 600) -> tuple[int, float, str] | None:
        deadline = time.perf_counter() + timeout
        with arrived:
            while True:
                for i in range(since, len(lines)):
                    if text in lines[i][1]:
                        return i, lines[i][0], lines[i][1]
                if server.poll() is not None:
                    raise SystemExit(f"Vorschau von {s.result.name} beendet: {''.join(l for _, l in lines[-20:])}")
                if time.perf_counter() > deadline:
                    return None
                arrived.wait(timeout=1)

    try:
        if wait_for("Serving on", 0) is None:
            raise SystemExit(f"Vorschau von {s.result.name} startet nicht")
        time.sleep(1.5)   # the polling watcher takes its first look at the files
        for rep in range(reps):
            with arrived:
                seen = len(lines)
            start = time.perf_counter()
            append_space(s.edit_file, s.edit_key, atomic=True)
            # mkdocs' own "Documentation built in" line is missing after every other rebuild (the
            # language plugin leaves its logger switched off), so the rebuild is timed from the
            # server's "Building documentation..." to "Reloading browsers", as the lines arrive.
            detected = wait_for("Building documentation", seen, timeout=120)
            reloaded = detected and wait_for("Reloading browsers", detected[0], timeout=120)
            if not reloaded:
                # Not seen in two minutes: noted, not hidden; the next repetition edits again.
                s.result.problems.append(f"Vorschau, Wiederholung {rep + 1}: kein Neubau binnen 120 s nach dem "
                                         "Speichern (logs/preview.log)")
                progress(f"{s.result.name}: Vorschau {rep + 1}: kein Neubau; letzte Zeilen: "
                         + " | ".join(l.strip() for _, l in lines[-5:]))
                continue
            _, began, _ = detected
            _, done, _ = reloaded
            s.result.preview.append(done - start)
            s.result.preview_build.append(done - began)
            progress(f"{s.result.name}: Vorschau {rep + 1}: gespeichert → neu geladen {done - start:.2f} s "
                     f"(davon Bau {s.result.preview_build[-1]:.2f} s)")
            # Quiet again before the next edit: no rebuild started within the next two watcher polls.
            while True:
                with arrived:
                    mark = len(lines)
                time.sleep(1.2)
                again = wait_for("Building documentation", mark, timeout=0)
                if again is None:
                    break
                wait_for("Reloading browsers", again[0], timeout=120)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def stadtteil_subject(work: Path, scale: int) -> Subject:
    folder = work / f"stadtteil-{scale}x"
    counts = generate(folder, scale)
    progress(f"stadtteil {scale}×: {counts['offers']} Angebote, {counts['events']} Veranstaltungen, "
             f"{counts['partners']} Partner (stadtteil check: in Ordnung)")
    # The same offer at every scale: the first of the repository's own (generated ones sort before them).
    offers = sorted((folder / "offers").glob("*.yml"))
    offer = next((p for p in offers if (REPO / "offers" / p.name).exists()), offers[0])
    command = [str(BIN / "stadtteil"), "build", "-f", "mkdocs.yml", "-d", str(folder / "site")]
    return Subject(Result(f"stadtteil {scale}×"), folder, command, offer, "summary", f"angebote/{offer.stem}", True)


def stock_subject(work: Path, scale: int, pages: int, chars: int) -> Subject:
    folder = work / f"stock-{scale}x"
    stock(folder, pages, chars)
    progress(f"Stock {scale}×: {pages} Seiten zu je etwa {chars} Zeichen")
    page = min((folder / "docs").glob("bereich-*/*.md"))
    command = [str(BIN / "mkdocs"), "build", "-f", "mkdocs.yml", "-d", str(folder / "site")]
    detail = page.relative_to(folder / "docs").with_suffix("").as_posix()
    return Subject(Result(f"Stock {scale}×"), folder, command, page, None, detail, False)


def bench_scale(work: Path, scale: int, reps: int) -> tuple[Result, Result]:
    """Both sites of one scale. The stock site gets the page count and text length of ours, so ours is
    built once first (not counted, like the stock site's first build: it fills the disk cache). The
    measured builds then alternate between the two, so a slower minute of the machine hits both."""
    ours = stadtteil_subject(work, scale)
    build_once(ours, "warmup", 0)
    analyse(ours)
    theirs = stock_subject(work, scale, ours.result.pages, ours.result.text_chars)
    build_once(theirs, "warmup", 0)
    for rep in range(reps):
        for kind in ("cold", "warm", "edit"):
            for subject in (ours, theirs):
                build_once(subject, kind, rep)
        build_once(ours, "single", rep)
        build_once(ours, "first", rep)
        check_once(ours, rep)
    found = re.search(r"Bilder: (\d+) neu verarbeitet", (ours.folder / "logs" / "warm-0.log").read_text(encoding="utf-8"))
    ours.result.images_reencoded_on_rebuild = int(found.group(1)) if found else None
    for subject in (ours, theirs):
        preview_edits(subject, reps)
    analyse(theirs)
    if abs(theirs.result.pages - ours.result.pages) > ours.result.pages * 0.05:   # languages × pages, rounded
        theirs.result.problems.append(f"Stock hat {theirs.result.pages} statt {ours.result.pages} HTML-Seiten")
    return ours.result, theirs.result


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
    row("Kalter Bau in einem Prozess (`STADTTEIL_HELPER=0`, ohne zweiten Kern)", lambda r: r.single or None, secs)
    row("Erster Bau auf dem Rechner (kalt, auch ohne übersetzte Vorlagen)", lambda r: r.first or None, secs)
    row("Neubau, nichts geändert", lambda r: r.warm, secs)
    row("Neubau nach Änderung einer Datei", lambda r: r.edit, secs)
    row("`stadtteil check` (nur prüfen, nichts bauen)", lambda r: r.check or None, secs, compare=False)
    row("… CPU-Zeit (user + sys)", lambda r: r.check_cpu or None, secs, compare=False)
    row("Vorschau (`make serve`, Deutsch): gespeichert → neu geladen", lambda r: r.preview, secs)
    row("… davon der Neubau („Building documentation“ bis „Reloading browsers“)", lambda r: r.preview_build, secs)
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
        p = results["s1"].preview or [float("inf")]
        e = med(p)
        targets.append((f"Neubau nach einer Änderung höchstens {MAX_EDIT_REBUILD_S:.0f} s bei 1× (Vorschau `make serve`, "
                        "vom Speichern bis zum Neuladen)",
                        f"{e:.2f} s (Spanne {min(p):.2f}–{max(p):.2f}); der ganze Bau aller Sprachen danach: "
                        f"{med(results['s1'].edit):.2f} s", e <= MAX_EDIT_REBUILD_S))
    targets += check_target(results, scales)
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
    memory_how = ("GNU time (`/usr/bin/time -v`), maximale Resident Set Size des größten Prozesses (der Bau "
                  "oder sein Hilfsprozess für den zweiten Kern)" if USE_GNU_TIME else
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
         "Prüfung jeder fertigen Seite, Austausch des Ordners. Alle Sprachen der Website werden gebaut."),
        (f"- *Stock N×*: mkdocs-material (`font: false`, Plugin `search`) mit mkdocs-static-i18n und denselben Sprachen, "
         "mit derselben Zahl HTML-Seiten und etwa derselben Textlänge je Seite, gebaut mit `mkdocs build`. "
         f"Das Menü hat dieselbe Form wie das des Projekts ({nav_entries()} Einträge); die übrigen Seiten werden gebaut, "
         "stehen aber nicht im Menü – wie die Datenseiten von stadtteil. (Ein Menü mit allen Seiten machte "
         "Material quadratisch langsamer: jede Seite enthielte das ganze Menü; siehe README.md.)"),
        ("- *Reihenfolge*: je Größe zuerst ein ungezählter Aufwärmbau jeder Website, dann abwechselnd stadtteil und "
         "Stock (kalt, Neubau, nach Änderung; je Wiederholung), damit eine langsamere Minute der Maschine beide trifft."),
        "- *Verhältnis*: stadtteil ÷ Stock bei gleicher Seitenzahl; *10× / 1×*: stadtteil 10× ÷ stadtteil 1×.",
        ("- *Neubau nach Änderung*: an eine Angebotsdatei (Stock: eine Seite) wird ein Leerzeichen angehängt "
         "(beim Angebot an `summary`), dann `stadtteil build`; der Bild-Zwischenspeicher bleibt."),
        ("- *Vorschau*: `mkdocs serve` läuft wie bei `make serve` (nur Deutsch, `STADTTEIL_PREVIEW_LANGUAGE=de`; "
         "Stock ebenso mit `build_only_locale`); dieselbe Änderung, gemessen vom Speichern bis zur Meldung "
         "„Reloading browsers“ – das schließt das Abfragen des Datei-Beobachters ein (mkdocs schaut alle 0,5 s nach)."),
        f"- *Spitzen-Speicher*: {memory_how}.",
        ("- *Erster Aufruf*: HTML plus alle Stylesheets, Skripte, Schriften und Bilder, die die Seite lädt. Schriften "
         "zählen wie ein Browser sie lädt: eine `@font-face`, deren Familie eine für die Sprache der Seite geltende "
         "CSS-Regel nennt (Regeln mit `:lang()` anderer Sprachen gelten nicht) und deren `unicode-range` ein Zeichen "
         "der Seite enthält – fett und normal beide, also eine Obergrenze; roh / **gzip -6** (Text wird komprimiert, "
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


def check_only(scales: list[int], reps: int, keep: Path | None) -> str:
    """`stadtteil check` alone, at each scale: the table rows and the target of the full report."""
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="stadtteil-bench-") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=not keep)
        ENV[CACHE_HOME] = str(work / "vorlagen")
        for scale in scales:
            subject = stadtteil_subject(work, scale)
            check_once(subject, -1)    # not counted: fills the disk cache, as the warm-up build does
            subject.result.check.clear()
            subject.result.check_cpu.clear()
            for rep in range(reps):
                check_once(subject, rep)
            results[f"s{scale}"] = subject.result
    lines = [f"Gemessen am {dt.datetime.now(dt.UTC):%d.%m.%Y um %H:%M} UTC mit `bench/run.py --check-only --reps {reps}`; "
             f"Last der Maschine (1 min) Median {med(LOAD):.1f}, höchstens {max(LOAD):.1f} bei {os.cpu_count()} Kernen.",
             "", f"**Maschine:** {machine()}", "",
             "| | " + " | ".join(f"stadtteil {s}×" for s in scales) + " |", "|" + " --- |" * (len(scales) + 1),
             "| `stadtteil check`, Wanduhr | " + " | ".join(secs(results[f"s{s}"].check) for s in scales) + " |",
             "| `stadtteil check`, CPU-Zeit | " + " | ".join(secs(results[f"s{s}"].check_cpu) for s in scales) + " |",
             "", "| Ziel | gemessen | erfüllt |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {'ja' if ok else '**NEIN**'} |" for name, value, ok in check_target(results, scales)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks der Website (schreibt bench/RESULTS.md).")
    parser.add_argument("--reps", type=int, default=5, help="Wiederholungen je Messung (Standard 5)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="Größen (Standard: 1 10)")
    parser.add_argument("--keep", type=Path, help="erzeugte Websites hier behalten (Ordner darf nicht existieren)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--check-only", action="store_true",
                        help="nur `stadtteil check` messen (wenige Minuten); gibt eine Tabelle aus, schreibt nichts")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error("--reps muss mindestens 1 sein")
    progress(f"Maschine: {machine()}; Speichermessung: {'GNU time' if USE_GNU_TIME else 'getrusage'}")
    if args.check_only:
        print(check_only(args.scales, args.reps, args.keep))
        return
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="stadtteil-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=bool(not args.keep))
        ENV[CACHE_HOME] = str(work / "vorlagen")
        for scale in args.scales:
            results[f"s{scale}"], results[f"k{scale}"] = bench_scale(work, scale, args.reps)
    text = report(results, args.scales, args.reps, (time.perf_counter() - STARTED) / 60)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    progress(f"geschrieben: {args.output}")


if __name__ == "__main__":
    main()
