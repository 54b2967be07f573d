"""All images of a build: consent verdicts, the pipeline's variants, and what is left out.

Engine-agnostic: the adapter asks this module which files to publish, how to write a `<picture>`
for a source image, and which site paths the output check allows.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..consent import check_all, find_images
from ..errors import DataError
from ..filekind import classify
from ..formatting import slug
from ..loader import Project
from ..sanitize import SVG_HINT, svg_problems
from .output_check import sha256, svg_embeds_raster
from .variants import ImageProblem, Processed, process


@dataclass
class PhotoSet:
    published: dict[str, Processed] = field(default_factory=dict)   # "media/x.jpg" → variants
    passthrough: dict[str, bytes] = field(default_factory=dict)     # "content/plan.svg" → bytes as they are
    left_out: dict[str, str] = field(default_factory=dict)          # source → why (withdrawn, expired)
    errors: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)                  # what an unreadable record keeps unchecked
    encoded: int = 0
    from_cache: int = 0
    originals: dict[str, bytes] = field(default_factory=dict)       # photos still to encode → their bytes
    repaired: list[str] = field(default_factory=list)               # photos whose cache entry was damaged

    @property
    def pending(self) -> list[str]:
        """Photos measured and named, whose variants are not encoded yet (``prepare(encode=False)``)."""
        return sorted(self.originals)

    def encode_pending(self, cache_dir: Path | None, threads: int = 2) -> dict[str, Processed]:
        """The variants, with their bytes, of every pending photo; in any process (the helper's)."""
        return {source: process(self.originals[source], source, _stem(source), cache_dir, threads=threads)
                for source in self.pending}

    def complete(self, encoded: dict[str, Processed]) -> None:
        """Takes the encoded variants in; they must be the ones the pages were written with."""
        for source, processed in encoded.items():
            planned = self.published[source]
            if [(v.path, v.width, v.height) for v in planned.variants] != \
                    [(v.path, v.width, v.height) for v in processed.variants]:
                raise RuntimeError(f"{source}: encoded variants differ from the measured ones")
            self.published[source] = processed
            del self.originals[source]

    def allowed(self) -> dict[str, str]:
        """Site path → sha256 of every image file this build may publish."""
        result = {v.path: sha256(v.data) for p in self.published.values() for v in p.variants}
        for source, data in self.passthrough.items():
            result[site_path_of(source)] = sha256(data)
        return result

    def status(self, source: str) -> str:
        if source in self.published or source in self.passthrough:
            return "published"
        return "left_out" if source in self.left_out else "unknown"


def site_path_of(source: str) -> str:
    """Where a file lands in the site: content/ is the docs folder, media/ files go below assets/media/."""
    if source.startswith("media/"):
        return "assets/" + source
    return source.removeprefix("content/")


def _gunzipped(data: bytes) -> bytes:
    """An .svgz's text (at most 64 MB of it: a gzip bomb stops there)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return zlib.decompressobj(wbits=31).decompress(data, 64 * 1024 * 1024)
    except zlib.error:
        return data


def _stem(source: str) -> str:
    """The published name of a photo's variants (before its digest): the site's one slug rule."""
    return slug(Path(source).stem, fallback="bild")


def prepare(root: Path, today: dt.date, project: Project | None, cache_dir: Path | None,
            progress=None, encode: bool = True) -> PhotoSet:
    """``progress(done, total, source)`` is called before each image, for long first runs.

    ``encode=False``: photos not in the cache are read, checked and measured (every mistake is found),
    and left ``pending``: ``encode_pending`` makes their bytes, on another core if there is one."""
    result = PhotoSet()
    images = find_images(root)
    check = check_all(root, today, images)
    result.errors += check.errors
    result.notes += check.notes
    # Images named in offers and events must exist (their consent is then checked like any other).
    if project is not None:
        for (kind, item_id), doc in project.sources.items():
            if kind not in ("offers", "events"):
                continue
            record = (project.offers if kind == "offers" else project.events)[item_id]
            if record.image and not (root / record.image).is_file():
                line, col = doc.line_of(("image",))
                result.errors.append(DataError(doc.file, line, col, f"Das Bild „{record.image}“ gibt es nicht.",
                                               "Prüfen Sie Ordner und Dateinamen (Groß- und Kleinschreibung zählt).",
                                               field="image"))
    total = len(check.verdicts)
    for number, (source, verdict) in enumerate(check.verdicts.items(), start=1):
        if progress is not None:
            progress(number, total, source)
        if not verdict.publish:
            result.left_out[source] = verdict.reason
            continue
        path = root / source
        data = path.read_bytes()
        kind = classify(path)   # by the bytes: a photo renamed to .dat is re-encoded like any photo
        if kind.group == "svg":
            if svg_embeds_raster(_gunzipped(data)):
                result.errors.append(DataError(source, None, None,
                                               "Die SVG-Grafik enthält ein eingebettetes Foto; das wird nicht veröffentlicht.",
                                               "Legen Sie das Foto als eigene Datei mit eigener Einwilligung ab."))
            elif unsafe := svg_problems(data):
                # Opened on its own, an SVG is a document of the site: it may only draw.
                result.errors.append(DataError(source, None, None, "Die SVG-Grafik enthält " + ", ".join(unsafe)
                                               + "; so wird sie nicht veröffentlicht.", SVG_HINT))
            else:
                result.passthrough[source] = data
            continue
        if kind.group in ("video", "pdf"):
            # Videos (and PDFs with a picture) are published as they are, not re-encoded: refuse location data.
            if b"\xa9xyz" in data or b"com.apple.quicktime.location" in data:
                result.errors.append(DataError(source, None, None, "Das Video enthält Standortdaten (GPS).",
                                               "Exportieren Sie es ohne Metadaten (zum Beispiel mit einem "
                                               "Videoprogramm „für das Web“) und tragen Sie die neue Prüfsumme ein."))
            else:
                result.passthrough[source] = data
            continue
        if kind.group != "image":
            result.errors.append(DataError(source, None, None, "Dieses Dateiformat wird nicht veröffentlicht.",
                                           "Verwenden Sie JPEG, PNG oder SVG."))
            continue
        try:
            processed = process(data, source, _stem(source), cache_dir, encode=encode)
        except ImageProblem as problem:
            result.errors.append(DataError(source, None, None, str(problem), ""))
            continue
        result.published[source] = processed
        if processed.repaired:
            result.repaired.append(source)
        if processed.cached:
            result.from_cache += 1
        else:
            result.encoded += 1
            if not processed.encoded:
                result.originals[source] = data
    return result
