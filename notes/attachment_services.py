"""Attachment use cases. Keyword-only; the owner always comes from the signed-in user, and every call first
checks that the note is theirs (another user's note is NoteNotFound, a 404).

The file's bytes never pass through here: `attachment_start` answers with a presigned POST the browser sends
the file to S3 with; S3's event runs notes/upload_events.py, which checks the bytes and confirms or rejects.
Files are served by short-lived presigned GETs, as downloads unless they are known-safe raster images.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from console.aws import s3
from notes import services, wiring
from notes.attachments import (
    FORM_DECLARED,
    MAX_BYTES,
    PENDING,
    PENDING_SECONDS,
    READY,
    Attachment,
    AttachmentNotFound,
    AttachmentRepository,
    QuotaExceeded,
    clean_upload,
    new_attachment_id,
    served_name,
)
from notes.domain import now_iso


def _repo(repo: AttachmentRepository | None) -> AttachmentRepository:
    return repo if repo is not None else wiring.attachment_repository()


@dataclass(frozen=True)
class Upload:
    attachment: Attachment
    url: str
    fields: dict[str, str]


def keys_of(a: Attachment) -> list[str]:
    """Every object an attachment may have in the bucket."""
    ids = {"user_id": a.user_id, "note_id": a.note_id, "attachment_id": a.id}
    return [s3.upload_key(**ids), s3.file_key(**ids), s3.thumb_key(**ids)]


def attachment_start(
    *, user_id: str, note_id: str, data: dict[str, object], repo: AttachmentRepository | None = None
) -> Upload:
    """Record a pending upload and sign the POST that puts the file in S3 (only under this user's and note's
    prefix, only the declared type, 1 byte to MAX_BYTES, for a few minutes). ValidationError for a bad name,
    type or size; QuotaExceeded when the declared size would not fit."""
    services.note_get(user_id=user_id, note_id=note_id)
    name, content_type, size = clean_upload(data)
    repo = _repo(repo)
    used, quota = repo.usage(user_id=user_id), settings.ATTACHMENTS_QUOTA_BYTES
    if used + size > quota:
        raise QuotaExceeded(used=used, quota=quota, size=size)
    attachment = Attachment(
        id=new_attachment_id(),
        user_id=user_id,
        note_id=note_id,
        name=name,
        content_type=content_type,
        size=size,
        status=PENDING,
        created_at=now_iso(),
    )
    repo.add_pending(attachment, expires_at=int(time.time()) + PENDING_SECONDS)
    form = s3.presigned_post(
        key=s3.upload_key(user_id=user_id, note_id=note_id, attachment_id=attachment.id),
        content_type=content_type,
        max_bytes=MAX_BYTES,
        expires=settings.ATTACHMENTS_UPLOAD_EXPIRES_SECONDS,
    )
    return Upload(attachment=attachment, url=form["url"], fields=dict(form["fields"]))


def attachment_start_form(
    *, user_id: str, note_id: str, redirect: str, repo: AttachmentRepository | None = None
) -> Upload:
    """For a plain HTML form (no JavaScript to read the file's name, type and size first): a pending upload
    whose type the form's own field declares (the S3 handler reads it from the object, then checks the bytes)
    and whose name is made up; S3 sends the browser back to `redirect`. QuotaExceeded when a file of the
    largest size would not fit."""
    services.note_get(user_id=user_id, note_id=note_id)
    repo = _repo(repo)
    used, quota = repo.usage(user_id=user_id), settings.ATTACHMENTS_QUOTA_BYTES
    if used + 1 > quota:
        raise QuotaExceeded(used=used, quota=quota, size=1)
    attachment_id = new_attachment_id()
    attachment = Attachment(
        id=attachment_id,
        user_id=user_id,
        note_id=note_id,
        name=f"attachment-{attachment_id[:8]}",
        content_type=FORM_DECLARED,
        size=1,
        status=PENDING,
        created_at=now_iso(),
    )
    repo.add_pending(attachment, expires_at=int(time.time()) + PENDING_SECONDS)
    form = s3.presigned_post(
        key=s3.upload_key(user_id=user_id, note_id=note_id, attachment_id=attachment_id),
        content_type=None,
        max_bytes=MAX_BYTES,
        expires=settings.ATTACHMENTS_UPLOAD_EXPIRES_SECONDS,
        redirect=redirect,
    )
    return Upload(attachment=attachment, url=form["url"], fields=dict(form["fields"]))


def attachment_list(*, user_id: str, note_id: str, repo: AttachmentRepository | None = None) -> list[Attachment]:
    services.note_get(user_id=user_id, note_id=note_id)
    return _repo(repo).list(user_id=user_id, note_id=note_id)


def attachment_get(
    *, user_id: str, note_id: str, attachment_id: str, repo: AttachmentRepository | None = None
) -> Attachment:
    services.note_get(user_id=user_id, note_id=note_id)
    return _repo(repo).get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)


def attachment_url(*, attachment: Attachment) -> str | None:
    """A short-lived GET of a ready file (None otherwise): inline only for known-safe raster images, else a
    download; always with the checked type (S3 adds nothing; the object was stored with that type too)."""
    if attachment.status != READY:
        return None
    return s3.presigned_get(
        key=keys_of(attachment)[1],
        filename=served_name(attachment.name, attachment.content_type),
        content_type=attachment.content_type,
        inline=attachment.inline,
        expires=settings.ATTACHMENTS_URL_EXPIRES_SECONDS,
    )


def attachment_bytes(*, attachment: Attachment) -> bytes:
    """A ready file's checked bytes (the export's zip holds them)."""
    return s3.read(keys_of(attachment)[1])


def attachment_thumbnail_url(*, attachment: Attachment) -> str | None:
    if attachment.status != READY or not attachment.thumbnail:
        return None
    return s3.presigned_get(
        key=keys_of(attachment)[2],
        filename=f"thumbnail-{attachment.id}.jpg",
        content_type="image/jpeg",
        inline=True,
        expires=settings.ATTACHMENTS_URL_EXPIRES_SECONDS,
    )


def attachment_delete(
    *, user_id: str, note_id: str, attachment_id: str, repo: AttachmentRepository | None = None
) -> None:
    """Remove the attachment: its objects first, then its record (so a failure leaves a record to retry from,
    never an orphaned object). AttachmentNotFound when there is none."""
    repo = _repo(repo)
    attachment = attachment_get(user_id=user_id, note_id=note_id, attachment_id=attachment_id, repo=repo)
    s3.delete(*keys_of(attachment))
    repo.delete(user_id=user_id, note_id=note_id, attachment_id=attachment_id)
    if attachment.thumbnail:  # the list row showed it: the note's next image takes its place, or none
        following = [a for a in repo.list(user_id=user_id, note_id=note_id) if a.status == READY and a.thumbnail]
        repo.set_list_thumbnail(
            user_id=user_id,
            note_id=note_id,
            attachment_id=following[0].id if following else None,
            replacing=attachment_id,
        )


def attachments_purge(*, user_id: str, note_id: str | None = None, repo: AttachmentRepository | None = None) -> int:
    """Delete the objects and records of one note's attachments (a note deleted for good), or of all the user's
    (account deletion), whatever the note's state. Resumable: each record goes after its objects."""
    repo = _repo(repo)
    found = repo.list(user_id=user_id, note_id=note_id) if note_id is not None else repo.list_for_user(user_id=user_id)
    if found:
        s3.delete(*[key for a in found for key in keys_of(a)])
    for a in found:
        repo.delete(user_id=user_id, note_id=a.note_id, attachment_id=a.id)
    return len(found)


def attachment_usage(*, user_id: str, repo: AttachmentRepository | None = None) -> dict[str, Any]:
    used, quota = _repo(repo).usage(user_id=user_id), settings.ATTACHMENTS_QUOTA_BYTES
    percent = min(100, round(100 * used / quota)) if quota else 100
    return {"used": used, "quota": quota, "percent": percent, "high": int(quota * 0.9)}


__all__ = [
    "AttachmentNotFound",
    "QuotaExceeded",
    "Upload",
    "attachment_bytes",
    "attachment_delete",
    "attachment_get",
    "attachment_list",
    "attachment_start",
    "attachment_start_form",
    "attachment_thumbnail_url",
    "attachment_url",
    "attachment_usage",
    "attachments_purge",
]
