"""A note with an image attachment shows its thumbnail on the list row: the S3 handler keeps a reference on
the note item (the first ready image), the list reads nothing more for it, and the picture is served by the
owner-checked redirect to a short-lived presigned GET. Removing that image hands the row to the next one."""

from __future__ import annotations

import re

import requests
from django.conf import settings

from notes import attachment_services, services, upload_events, wiring
from tests.attachment_samples import jpeg_with_gps, png_bytes
from tests.integration.test_upload_events import upload


def row_thumbnails(html: str) -> dict[str, str]:
    """{note id: the thumbnail's src} of the list rows that have one."""
    found = {}
    for note_id, row in re.findall(r'<li id="note-([0-9a-f-]+)"(.*?)</li>', html, flags=re.S):
        src = re.search(r'<img class="row-thumb" src="([^"]+)"', row)
        if src:
            found[note_id] = src.group(1).replace("&amp;", "&")
    return found


def test_the_first_ready_image_is_the_rows_thumbnail_at_no_extra_read(alice, bob, bucket, client_for, ddb_calls):
    pictured = services.note_create(user_id=alice.id, data={"title": "Holiday"})
    plain = services.note_create(user_id=alice.id, data={"title": "Shopping"})
    client = client_for(alice)
    client.get("/notes/")
    ddb_calls.clear()
    client.get("/notes/")
    reads_before = list(ddb_calls)

    first, event = upload(alice, pictured, jpeg_with_gps(), content_type="image/jpeg", name="beach.jpg")
    upload_events.handle_upload(event)
    second, event = upload(alice, pictured, png_bytes(), content_type="image/png", name="map.png")
    upload_events.handle_upload(event)
    upload_events.handle_upload(event)  # redelivered: nothing changes
    _, event = upload(alice, plain, b"milk, eggs\n", content_type="text/plain", name="list.txt")
    upload_events.handle_upload(event)

    ddb_calls.clear()
    page = client.get("/notes/")
    assert page.status_code == 200
    assert ddb_calls == reads_before  # the reference rides on the note items the list reads anyway
    thumbs = row_thumbnails(page.content.decode())
    assert thumbs == {pictured.id: f"/notes/{pictured.id}/attachments/{first}?thumbnail=1"}
    assert services.note_get(user_id=alice.id, note_id=pictured.id).version == pictured.version  # not an edit

    redirect = client.get(thumbs[pictured.id])
    assert redirect.status_code == 302 and redirect["Location"].startswith(settings.ATTACHMENTS_ORIGIN + "/thumbs/")
    assert requests.get(redirect["Location"], timeout=10).headers["Content-Type"] == "image/jpeg"
    assert client_for(bob).get(thumbs[pictured.id]).status_code == 404  # the owner check comes first

    attachment_services.attachment_delete(user_id=alice.id, note_id=pictured.id, attachment_id=first)
    thumbs = row_thumbnails(client.get("/notes/").content.decode())
    assert thumbs == {pictured.id: f"/notes/{pictured.id}/attachments/{second}?thumbnail=1"}
    attachment_services.attachment_delete(user_id=alice.id, note_id=pictured.id, attachment_id=second)
    assert row_thumbnails(client.get("/notes/").content.decode()) == {}


def test_an_edit_keeps_the_thumbnail_and_history_does_not_record_it(alice, bucket, client_for):
    note = services.note_create(user_id=alice.id, data={"title": "Cat"})
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png", name="cat.png")
    upload_events.handle_upload(event)
    edited = services.note_update(
        user_id=alice.id, note_id=note.id, data={"title": "Cat, again"}, expected_version=note.version, partial=True
    )
    assert edited.thumbnail_id == attachment_id
    assert edited == services.note_get(user_id=alice.id, note_id=note.id)
    assert row_thumbnails(client_for(alice).get("/notes/").content.decode()) == {
        note.id: f"/notes/{note.id}/attachments/{attachment_id}?thumbnail=1"
    }


def test_an_event_for_a_deleted_note_does_not_bring_its_item_back(alice, bucket):
    from console.aws import dynamodb

    note = services.note_create(user_id=alice.id, data={"title": "Gone"})
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png", name="x.png")
    repo = wiring.attachment_repository()
    dynamodb.table_call("delete_item", Key={"pk": {"S": f"USER#{alice.id}"}, "sk": {"S": f"NOTE#{note.id}"}})
    assert not repo.set_list_thumbnail(user_id=alice.id, note_id=note.id, attachment_id=attachment_id)
    got = dynamodb.table_call("get_item", Key={"pk": {"S": f"USER#{alice.id}"}, "sk": {"S": f"NOTE#{note.id}"}})
    assert "Item" not in got
