"""Real Chromium for tests: Debian's `chromium`, driven by Playwright, the site served on loopback."""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from sites import CLOCK

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


# Waits, inside the page, for the state a check needs instead of a guessed time (the sites' CSP forbids
# wait_for_function, page.evaluate is not subject to it). Resolves to false if the page never settles.
SETTLED = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await document.fonts.ready;
  await frame();
  for (let round = 0; round < 20; round++) {
    const running = document.getAnimations().filter(a => a.playState === 'running'
        && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
    if (!running.length) return true;
    await Promise.all(running.map(a => a.finished.catch(() => null)));
    await frame();
  }
  return false;
}"""


def require_browser() -> None:
    """In CI a missing browser is a failure, never a skip; elsewhere the test says what to install."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium fehlt (Debian-Paket „chromium“); .ci/run installiert es.")
        pytest.skip("Chromium fehlt: `apt-get install chromium`")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves a page (or stops a lazy image) closes its connections mid-answer: no error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path):
    """Serve a built site on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_SHARED: list = []   # [playwright, chromium] of this test process, started on first use


def _stop() -> None:
    if _SHARED:
        playwright, instance = _SHARED
        _SHARED.clear()
        with contextlib.suppress(Exception):
            instance.close()
        with contextlib.suppress(Exception):
            playwright.stop()


@contextlib.contextmanager
def browser():
    """This test process's Chromium, started at the first browser test and kept to the end of the run: a
    start costs about 0.9 s of CPU, and about fifteen modules' browser tests each paid it. What a block opens
    (contexts, and the pages `new_page` makes with their own context) is closed when it ends, so no cookie,
    storage or cached file of one test reaches the next, and no page left open keeps a renderer busy."""
    require_browser()
    if _SHARED and not _SHARED[1].is_connected():   # a test that crashed the browser: a new one
        _stop()
    if not _SHARED:
        from playwright.sync_api import sync_playwright
        playwright = sync_playwright().start()
        _SHARED.extend([playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)])
        atexit.register(_stop)
    instance = _SHARED[1]
    before = set(instance.contexts)
    try:
        yield _FrozenClock(instance)
    finally:
        for context in set(instance.contexts) - before:
            with contextlib.suppress(Exception):
                context.close()


class _FrozenClock:
    """The browser as tests use it, with every new page's clock at ``sites.CLOCK`` (a week after the
    frozen build day): what assets/termine.js does with the page is then the same on every run, whatever
    the real date. A test that wants another moment sets its own (`page.clock.set_fixed_time`)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.clock.set_fixed_time(CLOCK)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.clock.set_fixed_time(CLOCK)
        return page


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for all browser tests of a module (import the fixture into the module)."""
    with browser() as instance:
        yield instance
