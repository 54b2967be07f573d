"""The checks on the finished site: what residents get is what is checked (funding notice, images).

Engine-agnostic: any site engine calls ``check_site`` on its output directory after building, or, to
check while it builds, hands finished pages to a ``SiteCheck`` and calls ``finish`` at the end.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from .. import funding as funding_rules
from ..errors import DataError
from ..helper_process import Helper
from ..htmltree import parse
from ..images.output_check import check_files, check_html, parse_stylesheets, parsed_beforehand
from .rendered import CssCheck


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def check_page(data: bytes, rel: str, site_dir: Path, funding: Any, allowed: dict[str, str],
               css: CssCheck | None = None) -> list:
    """The checks of one built page, parsed once: parsing is their main cost."""
    soup = parse(data.decode("utf-8", errors="replace"))
    problems = []
    if (reasons := funding_rules.check_page(soup, rel, site_dir, funding)):
        problems.append(funding_rules.page_error(rel, reasons))
    if css is not None:
        # The notice as rendered: the site's own CSS may not hide what the HTML check found.
        problems += css.check_page(soup.el[0], rel, site_dir)
    return problems + data_block_problems(soup, rel) + check_html(soup, rel, site_dir, allowed)


def data_block_problems(soup, rel: str) -> list[DataError]:
    """schema.org data (opendata/jsonld.py) only where the engine puts it: one block, in the head, valid JSON.
    Anywhere else it came from text (content pages may hold no <script> at all: ../sanitize.py)."""
    blocks = soup.select("//script[translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
                         "='application/ld+json']")
    found = []
    for block in blocks:
        if not any(parent.name == "head" for parent in block.parents):
            found.append("steht nicht im Kopf der Seite")
            continue
        try:
            document = json.loads(block.el.text or "")
        except ValueError:
            found.append("ist kein gültiges JSON")
            continue
        if not isinstance(document, dict) or document.get("@context") != "https://schema.org":
            found.append("ist kein schema.org-Dokument")
    if len(blocks) > 1:
        found.append(f"steht {len(blocks)}-mal in der Seite")
    if not found:
        return []
    return [DataError(f"site/{rel}", None, None, "Strukturierte Daten (JSON-LD): " + "; ".join(found) + ".",
                      "Nur der Bau schreibt sie, einmal in den Kopf der Seite (jsonld.py).")]


def _check_pages(site_dir: Path, rels: list[str], funding: Any, allowed: dict[str, str],
                 css: CssCheck | None = None) -> dict:
    """rel → (digest of the bytes checked, problems). Runs in the helper process."""
    results = {}
    for rel in rels:
        try:
            data = (site_dir / rel).read_bytes()
            results[rel] = (_digest(data), check_page(data, rel, site_dir, funding, allowed, css))
        except Exception:  # noqa: BLE001
            # Gone or half written (a later build step rewrites it, e.g. the error pages): not judged
            # here; the end of the build checks it, as it checks every page not judged here.
            continue
    return results


CHUNK = 16   # pages per batch for the helper


def _pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


class SiteCheck:
    """The output check, started on a second core while the engine still builds other languages.

    ``pages_ready`` hands every page written so far to a helper process; ``finish`` then reads every
    page of the finished site once more and checks, here, each page whose bytes differ from the bytes
    the helper checked, that was never handed over, or in which the helper found a problem (the
    allowed images may have grown since). The result is exactly that of checking the finished site
    at the end, only sooner: the guarantee stays on the built output.
    """

    def __init__(self, site_dir: Path, funding: Any, helper: Helper | None = None,
                 css: CssCheck | None = None) -> None:
        self.site_dir = site_dir
        self.funding = funding
        self.css = css
        self.helper = helper or Helper(enabled=False)
        self._handed: set[str] = set()
        self._futures: list[tuple[Future, list[str]]] = []
        self._stylesheets: Future | None = None
        self.pages = 0    # pages of the finished site (finish)

    def pages_ready(self, allowed: dict[str, str]) -> None:
        """Pages written so far are final unless rewritten later (then ``finish`` sees other bytes)."""
        if not self.helper.enabled or not self.site_dir.is_dir():
            return
        new = [rel for rel in (p.relative_to(self.site_dir).as_posix() for p in _pages(self.site_dir))
               if rel not in self._handed]
        if not new:
            return
        if self._stylesheets is None:
            # The theme's stylesheets are written with the first pages: parsed there, not at the end.
            self._stylesheets = self.helper.submit(parse_stylesheets, self.site_dir)
        # In small batches: those the helper has not started when the build ends are taken back and
        # checked here, so both cores share the last language's pages.
        allowed = dict(allowed)
        for start in range(0, len(new), CHUNK):
            batch = new[start:start + CHUNK]
            future = self.helper.submit(_check_pages, self.site_dir, batch, self.funding, allowed, self.css)
            if future is None:
                return
            self._handed.update(batch)
            self._futures.append((future, batch))

    def finish(self, allowed: dict[str, str]) -> list:
        """Every problem of the finished site, in the order of ``check_site``."""
        pending, self._futures, self._handed = self._futures, [], set()
        found: dict[str, list] = {}
        # The batches the helper has not started are taken back from the end of its queue and checked
        # here, while it goes on from the front: both cores share the last pages.
        while pending and pending[-1][0].cancel():
            for rel in pending.pop()[1]:
                path = self.site_dir / rel
                if path.is_file():
                    found[rel] = check_page(path.read_bytes(), rel, self.site_dir, self.funding, allowed, self.css)
        by_helper = {rel for _, batch in pending for rel in batch}
        digests: dict[str, bytes] = {}   # only digests are kept: a large site's pages would not fit
        pages = _pages(self.site_dir)
        self.pages = len(pages)
        for path in pages:
            rel = path.relative_to(self.site_dir).as_posix()
            if rel in found:
                continue
            data = path.read_bytes()
            if rel in by_helper:
                digests[rel] = _digest(data)
            else:
                found[rel] = check_page(data, rel, self.site_dir, self.funding, allowed, self.css)
        checked: dict[str, tuple[bytes, list]] = {}
        for future, _ in pending:
            try:
                checked.update(future.result())
            except Exception:  # noqa: BLE001  (the helper died: its pages are checked below)
                pass
        for rel, digest in digests.items():
            earlier = checked.get(rel)
            if earlier is None or earlier[1] or earlier[0] != digest:
                data = (self.site_dir / rel).read_bytes()
                found[rel] = check_page(data, rel, self.site_dir, self.funding, allowed, self.css)
        stylesheets, self._stylesheets = self._stylesheets, None
        parsed_beforehand(Helper.result_or(stylesheets, dict))
        problems = check_files(self.site_dir, allowed)
        seen = set(problems)
        for rel in sorted(found):
            # A stylesheet linked from every page is one mistake, reported once, not once per page.
            for problem in found[rel]:
                if problem not in seen:
                    seen.add(problem)
                    problems.append(problem)
        return problems


def check_site(site_dir: Path, funding: Any, allowed: dict[str, str], css: CssCheck | None = None) -> list:
    """Every problem of the built site: files that may not be published, pages without the notice."""
    return SiteCheck(site_dir, funding, css=css).finish(allowed)
