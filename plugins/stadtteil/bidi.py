"""German names inside right-to-left text: isolated, so that their punctuation stays where it belongs.

Without isolation „!Gemeinsam in Batenbrock“ inside Arabic reads „Gemeinsam in Batenbrock!“: the „!“ is a
neutral character and takes the direction of the Arabic around it. Translators write the names as they
are; the build isolates them in every page's text (never inside tags or attribute values)."""

from __future__ import annotations

import re
from html import escape

_TEXT = re.compile(r">([^<]+)<")
_OPENED_BDI = re.compile(r"<bdi[^>]*>$")


def isolate_names(html: str, names: list[str]) -> str:
    """Every occurrence of one of ``names`` in the text of ``html`` wrapped in <bdi lang="de">."""
    wanted = sorted({escape(n, quote=False) for n in names if n}, key=len, reverse=True)
    if not wanted:
        return html
    pattern = re.compile("|".join(re.escape(n) for n in wanted))

    def text(match: re.Match) -> str:
        if _OPENED_BDI.search(html, max(0, match.start() - 80), match.start() + 1):
            return match.group(0)     # already isolated (by a template or the translator)
        return ">" + pattern.sub(lambda m: f'<bdi lang="de">{m.group(0)}</bdi>', match.group(1)) + "<"

    return _TEXT.sub(text, html)
