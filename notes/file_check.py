"""What an uploaded file really is, from its bytes (never its name or the client's claim), and the image work:
metadata stripped, a thumbnail made. Pillow is imported here only, and this module only by the S3 handler
(notes/upload_events.py), so the pages' cold start does not load it.

A JPEG keeps its pixels: its metadata segments (EXIF with any GPS position, XMP, IPTC, comments) are cut out
of the byte stream, unless its EXIF orientation says the pixels must be turned, when it is re-encoded upright.
Other images are re-encoded without metadata. Every image is decoded (a truncated or damaged one is refused)
with a cap on pixels (a decompression bomb is refused before it is decoded).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from notes.attachments import (
    DOCUMENT_TYPES,
    HEIC,
    IMAGE_TYPES,
    REASON_MISMATCH,
    REASON_NOT_ALLOWED,
    REASON_UNREADABLE,
)

# A 10 MB photo holds at most a few tens of megapixels; more than this is a bomb (decoded RGBA: 4 bytes each).
MAX_PIXELS = 50_000_000
THUMBNAIL_BOX = (320, 320)
SNIFF_BYTES = 512


class Refused(Exception):
    """The file is not accepted; `reason` is what its owner is told (notes/attachments.py's wording)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    content_type: str
    body: bytes | None  # the bytes to store (images: without metadata); None: store the upload as it is
    thumbnail: bytes | None = None


def sniff(head: bytes) -> str | None:
    """The type the first bytes say, among those we know; None if they say none of them."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


# ISO BMFF major brands of HEVC-coded HEIF images (iPhones write `heic`); `mif1`/`msf1` are HEIF's generic ones.
# An AVIF (brand `avif`) is not among them; one that claims `mif1` fails the decode and is refused.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<head", b"<body", b"<iframe")


def is_text(body: bytes) -> bool:
    """UTF-8 text, no NUL, and not a markup document (an HTML or SVG page claiming to be text)."""
    if b"\x00" in body:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    start = text.lstrip("\ufeff \t\r\n")[:64].lower().encode()
    return not start.startswith(_MARKUP)


def check(*, declared: str, head: bytes, read_all) -> Checked:
    """Decide on a file: `declared` is the type its owner claimed, `head` its first SNIFF_BYTES, `read_all()`
    returns every byte (called only when needed). Refused with the reason otherwise."""
    real = sniff(head)
    if declared in DOCUMENT_TYPES and declared.startswith("text/"):
        if real is not None:
            raise Refused(REASON_MISMATCH)
        if not is_text(read_all()):
            raise Refused(REASON_MISMATCH if _looks_textual(head) else REASON_NOT_ALLOWED)
        return Checked(content_type=declared, body=None)
    if real is None:
        raise Refused(REASON_MISMATCH if declared in IMAGE_TYPES + DOCUMENT_TYPES else REASON_NOT_ALLOWED)
    if real != declared:
        raise Refused(REASON_MISMATCH)
    if real == "application/pdf":
        return Checked(content_type=real, body=None)
    return _image(real, read_all())


def _looks_textual(head: bytes) -> bool:
    try:
        head.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _image(content_type: str, body: bytes) -> Checked:
    import warnings

    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    if content_type == HEIC:
        return _heic(body)
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body), formats=[fmt]) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise Refused(REASON_UNREADABLE)
                orientation = img.getexif().get(0x0112, 1) if fmt == "JPEG" else 1
                if fmt == "JPEG" and orientation in (1, None):
                    cleaned = strip_jpeg_metadata(body)
                    img.draft("RGB", (THUMBNAIL_BOX[0] * 2, THUMBNAIL_BOX[1] * 2))  # decode at a fraction of its size
                    img.load()
                    thumb_source = img
                else:
                    img.load()
                    upright = ImageOps.exif_transpose(img) if fmt == "JPEG" else img
                    cleaned = _reencode(upright, fmt, animated=getattr(img, "is_animated", False))
                    thumb_source = upright
                thumbnail = _thumbnail(thumb_source)
    except Refused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(REASON_UNREADABLE) from None
    return Checked(content_type=content_type, body=cleaned, thumbnail=thumbnail)


def _heic(body: bytes) -> Checked:
    """A HEIC/HEIF photo, decoded by pi-heif (imported here only: its libraries load in the S3 handler
    alone) and stored as a JPEG browsers can show: upright, its colour profile kept, no EXIF, XMP or IPTC."""
    from pi_heif import register_heif_opener
    from PIL import Image, ImageOps

    register_heif_opener(thumbnails=False)
    try:
        with Image.open(io.BytesIO(body), formats=["HEIF"]) as img:
            if img.width * img.height > MAX_PIXELS:
                raise Refused(REASON_UNREADABLE)
            img.load()
            upright = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            profile = img.info.get("icc_profile") or None
            upright.convert("RGB").save(out, "JPEG", quality=90, exif=b"", xmp=b"", icc_profile=profile)
            thumbnail = _thumbnail(upright)
    except Refused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError, Image.DecompressionBombError):
        raise Refused(REASON_UNREADABLE) from None
    return Checked(content_type="image/jpeg", body=out.getvalue(), thumbnail=thumbnail)


def _reencode(img, fmt: str, *, animated: bool) -> bytes:
    out = io.BytesIO()
    if fmt == "PNG":
        img.save(out, "PNG", optimize=False)  # no text chunks, no EXIF: nothing but the pixels
    elif fmt == "GIF":
        img.save(out, "GIF", save_all=animated)
    elif fmt == "WEBP":
        img.save(out, "WEBP", save_all=animated, lossless=True, exif=b"", xmp=b"")
    else:
        img.convert("RGB").save(out, "JPEG", quality=92, exif=b"")
    return out.getvalue()


def _thumbnail(img) -> bytes:
    thumb = img.convert("RGB")
    thumb.thumbnail(THUMBNAIL_BOX)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


# JPEG segments that hold metadata: APP1 (EXIF, XMP), APP2-APP13 except ICC (APP2 "ICC_PROFILE" is kept: the
# colours depend on it), APP15, COM. APP0 (JFIF) and APP14 (Adobe colour transform) are needed to decode.
_KEEP_APP = {0xE0, 0xEE}


def strip_jpeg_metadata(body: bytes) -> bytes:
    """The JPEG without its metadata segments, pixels untouched. ValueError if the stream is malformed."""
    if not body.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    out = bytearray(b"\xff\xd8")
    i = 2
    while i < len(body):
        if body[i] != 0xFF:
            raise ValueError("bad marker")
        marker = body[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += body[i:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += body[i : i + 2]
            i += 2
            continue
        (length,) = struct.unpack(">H", body[i + 2 : i + 4])
        segment = body[i : i + 2 + length]
        if len(segment) < 2 + length:
            raise ValueError("truncated segment")
        is_icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        if (0xE0 <= marker <= 0xEF and marker not in _KEEP_APP and not is_icc) or marker == 0xFE:
            i += 2 + length
            continue
        out += segment
        i += 2 + length
    raise ValueError("no image data")
