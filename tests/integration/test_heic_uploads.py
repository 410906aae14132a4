"""HEIC/HEIF photos, real samples from pillow-heif's own test images (tests/data/heic/SOURCES.md):
uploaded by presigned POST on moto, read by pi-heif in the S3 handler, stored as a JPEG browsers show,
without the sample's EXIF, XMP and IPTC (a place name among them), with a thumbnail on the note's list row;
served under a .jpg name. A truncated HEIC, or a HEIC claimed as a JPEG, is refused with its reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
from PIL import Image

from console.aws import s3
from notes import attachment_services, services, upload_events
from notes.attachments import REASON_MISMATCH, REASON_UNREADABLE
from tests.integration.test_upload_events import objects, stored, upload

DATA = Path(__file__).resolve().parents[1] / "data" / "heic"


@pytest.fixture
def note(alice, bucket):
    return services.note_create(user_id=alice.id, data={"title": "From my phone"})


@pytest.mark.parametrize(
    ("sample", "claimed", "size"),
    [("L_exif_xmp_iptc.heic", "image/heic", (64, 64)), ("RGB_8__128x128.heif", "image/heif", (128, 128))],
)
def test_a_heic_photo_is_stored_as_a_jpeg_without_its_metadata(alice, note, sample, claimed, size):
    body = (DATA / sample).read_bytes()
    attachment_id, event = upload(alice, note, body, content_type=claimed, name=f"IMG_0001{Path(sample).suffix}")

    result = upload_events.handle_upload(event)

    assert [o["outcome"] for o in result["outcomes"]] == ["ready"]
    a = stored(alice, note, attachment_id)
    assert (a.status, a.content_type, a.thumbnail, a.inline) == ("ready", "image/jpeg", True, True)
    ids = {"user_id": alice.id, "note_id": note.id, "attachment_id": attachment_id}
    kept = s3.read(s3.file_key(**ids))
    image = Image.open(io.BytesIO(kept))
    assert (image.format, image.size) == ("JPEG", size)
    for trace in (b"Exif", b"xmpmeta", b"Photoshop 3.0", b"Budapest", b"Hungary"):
        assert trace not in kept
    assert a.size == len(kept) and objects() == sorted([s3.file_key(**ids), s3.thumb_key(**ids)])
    assert services.note_get(user_id=alice.id, note_id=note.id).thumbnail_id == attachment_id
    served = requests.get(attachment_services.attachment_url(attachment=a), timeout=10)
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Content-Disposition"] == "inline; filename*=UTF-8''IMG_0001.jpg"


def test_the_sample_does_carry_the_metadata_that_must_go():
    from pi_heif import register_heif_opener

    register_heif_opener()
    body = (DATA / "L_exif_xmp_iptc.heic").read_bytes()
    info = Image.open(io.BytesIO(body)).info
    assert info["exif"] and info["xmp"] and b"Budapest" in info["metadata"][0]["data"]


@pytest.mark.parametrize(
    ("body", "claimed", "reason"),
    [
        ((DATA / "RGB_8__128x128.heif").read_bytes()[:3000], "image/heic", REASON_UNREADABLE),  # truncated
        ((DATA / "RGB_8__128x128.heif").read_bytes(), "image/jpeg", REASON_MISMATCH),
    ],
    ids=["truncated", "claimed-as-jpeg"],
)
def test_a_bad_heic_is_rejected_and_nothing_kept(alice, note, body, claimed, reason):
    attachment_id, event = upload(alice, note, body, content_type=claimed, name="IMG.heic")

    upload_events.handle_upload(event)

    a = stored(alice, note, attachment_id)
    assert (a.status, a.reason) == ("rejected", reason)
    assert objects() == []
