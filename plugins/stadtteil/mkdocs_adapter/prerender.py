"""Data pages turned into HTML before mkdocs reaches them, in whichever process made them.

mkdocs renders every page in the build's own process, one language after the other. The data pages
of the other languages are made in the helper process (see plugin.py), and most of their cost is the
Markdown step: they are mostly HTML (cards, lists, tables), which Python-Markdown and mkdocs each read
with a pure-Python HTML parser. Rendering them where they are made moves that work to the second core.

The result must be the page mkdocs would have made, byte for byte (tests/test_build.py compares both
ways): the same Markdown extensions and options, the same front-matter split. What mkdocs adds on top
of Python-Markdown is taken care of like this:
- its link rewriting (``.md`` links to page addresses): data pages link by address already; a page
  whose Markdown names a ``.md`` file is left to mkdocs;
- the ids it records for its anchor validation: read from the finished HTML;
- the title it takes from the first heading: every data page has a ``title`` in its front matter
  (mkdocs prefers that); a page without one is left to mkdocs.
Markdown images (the adapter drops those whose consent was withdrawn) and admonitions (the language
plugin translates their titles) are left to mkdocs too; data pages do not use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import markdown as python_markdown
from mkdocs.utils.meta import get_data

# What mkdocs (or another plugin) would change in the Markdown before or during rendering.
_LEFT_TO_MKDOCS = re.compile(r"\.md\b|!\[|^\s*(?:!!!|\?\?\?)", re.M)
# Where mkdocs' anchor validation finds ids: any element's id, and <a name>.
_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid\s*=\s*["']([^"']+)["']""")
_A_NAME = re.compile(r"""<a\s[^>]*?\bname\s*=\s*["']([^"']+)["']""")


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, Any]]   # Python-Markdown's toc tokens: mkdocs makes the page's toc from them
    anchors: frozenset[str]


class Prerenderer:
    """Renders generated pages like mkdocs' ``Page.render``, one Markdown instance for all of them."""

    def __init__(self, extensions: list[Any], extension_configs: dict[str, Any]) -> None:
        self._md = python_markdown.Markdown(extensions=extensions, extension_configs=extension_configs)

    def render(self, source: str) -> Rendered | None:
        """The page's HTML, or None when mkdocs must render it itself (see the module's docstring)."""
        body, meta = get_data(source)
        if "title" not in meta or _LEFT_TO_MKDOCS.search(body):
            return None
        md = self._md.reset()
        html = md.convert(body)
        return Rendered(html, getattr(md, "toc_tokens", []), frozenset(_ID.findall(html) + _A_NAME.findall(html)))
