"""S3's ObjectCreated events through Zappa's real handler: the stage's `events` route the bucket's events (by
its ARN, as Zappa's generated settings map them) to notes.upload_events.handle_upload. The events are real
samples from outside the project (tests/data/s3_events/SOURCES.md) with our bucket and key filled in."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from PIL import Image

from console.aws import s3
from notes import attachment_services, services
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
from tests.integration.attachments_support import send_upload

DATA = Path(__file__).resolve().parents[1] / "data" / "s3_events"
BUCKET = "notes-console-dev-attachments"  # zappa_settings.json, dev's ATTACHMENTS_BUCKET and event_source


def sample(name: str, *, bucket: str, key: str) -> dict:
    """A sample with its placeholders (SAM CLI's) or example names (the Developer Guide's) replaced."""
    text = (DATA / name).read_text()
    text = text.replace("{{{region}}}", "us-east-1").replace("{{{partition}}}", "aws")
    text = text.replace("{{{bucket}}}", bucket).replace("my-s3-bucket", bucket)
    event = json.loads(text.replace("{{{key}}}", key))
    event["Records"][0]["s3"]["object"]["key"] = key
    return event


@pytest.fixture
def lambda_s3_app(settings, monkeypatch, lambda_runtime_factory, aws):
    with lambda_runtime_factory(settings, monkeypatch) as app:
        assert settings.ATTACHMENTS_BUCKET == BUCKET
        s3.reset_client()
        s3.create_bucket(origins=["https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"])
        yield app
    s3.reset_client()


def photo() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (48, 51, 29)
    Image.new("RGB", (120, 80), "navy").save(out, "JPEG", exif=exif)
    return out.getvalue()


def start(alice, body: bytes, content_type: str) -> tuple:
    note = services.note_create(user_id=alice.id, data={"title": "with a photo"})
    started = attachment_services.attachment_start(
        user_id=alice.id,
        note_id=note.id,
        data={"name": "Happy Face.jpg", "content_type": content_type, "size": len(body)},
    )
    assert send_upload({"url": started.url, "fields": started.fields}, body) == 204
    return note, started.attachment, started.fields["key"]


@pytest.mark.parametrize("name", ["sam-cli-S3Put.json", "aws-lambda-developer-guide-s3-put.json"])
def test_a_real_put_event_for_an_upload_is_processed_through_zappas_handler(lambda_s3_app, alice, name):
    note, attachment, key = start(alice, photo(), "image/jpeg")
    # S3 writes keys URL-encoded in events (the Developer Guide's test%2Fkey): the handler decodes them.
    event = sample(name, bucket=BUCKET, key=quote_plus(key))

    result = lambda_s3_app.invoke(event)

    assert [o["outcome"] for o in result["outcomes"]] == ["ready"]
    stored = DynamoDBAttachmentRepository().get(user_id=alice.id, note_id=note.id, attachment_id=attachment.id)
    assert stored.status == "ready" and stored.thumbnail
    assert lambda_s3_app.invoke(event)["outcomes"][0]["outcome"] in {"duplicate", "ignored"}  # S3 redelivers


def test_the_samples_as_published_name_a_bucket_that_is_not_ours_and_change_nothing(lambda_s3_app, alice):
    note, attachment, key = start(alice, photo(), "image/jpeg")
    for name, bucket in [
        ("sam-cli-S3Put.json", "example-bucket"),
        ("aws-lambda-developer-guide-s3-put.json", "my-s3-bucket"),
    ]:
        event = sample(name, bucket=bucket, key=quote_plus(key))
        # Zappa routes by the bucket's ARN: another bucket's event reaches no function at all.
        assert lambda_s3_app.invoke(event) is None
        # And were it routed, the handler itself ignores it.
        from notes.upload_events import handle_upload

        assert handle_upload(event)["outcomes"][0] == {
            "outcome": "ignored",
            "why": "another bucket",
            "bucket": bucket,
            "key": key,
        }
    assert (
        DynamoDBAttachmentRepository().get(user_id=alice.id, note_id=note.id, attachment_id=attachment.id).status
        == "pending"
    )


def test_a_delete_event_is_routed_to_the_handler_and_ignored(lambda_s3_app, alice):
    note, attachment, key = start(alice, photo(), "image/jpeg")
    result = lambda_s3_app.invoke(sample("sam-cli-S3Delete.json", bucket=BUCKET, key=quote_plus(key)))
    assert result["outcomes"][0]["outcome"] == "ignored"
    assert s3.head(key)["ContentLength"] > 0
