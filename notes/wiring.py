"""Where the notes repository's adapter is chosen: notes/repository.py (the protocol) never imports it;
services ask here."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from notes.repository import NoteRepository

if TYPE_CHECKING:  # the bulk actions' store and the attachments load with their first use, not with every list page
    from notes.attachments import AttachmentRepository
    from notes.bulk_store import BulkStore


@lru_cache(maxsize=1)
def note_repository() -> NoteRepository:
    from notes.dynamodb_repository import DynamoDBNoteRepository

    return DynamoDBNoteRepository()


@lru_cache(maxsize=1)
def bulk_store() -> BulkStore:
    from notes.bulk_dynamodb import DynamoDBBulkStore

    return DynamoDBBulkStore()


@lru_cache(maxsize=1)
def attachment_repository() -> AttachmentRepository:
    from notes.attachments_dynamodb import DynamoDBAttachmentRepository

    return DynamoDBAttachmentRepository()
