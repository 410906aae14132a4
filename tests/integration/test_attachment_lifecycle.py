"""An attachment's files go with its note: deleted for good (one note, the trash emptied, the daily purge: all
through the table stream's REMOVE, as Lambda's stream trigger delivers it) and with its owner's account."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.services import user_delete
from console.aws import s3
from notes import attachment_services, services, upload_events
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
from notes.domain import iso_after, now_iso
from notes.stream_poller import StreamPoller
from tests.conftest import PASSWORD
from tests.integration.attachments_support import s3_event, send_upload


@pytest.fixture
def stream(aws):
    """Plays Lambda's stream trigger: the local poller's code reading moto's stream into handle_stream."""
    poller = StreamPoller(endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com", table_name="notes-test")
    poller.poll_once()
    return poller


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "PNG")
    return out.getvalue()


def attached(user, title: str = "with a file"):
    note = services.note_create(user_id=user.id, data={"title": title})
    body = png()
    started = attachment_services.attachment_start(
        user_id=user.id, note_id=note.id, data={"name": "a.png", "content_type": "image/png", "size": len(body)}
    )
    send_upload({"url": started.url, "fields": started.fields}, body)
    upload_events.handle_upload(s3_event(started.fields["key"]))
    return note


def objects() -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket_name()).get("Contents", []))


def test_a_note_deleted_for_good_takes_its_files_and_gives_back_the_space(alice, bucket, stream):
    note, kept = attached(alice), attached(alice, "kept")
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=1)
    stream.poll_once()
    assert len(objects()) == 4  # in the trash: restorable, files kept

    services.note_delete_forever(user_id=alice.id, note_id=note.id)
    stream.poll_once()

    assert all(kept.id in key for key in objects()) and len(objects()) == 2
    assert DynamoDBAttachmentRepository().list(user_id=alice.id, note_id=note.id) == []
    remaining = DynamoDBAttachmentRepository().list(user_id=alice.id, note_id=kept.id)
    assert attachment_services.attachment_usage(user_id=alice.id)["used"] == sum(a.size for a in remaining)


def test_emptying_the_trash_and_the_daily_purge_take_the_files_too(alice, bucket, stream):
    emptied, purged = attached(alice, "emptied"), attached(alice, "purged")
    services.note_delete(user_id=alice.id, note_id=emptied.id, expected_version=1)
    services.trash_empty(user_id=alice.id)
    stream.poll_once()
    assert not any(emptied.id in key for key in objects())

    services.note_delete(user_id=alice.id, note_id=purged.id, expected_version=1)
    assert services.trash_purge(now=iso_after(now_iso(), days=31)) == 1
    stream.poll_once()
    assert objects() == []


def test_deleting_the_account_deletes_every_file(alice, bob, bucket):
    attached(alice)
    attached(alice, "second")
    bobs = attached(bob, "bob's")

    user_delete(user_id=alice.id, password=PASSWORD)

    assert objects() and all(bob.id in key for key in objects())
    assert DynamoDBAttachmentRepository().list_for_user(user_id=alice.id) == []
    assert DynamoDBAttachmentRepository().list(user_id=bob.id, note_id=bobs.id)
