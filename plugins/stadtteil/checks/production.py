"""What a production build refuses besides placeholder logos: the placeholders `stadtteil new` ships.

A new site builds at once so staff can look at it; published, its Impressum would name „Vorname
Nachname, Musterstraße 1“, residents would call +49 000 000000, and the calendars' UIDs would carry
example.org for ever (UIDs must never change once subscribed). The rules below match the scaffold's
exact values (plugins/stadtteil/scaffold/, lines marked PLATZHALTER) and the reserved example
domains (RFC 2606, RFC 6761), which no real office can own. tests/test_revisions.py checks that a
fresh `stadtteil new` site trips every one of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Notice

# Exact values of the scaffold's placeholders (after `stadtteil new`), by what they stand for.
PLACEHOLDER_VALUES = {
    "Träger e.V.": "Name des Trägers",        # `stadtteil new` without --carrier
    "Musterstraße 1": "Straße und Hausnummer",
    "00000": "Postleitzahl",
    "+49 000 000000": "Telefonnummer",
    "Vorname Nachname": "Name einer verantwortlichen Person",
    "Datenschutzbeauftragte": "Name der oder des Datenschutzbeauftragten",
    "Hosting-Anbieter": "Name des Hosting-Anbieters",
}
# Texts of the scaffold's example pages: a sentence from each, enough to recognise an unchanged copy.
PLACEHOLDER_TEXTS = {
    "Hier steht, wer wir sind und wofür wir da sind.": "der Beispieltext der Startseite",
    "Einmal pro Woche Kaffee, Tee und Gespräche für alle aus dem Viertel.": "das Beispiel-Angebot „Offenes Café“",
}
# Reserved for examples and tests: example.org/.com/.net and the top-level names .example, .test,
# .invalid, .localhost.
_EXAMPLE_HOST = re.compile(r"(^|\.)(example\.(org|com|net)|[^.]+\.(example|test|invalid|localhost))\.?$"
                           r"|^(example|test|invalid|localhost)$", re.I)
# A phone number whose digits after the country code are all zeros is no one's number. (The country code
# stands apart or after a +: the emergency number 110 is no placeholder.)
_ZERO_PHONE = re.compile(r"^(?:\+\d{2}[\s/-]*|\d{2}[\s/-]+)?0[\s0/-]*$")


def example_host(host: str | None) -> bool:
    return bool(host) and bool(_EXAMPLE_HOST.search(host))


def problems(root: Path, project, site_url: str | None, uid_domain: str | None,
             config_file: str = "mkdocs.yml") -> list[str]:
    """Every placeholder left in the site, one German sentence each, with file, line and fix."""
    found: list[str] = []
    host = urlsplit(site_url or "").hostname
    if example_host(host):
        found.append(f"{config_file}: „site_url: {site_url}“ ist eine Beispiel-Adresse. Tragen Sie die echte "
                     "Web-Adresse der Website ein – vor der ersten Veröffentlichung, danach nie mehr ändern "
                     "(Kalender-Abos und Links hängen an ihr).")
    if uid_domain and example_host(uid_domain) and uid_domain != host:
        found.append(f"{config_file}: „uid_domain: {uid_domain}“ ist eine Beispiel-Domain. Tragen Sie die Domain "
                     "der Website ein – vor der ersten Veröffentlichung, danach nie mehr ändern.")
    if project is not None:
        for doc in sorted(project.sources.values(), key=lambda d: d.file):
            found += _in_document(doc)
    found += _in_pages(root / "content")
    found += _in_deploy(root / "deploy")
    return found


# A host name in a server configuration: words with dots, as nginx and Apache write them.
_HOST_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def _in_deploy(deploy: Path) -> list[str]:
    """Server configurations (deploy/) still serving an example host: `stadtteil new` writes the
    site's host there, www.example.org until it is known. One notice per file, at its first such line."""
    found = []
    if not deploy.is_dir() or deploy.is_symlink():
        return found
    for config in sorted(deploy.iterdir()):
        if config.suffix in (".md",) or config.is_symlink() or not config.is_file():
            continue
        try:
            lines = config.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        places = [(number, word) for number, line in enumerate(lines, 1) if not line.lstrip().startswith("#")
                  for word in _HOST_WORD.findall(line.split("#")[0]) if "." in word and example_host(word)]
        if places:
            number, host = places[0]
            more = f" (und {len(places) - 1} weitere Stellen)" if len(places) > 1 else ""
            found.append(Notice(f"deploy/{config.name}", number, None,
                                f"„{host}“ ist eine Beispiel-Adresse{more}.",
                                "Tragen Sie die echte Adresse der Website ein (dieselbe wie site_url in mkdocs.yml)."))
    return found


def _in_document(doc) -> list[str]:
    found = []
    for path, value in _scalars(doc.data, ()):
        if not isinstance(value, str):
            continue
        text = value.strip()
        what = PLACEHOLDER_VALUES.get(text)
        if what is None and _ZERO_PHONE.match(text) and path and path[-1] == "phone":
            what = "Telefonnummer"
        if what is None and path and path[-1] == "email" and example_host(text.rpartition("@")[2]):
            what = "E-Mail-Adresse"
        if what is None:
            what = next((w for sample, w in PLACEHOLDER_TEXTS.items() if sample in text), None)
        if what is None:
            continue
        line, column = doc.positions.get(path) or doc.line_of(path)   # the value's place, for the caret
        field = ".".join(str(p) for p in path)
        shown = text if len(text) <= 60 else text[:60].rstrip() + "…"
        # Text as before („file, Zeile n: …“), and the place for the excerpt and annotations.
        notice = Notice(doc.file, line, None, f"„{field}: {shown}“ ist ein Platzhalter ({what}).",
                        "Tragen Sie den echten Wert ein oder löschen Sie die Angabe.")
        notice.column = column
        found.append(notice)
    return found


def _scalars(data, path: tuple):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _scalars(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _scalars(value, path + (index,))
    else:
        yield path, data


def _in_pages(content: Path) -> list[str]:
    found = []
    if not content.is_dir():
        return found
    for page in sorted(content.rglob("*.md")):
        try:
            lines = page.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue   # the build reports unreadable pages itself
        for number, line in enumerate(lines, 1):
            for sample, what in PLACEHOLDER_TEXTS.items():
                if sample in line:
                    found.append(Notice(f"{page.relative_to(content.parent).as_posix()}", number, None,
                                        f"Hier steht noch {what}.", "Ersetzen Sie ihn durch Ihren eigenen Text."))
    return found
