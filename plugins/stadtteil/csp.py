"""Content-Security-Policy for the built pages.

Static hosts differ in whether they can send headers (GitHub and GitLab Pages cannot), so every page
carries its own policy in a `<meta>` element, computed from that page: the hashes of exactly the
inline scripts it contains. Nothing may come from another host; forms may only prepare e-mails.
"""

from __future__ import annotations

import base64
import hashlib
import re

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_NOT_JS = re.compile(r'type\s*=\s*"(?!text/javascript|module)[^"]+"', re.I)

# Directives that need a response header (not allowed in <meta>); the deployment configs send them.
HEADER_ONLY = "frame-ancestors 'none'"


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
    scripts = " ".join(["'self'", *inline_script_hashes(html)])
    return ("default-src 'none'; "
            f"script-src {scripts}; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "manifest-src 'self'; media-src 'self'; form-action mailto:; base-uri 'none'; object-src 'none'")


def add_meta(html: str) -> str:
    """Insert the page's policy as the first element of <head>, before any script runs."""
    if 'http-equiv="Content-Security-Policy"' in html:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return re.sub(r"<head>", "<head>\n    " + meta, html, count=1)
