"""Local mode: uploads already in the bucket when the local S3 notifier starts (they arrived while it was not
running, or the embedded endpoint brought them back from disk after a restart) are delivered to the upload
handler at start, as S3 would have delivered them; the queue's own events for them change nothing again."""

from __future__ import annotations

from notes import s3_notifier, services
from tests.attachment_samples import png_bytes
from tests.integration.attachments_support import notifier_clients
from tests.integration.test_upload_events import stored, upload


def test_uploads_waiting_at_start_are_handled_once(alice, bucket):
    note = services.note_create(user_id=alice.id, data={"title": "Before the restart"})
    waiting, _ = upload(alice, note, png_bytes(), content_type="image/png", name="waiting.png")
    refused, _ = upload(alice, note, b"<html>not a picture</html>", content_type="image/png", name="fake.png")
    notifier = s3_notifier.S3Notifier(endpoint_url="https://s3.amazonaws.com", bucket=bucket)
    notifier._sqs, notifier._s3 = notifier_clients()

    assert notifier.deliver_waiting() == 2

    assert stored(alice, note, waiting).status == "ready"
    assert stored(alice, note, refused).status == "rejected"
    assert notifier.deliver_waiting() == 0  # handled uploads leave nothing under uploads/
    assert notifier.delivered == 2
