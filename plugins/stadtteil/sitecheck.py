"""The checks on the finished site: what residents get is what is checked (funding notice, images).

Engine-agnostic: any site engine calls ``check_site`` on its output directory after building.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import funding as funding_rules
from .htmltree import parse
from .imagecheck import check_files, check_html


def check_site(site_dir: Path, funding: Any, allowed: dict[str, str]) -> list:
    """Every problem of the built site: files that may not be published, pages without the notice."""
    problems = check_files(site_dir, allowed)
    # One page at a time, parsed once for both checks: parsing is their main cost, and holding
    # every parsed page at once would cost hundreds of MB on a large site.
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        soup = parse(path.read_text(encoding="utf-8", errors="replace"))
        if (reasons := funding_rules.check_page(soup, rel, site_dir, funding)):
            problems.append(funding_rules.page_error(rel, reasons))
        problems += check_html(soup, rel, site_dir, allowed)
    return problems
