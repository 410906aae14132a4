"""Idempotent note creation for the JSON API (`Idempotency-Key` on POST /api/notes).

The note and a record of the key are written together, atomically: the record holds a fingerprint of the
request body and a snapshot of the note that was answered, and expires after a day (a DynamoDB TTL).
A retry with the same key and body gets the first answer again; the same key with another body is refused.
The note repository stores both (IdempotencyStore.add_idempotent, notes/repository.py); notes.services.note_create(idempotency_key=...)
is the use case.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from notes.domain import Note

KEY_MAX_CHARS = 255


class IdempotencyKeyReused(Exception):
    """The key was already used, within its lifetime, for a request with a different body."""

    def __init__(self, key: str) -> None:
        super().__init__("This Idempotency-Key was already used with a different request body.")
        self.key = key


class IdempotentResult(NamedTuple):  # a named tuple: cheaper than a dataclass to build at import, on every list page
    note: Note
    replayed: bool  # True when this is the answer first given to an earlier request with the same key


def fingerprint(body: object) -> str:
    """A hash of the request body's meaning, so retries that only reorder keys or spacing still match."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
