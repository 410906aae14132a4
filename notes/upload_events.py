"""The S3 trigger: S3's ObjectCreated event for an upload -> the attachment checked, cleaned and recorded, or
rejected with a reason and its object deleted. Wired in zappa_settings.json `events` (event_source: the
stage's bucket); Lambda invokes it asynchronously, retries a failed invocation and sends what still fails to
the on-failure destination (console/deploy/async_wiring.py), so it raises only for failures worth retrying
(AWS unavailable, throttled, out of time) and answers everything else itself.

Idempotent: S3 may deliver an event twice and Lambda retries. The checked file and its thumbnail are written
under keys of their own before the record turns ready; the record changes from pending once (a conditional
write that also counts the size against the quota); the upload's object is deleted last. Any step may run
again and change nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings

from console.aws import deadline, s3
from console.aws.errors import AwsError, NotFound, StoreUnavailable
from notes import services, wiring
from notes.attachments import (
    ALLOWED_TYPES,
    ATTACHMENT_ID_PATTERN,
    FORM_DECLARED,
    MAX_BYTES,
    PENDING,
    READY,
    REASON_EMPTY,
    REASON_NOT_ALLOWED,
    REASON_NOTE_GONE,
    REASON_QUOTA,
    REASON_TOO_BIG,
    AttachmentNotFound,
    QuotaExceeded,
    canonical_type,
)
from notes.domain import NOTE_ID_PATTERN, NoteNotFound

log = logging.getLogger(__name__)

# Time one file may need (reads, a decode, writes) before the deadline; past it Lambda retries the event.
STOP_MARGIN_SECONDS = 8.0
_ID = ATTACHMENT_ID_PATTERN
_UPLOAD_KEY = re.compile(rf"{re.escape(s3.UPLOADS_PREFIX)}(?P<user>{_ID})/(?P<note>{NOTE_ID_PATTERN})/(?P<id>{_ID})")


class RetryLater(Exception):
    """Raised so Lambda retries the invocation (asynchronous: twice, then the on-failure destination)."""


def handle_upload(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Each S3 record -> an outcome: ready, rejected, duplicate or ignored. Raises RetryLater only for a
    failure worth retrying."""
    outcomes: list[dict[str, str]] = []
    with deadline.deadline_for_event(context):
        box = deadline.TimeBox(margin=STOP_MARGIN_SECONDS)
        for record in event.get("Records", []):
            if box.up():
                raise RetryLater("no time left for the next file before the deadline; Lambda retries the event")
            outcomes.append(_handle_record(record))
    for outcome in outcomes:
        log.log(
            logging.WARNING if outcome["outcome"] == "ignored" else logging.INFO,
            "upload %s",
            outcome["outcome"],
            extra={"fields": outcome},
        )
    return {"outcomes": outcomes}


def _handle_record(record: dict[str, Any]) -> dict[str, str]:
    info = record.get("s3") or {}
    bucket = (info.get("bucket") or {}).get("name", "")
    raw_key = (info.get("object") or {}).get("key", "")
    key = unquote_plus(raw_key)  # as S3 writes keys in events: URL-encoded, + for a space
    if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated"):
        return {"outcome": "ignored", "why": "not an ObjectCreated event", "key": key[:200]}
    if bucket != settings.ATTACHMENTS_BUCKET:
        return {"outcome": "ignored", "why": "another bucket", "bucket": bucket[:100], "key": key[:200]}
    match = _UPLOAD_KEY.fullmatch(key)
    if not match:
        return {"outcome": "ignored", "why": "not an upload key", "key": key[:200]}
    user_id, note_id, attachment_id = match["user"], match["note"], match["id"]
    ids = {"user_id": user_id, "note_id": note_id, "attachment_id": attachment_id}
    try:
        return {**_process(**ids), "attachment_id": attachment_id}
    except (StoreUnavailable, AwsError) as exc:
        if isinstance(exc, NotFound):  # the object is gone: a redelivery after it was handled, or never there
            return {"outcome": "ignored", "why": "no such object", "attachment_id": attachment_id}
        raise RetryLater(f"{type(exc).__name__}: {exc}") from exc


def process_upload(*, user_id: str, note_id: str, attachment_id: str) -> dict[str, str]:
    """One upload's whole processing (what an ObjectCreated event runs), for an import that wrote the object
    itself and wants the outcome now. Idempotent like the handler."""
    return _process(user_id=user_id, note_id=note_id, attachment_id=attachment_id)


def _process(*, user_id: str, note_id: str, attachment_id: str) -> dict[str, str]:
    from notes.file_check import SNIFF_BYTES, Refused, check  # Pillow stays out of the pages' processes

    repo = wiring.attachment_repository()
    ids = {"user_id": user_id, "note_id": note_id, "attachment_id": attachment_id}
    upload = s3.upload_key(**ids)
    try:
        attachment = repo.get(**ids)
    except AttachmentNotFound:
        # No record under this user and note: a key nobody was given (another user's prefix, a made-up id), or
        # a pending upload that expired. Nothing is kept.
        s3.delete(upload)
        return {"outcome": "ignored", "why": "no pending upload for this key"}
    if attachment.status != PENDING:
        s3.delete(upload)  # handled before (a redelivery, or a retry after the last step failed)
        _show_on_list(repo, attachment)  # the step after the confirmation may be the one that failed
        return {"outcome": "duplicate", "status": attachment.status}

    def reject(reason: str) -> dict[str, str]:
        s3.delete(upload, s3.file_key(**ids), s3.thumb_key(**ids))
        repo.reject(**ids, reason=reason)
        return {"outcome": "rejected", "reason": reason}

    try:
        services.note_get(user_id=user_id, note_id=note_id)
    except NoteNotFound:
        return reject(REASON_NOTE_GONE)
    head_object = s3.head(upload)
    size = int(head_object["ContentLength"])
    declared = attachment.content_type
    if declared == FORM_DECLARED:  # the plain form's own field said it; the bytes must still agree
        declared = canonical_type(str(head_object.get("ContentType", "")))
        if declared not in ALLOWED_TYPES:
            return reject(REASON_NOT_ALLOWED)
    if size > MAX_BYTES:  # S3 refuses these by the policy's condition; a local endpoint does not
        return reject(REASON_TOO_BIG)
    if size == 0:
        return reject(REASON_EMPTY)
    head = s3.read(upload, first_bytes=SNIFF_BYTES)
    try:
        checked = check(declared=declared, head=head, read_all=lambda: s3.read(upload))
    except Refused as refused:
        return reject(refused.reason)
    if checked.body is None:
        s3.copy(upload, s3.file_key(**ids), content_type=checked.content_type)
        stored = size
    else:
        s3.put(s3.file_key(**ids), checked.body, content_type=checked.content_type)
        stored = len(checked.body)
    if checked.thumbnail is not None:
        s3.put(s3.thumb_key(**ids), checked.thumbnail, content_type="image/jpeg")
    try:
        done = repo.confirm(
            **ids,
            size=stored,
            content_type=checked.content_type,
            thumbnail=checked.thumbnail is not None,
            quota=settings.ATTACHMENTS_QUOTA_BYTES,
        )
    except QuotaExceeded:
        return reject(REASON_QUOTA)
    s3.delete(upload)
    if done.status != READY:  # rejected meanwhile (the note went): its files must not stay
        s3.delete(s3.file_key(**ids), s3.thumb_key(**ids))
        return {"outcome": "duplicate", "status": done.status}
    _show_on_list(repo, done)
    return {"outcome": "ready", "content_type": checked.content_type, "size": str(stored)}


def _show_on_list(repo, attachment) -> None:
    """A ready image becomes its note's list thumbnail unless the note has one already (idempotent)."""
    if attachment.status == READY and attachment.thumbnail:
        repo.set_list_thumbnail(user_id=attachment.user_id, note_id=attachment.note_id, attachment_id=attachment.id)
