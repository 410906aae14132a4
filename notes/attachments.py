"""Attachments: what a file attached to a note is, the rules it must meet (written once here: the API, the
pages, OpenAPI, the S3 handler and storage derive from them), and the repository protocol.

A file goes through three states: `pending` (the app handed out a presigned POST), then `ready` (the S3
handler checked its bytes and counted its size against the owner's quota) or `rejected` (with a reason the
owner sees; its object deleted). The DynamoDB adapter is notes/attachments_dynamodb.py; the fake is
tests/fakes/; tests/integration/test_attachment_repository_contract.py runs one suite on both.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Protocol

from notes.domain import ValidationError

MAX_BYTES = 10 * 1024 * 1024  # per file: S3 refuses more (the presigned POST's content-length-range)
NAME_MAX_CHARS = 200
ATTACHMENT_ID_PATTERN = "[0-9a-f]{32}"
# A pending record lives this long: an upload never confirmed leaves nothing behind (its object goes by the
# bucket's lifecycle rule, console/aws/s3.py).
PENDING_SECONDS = 24 * 3600
REASON_MAX_CHARS = 300

# HEIC/HEIF (iPhone photos) are read by pi-heif in the S3 handler and stored as JPEG, which browsers show.
HEIC = "image/heic"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", HEIC)
# Other names clients give the same files: read as the type beside them.
TYPE_ALIASES = {"image/heif": HEIC, "image/heic-sequence": HEIC, "image/heif-sequence": HEIC}
DOCUMENT_TYPES = ("application/pdf", "text/plain", "text/markdown", "text/csv")
ALLOWED_TYPES = IMAGE_TYPES + DOCUMENT_TYPES
# Raster images the browser renders without running anything: the only files served inline. Everything
# else (and so any HTML or SVG, whatever it claims) is served as a download.
INLINE_TYPES = frozenset(IMAGE_TYPES)
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    HEIC: ".heic",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/csv": ".csv",
}

# The declared type of an upload from the plain form: the form's own Content-Type field says it, and the S3
# handler reads it from the object before checking the bytes against it.
FORM_DECLARED = "application/x-form-declared"

PENDING, READY, REJECTED = "pending", "ready", "rejected"
STATUSES = (PENDING, READY, REJECTED)

# Reasons shown to the owner of a rejected file (one wording each).
REASON_TOO_BIG = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."
REASON_EMPTY = "The file is empty."
REASON_NOT_ALLOWED = (
    "This kind of file cannot be attached (allowed: JPEG, PNG, GIF, WebP, HEIC, PDF, text, Markdown, CSV)."
)
REASON_MISMATCH = "The file is not what its type says it is."
REASON_UNREADABLE = "The image could not be read (damaged, truncated or too large in pixels)."
REASON_QUOTA = "Your storage is full: remove attachments to make room."
REASON_NOTE_GONE = "The note was deleted before the upload finished."


@dataclass(frozen=True)
class Attachment:
    id: str
    user_id: str
    note_id: str
    name: str
    content_type: str
    size: int
    status: str
    created_at: str
    reason: str = ""
    thumbnail: bool = False

    @property
    def inline(self) -> bool:
        return self.status == READY and self.content_type in INLINE_TYPES


class AttachmentNotFound(Exception):
    pass


class QuotaExceeded(Exception):
    def __init__(self, *, used: int, quota: int, size: int) -> None:
        super().__init__(f"{used} + {size} bytes would exceed the quota of {quota}")
        self.used, self.quota, self.size = used, quota, size


def new_attachment_id() -> str:
    return uuid.uuid4().hex


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_name(raw: object) -> str:
    """A file name as the owner gave it, minus what could mislead: any folder part (`../../x` is `x`), control
    characters, surrounding spaces; Unicode NFC; at most NAME_MAX_CHARS (the extension kept). Quotes and any
    script stay: the name is only ever escaped into HTML or encoded into a header."""
    if not isinstance(raw, str):
        raise ValidationError({"name": "Give the file's name."})
    name = unicodedata.normalize("NFC", raw)
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in {"", ".", ".."}:
        raise ValidationError({"name": "Give the file's name."})
    if len(name) > NAME_MAX_CHARS:
        stem, dot, ext = name.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_MAX_CHARS - len(ext)] + ext
    return name


def canonical_type(content_type: str) -> str:
    """A media type as the rules above name it: without parameters, lower case, aliases resolved."""
    bare = content_type.split(";")[0].strip().lower()
    return TYPE_ALIASES.get(bare, bare)


def served_name(name: str, content_type: str) -> str:
    """The file name a download carries: a HEIC photo is stored as JPEG, so `IMG_0001.HEIC` goes out as
    `IMG_0001.jpg` (an app opening it by its extension would fail otherwise)."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in {"heic", "heif"} and content_type == "image/jpeg":
        return stem + EXTENSIONS["image/jpeg"]
    return name


UPLOAD_FIELDS = ("name", "content_type", "size")


def clean_upload(data: dict[str, object]) -> tuple[str, str, int]:
    """(name, content_type, size) of an upload the owner asks for; ValidationError with every problem."""
    errors: dict[str, str] = {key: "Unknown field." for key in data if key not in UPLOAD_FIELDS}
    name = ""
    try:
        name = clean_name(data.get("name"))
    except ValidationError as exc:
        errors.update(exc.errors)
    content_type = data.get("content_type")
    if not isinstance(content_type, str) or canonical_type(content_type) not in ALLOWED_TYPES:
        errors["content_type"] = REASON_NOT_ALLOWED
        content_type = ""
    else:
        content_type = canonical_type(content_type)
    size = data.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        errors["size"] = "Give the file's size in bytes."
        size = 0
    elif size < 1:
        errors["size"] = REASON_EMPTY
    elif size > MAX_BYTES:
        errors["size"] = REASON_TOO_BIG
    if errors:
        raise ValidationError(errors)
    return name, content_type, int(size)


class AttachmentRepository(Protocol):
    def add_pending(self, attachment: Attachment, *, expires_at: int) -> Attachment:
        """Record a pending upload (key: user, note, id), conditional on the key not existing; the record
        expires at `expires_at` (epoch seconds) unless confirmed or rejected first."""
        ...

    def get(self, *, user_id: str, note_id: str, attachment_id: str) -> Attachment:
        """Strongly consistent read of one of the user's attachments; AttachmentNotFound otherwise."""
        ...

    def list(self, *, user_id: str, note_id: str) -> list[Attachment]:
        """The note's attachments, oldest first (strongly consistent)."""
        ...

    def list_for_user(self, *, user_id: str) -> list[Attachment]:
        """Every attachment of the user (for account deletion and export), strongly consistent."""
        ...

    def confirm(
        self,
        *,
        user_id: str,
        note_id: str,
        attachment_id: str,
        size: int,
        content_type: str,
        thumbnail: bool,
        quota: int,
    ) -> Attachment:
        """Mark a pending attachment ready with its checked size and type, and add the size to the user's usage,
        in one atomic write conditional on the record being pending and the usage staying within `quota`.
        Already ready: returns it, changing nothing (a redelivered event). QuotaExceeded (nothing written) when
        the usage would pass the quota; AttachmentNotFound when there is no pending or ready record."""
        ...

    def reject(self, *, user_id: str, note_id: str, attachment_id: str, reason: str) -> Attachment:
        """Mark a pending attachment rejected with `reason`; one already rejected or ready is returned as it
        is. AttachmentNotFound if there is no record."""
        ...

    def delete(self, *, user_id: str, note_id: str, attachment_id: str) -> Attachment | None:
        """Remove the record; a ready one's size comes off the usage in the same atomic write. Returns what was
        removed, None if there was nothing (deleting twice is fine)."""
        ...

    def usage(self, *, user_id: str) -> int:
        """Bytes of the user's ready attachments (strongly consistent)."""
        ...

    def set_list_thumbnail(
        self, *, user_id: str, note_id: str, attachment_id: str | None, replacing: str | None = None
    ) -> bool:
        """Point the note's list row at `attachment_id`'s thumbnail (None: at none), on the note item itself so
        the list reads nothing more. With `replacing` None it is set only where the note has none yet (the
        first ready image wins, whatever order events arrive in); otherwise only where it is still `replacing`.
        False when the condition did not hold or the note is gone (it is never re-created)."""
        ...
