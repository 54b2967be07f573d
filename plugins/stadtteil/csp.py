"""Content-Security-Policy for the built pages.

Static hosts differ in whether they can send headers (GitHub and GitLab Pages cannot), so every page
carries its own policy in a `<meta>` element, computed from that page: the hashes of exactly the
theme's inline scripts on it. Nothing may come from another host; forms may only prepare e-mails.

Material's inline scripts vary with the page's base URL, so they cannot be hashed once from the theme
files; they are hashed per page, but only outside the content region. The adapter wraps each page's
content in two comments carrying a number drawn for this build (``mark_content``): staff text, written
before the build, cannot know it and so cannot close the region early. A script that got into the
content (the sanitiser refuses them before) gets no hash and does not run.

Data blocks (``<script type="application/ld+json">``, the schema.org data of opendata/jsonld.py) are no scripts:
browsers never run them, so they get no hash (``_NOT_JS``); the output check allows one, in <head>.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_NOT_JS = re.compile(r'type\s*=\s*"(?!text/javascript|module)[^"]+"', re.I)

# Directives that need a response header (not allowed in <meta>); the deployment configs send them.
HEADER_ONLY = "frame-ancestors 'none'"


_NONCE = secrets.token_hex(12)
_CONTENT = re.compile(rf"<!--st-content-{_NONCE}-->.*?<!--/st-content-{_NONCE}-->", re.S)
_MARKS = re.compile(rf"<!--/?st-content-{_NONCE}-->")


def mark_content(html: str) -> str:
    """The page content, marked as the region whose scripts are never allowed."""
    return f"<!--st-content-{_NONCE}-->{html}<!--/st-content-{_NONCE}-->"


def outside_content(html: str) -> str:
    return _CONTENT.sub("", html)


def inline_script_hashes(html: str) -> list[str]:
    hashes = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if "src=" in attrs or _NOT_JS.search(attrs):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(set(hashes))


def policy(html: str) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(outside_content(html))])
    return ("default-src 'none'; "
            f"script-src {scripts}; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "manifest-src 'self'; media-src 'self'; form-action mailto:; base-uri 'none'; object-src 'none'")


def add_meta(html: str) -> str:
    """Insert the page's policy as the first element of <head>, before any script runs; the content
    marks go (they have done their work)."""
    if 'http-equiv="Content-Security-Policy"' in html.split("</head>", 1)[0]:
        return _MARKS.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return _MARKS.sub("", re.sub(r"<head>", "<head>\n    " + meta, html, count=1))
