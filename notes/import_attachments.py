"""The files an imported note brings (a Keep Takeout's images beside its notes, this app's Markdown export's
attachments/ folder), made attachments of the new note the way an upload is: the file is written under the
owner's upload prefix with a pending record, then the S3 handler's own processing (notes/upload_events.py:
the real type sniffed, metadata stripped, a thumbnail, the size counted against the quota) runs on it at once,
so the import can say what was refused and why. On Lambda the object's ObjectCreated event also reaches the
handler, which finds the record ready and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from console.aws import s3
from console.aws.errors import AwsError, StoreUnavailable
from notes import wiring
from notes.attachments import (
    ALLOWED_TYPES,
    MAX_BYTES,
    PENDING,
    PENDING_SECONDS,
    READY,
    REASON_EMPTY,
    REASON_NOT_ALLOWED,
    REASON_TOO_BIG,
    REJECTED,
    Attachment,
    clean_name,
    new_attachment_id,
)
from notes.domain import ValidationError, now_iso
from notes.import_reading import AttachmentRef

# Keep's JSON names some JPEGs ".jpeg" where its zip holds ".jpg" (seen in a real Takeout: good place.json).
_SAME_EXTENSIONS = ((".jpeg", ".jpg"), (".jpg", ".jpeg"))


def file_of(files: dict[str, bytes], path: str) -> bytes | None:
    if path in files:
        return files[path]
    for written, stored in _SAME_EXTENSIONS:
        if path.lower().endswith(written) and path[: -len(written)] + stored in files:
            return files[path[: -len(written)] + stored]
    return None


def _refusal(ref: AttachmentRef, data: bytes | None) -> str | None:
    if not ref.path:
        return "the export lists it without its file (the Markdown export's zip holds the files)"
    if data is None:
        return "its file is not in the upload (import the whole zip)"
    if ref.content_type.split(";")[0].strip().lower() not in ALLOWED_TYPES:
        return REASON_NOT_ALLOWED
    if len(data) > MAX_BYTES:
        return REASON_TOO_BIG
    if not data:
        return REASON_EMPTY
    return None


def attach_imported(  # noqa: PLR0913 - the note, its files, and the import's report and clock
    *,
    user_id: str,
    note_id: str,
    refs: tuple[AttachmentRef, ...],
    files: dict[str, bytes],
    report: Callable[[str], None],
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Each file as an attachment of the note; what is refused is reported (`report(what)`), and once `stop()`
    is true (the import's time is up) the rest are reported as not attached. Returns how many are attached."""
    attached = 0
    for ref in refs:
        data = file_of(files, ref.path)
        try:
            name = clean_name(ref.name)
        except ValidationError:
            name = "attachment"
        problem = _refusal(ref, data)
        if problem:
            report(f"the attachment {name} ({ref.content_type or 'no type'}): {problem}")
            continue
        if stop():
            report(f"the attachment {name}: not attached, the import ran out of time (attach it to the note)")
            continue
        content_type = ref.content_type.split(";")[0].strip().lower()
        attachment = Attachment(
            id=new_attachment_id(),
            user_id=user_id,
            note_id=note_id,
            name=name,
            content_type=content_type,
            size=len(data or b""),
            status=PENDING,
            created_at=now_iso(),
        )
        try:
            outcome = _store(attachment, data or b"")
        except (AwsError, StoreUnavailable):
            report(
                f"the attachment {name} ({content_type}): the file store did not answer; attach it to the note again"
            )
            continue
        if outcome == READY:
            attached += 1
        else:
            report(f"the attachment {name} ({content_type}): {outcome}")
    return attached


def attach_missing(  # noqa: PLR0913 - as attach_imported
    *,
    user_id: str,
    note_id: str,
    refs: tuple[AttachmentRef, ...],
    files: dict[str, bytes],
    report: Callable[[str], None],
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """The files of an already imported note that it does not hold yet (an earlier import stopped before them):
    a file counts as held when the note has an attachment of that name, its extension aside (a HEIC photo is
    kept as a JPEG), that is ready or was refused (its reason is shown on the note); one left pending by a
    failed attempt is tried again. Importing the same file again then adds nothing."""
    refs = tuple(ref for ref in refs if ref.path and file_of(files, ref.path) is not None)  # the rest was reported
    if not refs:
        return 0
    held = {
        _stem(a.name)
        for a in wiring.attachment_repository().list(user_id=user_id, note_id=note_id)
        if a.status in (READY, REJECTED)
    }
    missing = []
    for ref in refs:
        try:
            name = clean_name(ref.name)
        except ValidationError:
            name = "attachment"
        if _stem(name) not in held:
            missing.append(ref)
    if not missing:
        return 0
    return attach_imported(user_id=user_id, note_id=note_id, refs=tuple(missing), files=files, report=report, stop=stop)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0].casefold() if "." in name else name.casefold()


def _store(attachment: Attachment, data: bytes) -> str:
    """READY, or the reason the upload's processing refused the file."""
    from notes.upload_events import process_upload  # Pillow loads only for an import that brings files

    repo = wiring.attachment_repository()
    ids = {"user_id": attachment.user_id, "note_id": attachment.note_id, "attachment_id": attachment.id}
    repo.add_pending(attachment, expires_at=int(time.time()) + PENDING_SECONDS)
    s3.put(s3.upload_key(**ids), data, content_type=attachment.content_type)
    outcome = process_upload(**ids)
    if outcome.get("outcome") == "ready" or repo.get(**ids).status == READY:
        return READY
    return outcome.get("reason", "refused")
