"""Consent records for images: no record, no publication.

Every image that can reach the site has `<image>.consent.yml` next to it, holding no names, only the
numbers of the signed paper forms (GDPR Art. 6, 7, 8; section 10 of the cooperation agreement).
Mistakes in a record fail the build (the image could otherwise go online unchecked). A withdrawn or
expired consent does NOT fail the build: a failed build would leave the old site, with the photo,
online; the image is left out everywhere instead, and the build names every place it was used.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .errors import DataError, Notice
from .filekind import classify, is_image
from .validation_messages import translate
from .models import Date, _fail, _list
from .yamlsource import load_file

# Everything that shows people needs a record: photos, graphics and (sign-language) videos. Which
# files these are is decided by their bytes (filekind.py), never by their names.


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    form: str = Field(min_length=1)
    form_version: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) else v)]
    age_group: Literal["adult", "14-17", "under-14"]
    guardians_signed: bool = False
    child_signed: bool = False
    scope: Annotated[list[Literal["website", "print", "social"]], BeforeValidator(_list)]
    given: Date
    expires: Date | None = None

    @model_validator(mode="after")
    def _signatures(self) -> "Consent":
        if self.age_group == "under-14" and not self.guardians_signed:
            raise _fail(f"Formular {self.form}: Für ein Kind unter 14 Jahren müssen die Sorgeberechtigten "
                        "unterschrieben haben („guardians_signed: true“).",
                        "Bei gemeinsamem Sorgerecht beide Sorgeberechtigten. Ohne diese Unterschrift darf das Foto "
                        "nicht veröffentlicht werden.", at="guardians_signed")
        if self.age_group == "14-17" and not (self.guardians_signed and self.child_signed):
            raise _fail(f"Formular {self.form}: Bei Jugendlichen von 14 bis 17 Jahren müssen die Sorgeberechtigten "
                        "und der oder die Jugendliche selbst unterschrieben haben.",
                        "Nötig sind „guardians_signed: true“ und „child_signed: true“.",
                        at="child_signed" if self.guardians_signed else "guardians_signed")
        if "website" not in self.scope:
            raise _fail(f"Formular {self.form}: Die Einwilligung gilt nicht für die Website "
                        f"(gewählt: {', '.join(self.scope) or 'nichts'}).",
                        "Ohne „website“ in „scope“ darf das Foto nicht auf die Website.", at="scope")
        if self.expires and self.expires < self.given:
            raise _fail("„expires“ liegt vor „given“.", "Prüfen Sie die Daten auf dem Formular.", at="expires")
        return self


def _checksum(value):
    # `stadtteil consent-hash` prints „sha256: …“; pasted whole behind „sha256:“ it is still the checksum.
    if isinstance(value, str):
        value = value.strip()
        while value.lower().startswith("sha256:"):
            value = value[len("sha256:"):].strip()
        if re.fullmatch(r"[0-9a-fA-F]{64}", value):
            return value.lower()
    raise _fail(f"„{value}“ ist keine vollständige Prüfsumme (64 Zeichen aus 0–9 und a–f).",
                "Tragen Sie die Zeile ein, die „make check“ oder der Befehl consent-hash für dieses Bild nennt.")


class ConsentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sha256: Annotated[str, BeforeValidator(_checksum)]
    persons: Literal["depicted", "none"]
    consents: list[Consent] = Field(default_factory=list)
    checked_by: str | None = None
    checked_on: Date | None = None
    rights: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "ConsentRecord":
        if self.persons == "depicted" and not self.consents:
            raise _fail("Auf dem Bild sind Menschen zu sehen, aber es ist keine Einwilligung eingetragen.",
                        "Tragen Sie unter „consents“ für jede abgebildete Person die Nummer ihres Formulars ein.",
                        at="persons")
        if self.persons == "none" and not (self.checked_by and self.checked_on):
            raise _fail("Bei „persons: none“ fehlt, wer wann geprüft hat, dass niemand zu erkennen ist.",
                        "Ergänzen Sie „checked_by“ (Kürzel) und „checked_on“ (Datum).", at="persons")
        return self


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    form: str = Field(min_length=1)
    on: Date
    # No image (any more) names this form: its photos were deleted, or none was ever published.
    # Without it, a form no record names is a mistake (a typo would leave the photo online).
    no_image: bool = False


class WithdrawnList(BaseModel):
    items: list[Withdrawal]


@dataclass(frozen=True)
class Verdict:
    """What may happen with one image: published, or left out (with the reason)."""

    image: str                   # project-relative path, e.g. media/naehtreff.jpg
    publish: bool
    reason: str = ""             # why it is left out (withdrawn, expired)
    record: ConsentRecord | None = None


@dataclass
class ConsentCheck:
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)   # what an unreadable file keeps from being checked


def record_path(image: Path) -> Path:
    return image.with_name(image.name + ".consent.yml")


@dataclass(frozen=True)
class WithdrawalEntry:
    """One line of consent/withdrawn.yml, with where it stands (for messages)."""

    form: str
    on: dt.date
    no_image: bool
    line: int
    column: int


WITHDRAWN_FILE = "consent/withdrawn.yml"


def form_key(form: str) -> str:
    """A form number as compared: EV-2026-099, EV-2026-99, EV-2026-0099 and „EV 2026-099“ are one form
    (case, separators and leading zeros do not count)."""
    parts = re.findall(r"[A-Za-z]+|[0-9]+", form)
    return "-".join(str(int(p)) if p.isdigit() else p.upper() for p in parts)


def load_withdrawn(root: Path) -> tuple[list[WithdrawalEntry], list[DataError], bool]:
    """(withdrawals, mistakes, whether the file could not be read at all)."""
    path = root / "consent" / "withdrawn.yml"
    if not path.exists():
        return [], [], False
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
        return [], [], False  # no withdrawals yet: an empty list is fine here
    doc, problems = load_file(path, WITHDRAWN_FILE)
    if doc is None:
        return [], problems, True
    if doc.data is None or doc.data == []:
        return [], problems, False
    try:
        parsed = WithdrawnList.model_validate({"items": doc.data})
    except ValidationError as exc:
        return [], problems + translate(exc, doc, Withdrawal, strip=1), False
    entries = [WithdrawalEntry(w.form, w.on, w.no_image, *doc.line_of((index, "form")))
               for index, w in enumerate(parsed.items)]
    return entries, problems, False


def _sha256_line(image: Path) -> str:
    return f"sha256: {hashlib.sha256(image.read_bytes()).hexdigest()}"


def _repair(text: str) -> str:
    # „sha256: sha256: 3f5c…“: the output of consent-hash pasted behind the field name. YAML refuses a
    # second colon there; it is still plainly the checksum.
    return re.sub(r"(?m)^(sha256:[ \t]*)sha256:[ \t]*", r"\1", text)


def check_image(root: Path, image: Path, today: dt.date, withdrawn: dict[str, WithdrawalEntry],
                records: dict[str, Any] | None = None) -> tuple[Verdict | None, list[DataError]]:
    """The verdict on one image. ``withdrawn``: withdrawals by ``form_key``; ``records``, when given, is
    told each record file read (its document, or None when it could not be read)."""
    rel = image.relative_to(root).as_posix()
    record_file = record_path(image)
    record_rel = record_file.relative_to(root).as_posix()
    if not record_file.exists():
        kind = classify(image)
        # A file that does not look like a picture by its name: say why it counts as one.
        disguised = "" if kind.named_so(image.name) else \
            f" Die Datei ist am Inhalt als Bild erkannt ({kind.label}), auch wenn ihr Name anders aussieht."
        return None, [DataError(rel, None, None, "Zu diesem Bild gibt es keine Einwilligung." + disguised,
                                f"Legen Sie „{record_file.name}“ daneben an, mit der ersten Zeile "
                                f"„{_sha256_line(image)}“ (siehe docs/anleitung.md, Abschnitt 4), "
                                "oder löschen Sie das Bild. Ohne Einwilligung wird es nicht veröffentlicht.")]
    doc, problems = load_file(record_file, record_rel, repair=_repair)
    if records is not None:
        records[record_rel] = doc
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [DataError(record_rel, 1, None, "Die Datei muss aus Zeilen der Form „feld: wert“ bestehen.",
                                f"Beginnen Sie mit  {_sha256_line(image)}")]
    try:
        record = ConsentRecord.model_validate(doc.data)
    except ValidationError as exc:
        found = translate(exc, doc, ConsentRecord)
        # A checksum that cannot be one: the line to paste instead.
        return None, problems + [DataError(e.file, e.line, e.column, e.message,
                                           f"Richtig für dieses Bild ist die Zeile „{_sha256_line(image)}“.", e.field)
                                 if e.field == "sha256" else e for e in found]
    if problems:
        return None, problems
    actual = hashlib.sha256(image.read_bytes()).hexdigest()
    if actual != record.sha256:
        line, col = doc.line_of(("sha256",))
        return None, [DataError(record_rel, line, col,
                                "Das Bild ist nicht mehr die Datei, für die die Einwilligung geprüft wurde "
                                "(die Prüfsumme stimmt nicht).",
                                f"Prüfen Sie, ob das neue Bild von der Einwilligung gedeckt ist; dann tragen Sie "
                                f"die Zeile „sha256: {actual}“ ein.", field="sha256")]
    for consent in record.consents:
        withdrawal = withdrawn.get(form_key(consent.form))
        if withdrawal is not None and withdrawal.on <= today:
            return Verdict(rel, False, f"Einwilligung {consent.form} wurde am "
                                       f"{withdrawal.on:%d.%m.%Y} widerrufen", record), []
        if consent.expires and consent.expires < today:
            return Verdict(rel, False, f"Einwilligung {consent.form} ist am {consent.expires:%d.%m.%Y} abgelaufen",
                           record), []
    return Verdict(rel, True, "", record), []


def _forms_in(doc: Any) -> list[tuple[str, int]]:
    """(form, line) of every consent a record names, read from its raw data (also from a record with
    other mistakes: its forms are known all the same)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    consents = data.get("consents")
    found = []
    for index, consent in enumerate(consents if isinstance(consents, list) else []):
        form = consent.get("form") if isinstance(consent, dict) else None
        if isinstance(form, (str, int)) and not isinstance(form, bool):
            found.append((str(form).strip(), doc.line_of((("consents", index, "form")))[0]))
    return found


def check_withdrawals(entries: list[WithdrawalEntry], records: dict[str, Any]) -> list[DataError]:
    """Every withdrawal must name a form a consent record names: a typo („EV-2026-99“ for „EV-2026-099“)
    would otherwise leave the photo online without a word. ``records``: record file → document (None:
    unreadable; then unknown forms are not reported, the record's own mistake comes first)."""
    if any(doc is None for doc in records.values()):
        return []
    known: dict[str, list[tuple[str, int]]] = {}
    for record_rel, doc in sorted(records.items()):
        for form, line in _forms_in(doc):
            known.setdefault(form, []).append((record_rel, line))
    by_key: dict[str, str] = {}
    for form in sorted(known):
        by_key.setdefault(form_key(form), form)
    errors = []
    for entry in entries:
        if entry.form in known or entry.no_image:
            continue
        example = f"- {{form: %s, on: {entry.on.isoformat()}}}"
        meant = by_key.get(form_key(entry.form))
        if meant is not None:
            record_rel, line = known[meant][0]
            errors.append(DataError(
                WITHDRAWN_FILE, entry.line, entry.column,
                f"Die Formularnummer „{entry.form}“ steht so in keiner Einwilligung. Gemeint ist wohl "
                f"„{meant}“ ({record_rel}, Zeile {line}).",
                f"Schreiben Sie die Nummer genau wie dort: „{example % meant}“. Solange hier ein Fehler steht, "
                "wird die Website nicht neu gebaut und die bisherige – mit dem Foto – bleibt online.", "form"))
            continue
        # A number one or two digits apart (EV-2026-098 for EV-2026-099): perhaps a typo, perhaps another form.
        close = difflib.get_close_matches(form_key(entry.form), list(by_key), n=1, cutoff=0.8)
        guess = by_key[close[0]] if close else None
        where = f" ({known[guess][0][0]})" if guess else ""
        errors.append(DataError(
            WITHDRAWN_FILE, entry.line, entry.column,
            f"Die Formularnummer „{entry.form}“ steht in keiner Einwilligung; dieser Widerruf entfernt kein Bild.",
            (f"Meinten Sie „{guess}“{where}? " if guess else "")
            + "Prüfen Sie die Nummer auf dem Formular und in den Einwilligungsdateien („form:“ in den Dateien "
            "*.consent.yml neben den Bildern). Gibt es zu diesem Formular kein Bild (mehr), schreiben Sie "
            f"„{(example % entry.form)[:-1]}, no_image: true}}“.", "form"))
    return errors


def find_images(root: Path, folders: tuple[str, ...] = ("media", "content")) -> list[Path]:
    """Every file that shows a picture, told by its bytes: a photo renamed to `.dat` is still a photo."""
    found = []
    for folder in folders:
        base = root / folder
        if base.is_dir():
            # Symbolic links are refused by inputs.py and never read (is_file follows them).
            found += [p for p in base.rglob("*") if p.is_file() and not p.is_symlink() and not p.name.endswith(".consent.yml")
                      and not any(part.startswith(".") for part in p.relative_to(root).parts) and is_image(p)]
    return sorted(found)


def check_all(root: Path, today: dt.date, images: list[Path] | None = None) -> ConsentCheck:
    result = ConsentCheck()
    entries, problems, unreadable = load_withdrawn(root)
    result.errors += problems
    if unreadable:
        result.notes.append(Notice(WITHDRAWN_FILE, None, None, "Weitere Prüfungen, die diese Datei brauchen "
                                   "(welche Bilder ein Widerruf von der Website nimmt), werden übersprungen, bis die "
                                   "Datei wieder lesbar ist."))
    withdrawn: dict[str, WithdrawalEntry] = {}
    for entry in entries:
        withdrawn.setdefault(form_key(entry.form), entry)
    records: dict[str, Any] = {}
    for image in images if images is not None else find_images(root):
        verdict, problems = check_image(root, image, today, withdrawn, records)
        result.errors += problems
        record_rel = record_path(image).relative_to(root).as_posix()
        if record_rel in records and records[record_rel] is None and entries:
            result.notes.append(Notice(record_rel, None, None, "Weitere Prüfungen, die diese Datei brauchen "
                                       "(ob die Formularnummern in consent/withdrawn.yml stimmen), werden "
                                       "übersprungen, bis die Datei wieder lesbar ist."))
        if verdict is not None:
            result.verdicts[verdict.image] = verdict
    # Records whose image is gone are harmless, but usually a renamed photo: say so.
    for folder in ("media", "content"):
        base = root / folder
        if base.is_dir():
            for record in sorted(base.rglob("*.consent.yml")):
                record_rel = record.relative_to(root).as_posix()
                image = record.with_name(record.name[: -len(".consent.yml")])
                if record_rel not in records and entries:
                    records[record_rel] = load_file(record, record_rel, repair=_repair)[0]
                if not image.exists():
                    result.errors.append(DataError(
                        record_rel, None, None,
                        f"Zu dieser Einwilligung gibt es das Bild „{image.name}“ nicht.",
                        "Wurde das Bild umbenannt? Benennen Sie die Einwilligung genauso um, oder löschen Sie sie."))
    result.errors += check_withdrawals(entries, records)
    return result
