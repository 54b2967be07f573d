"""sitemap.xml of the built site: every page of every language, with its alternates (hreflang).

Engine-agnostic: it reads the finished site folder; the languages' folders are ``Language.prefix``.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from . import i18n


def write_sitemap(site_dir: Path, site_url: str, languages: list[str]) -> None:
    """sitemap.xml with every page of every language and its alternates (hreflang), replacing the
    language plugin's, which knows only the hand-written pages."""
    prefixes = [i18n.language(code) for code in languages]
    others = tuple(p.prefix for p in prefixes if p.prefix)
    pages = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("index.html"))
    rests = [p[: -len("index.html")] for p in pages if not p.startswith(others)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for rest in rests:
        variants = [(lang, site_url + lang.prefix + rest) for lang in prefixes
                    if (site_dir / lang.prefix / rest / "index.html").exists()]
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{lang.hreflang}" href="{xml_escape(url)}"/>'
                        for lang, url in variants)
        for _, url in variants:
            lines.append(f"<url><loc>{xml_escape(url)}</loc>{links}</url>")
    lines.append("</urlset>\n")
    data = "\n".join(lines).encode("utf-8")
    (site_dir / "sitemap.xml").write_bytes(data)
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(data, mtime=0))
    for lang in prefixes:   # the language plugin leaves a partial sitemap in every language folder
        if lang.prefix:
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (site_dir / lang.prefix / name).unlink(missing_ok=True)
