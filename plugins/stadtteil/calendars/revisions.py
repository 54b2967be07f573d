"""The calendar revision record (``kalender-revisionen.yml``): when each VEVENT last changed.

SEQUENCE and DTSTAMP must depend only on what a VEVENT says, never on how the site was checked out
or installed (shallow clone, site-packages file times): calendar programs ignore an update whose
SEQUENCE is not higher, and they would show a cancellation late or never. So the record, committed
with the data, keeps per language and UID a digest of the VEVENT's content and the time it last
changed. Unchanged content keeps its entry: same bytes. Changed or new content takes the time of the
commit being built (SOURCE_DATE_EPOCH, else HEAD's commit time, which shallow clones have too, else
the build time): the same for every clone of that commit, and it only grows, so SEQUENCE never goes
down even when the record is lost. docs/kalender.md explains it for staff and IT.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .feeds import SEQUENCE_EPOCH, Feed, FeedBuilder, FeedSettings

RECORD = "kalender-revisionen.yml"
# Set to 0 when a build must not touch the record (the test suite builds the repository's own site
# in place for many different days; a real build always writes it).
WRITE_VARIABLE = "STADTTEIL_REVISIONEN_SCHREIBEN"
_HEADER = """\
# Kalender-Revisionen: wann sich jeder Kalendereintrag zuletzt geändert hat (je Sprache und UID:
# Prüfsumme des Inhalts, Zeitpunkt der Änderung). Der Bau schreibt diese Datei; committen Sie sie
# zusammen mit den Daten. Nicht von Hand ändern. Erklärung: docs/kalender.md
"""
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


@dataclass
class Revisions:
    """When each VEVENT last changed, per language: ``record`` maps language → UID → (digest of the
    VEVENT without SEQUENCE/DTSTAMP, seconds since the Unix epoch). A VEVENT whose digest is new takes
    ``change_time``, the same for every clone of a commit, and never less than its previous time + 1.
    ``used`` collects what this build's feeds contain (the record's next state)."""

    record: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    change_time: int = SEQUENCE_EPOCH
    used: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)

    def changed(self, lang: str, uid: str, digest: str) -> int:
        old = self.record.get(lang, {}).get(uid)
        if old is not None and old[0] == digest:
            when = old[1]
        else:
            when = max(self.change_time, old[1] + 1) if old is not None else self.change_time
        self.used.setdefault(lang, {})[uid] = (digest, when)
        return when


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def change_time(root: Path, today: dt.date) -> int:
    """The time a VEVENT change gets: the same in every clone and build of a commit. Outside git,
    the start of the build date: the same for every build of that day (the record written by the
    first one keeps later changes apart), and it grows with the days."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return int(epoch)
    head = _git(root, "log", "-1", "--format=%ct", "HEAD")
    if head and head.isdigit():
        return int(head)
    return int(dt.datetime.combine(today, dt.time(), dt.timezone.utc).timestamp())


def _stamp(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(root: Path) -> tuple[dict[str, dict[str, tuple[str, int]]], str | None]:
    """The record and, if it cannot be read, a German note why (it is then treated as empty:
    changed times only grow, so nothing goes down; unchanged VEVENTs get a new, higher SEQUENCE once)."""
    path = root / RECORD
    if not path.is_file():
        return {}, None
    problem = (f"{RECORD}: Die Datei ist beschädigt und wird neu geschrieben. Stellen Sie die letzte Fassung "
               "aus git wieder her (git checkout -- " + RECORD + "), wenn Sie sie nicht absichtlich geändert haben.")
    try:
        # libyaml when there is one: the record has a line per VEVENT and language (the pure-Python
        # loader took a tenth of a check's time for it).
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}, problem
    if not isinstance(data, dict):
        return {}, problem
    record: dict[str, dict[str, tuple[str, int]]] = {}
    for lang, entries in data.items():
        if not isinstance(entries, dict):
            return {}, problem
        for uid, value in entries.items():
            parts = str(value).split()
            try:
                when = int(dt.datetime.strptime(parts[1], "%Y-%m-%dT%H:%M:%SZ")
                           .replace(tzinfo=dt.timezone.utc).timestamp())
            except (IndexError, ValueError):
                return {}, problem
            record.setdefault(str(lang), {})[str(uid)] = (parts[0], when)
    return record, None


def load(root: Path, today: dt.date, already: tuple[dict, str | None] | None = None) -> tuple[Revisions, str | None]:
    """The record (``already`` as ``read`` returned it, when the checks have read it) and the time of this
    build's changes."""
    record, problem = already or read(root)
    return Revisions(record, change_time(root, today)), problem


def render(record: dict[str, dict[str, tuple[str, int]]]) -> str:
    """One line per VEVENT, sorted: a change shows in `git diff` as exactly the VEVENTs it touched."""
    key = lambda text: text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)  # noqa: E731
    lines = [_HEADER.rstrip("\n")]
    for lang in sorted(record):
        lines.append(f"{key(lang)}:")
        lines += [f"  {key(uid)}: {digest} {_stamp(when)}" for uid, (digest, when) in sorted(record[lang].items())]
    return "\n".join(lines) + "\n"


def updated(old: dict, used: dict[str, dict[str, tuple[str, int]]]) -> dict:
    """The record after a build: the built languages as the feeds have them now (VEVENTs that left
    the feeds leave the record), the languages not built (a preview) as they were."""
    return {**old, **used}


def write(root: Path, record: dict) -> bool:
    """Writes the record atomically if its text changed; False when nothing was written."""
    path = root / RECORD
    text = render(record)
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    handle, temporary = tempfile.mkstemp(dir=root, prefix=f".{RECORD}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def may_write() -> bool:
    return os.environ.get(WRITE_VARIABLE, "1") != "0"


def page_src(kind: str, key: str) -> str:
    """The page of an offer or event, as pages.offer_src/event_src name it (the same words, so `check`
    need not load the page templates; tests/test_revisions.py compares them)."""
    return f"angebote/{key}.md" if kind == "offer" else f"termine/{key}.md"


def _builder(project, settings: FeedSettings, revisions: Revisions, lang: str) -> FeedBuilder:
    from ..formatting import page_url
    from ..i18n import language
    prefix = language(lang).prefix

    def url(kind: str, key: str) -> str:
        return settings.site_url + prefix + page_url(page_src(kind, key))

    return FeedBuilder(project, settings, revisions, url, lang=lang)


def language_feeds(project, settings: FeedSettings, revisions: Revisions, lang: str) -> list[Feed]:
    """One language's calendar files, with the page addresses the site gives them."""
    return _builder(project, settings, revisions, lang).build()


def differences(old: dict, new: dict) -> tuple[int, int, int]:
    """(changed, new, gone) VEVENTs between two records."""
    changed = added = gone = 0
    for lang in set(old) | set(new):
        before, after = old.get(lang, {}), new.get(lang, {})
        added += len(after.keys() - before.keys())
        gone += len(before.keys() - after.keys())
        changed += sum(1 for uid in after.keys() & before.keys() if after[uid] != before[uid])
    return changed, added, gone


def check(root: Path, project, settings: FeedSettings, languages: list[str]) -> list[str]:
    """`stadtteil check`: German warnings when the committed record does not match the data."""
    record, problem = read(root)
    if problem:
        return [problem]
    revisions = Revisions(record, change_time(root, settings.today))
    # The first language (German) VEVENT by VEVENT, as a build makes them; the others by their UIDs, which
    # are the same in every language (so new and gone VEVENTs show in each): serialising every language
    # was nine tenths of a check's time. A change of a translation alone is not told here; the build
    # records it all the same (and the pipelines commit the record).
    first, *others = languages or ["de"]
    _builder(project, settings, revisions, first).components()
    made = revisions.used.get(first, {})
    for lang in others:
        before = record.get(lang, {})
        revisions.used[lang] = {uid: before.get(uid, ("", 0)) for uid in made}
    changed, added, gone = differences(record, updated(record, revisions.used))
    if not (changed or added or gone):
        return []
    what = ", ".join(part for part in (f"{changed} geändert" if changed else "", f"{added} neu" if added else "",
                                       f"{gone} entfallen" if gone else "") if part)
    return [f"{RECORD} ist nicht aktuell (Kalendereinträge: {what}). Bauen Sie die Website (stadtteil build) "
            f"und committen Sie {RECORD} zusammen mit Ihren Änderungen. (Die Kalender sind auch ohne sie "
            "richtig; dann schreibt der Bau in der Pipeline die Datei und committet sie nach, docs/kalender.md.)"]


def site_settings(config_file: Path, options: dict) -> tuple[str, str | None, list[str]]:
    """site_url (ending in "/", or ""), uid_domain and the languages built, read from mkdocs.yml."""
    from urllib.parse import urlsplit
    config = _tolerant_yaml(config_file)
    site_url = str(config.get("site_url") or "")
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    uid_domain = options.get("uid_domain") or urlsplit(site_url).hostname
    languages = ["de"]
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("i18n"), dict):
            languages = [str(lang["locale"]) for lang in entry["i18n"].get("languages") or []
                         if isinstance(lang, dict) and lang.get("locale") and lang.get("build", True)] or languages
    return site_url, uid_domain, languages


def check_config(config_file: Path, root: Path, project, options: dict, today: dt.date) -> list[str]:
    """``check`` with the site's settings read from mkdocs.yml."""
    site_url, uid_domain, languages = site_settings(config_file, options)
    if not site_url or project is None:
        return []   # the build names a missing site_url itself
    return check(root, project, FeedSettings(site_url, uid_domain, today, project.office.name), languages)


def _tolerant_yaml(path: Path) -> dict:
    from ..yamlsource import read_config
    try:
        return read_config(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
