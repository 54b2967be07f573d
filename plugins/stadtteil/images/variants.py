"""The image pipeline: every published photo re-encoded, upright, sRGB, in several widths, no metadata.

Re-encoding from pixels is what drops EXIF (with GPS positions and device data), XMP and IPTC: nothing
of the original file is copied. Results are cached by the content hash of the source and the pipeline
version, so an unchanged photo is never encoded twice.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
import io
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

PIPELINE_VERSION = "1"
WIDTHS = (320, 640, 960, 1280)
WEBP_QUALITY = 75
JPEG_QUALITY = 80
MIN_SIDE = 64                 # a smaller "photo" is a tracking pixel or a mistake
MAX_PIXELS = 60_000_000       # larger: a decompression bomb, or a file no phone needs to send
MAX_ASPECT = 5.0              # wider: a panorama that no page can show sensibly
SIZES = "(min-width: 60em) 40rem, 100vw"


class ImageProblem(Exception):
    """A photo that cannot be published, told in plain German."""


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str               # "webp" | "jpeg"
    path: str                 # site path, e.g. assets/images/naehtreff-3f5c1a2b-640.webp
    data: bytes


@dataclass(frozen=True)
class Processed:
    source: str               # project-relative path of the original
    digest: str               # sha256 of the original
    width: int
    height: int
    variants: tuple[Variant, ...]
    cached: bool
    encoded: bool = True      # False: measured and named, not encoded yet (variants without data)
    repaired: bool = False    # its cache entry was damaged (truncated, half written) and is made anew

    def of(self, fmt: str) -> list[Variant]:
        return [v for v in self.variants if v.format == fmt]

    @property
    def fallback(self) -> Variant:
        jpegs = self.of("jpeg")
        return next((v for v in jpegs if v.width >= 640), jpegs[-1])


def _srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
            return ImageCms.profileToProfile(image.convert(mode), source, target, outputMode=mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: treat the pixels as sRGB, as browsers do
    return image


def _open(data: bytes, name: str) -> Image.Image:
    head = data[:16]
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypmsf1"):
        raise ImageProblem(f"{name} ist ein iPhone-Foto im HEIC-Format, das Browser nicht zeigen. Stellen Sie am "
                           "iPhone „Einstellungen → Kamera → Formate → Maximale Kompatibilität“ ein oder "
                           "exportieren Sie das Foto als JPEG, und legen Sie die JPEG-Datei (mit neuer Einwilligungs-Prüfsumme) ab.")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"):
                raise ImageProblem(f"{name}: Das Bildformat {image.format} wird nicht unterstützt. "
                                   "Speichern Sie das Bild als JPEG oder PNG.")
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"{name} ist riesig (mehr als {MAX_PIXELS // 1_000_000} Millionen Bildpunkte) oder "
                           "beschädigt. Verkleinern Sie das Foto auf höchstens 4000 Pixel Breite.") from None
    except Image.UnidentifiedImageError:
        raise ImageProblem(f"{name} ist kein lesbares Bild. Öffnen Sie es in einem Bildprogramm und speichern Sie "
                           "es neu als JPEG.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageProblem(f"{name} ist unvollständig oder beschädigt (vielleicht beim Hochladen abgebrochen). "
                           "Laden Sie das Foto noch einmal hoch.") from None
    if min(image.size) < MIN_SIDE:
        raise ImageProblem(f"{name} ist nur {image.width}×{image.height} Pixel groß – zu klein für ein Foto. "
                           f"Verwenden Sie ein Bild mit mindestens {MIN_SIDE} Pixeln an jeder Seite.")
    if max(image.size) / min(image.size) > MAX_ASPECT:
        raise ImageProblem(f"{name} ist ein sehr breites oder hohes Panorama ({image.width}×{image.height}). "
                           "Schneiden Sie einen Ausschnitt zu (höchstens 5-mal so breit wie hoch).")
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        flat = image
        if image.mode in ("RGBA", "LA", "P"):
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[-1])
        flat.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


_FORMATS = (("webp", "webp"), ("jpeg", "jpg"))


def process(data: bytes, source: str, stem: str, cache_dir: Path | None = None, encode: bool = True,
            threads: int = 2) -> Processed:
    """Re-encode one photo into its published variants (from the cache when unchanged).

    ``encode=False`` does everything but the encoding: the photo is read and checked (every
    ImageProblem is raised here) and its variants are named and measured, without data. Pages can be
    written with that; ``process`` with ``encode=True`` later gives the same variants with their bytes.
    """
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest}-v{PIPELINE_VERSION}"
    slug = f"{stem}-{digest[:8]}"
    repaired = False
    if cache_dir is not None:
        cached, repaired = _from_cache(cache_dir / key, slug)
        if cached is not None:
            return Processed(source, digest, cached[0], cached[1], cached[2], cached=True)
    image = _open(data, source)
    image = ImageOps.exif_transpose(image)            # upright first, then the EXIF is gone for good
    image = _srgb(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    widths = sorted(set([w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]))
    image.load()
    height_of = lambda width: round(image.height * width / image.width)  # noqa: E731
    if not encode:
        variants = tuple(Variant(width, height_of(width), fmt, f"assets/images/{slug}-{width}.{ext}", b"")
                         for width in widths for fmt, ext in _FORMATS)
        return Processed(source, digest, image.width, image.height, variants, cached=False, encoded=False,
                         repaired=repaired)

    def sized(width: int) -> list[Variant]:
        height = height_of(width)
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        return [Variant(width, height, fmt, f"assets/images/{slug}-{width}.{ext}", _encode(resized, fmt))
                for fmt, ext in _FORMATS]

    # Pillow lets go of the interpreter lock while it resizes and encodes, so the widths are made on
    # two threads at once (``threads``): a cold build waits half as long for its photos. The pool ends
    # here; no thread outlives it (the build may fork its helper process later, which needs a single thread).
    with ThreadPoolExecutor(max_workers=threads) as pool:
        variants = [v for group in pool.map(sized, widths) for v in group]
    result = Processed(source, digest, image.width, image.height, tuple(variants), cached=False, repaired=repaired)
    if cache_dir is not None:
        _to_cache(cache_dir / key, image.width, image.height, variants)
    return result


def _from_cache(folder: Path, slug: str) -> tuple[tuple[int, int, tuple[Variant, ...]] | None, bool]:
    """(width, height, variants) of a cache entry whose every file has the hash its manifest names;
    else (None, damaged). A CI cache restored halfway or a build killed while writing leaves
    truncated files: they are made anew, never published."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return None, os.path.lexists(folder)
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        variants = []
        for v in meta["variants"]:
            data = (folder / Path(v["file"]).name).read_bytes()
            if hashlib.sha256(data).hexdigest() != v["sha256"]:
                return None, True
            variants.append(Variant(int(v["width"]), int(v["height"]), v["format"],
                                    f"assets/images/{slug}-{int(v['width'])}.{v['ext']}", data))
        if not variants:
            return None, True
        return (int(meta["width"]), int(meta["height"]), tuple(variants)), False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, True


def _to_cache(folder: Path, width: int, height: int, variants: list[Variant]) -> None:
    """Each file written beside and renamed into place, the manifest last: a reader sees a whole
    entry or none. The cache only saves time: if it cannot be written, the build goes on without it."""
    def put(name: str, data: bytes) -> None:
        part = folder / f".{name}.{os.getpid()}.part"
        part.write_bytes(data)
        os.replace(part, folder / name)

    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").unlink(missing_ok=True)
        entries = []
        for v in variants:
            name = f"{v.width}.{'webp' if v.format == 'webp' else 'jpg'}"
            put(name, v.data)
            entries.append({"width": v.width, "height": v.height, "format": v.format, "file": name,
                            "ext": name.rsplit(".", 1)[1], "sha256": hashlib.sha256(v.data).hexdigest()})
        put("manifest.json", json.dumps({"width": width, "height": height, "variants": entries}).encode())
    except OSError:
        for part in folder.glob(f".*.{os.getpid()}.part"):
            part.unlink(missing_ok=True)


def picture_html(processed: Processed, alt: str, url: callable, eager: bool = False, css_class: str = "") -> str:
    """`<picture>` with WebP and JPEG `srcset`, `sizes`, width and height (no layout shift)."""
    from markupsafe import escape

    webp = ", ".join(f"{url(v.path)} {v.width}w" for v in processed.of("webp"))
    jpeg = ", ".join(f"{url(v.path)} {v.width}w" for v in processed.of("jpeg"))
    fallback = processed.fallback
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return (f'<picture{cls}><source type="image/webp" srcset="{webp}" sizes="{SIZES}">'
            f'<img src="{url(fallback.path)}" srcset="{jpeg}" sizes="{SIZES}" width="{fallback.width}" '
            f'height="{fallback.height}" alt="{escape(alt)}" {loading} decoding="async"></picture>')
