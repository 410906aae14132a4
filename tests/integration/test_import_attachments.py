"""Files that come with an import become the new notes' attachments, through the upload's own processing (moto:
DynamoDB and S3). The Takeout sample is a real one (tests/data/imports/SOURCES.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from PIL import Image

from console.aws import s3
from notes import wiring
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
from notes.imports import notes_import
from tests.attachment_samples import jpeg_with_gps

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
TAKEOUT = "keep/notesnook-takeout2-two-notes-with-images.zip"


def objects() -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket_name()).get("Contents", []))


def notes_by_title(user) -> dict:
    return {n.title: n for n in wiring.note_repository().iter_notes(user_id=user.id)}


def test_a_takeouts_images_become_the_notes_attachments(alice, bucket):
    result = notes_import(user_id=alice.id, files=[("takeout.zip", (DATA / TAKEOUT).read_bytes())])

    assert (result.created, result.attachments) == (2, 2)
    notes = notes_by_title(alice)
    repo = DynamoDBAttachmentRepository()
    draw = repo.list(user_id=alice.id, note_id=notes["draw"].id)
    # "good place.json" names its file ".jpeg"; the zip holds it as ".jpg" (Takeout does that).
    place = repo.list(user_id=alice.id, note_id=notes["good place"].id)
    assert [(a.name, a.content_type, a.status, a.thumbnail) for a in draw] == [
        ("1629964295873.139657380.png", "image/png", "ready", True)
    ]
    assert [(a.name, a.content_type, a.status) for a in place] == [
        ("1629964333125.746683646.jpeg", "image/jpeg", "ready")
    ]
    assert repo.usage(user_id=alice.id) == draw[0].size + place[0].size
    # Only the checked files and thumbnails stay: the upload objects are gone, all under alice's prefix.
    assert all(key.startswith(("files/", "thumbs/")) and alice.id in key for key in objects())
    assert len(objects()) == 4
    assert [item["what"] for item in result.not_kept] == [["its colour (RED): notes here have no colours"]]


def test_an_imported_photo_loses_its_location_like_an_upload(alice, bucket):
    note = {"title": "Trip", "textContent": "x", "attachments": [{"filePath": "photo.jpg", "mimetype": "image/jpeg"}]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Takeout/Keep/Trip.json", json.dumps(note))
        archive.writestr("Takeout/Keep/photo.jpg", jpeg_with_gps())

    result = notes_import(user_id=alice.id, files=[("takeout.zip", buffer.getvalue())])

    assert result.attachments == 1
    (attachment,) = DynamoDBAttachmentRepository().list(user_id=alice.id, note_id=notes_by_title(alice)["Trip"].id)
    stored = s3.read(s3.file_key(user_id=alice.id, note_id=attachment.note_id, attachment_id=attachment.id))
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}


def test_a_file_that_is_not_what_it_says_or_not_allowed_is_listed_and_the_note_kept(alice, bucket):
    note = {
        "title": "Odd files",
        "textContent": "x",
        "attachments": [
            {"filePath": "fake.png", "mimetype": "image/png"},
            {"filePath": "voice.3gp", "mimetype": "audio/3gp"},
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Takeout/Keep/Odd files.json", json.dumps(note))
        archive.writestr("Takeout/Keep/fake.png", b"<html><script>alert(1)</script></html>")
        archive.writestr("Takeout/Keep/voice.3gp", b"\x00\x00\x00\x18ftyp3gp4")

    result = notes_import(user_id=alice.id, files=[("takeout.zip", buffer.getvalue())])

    assert (result.created, result.attachments) == (1, 0)
    (item,) = result.not_kept
    assert item["what"] == [
        "the attachment fake.png (image/png): The file is not what its type says it is.",
        "the attachment voice.3gp (audio/3gp): This kind of file cannot be attached (allowed: JPEG, PNG, GIF, WebP, "
        "PDF, text, Markdown, CSV).",
    ]
    assert objects() == []  # the refused file's object is gone
    assert DynamoDBAttachmentRepository().usage(user_id=alice.id) == 0


def test_imported_files_count_against_the_quota(alice, bucket, settings):
    settings.ATTACHMENTS_QUOTA_BYTES = 200_000  # the JPEG (170,706 bytes once checked) fits, then the PNG does not

    result = notes_import(user_id=alice.id, files=[("takeout.zip", (DATA / TAKEOUT).read_bytes())])

    assert result.attachments == 1
    refused = [w for item in result.not_kept for w in item["what"] if "storage is full" in w]
    assert refused == [
        "the attachment 1629964295873.139657380.png (image/png): Your storage is full: remove attachments to make room."
    ]
    assert DynamoDBAttachmentRepository().usage(user_id=alice.id) == 170_706
