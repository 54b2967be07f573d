"""Consent records for images: no record, no publication.

Every image that can reach the site has `<image>.consent.yml` next to it, holding no names, only the
numbers of the signed paper forms (GDPR Art. 6, 7, 8; section 10 of the cooperation agreement).
Mistakes in a record fail the build (the image could otherwise go online unchecked). A withdrawn or
expired consent does NOT fail the build: a failed build would leave the old site, with the photo,
online; the image is left out everywhere instead, and the build names every place it was used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .errors import DataError
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


class ConsentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
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


def record_path(image: Path) -> Path:
    return image.with_name(image.name + ".consent.yml")


def load_withdrawn(root: Path) -> tuple[dict[str, dt.date], list[DataError]]:
    path = root / "consent" / "withdrawn.yml"
    if not path.exists():
        return {}, []
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
        return {}, []  # no withdrawals yet: an empty list is fine here
    doc, problems = load_file(path, "consent/withdrawn.yml")
    if doc is None:
        return {}, problems
    if doc.data is None or doc.data == []:
        return {}, problems
    try:
        parsed = WithdrawnList.model_validate({"items": doc.data})
    except ValidationError as exc:
        return {}, problems + translate(exc, doc, Withdrawal, strip=1)
    return {w.form: w.on for w in parsed.items}, problems


def check_image(root: Path, image: Path, today: dt.date, withdrawn: dict[str, dt.date]) -> tuple[Verdict | None, list[DataError]]:
    rel = image.relative_to(root).as_posix()
    record_file = record_path(image)
    record_rel = record_file.relative_to(root).as_posix()
    if not record_file.exists():
        kind = classify(image)
        # A file that does not look like a picture by its name: say why it counts as one.
        disguised = "" if kind.named_so(image.name) else \
            f" Die Datei ist am Inhalt als Bild erkannt ({kind.label}), auch wenn ihr Name anders aussieht."
        return None, [DataError(rel, None, None, "Zu diesem Bild gibt es keine Einwilligung." + disguised,
                                f"Legen Sie „{record_file.name}“ daneben an (siehe README, „Fotos und Einwilligungen“), "
                                "oder löschen Sie das Bild. Ohne Einwilligung wird es nicht veröffentlicht.")]
    doc, problems = load_file(record_file, record_rel)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [DataError(record_rel, 1, None, "Die Datei muss aus Zeilen der Form „feld: wert“ bestehen.",
                                "Beginnen Sie mit  sha256: …")]
    try:
        record = ConsentRecord.model_validate(doc.data)
    except ValidationError as exc:
        return None, problems + translate(exc, doc, ConsentRecord)
    if problems:
        return None, problems
    actual = hashlib.sha256(image.read_bytes()).hexdigest()
    if actual != record.sha256:
        line, col = doc.line_of(("sha256",))
        return None, [DataError(record_rel, line, col,
                                "Das Bild ist nicht mehr die Datei, für die die Einwilligung geprüft wurde "
                                "(die Prüfsumme stimmt nicht).",
                                f"Prüfen Sie, ob das neue Bild von der Einwilligung gedeckt ist; dann tragen Sie "
                                f"„sha256: {actual}“ ein (Befehl: stadtteil consent-hash {rel}).", field="sha256")]
    for consent in record.consents:
        if consent.form in withdrawn and withdrawn[consent.form] <= today:
            return Verdict(rel, False, f"Einwilligung {consent.form} wurde am "
                                       f"{withdrawn[consent.form]:%d.%m.%Y} widerrufen", record), []
        if consent.expires and consent.expires < today:
            return Verdict(rel, False, f"Einwilligung {consent.form} ist am {consent.expires:%d.%m.%Y} abgelaufen",
                           record), []
    return Verdict(rel, True, "", record), []


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
    withdrawn, problems = load_withdrawn(root)
    result.errors += problems
    for image in images if images is not None else find_images(root):
        verdict, problems = check_image(root, image, today, withdrawn)
        result.errors += problems
        if verdict is not None:
            result.verdicts[verdict.image] = verdict
    # Records whose image is gone are harmless, but usually a renamed photo: say so.
    for folder in ("media", "content"):
        base = root / folder
        if base.is_dir():
            for record in base.rglob("*.consent.yml"):
                image = record.with_name(record.name[: -len(".consent.yml")])
                if not image.exists():
                    result.errors.append(DataError(
                        record.relative_to(root).as_posix(), None, None,
                        f"Zu dieser Einwilligung gibt es das Bild „{image.name}“ nicht.",
                        "Wurde das Bild umbenannt? Benennen Sie die Einwilligung genauso um, oder löschen Sie sie."))
    return result
