"""The translation report: what is not translated yet, per language and file.

Engine-agnostic and read-only. Three kinds of text: staff data (YAML fields that hold a text),
hand-written pages (content/<page>.<lang>.md next to the German one) and the interface (message
catalogs). Leichte Sprache is reported for what it needs: the start page, the easy summaries of
the offers and the block „Im Notfall“; elsewhere it falls back to standard German, which its readers can still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from . import i18n
from .loader import Project

OTHER = [lang.code for lang in i18n.languages() if lang.code != i18n.DEFAULT]


@dataclass
class Coverage:
    done: int = 0
    total: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)   # (file, what)

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else 100.0 * self.done / self.total


@dataclass
class LanguageReport:
    lang: str
    data: Coverage = field(default_factory=Coverage)
    pages: Coverage = field(default_factory=Coverage)
    interface: Coverage = field(default_factory=Coverage)

    @property
    def missing(self) -> int:
        return len(self.data.missing) + len(self.pages.missing) + len(self.interface.missing)


def _texts(value: Any, path: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Every staff text in a record, with a readable field path (schedule[1].except_reason)."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, dict):
        if "de" in value and all(isinstance(v, str) for v in value.values()):
            yield path, value
        else:
            for key, item in value.items():
                yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index + 1}]")


def _needed(lang: str, kind: str, path: str) -> bool:
    if lang != "de-LS":
        # The legal texts stay German in every language (the German text is the binding one).
        return not path.startswith("legal")
    # The block „Im Notfall“ is on the Leichte Sprache start page: all of its texts.
    return kind == "offers" and path in ("title", "summary") or kind == "helplines"


def report(project: Project, content_dir: Path | None) -> dict[str, LanguageReport]:
    reports = {lang: LanguageReport(lang) for lang in OTHER}
    records: list[tuple[str, str, Any]] = [("office", "office.yml", project.office)]
    for kind, items in (("offers", project.offers), ("events", project.events), ("partners", project.partners),
                        ("helplines", project.helplines)):
        for key, record in items.items():
            doc = project.sources.get((kind, key))
            records.append((kind, doc.file if doc else f"{kind}/{key}.yml", record))
    for label_kind in ("categories", "audiences", "topics", "partner_kinds"):
        for key, label in getattr(project.settings, label_kind).items():
            records.append(("settings", "mkdocs.yml", {f"{label_kind}.{key}": label}))
    for kind, file, record in records:
        for path, text in _texts(record, ""):
            for lang, rep in reports.items():
                if not _needed(lang, kind, path):
                    continue
                rep.data.total += 1
                if text.get(lang):
                    rep.data.done += 1
                else:
                    rep.data.missing.append((file, path))
    if content_dir is not None and content_dir.is_dir():
        known = {lang.code for lang in i18n.languages()}
        for page in sorted(content_dir.rglob("*.md")):
            suffixes = page.name.split(".")
            if len(suffixes) > 2 and suffixes[-2] in known:
                continue   # a translation itself
            rel = page.relative_to(content_dir).as_posix()
            for lang, rep in reports.items():
                if lang == "de-LS" and rel not in ("index.md", "kontakt.md", "ueber-uns.md"):
                    continue
                rep.pages.total += 1
                if page.with_name(f"{page.stem}.{lang}.md").exists():
                    rep.pages.done += 1
                else:
                    rep.pages.missing.append((f"content/{rel}", f"content/{page.stem}.{lang}.md fehlt"))
    total = len([m for m in i18n.extract() if m.id])
    for lang, rep in reports.items():
        missing = i18n.missing_messages(lang)
        rep.interface.total, rep.interface.done = total, total - len(missing)
        rep.interface.missing = [(str(i18n.catalog_path(lang).relative_to(i18n.PACKAGE_DIR.parent.parent)), m)
                                 for m in missing] if lang != "de-LS" else []
        if lang == "de-LS":
            rep.interface.done = rep.interface.total   # German interface text is fine for easy-language readers
    return reports


def format_text(reports: dict[str, LanguageReport], details: bool = True) -> str:
    lines = []
    for lang, rep in reports.items():
        name = i18n.language(lang).name
        lines.append(f"{name} ({lang}): Daten {rep.data.percent:.0f} % ({rep.data.done}/{rep.data.total}), "
                     f"Seiten {rep.pages.percent:.0f} % ({rep.pages.done}/{rep.pages.total}), "
                     f"Oberfläche {rep.interface.percent:.0f} % ({rep.interface.done}/{rep.interface.total})")
        if details:
            by_file: dict[str, list[str]] = {}
            for file, what in rep.data.missing + rep.pages.missing + rep.interface.missing:
                by_file.setdefault(file, []).append(what)
            for file, whats in by_file.items():
                shown = ", ".join(whats[:8]) + (f" und {len(whats) - 8} weitere" if len(whats) > 8 else "")
                lines.append(f"  {file}: {shown}")
    return "\n".join(lines)


def as_json(reports: dict[str, LanguageReport]) -> dict:
    return {lang: {"data": {"done": r.data.done, "total": r.data.total,
                            "missing": [{"file": f, "field": w} for f, w in r.data.missing]},
                   "pages": {"done": r.pages.done, "total": r.pages.total,
                             "missing": [f for f, _ in r.pages.missing]},
                   "interface": {"done": r.interface.done, "total": r.interface.total,
                                 "missing": [w for _, w in r.interface.missing]}}
            for lang, r in reports.items()}
