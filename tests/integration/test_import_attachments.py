"""Files that come with an import become the new notes' attachments, through the upload's own processing (moto:
DynamoDB and S3). The Takeout sample is a real one (tests/data/imports/SOURCES.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
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
    again = notes_import(user_id=alice.id, files=[("takeout.zip", (DATA / TAKEOUT).read_bytes())])
    assert (again.created, again.already, again.attachments) == (0, 2, 0)  # nothing twice, files included
    assert len(repo.list_for_user(user_id=alice.id)) == 2 and len(objects()) == 4


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
        "the attachment voice.3gp (audio/3gp): This kind of file cannot be attached (allowed: JPEG, PNG, GIF, WebP, HEIC, "
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


# --- this app's own exports ---------------------------------------------------------------------------


def _note_with_a_photo(user):
    """A note with a checked JPEG attached, through the upload's path (presigned POST, S3's event)."""
    from notes import attachment_services, services, upload_events
    from tests.integration.attachments_support import s3_event, send_upload

    note = services.note_create(user_id=user.id, data={"title": "Trip", "content": "Day one.", "labels": ["travel"]})
    body = jpeg_with_gps(size=(200, 150))
    started = attachment_services.attachment_start(
        user_id=user.id,
        note_id=note.id,
        data={"name": "beach [1].jpg", "content_type": "image/jpeg", "size": len(body)},
    )
    send_upload({"url": started.url, "fields": started.fields}, body)
    upload_events.handle_upload(s3_event(started.fields["key"]))
    return note, DynamoDBAttachmentRepository().list(user_id=user.id, note_id=note.id)[0]


def test_the_json_export_lists_each_notes_attachments(alice, bucket, client_for):
    note, attachment = _note_with_a_photo(alice)

    exported = json.loads(b"".join(client_for(alice).get("/notes/export/notes.json").streaming_content))

    (entry,) = exported["notes"]
    assert entry["attachments"] == [
        {
            "id": attachment.id,
            "name": "beach [1].jpg",
            "content_type": "image/jpeg",
            "size": attachment.size,
            "status": "ready",
        }
    ]


def test_the_markdown_zip_holds_the_files_and_brings_them_back_into_another_account(alice, bob, bucket, client_for):
    note, attachment = _note_with_a_photo(alice)
    stored = s3.read(s3.file_key(user_id=alice.id, note_id=note.id, attachment_id=attachment.id))

    zipped = b"".join(client_for(alice).get("/notes/export/notes.zip").streaming_content)

    archive = zipfile.ZipFile(io.BytesIO(zipped))
    md_name = next(n for n in archive.namelist() if n.endswith(".md"))
    path = f"attachments/{md_name.removesuffix('.md')}/beach-1.jpg"
    assert archive.read(path) == stored
    markdown = archive.read(md_name).decode()
    assert markdown.endswith(f"Day one.\n\n![beach \\[1\\].jpg]({path})\n")  # the note's Markdown shows it
    assert '"path": "' + path + '"' in markdown  # and its front matter lists it

    result = notes_import(user_id=bob.id, files=[("notes-markdown-part-1.zip", zipped)])

    assert (result.created, result.attachments, result.not_kept) == (1, 1, [])
    (copy,) = wiring.note_repository().iter_notes(user_id=bob.id)
    assert (copy.title, copy.content, copy.labels) == ("Trip", "Day one.", ("travel",))  # the links taken off
    (again,) = DynamoDBAttachmentRepository().list(user_id=bob.id, note_id=copy.id)
    assert (again.name, again.content_type, again.status) == ("beach [1].jpg", "image/jpeg", "ready")
    assert s3.read(s3.file_key(user_id=bob.id, note_id=copy.id, attachment_id=again.id)) == stored


def test_a_json_export_imported_says_its_files_are_in_the_zip_export(alice, bob, bucket, client_for):
    _note_with_a_photo(alice)
    exported = b"".join(client_for(alice).get("/notes/export/notes.json").streaming_content)

    result = notes_import(user_id=bob.id, files=[("notes-part-1.json", exported)])

    assert (result.created, result.attachments) == (1, 0)
    assert result.not_kept[0]["what"] == [
        "the attachment beach [1].jpg (image/jpeg): the export lists it without its file (the Markdown export's "
        "zip holds the files)"
    ]


def test_the_import_page_says_how_many_files_came_and_which_could_not(alice, bucket, client_for):
    client = client_for(alice)
    upload = SimpleUploadedFile("takeout.zip", (DATA / TAKEOUT).read_bytes(), content_type="application/zip")

    page = client.get(client.post("/notes/import/", {"file": upload})["Location"]).content.decode()

    assert "2 notes imported from Keep" in page and "2 files attached to their notes" in page
    assert "Takeout/Keep/good place.json" in page and "its colour (RED)" in page


def test_files_an_import_ran_out_of_time_for_come_with_the_same_file_again(alice, bucket):
    upload = [("takeout.zip", (DATA / TAKEOUT).read_bytes())]
    ticks = iter([0.0])  # the budget is set at 0; every later look at the clock finds it spent

    cut = notes_import(user_id=alice.id, files=upload, clock=lambda: next(ticks, 10_000.0))

    assert (cut.created, cut.attachments, cut.remaining) == (1, 0, 1)  # the first note, without its file
    assert any("ran out of time" in line for item in cut.not_kept for line in item["what"])
    repo = DynamoDBAttachmentRepository()
    assert repo.list_for_user(user_id=alice.id) == []

    again = notes_import(user_id=alice.id, files=upload)

    assert (again.created, again.already, again.attachments) == (1, 1, 2)  # the rest, and the first one's file
    assert len(repo.list_for_user(user_id=alice.id)) == 2
    third = notes_import(user_id=alice.id, files=upload)
    assert (third.created, third.already, third.attachments) == (0, 2, 0)  # nothing twice
    assert len(repo.list_for_user(user_id=alice.id)) == 2 and len(objects()) == 4
