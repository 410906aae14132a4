"""In-memory fakes of the repository protocols, for unit tests (cosmicpython: "don't mock what you don't
own"). Each has a contract suite that runs the same cases on it and on its DynamoDB adapter: account_repositories.py (users,
tokens), attachment_repository.py, and the notes' protocols in note_stores.py (one fake per protocol on one NotesState)."""

from tests.fakes.account_repositories import InMemoryTokenRepository, InMemoryUserRepository
from tests.fakes.attachment_repository import InMemoryAttachmentRepository
from tests.fakes.bulk_store import InMemoryBulkStore
from tests.fakes.note_stores import (
    InMemoryExportReader,
    InMemoryHistoryStore,
    InMemoryIdempotencyStore,
    InMemoryNoteRepository,
    InMemoryNoteStore,
    InMemorySearchIndexStore,
    InMemoryTrashStore,
    NotesState,
)

__all__ = [
    "InMemoryAttachmentRepository",
    "InMemoryBulkStore",
    "InMemoryExportReader",
    "InMemoryHistoryStore",
    "InMemoryIdempotencyStore",
    "InMemoryNoteRepository",
    "InMemoryNoteStore",
    "InMemorySearchIndexStore",
    "InMemoryTokenRepository",
    "InMemoryTrashStore",
    "InMemoryUserRepository",
    "NotesState",
]
