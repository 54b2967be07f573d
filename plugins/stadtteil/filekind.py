"""What a file is, told by its bytes, not its name: a photo renamed to `.dat`, `.jfif` or `.woff2`
is still a photo, and a browser shows it (they sniff images too). The consent rules ask here.

Known formats are told by their first bytes (cheap: one small read per file). Only a binary file
whose first bytes say nothing is opened with Pillow (it reads just the header), and only when it is
not huge. Text files are never images, except SVG (an XML document whose root is `<svg>`).

PDFs: a PDF with an image inside (an image XObject) counts as an image and needs a record like a
photo; a PDF with text and drawings only does not. Images inline in a content stream (rare) and
photos inside Office/ZIP files are not looked for.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HEAD = 64
# Pillow reads only the header, but a file this large is not a picture staff put online by mistake.
PILLOW_LIMIT = 64 * 1024 * 1024
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
                b"mif2", b"heif"}
_SVG_ROOT = re.compile(r"<(?:[\w.-]+:)?svg[\s>/]", re.I)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I)
_SUFFIXES = {
    "jpeg": {".jpg", ".jpeg", ".jpe", ".jfif", ".pjpeg", ".pjp"}, "png": {".png", ".apng"}, "tiff": {".tif", ".tiff"},
    "svg": {".svg", ".svgz"}, "mp4": {".mp4", ".m4v", ".mov", ".3gp"}, "mov": {".mov", ".qt"}, "webm": {".webm", ".mkv"},
    "heic": {".heic", ".heif", ".hif"}, "avif": {".avif", ".avifs"}, "ico": {".ico"}, "cur": {".cur"},
    "jxl": {".jxl"}, "jp2": {".jp2", ".jpx", ".jpf"}, "pdf": {".pdf"},
}
_PDF_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z0-9#])")


@dataclass(frozen=True)
class Kind:
    format: str      # "jpeg", "svg", "mp4", "woff2", "text", "unknown", …
    group: str       # "image" (raster), "svg", "video", "pdf", "font", "text", "other"
    image: bool      # shows a picture: needs a consent record (or a "persons: none" record)

    def named_so(self, name: str) -> bool:
        """True when the file's name ends as files of this format usually do (else: a disguised file)."""
        suffix = Path(name).suffix.lower()
        return suffix in _SUFFIXES.get(self.format.split(" ")[0], {"." + self.format.split(" ")[0]})

    @property
    def label(self) -> str:
        """For messages: what the file really is."""
        return {"svg": "SVG-Grafik", "video": "Video", "pdf": "PDF mit Bild"}.get(self.group, self.format.upper()
                                                                                  if self.group == "image" else self.format)


def _ftyp(head: bytes) -> Kind | None:
    if head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(max(size, 16), len(head)), 4)}
    if brands & _AVIF_BRANDS:
        return Kind("avif", "image", True)
    if brands & _HEIF_BRANDS:
        return Kind("heic", "image", True)
    return Kind("mp4", "video", True)


def sniff(head: bytes) -> Kind | None:
    """The format the first bytes name, or None when they name none of the known ones."""
    raster = (
        (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
        (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"II+\x00", "tiff"), (b"MM\x00+", "tiff"), (b"BM", "bmp"),
        (b"\x00\x00\x01\x00", "ico"), (b"\x00\x00\x02\x00", "cur"), (b"\xff\x0a", "jxl"),
        (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jxl"), (b"8BPS", "psd"), (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jp2"),
    )
    for magic, name in raster:
        if head.startswith(magic):
            if name == "bmp" and len(head) >= 18 and int.from_bytes(head[14:18], "little") not in (12, 40, 52, 56, 64, 108, 124):
                break   # "BM" starts many words; a BMP header says its info block size here
            return Kind(name, "image", True)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind("webp", "image", True)
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Kind("avi", "video", True)
    if (kind := _ftyp(head)) is not None:
        return kind
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Kind("webm", "video", True)
    if head[4:8] in (b"moov", b"mdat", b"wide", b"pnot") and int.from_bytes(head[:4], "big") >= 8:
        return Kind("mov", "video", True)   # QuickTime files from before the ftyp box
    for magic, name in ((b"wOF2", "woff2"), (b"wOFF", "woff"), (b"\x00\x01\x00\x00", "ttf"), (b"OTTO", "otf"),
                        (b"true", "ttf"), (b"ttcf", "ttc")):
        if head.startswith(magic):
            return Kind(name, "font", False)
    if len(head) >= 36 and head[34:36] == b"LP":
        return Kind("eot", "font", False)
    return None


def _text(head: bytes) -> str | None:
    """The head as text, or None for binary data."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the head is still text.
        return head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else None


def svg_root(text: str) -> bool | None:
    """True when an XML text's root element is <svg>; None when the head ends inside the prolog."""
    pos = 0
    while (match := _PROLOG.match(text, pos)) is not None and match.end() > pos:
        pos = match.end()
    rest = text[pos:].lstrip()
    if not rest:
        return None
    if rest.startswith(("<?", "<!")):
        return None   # a prolog longer than the head: read more
    return bool(_SVG_ROOT.match(rest))


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(data, 65536)
    except zlib.error:
        return b""


def _pillow(path: Path) -> str | None:
    import warnings

    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                return (image.format or "bild").lower()
    except Image.DecompressionBombError:
        return "bild"
    except Exception:  # noqa: BLE001  (anything Pillow cannot read is not an image to it)
        return None


def _classify(path: Path, size: int) -> Kind:
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if (kind := sniff(head)) is not None:
        return kind
    if head.startswith(b"%PDF-"):
        data = path.read_bytes()
        return Kind("pdf", "pdf", True) if _PDF_IMAGE.search(data) else Kind("pdf", "other", False)
    if head.startswith(b"\x1f\x8b"):
        # svgz (and images gzipped for a server that sends them with Content-Encoding).
        inner = _gunzip_head(path.read_bytes() if size <= PILLOW_LIMIT else head)
        kind = sniff(inner[:HEAD])
        if kind is None and (text := _text(inner[:65536])) is not None and svg_root(text):
            kind = Kind("svg", "svg", True)
        return Kind(f"{kind.format} (gzip)", kind.group, kind.image) if kind and kind.image else Kind("gzip", "other", False)
    text = _text(head)
    if text is not None:
        if "<" not in text and text.strip():
            return Kind("text", "text", False)
        verdict = svg_root(text)
        if verdict is None:   # the root element lies further in: read on (up to the whole file)
            with path.open("rb") as handle:
                verdict = svg_root(handle.read(262144).decode("utf-8", errors="replace"))
            if verdict is None:
                verdict = svg_root(path.read_bytes().decode("utf-8", errors="replace"))
        return Kind("svg", "svg", True) if verdict else Kind("text", "text", False)
    if size <= PILLOW_LIMIT and (name := _pillow(path)) is not None:
        return Kind(name, "image", True)
    return Kind("unknown", "other", False)


@lru_cache(maxsize=16384)
def _cached(path: str, mtime_ns: int, size: int) -> Kind:
    return _classify(Path(path), size)


def classify(path: Path) -> Kind:
    """What the file at ``path`` is, by its bytes (cached while the file is unchanged)."""
    stat = path.stat()
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)


def is_image(path: Path) -> bool:
    """True when the file shows a picture (photo, graphic, video, PDF with an image), whatever its name."""
    return classify(path).image
