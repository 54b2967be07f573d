"""Images in hand-written pages: responsive variants for published photos, nothing for withdrawn ones.

Engine-agnostic: works on a page's Markdown (before rendering) and on its HTML (after), given the
page's source path in content/ and its address. Data pages bring finished ``<picture>``s already.
"""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .photos import PhotoSet
from .variants import picture_html

_MD_IMAGE = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)(\{[^}]*\})?""")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]*)""", re.I)

# Told where a left-out image was used, for the report at the end of the build: (source, page).
Used = Callable[[str, str], None]


def drop_left_out(markdown: str, page_src: str, photos: PhotoSet, used: Used) -> str:
    """Markdown images whose consent was withdrawn go before rendering (no broken link, no warning)."""
    if not photos.left_out or "![" not in markdown:
        return markdown
    page_dir = Path(page_src).parent

    def replace(match: re.Match) -> str:
        source = "content/" + os.path.normpath((page_dir / unquote(match.group(1))).as_posix()).lstrip("./")
        if source in photos.left_out:
            used(source, f"content/{page_src}")
            return ""
        return match.group(0)

    return _MD_IMAGE.sub(replace, markdown)


def source_of(src: str, page_src: str) -> str | None:
    """The project file an <img src> of a content page names (None: not one of ours). The engine may
    have percent-encoded the address (mkdocs does: „Café.jpg“ → „Caf%C3%A9.jpg“)."""
    src = unquote(src.split("#")[0].split("?")[0])
    if not src or "://" in src or src.startswith(("data:", "/")):
        return None  # foreign and data images are refused by the output check, with the page named
    return "content/" + os.path.normpath((Path(page_src).parent / src).as_posix()).lstrip("./")


def rewrite(html: str, page_src: str, page_url: str, photos: PhotoSet, used: Used) -> str:
    """Published photos become responsive variants; withdrawn ones disappear, with an emptied link."""
    # Most pages have no image of a content file (data pages bring finished <picture>s): a quick
    # look at the src values spares them the parse.
    sources = [source_of(unescape(src), page_src) for src in _IMG_SRC.findall(html)]
    if not any(source and photos.status(source) != "unknown" for source in sources):
        return html
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    page_path = page_url.rstrip("/") if page_url.endswith("/") else str(Path(page_url).parent)
    for index, img in enumerate(soup.find_all("img")):
        source = source_of(img.get("src") or "", page_src)
        if source is None:
            continue
        status = photos.status(source)
        if status == "published" and source in photos.published:
            url = lambda path: os.path.relpath(path, page_path or ".")  # noqa: E731
            picture = BeautifulSoup(picture_html(photos.published[source], img.get("alt", ""), url,
                                                 eager=index == 0), "html.parser")
            img.replace_with(picture)
            changed = True
        elif status == "left_out":
            used(source, f"content/{page_src}")
            parent = img.parent
            img.decompose()
            if parent is not None and parent.name in ("a", "figure", "p") and not parent.get_text(strip=True) \
                    and not parent.find(["img", "picture"]):
                parent.decompose()
            changed = True
    return str(soup) if changed else html
