"""The notes repository on DynamoDB, as wired (notes/wiring.py): every adapter of notes/repository.py's
protocols on one table and one client. Each lives in its own module; this one only puts them together.
"""

from __future__ import annotations

from notes.dynamodb_export import DynamoDBExportReader
from notes.dynamodb_history import DynamoDBHistoryStore
from notes.dynamodb_idempotency import DynamoDBIdempotencyStore
from notes.dynamodb_items import from_item, to_item
from notes.dynamodb_notes import DynamoDBNoteStore
from notes.dynamodb_search_index import DynamoDBSearchIndexStore
from notes.dynamodb_trash import DynamoDBTrashStore

__all__ = ["DynamoDBNoteRepository", "from_item", "to_item"]


class DynamoDBNoteRepository(
    DynamoDBNoteStore,
    DynamoDBTrashStore,
    DynamoDBHistoryStore,
    DynamoDBSearchIndexStore,
    DynamoDBIdempotencyStore,
    DynamoDBExportReader,
):
    """NoteRepository: one object that serves every narrow protocol (they share the client and the table)."""
