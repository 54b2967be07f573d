"""One browser pass per page: every check of the accessibility crawl runs on a single load, at both widths.

Loading a page is what costs. Each page is loaded once at phone width; axe, the funding notice, keyboard,
privacy, weight, targets and reflow read that load; then the same page is widened to the desktop and read
again. Each width gives its own record.
`crawl()` records what each visit found, unjudged; the `*_findings` functions judge the records, so the
tests of the real site and the tests that prove each check can fail (on a throwaway site) share them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import gzip
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browser import ARGS, CHROMIUM, DESKTOP, PHONE, SETTLED, require_browser, serve
from sites import CLOCK

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA (EN 301 549 V4.1.1) and axe's best practice (content outside landmarks, among others).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BUDGET = 150 * 1024
# After a width's checks the page is narrowed, without a reload, to the reflow width of WCAG 1.4.10:
# 320 px from the phone, 640 px from the desktop (1280 px at 200 % zoom).
REFLOW = {DESKTOP["width"]: {"width": 640, "height": 400}, PHONE["width"]: {"width": 320, "height": 640}}
# Chromium starts a new renderer process for most navigations typed into the address bar (page.goto):
# a fresh process per visit cost more CPU than the page itself (measured: bare loads of 40 pages at two
# widths 28.8 → 16.5 CPU seconds). One process per site, and no swap to a new one on navigation.
CRAWL_ARGS = ["--process-per-site", "--disable-site-isolation-trials",
              "--disable-features=BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"]
HOSTS = ("127.0.0.1", "localhost")

# The language folders of the build and the lang/dir their pages carry (Leichte Sprache is German).
LANGUAGES = {"en/": ["en", "ltr"], "tr/": ["tr", "ltr"], "ar/": ["ar", "rtl"], "uk/": ["uk", "ltr"],
             "de-LS/": ["de", "ltr"]}


def page_language(path: str) -> list[str]:
    return next((v for prefix, v in LANGUAGES.items() if path.startswith(prefix)), ["de", "ltr"])


def pages(site: Path) -> list[str]:
    """Every page of the build output, as URL paths."""
    found = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        found.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return found


# Registered before any of the page's own scripts, so a violation during parsing is seen too. Init scripts
# are not subject to the page's CSP: the policy stays enforced while the test tools run.
LISTEN = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
          "e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")

# Only violations are collected: axe still evaluates every rule on every node, it just does not
# serialise the passes and the undecided nodes.
AXE_RUN = """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']})).violations
  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"""

# Every target measured; a link inside running text (its line holds other words) is exempt (WCAG 2.5.8, inline).
# A smaller target passes with the criterion's spacing exception: a 24 px circle on its centre touches no
# other target and no other small target's circle.
TARGETS = """() => {
  const inText = e => {
    if (e.tagName !== 'A') return false;
    const block = e.parentElement.closest('p, li, dd, dt, td, th');
    if (!block) return false;
    const own = [...block.querySelectorAll('a')].reduce((n, a) => n + a.textContent.replace(/\\s+/g, '').length, 0);
    return block.textContent.replace(/\\s+/g, '').length > own;
  };
  const all = [];
  for (const e of document.querySelectorAll('a, button, [role=button], input, label[for], summary')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
    all.push({e, r, small: !inText(e) && (r.width < 24 || r.height < 24),
              cx: r.left + r.width / 2, cy: r.top + r.height / 2});
  }
  const gap = (t, r) => Math.hypot(Math.max(r.left - t.cx, 0, t.cx - r.right), Math.max(r.top - t.cy, 0, t.cy - r.bottom));
  return all.filter(t => t.small && all.some(o => o !== t && !o.e.contains(t.e) && !t.e.contains(o.e) &&
      (gap(t, o.r) < 12 || (o.small && Math.hypot(o.cx - t.cx, o.cy - t.cy) < 24))))
    .map(t => `${t.e.tagName.toLowerCase()}.${t.e.className} „${t.e.textContent.trim().slice(0, 30)}“ ${Math.round(t.r.width)}×${Math.round(t.r.height)}`);
}"""

# The sequential focus navigation starts at the top of the document again, as on a fresh load: focus on the
# root element (made focusable for that moment only), then none.
FOCUS_FROM_TOP = """() => { const root = document.documentElement; root.tabIndex = -1;
  root.focus({preventScroll: true}); root.removeAttribute('tabindex'); root.blur(); }"""

# Read right after the first Tab from the top of the document.
KEYBOARD = """() => {
  const a = document.activeElement, s = getComputedStyle(a), r = a.getBoundingClientRect();
  return {
    first: {className: typeof a.className === 'string' ? a.className : '', href: a.getAttribute('href'),
            text: a.textContent.trim().slice(0, 40),
            indicator: s.outlineStyle !== 'none' || s.boxShadow !== 'none', shown: r.height > 0 && r.width > 0},
    landmarks: ['header', 'nav', 'main', 'footer'].filter(s => !document.querySelector(s)),
    headings: [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]),
    language: [document.documentElement.lang, document.documentElement.dir],
  };
}"""

# The funding notice as residents see it (non-negotiable 1): the EU emblem and statement in the first screen,
# the funding bar with every logo shown, on top, in contrast, the emblem as large as the largest other logo.
# Returns the problems found; it scrolls, and the caller scrolls back.
FUNDING = r"""
() => {
  const problems = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none') return 'display:none';
      if (parseFloat(s.opacity) < 0.99) return 'opacity ' + s.opacity;
      if (s.clipPath !== 'none' || s.clip !== 'auto') return 'clip';
      if (s.transform !== 'none' && e !== el) return 'transform';
    }
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible') return 'visibility ' + s.visibility;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return 'size ' + r.width + '×' + r.height;
    return null;
  };
  const inView = (r) => r.top >= 0 && r.left >= 0 && r.bottom <= vh + 0.5 && r.right <= vw + 0.5;
  let covering = '';
  const onTop = (el, box) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    covering = hit ? ' von <' + hit.tagName.toLowerCase() + ' class="' + hit.className + '">' : '';
    return hit !== null && (hit === el || el.contains(hit) || box.contains(hit));
  };
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
      if (c.length === 4 && c[3] > 0) return null;   // half transparent: not measurable here, report
    }
    return [255, 255, 255];
  };
  const contrast = (el, name) => {
    const fg = rgb(getComputedStyle(el).color), bg = background(el);
    if (!bg || (fg.length === 4 && fg[3] < 1)) { problems.push(name + ': Farbe nicht messbar'); return; }
    const [a, b] = [lum(fg.slice(0, 3)) + 0.05, lum(bg) + 0.05];
    const ratio = Math.max(a, b) / Math.min(a, b);
    if (ratio < 4.5) problems.push(name + ': Kontrast ' + ratio.toFixed(2));
  };
  const size = (img) => img.getBoundingClientRect();

  window.scrollTo(0, 0);
  const strip = document.querySelector('[data-stadtteil-eu]');
  const emblem = strip && strip.querySelector('img[data-funder="eu-esf"]');
  const statement = strip && strip.querySelector('.st-eu__text');
  if (!strip || !emblem || !statement) return ['EU-Emblem oben fehlt'];
  if (!statement.textContent.includes('Kofinanziert von der Europäischen Union')) problems.push('EU-Text fehlt');
  for (const [name, el] of [['EU-Emblem', emblem], ['EU-Text', statement]]) {
    const why = shown(el);
    if (why) problems.push(name + ' nicht sichtbar: ' + why);
    else if (!inView(el.getBoundingClientRect())) problems.push(name + ' nicht im ersten Bildschirm');
    else if (!onTop(el, strip)) problems.push(name + ' verdeckt' + covering);
  }
  if (!emblem.complete || emblem.naturalWidth === 0) problems.push('EU-Emblem lädt nicht');
  contrast(statement, 'EU-Text');
  const top = size(emblem);

  const bar = document.querySelector('[data-stadtteil-funding]');
  if (!bar) return problems.concat(['Förderleiste fehlt']);
  bar.scrollIntoView({block: 'center', behavior: 'instant'});
  const why = shown(bar);
  if (why) problems.push('Förderleiste nicht sichtbar: ' + why);
  const text = bar.querySelector('.st-funding__text');
  for (const el of [text, ...bar.querySelectorAll('img[data-funder]'), bar.querySelector('.st-funding__eu')]) {
    if (!el) { problems.push('Teil der Förderleiste fehlt'); continue; }
    const name = el.dataset.funder ? 'Logo ' + el.dataset.funder : 'Text ' + el.className;
    const w = shown(el);
    if (w) { problems.push(name + ' nicht sichtbar: ' + w); continue; }
    el.scrollIntoView({block: 'center', behavior: 'instant'});
    if (!inView(el.getBoundingClientRect())) problems.push(name + ' außerhalb des Bildschirms');
    else if (!onTop(el, bar)) problems.push(name + ' verdeckt' + covering);
    if (el.tagName === 'IMG' && el.naturalWidth === 0) problems.push(name + ' lädt nicht');
    if (el.tagName !== 'IMG') contrast(el, name);
  }
  // Annex IX of Regulation (EU) 2021/1060: the emblem at least as large as the largest other logo,
  // measured in height or width.
  const logos = [...bar.querySelectorAll('img[data-funder]')];
  const eu = logos.find(i => i.dataset.funder === 'eu-esf');
  const others = logos.filter(i => i !== eu).map(size);
  const maxH = Math.max(...others.map(r => r.height), 0), maxW = Math.max(...others.map(r => r.width), 0);
  const big = (r) => r.height + 0.5 >= maxH || r.width + 0.5 >= maxW;
  if (!eu || !big(size(eu))) problems.push('EU-Emblem in der Förderleiste kleiner als ein anderes Logo');
  if (!big(top)) problems.push('EU-Emblem oben kleiner als das größte andere Logo');
  return problems;
}
"""

# Lazy images load once they come near the viewport: each one not yet loaded is scrolled to, then the
# page to its bottom; then every rendered image is waited for (loaded or failed), and the fonts with them.
SCROLL_AND_SETTLE = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const rendered = () => [...document.images].filter(i => i.getClientRects().length > 0);
  for (const image of rendered().filter(i => i.loading === 'lazy')) {
    if (!image.complete) {
      image.scrollIntoView({block: 'center'});
      await frame();
    }
  }
  window.scrollTo(0, document.documentElement.scrollHeight);
  await frame();
  const images = rendered();
  await Promise.all(images.map(i => i.complete ? null
    : new Promise(r => { i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true}); })));
  await document.fonts.ready;
  return images.filter(i => !i.complete).length;
}"""

OVERFLOW = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.documentElement.scrollWidth - window.innerWidth;
}"""


@dataclass
class Visit:
    """What one load of one page at one width showed; nothing judged yet."""
    path: str
    width: int
    failure: str = ""                  # the visit itself broke off (timeout, crash): every check fails
    axe: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    keyboard: dict = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    cookies: list = field(default_factory=list)
    storage: list = field(default_factory=lambda: [[], []])
    funding: list[str] = field(default_factory=list)
    images_pending: int = 0
    overflow: dict[int, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.width}px {self.path or '/'}"


async def _visit(page, base: str, path: str) -> list[Visit]:
    """One load of the page at phone width (most residents read on phones), every check; then the same
    page widened to the desktop, every check again. Two records, one per width."""
    loop = asyncio.get_running_loop()
    phone, desktop = Visit(path, PHONE["width"]), Visit(path, DESKTOP["width"])
    visit, clock = phone, loop.time()
    requested: list[str] = []

    def lap(name: str) -> None:
        nonlocal clock
        now = loop.time()
        visit.seconds[name] = now - clock
        clock = now

    async def settle(after: str) -> None:
        # Material's scripts still change classes after "load" and after a resize, and colours fade over
        # to the new state: axe measuring contrast mid-transition reported colours no one sees for long.
        if not await page.evaluate(SETTLED):
            raise RuntimeError(f"die Seite kommt {after} nicht zur Ruhe (Animation läuft weiter)")

    async def checks() -> None:
        visit.axe = await page.evaluate(AXE_RUN, TAGS)
        lap("axe")
        visit.targets = await page.evaluate(TARGETS)
        lap("targets")
        # After axe: the check scrolls, and Material's header fades its title in and out on scrolling
        # (axe measured that fade). Before the first Tab: a focused skip link on top of the emblem would
        # be this check's finding. No check after it measures colours until the page has settled again.
        visit.funding = await page.evaluate(FUNDING)
        lap("funding")
        # The first Tab from the top of the document, as after a fresh load (at the desktop width the
        # phone's checks have moved the focus).
        await page.evaluate(FOCUS_FROM_TOP)
        await page.keyboard.press("Tab")
        visit.keyboard = await page.evaluate(KEYBOARD)
        lap("keyboard")
        visit.images_pending = await asyncio.wait_for(page.evaluate(SCROLL_AND_SETTLE), 30)
        lap("scroll")
        reflow = REFLOW[visit.width]
        await page.set_viewport_size(reflow)
        visit.overflow[reflow["width"]] = await page.evaluate(OVERFLOW)
        lap("reflow")
        # Read last, so whatever the narrowing caused (a script fetching or storing) counts as well.
        # A desktop visitor fetches what the phone fetched too: the list goes on from the load.
        visit.requested = list(requested)
        visit.csp = await page.evaluate("window.__csp")
        visit.storage = await page.evaluate("[Object.keys(localStorage), Object.keys(sessionStorage)]")

    # The browser cache is shared between a worker's visits, yet Playwright reports a request for
    # every file a page uses, cached or not: the page weight still counts them all.
    def on_request(request) -> None:
        requested.append(request.url)

    page.on("request", on_request)
    try:
        await page.set_viewport_size(PHONE)
        await page.goto(base + path, wait_until="load")
        lap("goto")
        await settle("nach dem Laden")
        lap("settle")
        await checks()
        visit = desktop
        await page.set_viewport_size(DESKTOP)
        await page.evaluate("window.scrollTo(0, 0)")
        await settle("nach dem Verbreitern")
        lap("widen")
        await checks()
    except Exception as error:  # noqa: BLE001 - a broken visit is a finding of every check, never a crash
        after = list(visit.seconds)[-1] if visit.seconds else "start"
        failure = f"nach Schritt „{after}“ bei {visit.width}px: {type(error).__name__} " \
                  f"{str(error).splitlines()[0] if str(error) else ''}"
        for broken in (phone, desktop):
            broken.failure = broken.failure or failure
    finally:
        page.remove_listener("request", on_request)
        # The next visit of this tab starts without cookies or storage, so what is found here is this page's.
        phone.cookies = desktop.cookies = await page.context.cookies()
        await page.context.clear_cookies()
        with contextlib.suppress(Exception):
            await page.evaluate("localStorage.clear(); sessionStorage.clear()")
    return [phone, desktop]


# Material's transitions (header, sidebars, the fade of the title) run 250–400 ms after each load and each
# resize, and every check waits for them to end (SETTLED): the same end states, reached a hundred times
# sooner. Measured with bench/crawl.py, 60 pages, 3 tabs: 42.4 s → 33.3–35.0 s; one tab, "widen" 382 → 62 ms.
ANIMATION_SPEED = 100


async def _tab(context):
    page = await context.new_page()
    devtools = await context.new_cdp_session(page)
    await devtools.send("Animation.enable")
    await devtools.send("Animation.setPlaybackRate", {"playbackRate": ANIMATION_SPEED})
    return page


async def _crawl(site: Path, jobs: list[str], workers: int) -> list[Visit]:
    from playwright.async_api import async_playwright
    axe = AXE.read_text()
    visits: list[Visit] = []
    queue = list(reversed(jobs))
    with serve(site) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS + CRAWL_ARGS)

            async def worker(host: str) -> None:
                # One context and tab per worker, navigated from page to page: its cache saves reloading the
                # theme's files, and with CRAWL_ARGS the tab keeps its renderer process from page to page.
                # Each worker asks for the site under its own host name (127.0.0.1, localhost: one site
                # each), so the workers' tabs do not share one renderer's main thread.
                worker_base = base.replace("127.0.0.1", host, 1)
                context = await browser.new_context()
                context.set_default_timeout(30_000)
                await context.add_init_script(script=LISTEN)
                await context.add_init_script(script=axe)
                # A fixed day a week after the frozen build: every page shows what a resident sees when
                # the daily rebuild stopped (assets/termine.js's note and corrected dates are checked too),
                # the same on every run, whatever the real date.
                await context.clock.set_fixed_time(CLOCK)
                page = await _tab(context)
                try:
                    while queue:
                        found = await _visit(page, worker_base, queue.pop())
                        visits.extend(found)
                        if any(v.failure for v in found):   # a broken tab is replaced: one failure, one finding
                            await page.close()
                            page = await _tab(context)
                finally:
                    await context.close()

            try:
                await asyncio.gather(*(worker(HOSTS[i % len(HOSTS)]) for i in range(workers)))
            finally:
                await browser.close()
    return visits


def crawl(site: Path, paths: list[str] | None = None, workers: int | None = None) -> list[Visit]:
    """Every page (or `paths`) at phone and desktop width, a few pages at a time in one Chromium."""
    require_browser()
    assert AXE.exists(), "axe-core fehlt: `npm ci`"
    jobs = pages(site) if paths is None else list(paths)
    # One tab more than cores: while a tab waits for a page to settle, another one's page is worked on
    # (bench/crawl.py, 60 pages on 2 cores: 3 tabs 32.2 s, 2 tabs 35.1–36.5 s).
    workers = workers or int(os.environ.get("STADTTEIL_CRAWL_WORKERS", 0)) or (os.cpu_count() or 1) + 1
    # Its own thread and event loop: the rest of the module drives Chromium through the sync API.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        visits = thread.submit(asyncio.run, _crawl(site, jobs, workers)).result()
    return sorted(visits, key=lambda v: (v.path, -v.width))


# Judging the records. Each returns every finding, with width and page; a broken visit is a finding of each.

def _broken(visits: list[Visit]) -> list[str]:
    return [f"{v.where}: Prüfung abgebrochen ({v.failure})" for v in visits if v.failure]


def axe_findings(visits: list[Visit]) -> list[str]:
    return _broken(visits) + [f"{v.where}: {problem}" for v in visits for problem in v.axe]


def funding_findings(visits: list[Visit]) -> list[str]:
    return _broken(visits) + [f"{v.where}: {problem}" for v in visits for problem in v.funding]


def privacy_findings(visits: list[Visit], site: Path) -> list[str]:
    """Requests to other hosts, CSP violations, a page without CSP, cookies, browser storage."""
    found = _broken(visits)
    for v in visits:
        if v.failure:
            continue
        if v.csp:
            found.append(f"{v.where}: Content-Security-Policy verletzt: {v.csp}")
        if 'http-equiv="Content-Security-Policy"' not in _file(site, v.path).read_text():
            found.append(f"{v.where}: keine Content-Security-Policy")
        foreign = sorted(set(v.requested) - set(_own(v)))
        if foreign:
            found.append(f"{v.where}: fremde Adressen {foreign}")
        if v.cookies:
            found.append(f"{v.where}: Cookies {v.cookies}")
        if v.storage != [[], []]:
            found.append(f"{v.where}: Speicher im Browser {v.storage}")
    return found


def keyboard_findings(visits: list[Visit]) -> list[str]:
    """Skip link first and visibly focused, the four landmarks, one h1 and no skipped level, lang and dir."""
    found = _broken(visits)
    for v in visits:
        if v.failure:
            continue
        k = v.keyboard
        if not v.path.endswith("404.html"):   # error pages answer at any address; their links are absolute
            first = k["first"]
            if "md-skip" not in first["className"].split() or not (first["href"] or "").startswith("#"):
                found.append(f"{v.where}: erster Tab nicht auf dem Sprunglink: {first}")
            elif not (first["indicator"] and first["shown"]):
                found.append(f"{v.where}: Fokus nicht sichtbar: {first}")
            if k["landmarks"]:
                found.append(f"{v.where}: Bereiche fehlen: {k['landmarks']}")
            levels = k["headings"]
            if not levels or levels[0] != 1 or levels.count(1) != 1:
                found.append(f"{v.where}: Überschriften beginnen nicht mit genau einer h1: {levels}")
            elif any(after > before + 1 for before, after in zip(levels, levels[1:])):
                found.append(f"{v.where}: Überschriftenebene übersprungen: {levels}")
        if k["language"] != page_language(v.path):
            found.append(f"{v.where}: lang/dir {k['language']} statt {page_language(v.path)}")
    return found


def reflow_findings(visits: list[Visit]) -> list[str]:
    found = _broken(visits)
    for v in visits:
        found += [f"{v.where} → {width}px: {overflow}px breiter als das Fenster"
                  for width, overflow in v.overflow.items() if overflow > 1]
        if not v.failure and not v.overflow:
            found.append(f"{v.where}: nicht verkleinert")
    return found


def target_findings(visits: list[Visit]) -> list[str]:
    return _broken(visits) + [f"{v.where}: {t}" for v in visits for t in v.targets]


def _own(v: Visit) -> list[str]:
    host = urlsplit(v.requested[0]).netloc if v.requested else ""
    return sorted({u for u in v.requested if urlsplit(u).netloc == host})


def weights(visits: list[Visit], site: Path) -> dict[str, int]:
    """Compressed bytes of every file each visit requested, photos aside (budgeted separately)."""
    return {v.where: sum(_gzipped(_file(site, urlsplit(u).path)) for u in _own(v)
                         if not ("/assets/images/" in u and "favicon" not in u))
            for v in visits if not v.failure}


def weight_findings(visits: list[Visit], site: Path) -> list[str]:
    found = _broken(visits) + [f"{v.where}: {v.images_pending} Bilder nicht fertig geladen"
                               for v in visits if v.images_pending]
    found += [f"{v.where}: angefragte Datei fehlt: {urlsplit(u).path}" for v in visits for u in _own(v)
              if not _file(site, urlsplit(u).path).is_file()]
    return found + [f"{where}: {weight} Bytes komprimiert (höchstens {BUDGET})"
                    for where, weight in weights(visits, site).items() if weight > BUDGET]


def _file(site: Path, path: str) -> Path:
    file = site / unquote(path).lstrip("/")
    return file / "index.html" if file.is_dir() else file


@functools.lru_cache(maxsize=None)
def _gzipped(file: Path) -> int:
    return len(gzip.compress(file.read_bytes(), 6)) if file.is_file() else 0
