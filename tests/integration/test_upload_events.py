"""The S3 handler (notes/upload_events.py) on moto: a real upload through the presigned POST, S3's event, and
what comes of it: a checked file with its metadata gone and a thumbnail, or a rejection with its reason and
nothing left behind. Redelivery, retries, the deadline and every kind of bad file."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from PIL import Image

from console.aws import s3
from console.aws.errors import Unavailable
from notes import attachment_services, services, upload_events
from notes.attachments import (
    MAX_BYTES,
    REASON_EMPTY,
    REASON_MISMATCH,
    REASON_NOTE_GONE,
    REASON_QUOTA,
    REASON_TOO_BIG,
    REASON_UNREADABLE,
)
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
from tests.attachment_samples import jpeg_with_gps, png_bomb, png_bytes
from tests.integration.attachments_support import s3_event, send_upload


@pytest.fixture
def note(alice, bucket):
    return services.note_create(user_id=alice.id, data={"title": "Holiday"})


def upload(
    user, note, body: bytes, *, content_type: str, name: str = "file", declared: int | None = None
) -> tuple[str, dict]:
    size = declared if declared is not None else max(1, len(body))
    started = attachment_services.attachment_start(
        user_id=user.id, note_id=note.id, data={"name": name, "content_type": content_type, "size": size}
    )
    assert send_upload({"url": started.url, "fields": started.fields}, body) == 204
    return started.attachment.id, s3_event(started.fields["key"])


def stored(user, note, attachment_id):
    return DynamoDBAttachmentRepository().get(user_id=user.id, note_id=note.id, attachment_id=attachment_id)


def whole_table() -> list[dict]:
    from console.aws import dynamodb

    return dynamodb.client().scan(TableName=dynamodb.table_name())["Items"]  # test-only full read


def objects() -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket_name()).get("Contents", []))


def test_a_photo_is_stored_without_its_exif_and_gps_with_a_thumbnail(alice, note):
    body = jpeg_with_gps()
    assert Image.open(io.BytesIO(body)).getexif().get_ifd(0x8825)  # the sample does carry a position
    attachment_id, event = upload(alice, note, body, content_type="image/jpeg", name="IMG_0001.jpg")

    result = upload_events.handle_upload(event)

    assert [o["outcome"] for o in result["outcomes"]] == ["ready"]
    a = stored(alice, note, attachment_id)
    assert (a.status, a.thumbnail) == ("ready", True)
    ids = {"user_id": alice.id, "note_id": note.id, "attachment_id": attachment_id}
    kept = s3.read(s3.file_key(**ids))
    image = Image.open(io.BytesIO(kept))
    assert image.size == (1600, 1200)
    assert not image.getexif() and b"Exif" not in kept[:2000] and b"PhoneMaker" not in kept
    assert a.size == len(kept)
    thumb = Image.open(io.BytesIO(s3.read(s3.thumb_key(**ids))))
    assert thumb.format == "JPEG" and max(thumb.size) <= 320
    assert objects() == sorted([s3.file_key(**ids), s3.thumb_key(**ids)])  # the upload itself is gone
    assert attachment_services.attachment_usage(user_id=alice.id)["used"] == len(kept)


def test_a_photo_that_must_be_turned_is_stored_upright_without_metadata(alice, note):
    attachment_id, event = upload(alice, note, jpeg_with_gps((300, 200), orientation=6), content_type="image/jpeg")
    upload_events.handle_upload(event)
    kept = s3.read(s3.file_key(user_id=alice.id, note_id=note.id, attachment_id=attachment_id))
    image = Image.open(io.BytesIO(kept))
    assert image.size == (200, 300) and not image.getexif()


def test_a_png_loses_its_text_chunks(alice, note):
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png")
    upload_events.handle_upload(event)
    kept = s3.read(s3.file_key(user_id=alice.id, note_id=note.id, attachment_id=attachment_id))
    assert b"Rue de la Paix" not in kept and Image.open(io.BytesIO(kept)).size == (50, 40)


def test_a_redelivered_or_retried_event_changes_nothing(alice, note):
    attachment_id, event = upload(alice, note, jpeg_with_gps((64, 64)), content_type="image/jpeg")
    upload_events.handle_upload(event)
    table, bucket = whole_table(), objects()

    again = upload_events.handle_upload(event)

    assert again["outcomes"][0]["outcome"] in {"duplicate", "ignored"}
    assert whole_table() == table and objects() == bucket


def test_pdf_and_text_are_kept_as_they_are(alice, note):
    pdf_id, pdf_event = upload(
        alice, note, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf"
    )
    txt_id, txt_event = upload(alice, note, 'Grüße, "quotes" & <b>\n'.encode(), content_type="text/plain")
    upload_events.handle_upload(pdf_event)
    upload_events.handle_upload(txt_event)
    assert stored(alice, note, pdf_id).status == "ready"
    assert stored(alice, note, txt_id).status == "ready"
    head = s3.head(s3.file_key(user_id=alice.id, note_id=note.id, attachment_id=txt_id))
    assert head["ContentType"] == "text/plain"


@pytest.mark.parametrize(
    ("body", "declared", "reason"),
    [
        (b"<html><body><script>alert(document.cookie)</script></body></html>", "image/png", REASON_MISMATCH),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "text/plain", REASON_MISMATCH),
        (b"<!DOCTYPE html><script>alert(1)</script>", "text/markdown", REASON_MISMATCH),
        (png_bytes(), "image/jpeg", REASON_MISMATCH),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "application/pdf", REASON_MISMATCH),
        (png_bomb(), "image/png", REASON_UNREADABLE),
        (jpeg_with_gps((400, 300))[:1500], "image/jpeg", REASON_UNREADABLE),
        (b"", "text/plain", REASON_EMPTY),
    ],
    ids=[
        "png-that-is-html",
        "svg-with-script",
        "html-as-markdown",
        "png-as-jpeg",
        "exe-as-pdf",
        "bomb",
        "truncated-jpeg",
        "empty",
    ],
)
def test_a_bad_file_is_rejected_with_its_reason_and_nothing_is_kept(alice, note, body, declared, reason):
    attachment_id, event = upload(alice, note, body, content_type=declared)

    result = upload_events.handle_upload(event)

    assert result["outcomes"][0]["outcome"] == "rejected"
    a = stored(alice, note, attachment_id)
    assert (a.status, a.reason) == ("rejected", reason)
    assert objects() == []
    assert attachment_services.attachment_usage(user_id=alice.id)["used"] == 0
    assert attachment_services.attachment_url(attachment=a) is None


def test_a_file_over_10_mb_is_rejected_though_the_endpoint_let_it_through(alice, note):
    # Real S3 refuses it (the policy's content-length-range, tested in test_api_attachments.py); moto does not.
    # The client declares 1 KB and sends 10 MB + 5 bytes.
    attachment_id, event = upload(
        alice, note, b"%PDF-" + b"0" * MAX_BYTES, content_type="application/pdf", declared=1024
    )
    upload_events.handle_upload(event)
    assert stored(alice, note, attachment_id).reason == REASON_TOO_BIG
    assert objects() == []


def test_an_upload_for_a_note_deleted_meanwhile_is_rejected(alice, note):
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png")
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)
    upload_events.handle_upload(event)
    assert stored(alice, note, attachment_id).reason == REASON_NOTE_GONE
    assert objects() == []


def test_a_user_at_the_quota_gets_the_upload_rejected_and_nothing_half_counted(alice, note):
    first_id, first = upload(alice, note, png_bytes(), content_type="image/png")
    upload_events.handle_upload(first)
    used = attachment_services.attachment_usage(user_id=alice.id)["used"]
    second_id, second = upload(alice, note, png_bytes(), content_type="image/png")
    with override_settings(ATTACHMENTS_QUOTA_BYTES=used + 10):
        upload_events.handle_upload(second)
    assert stored(alice, note, second_id).reason == REASON_QUOTA
    assert attachment_services.attachment_usage(user_id=alice.id)["used"] == used
    ids = {"user_id": alice.id, "note_id": note.id, "attachment_id": first_id}
    assert objects() == sorted([s3.file_key(**ids), s3.thumb_key(**ids)])


def test_an_event_for_a_key_under_another_users_prefix_touches_nothing_of_theirs(alice, bob, note):
    attachment_id, _ = upload(alice, note, png_bytes(), content_type="image/png")
    forged = s3.upload_key(user_id=bob.id, note_id=note.id, attachment_id=attachment_id)
    s3.client().put_object(Bucket=s3.bucket_name(), Key=forged, Body=png_bytes())

    result = upload_events.handle_upload(s3_event(forged))

    assert result["outcomes"][0]["outcome"] == "ignored"
    assert stored(alice, note, attachment_id).status == "pending"
    assert forged not in objects()


@pytest.mark.parametrize(
    ("other_bucket", "key"),
    [
        ("someone-elses-bucket", None),
        (None, "files/{user}/{note}/0123456789abcdef0123456789abcdef"),
        (None, "uploads/../../x"),
        (None, "uploads/a b/c"),
    ],
)
def test_events_for_another_bucket_or_prefix_are_ignored(alice, note, other_bucket, key):
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png")
    record = event["Records"][0]["s3"]
    if other_bucket:
        record["bucket"] = {"name": other_bucket, "arn": f"arn:aws:s3:::{other_bucket}"}
    if key:
        record["object"]["key"] = key.format(user=alice.id, note=note.id).replace(" ", "+")
    before = objects()

    result = upload_events.handle_upload(event)

    assert result["outcomes"][0]["outcome"] == "ignored"
    assert stored(alice, note, attachment_id).status == "pending" and objects() == before


def test_s3_unavailable_raises_so_lambda_retries_and_the_retry_finishes(alice, note, monkeypatch):
    attachment_id, event = upload(alice, note, png_bytes(), content_type="image/png")
    real_head = s3.head

    def failing(key):
        raise Unavailable("HeadObject timed out.", code="ReadTimeoutError")

    monkeypatch.setattr(s3, "head", failing)
    with pytest.raises(upload_events.RetryLater):
        upload_events.handle_upload(event)
    assert stored(alice, note, attachment_id).status == "pending"

    monkeypatch.setattr(s3, "head", real_head)
    assert upload_events.handle_upload(event)["outcomes"][0]["outcome"] == "ready"


def test_it_keeps_to_its_deadline(alice, note):
    _, event = upload(alice, note, png_bytes(), content_type="image/png")

    class AlmostOutOfTime:
        def get_remaining_time_in_millis(self) -> int:
            return 5_000

    with pytest.raises(upload_events.RetryLater):
        upload_events.handle_upload(event, AlmostOutOfTime())
    assert len(objects()) == 1  # untouched: the retry does the work


def test_a_never_confirmed_upload_leaves_nothing_behind_for_long(alice, note):
    """No event ever comes (the browser gave up, or S3's event was lost): the pending record expires (TTL) and
    the object goes by the bucket's lifecycle rule, both after a day; the record is never served."""
    import time

    from console.aws import dynamodb
    from notes.attachments import PENDING_SECONDS

    started = attachment_services.attachment_start(
        user_id=alice.id, note_id=note.id, data={"name": "a.png", "content_type": "image/png", "size": 10}
    )
    send_upload({"url": started.url, "fields": started.fields}, png_bytes())
    item = dynamodb.client().get_item(
        TableName=dynamodb.table_name(),
        Key={"pk": {"S": f"USER#{alice.id}"}, "sk": {"S": f"ATT#{note.id}#{started.attachment.id}"}},
    )["Item"]
    assert abs(int(item[dynamodb.TTL_ATTRIBUTE]["N"]) - (time.time() + PENDING_SECONDS)) < 60
    (rule,) = s3.client().get_bucket_lifecycle_configuration(Bucket=s3.bucket_name())["Rules"]
    assert started.fields["key"].startswith(rule["Filter"]["Prefix"]) and rule["Expiration"]["Days"] == 1
    assert attachment_services.attachment_url(attachment=stored(alice, note, started.attachment.id)) is None
