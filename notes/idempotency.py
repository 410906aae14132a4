"""Idempotent note creation for the JSON API (`Idempotency-Key` on POST /api/notes).

The note and a record of the key are written together, atomically: the record holds a fingerprint of the
request body and a snapshot of the note that was answered, and expires after a day (a DynamoDB TTL).
A retry with the same key and body gets the first answer again; the same key with another body is refused.
The DynamoDB store is notes/idempotency_dynamodb.py.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from django.conf import settings

from notes.domain import Note, clean_fields, new_note_id, now_iso

KEY_MAX_CHARS = 255


class IdempotencyKeyReused(Exception):
    """The key was already used, within its lifetime, for a request with a different body."""

    def __init__(self, key: str) -> None:
        super().__init__("This Idempotency-Key was already used with a different request body.")
        self.key = key


@dataclass(frozen=True)
class IdempotentResult:
    note: Note
    replayed: bool  # True when this is the answer first given to an earlier request with the same key


def fingerprint(body: object) -> str:
    """A hash of the request body's meaning, so retries that only reorder keys or spacing still match."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class IdempotencyStore(Protocol):
    def create_note(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        """Store the note and the key's record in one atomic write, both conditional on not existing (an
        expired record counts as absent). If the key has a live record: its stored note when the fingerprint
        matches (nothing is written), IdempotencyKeyReused otherwise."""
        ...


class InMemoryIdempotencyStore:
    def __init__(self, notes) -> None:
        self._notes = notes  # an InMemoryNoteRepository
        self._records: dict[tuple[str, str], tuple[str, int, Note]] = {}
        self._lock = threading.Lock()

    def create_note(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        with self._lock:
            record = self._records.get((note.user_id, key))
            if record is not None and record[1] > now:
                if record[0] != fingerprint:
                    raise IdempotencyKeyReused(key)
                return IdempotentResult(note=record[2], replayed=True)
            stored = self._notes.add(note)
            self._records[(note.user_id, key)] = (fingerprint, expires_at, stored)
            return IdempotentResult(note=stored, replayed=False)


@lru_cache(maxsize=1)
def default_store() -> IdempotencyStore:
    from notes.idempotency_dynamodb import DynamoDBIdempotencyStore

    return DynamoDBIdempotencyStore()


def note_create_idempotent(
    *, user_id: str, data: dict[str, object], key: str, store: IdempotencyStore | None = None
) -> IdempotentResult:
    """Create a note once per (user, key) within the key's lifetime. Validation runs first, so a request
    that fails it leaves no record and the key can be used again."""
    fields = clean_fields(data)
    stamp = now_iso()
    note = Note(id=new_note_id(), user_id=user_id, created_at=stamp, updated_at=stamp, version=1, **fields)
    now = int(time.time())
    return (store or default_store()).create_note(
        note,
        key=key,
        fingerprint=fingerprint(data),
        expires_at=now + settings.API_IDEMPOTENCY_TTL_SECONDS,
        now=now,
    )
