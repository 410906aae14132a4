"""notes/file_check.py on bytes alone (no AWS): what a file really is, and the image work."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from notes.attachments import REASON_MISMATCH, REASON_NOT_ALLOWED, REASON_UNREADABLE
from notes.file_check import Refused, check, is_text, sniff, strip_jpeg_metadata
from tests.attachment_samples import jpeg_with_gps, png_bomb, png_bytes


def run(declared: str, body: bytes):
    return check(declared=declared, head=body[:512], read_all=lambda: body)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7", "application/pdf"),
        (b"<svg", None),
        (b"MZ\x90", None),
    ],
)
def test_it_sniffs_the_type_from_the_first_bytes(head, kind):
    assert sniff(head) == kind


def test_text_is_utf8_without_nul_and_not_a_markup_page():
    assert is_text('Grüße, <b>bold</b> "q"'.encode())
    assert not is_text(b"\xff\xfe\x00a")
    assert not is_text(b"\xef\xbb\xbf  <!DOCTYPE html><p>")
    assert not is_text(b"\n<svg onload=alert(1)>")


def test_stripping_a_jpeg_keeps_its_pixels_and_drops_exif_and_gps():
    body = jpeg_with_gps((64, 48))
    stripped = strip_jpeg_metadata(body)
    assert b"Exif" in body and b"Exif" not in stripped
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(body)).tobytes()


def test_a_checked_png_has_no_text_chunk_and_a_thumbnail():
    checked = run("image/png", png_bytes())
    assert b"tEXt" not in checked.body and checked.thumbnail[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    ("declared", "body", "reason"),
    [
        ("image/png", b"<html><script>alert(1)</script>", REASON_MISMATCH),
        ("text/plain", b"\x89PNG\r\n\x1a\n....", REASON_MISMATCH),
        ("text/csv", b"\x00\x01\x02\xff\xfe", REASON_NOT_ALLOWED),
        ("image/png", png_bomb(), REASON_UNREADABLE),
        ("image/jpeg", jpeg_with_gps((200, 100))[:900], REASON_UNREADABLE),
    ],
)
def test_what_is_refused_and_why(declared, body, reason):
    with pytest.raises(Refused) as refused:
        run(declared, body)
    assert refused.value.reason == reason
