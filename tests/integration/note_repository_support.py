"""What the notes repository's contract suites share: their `repo` (repo_for) and the notes they make.

Each of notes/repository.py's protocols has its suite (test_note_store_contract.py, test_trash_store_contract.py,
test_history_store_contract.py, test_search_index_contract.py, test_idempotency_store_contract.py,
test_export_reader_contract.py, test_note_store_labels_contract.py), run on the in-memory fakes and on DynamoDB.
`repo` answers each method with the adapter of the protocol that owns it, a separate object each, sharing only the
store (one NotesState, or the table and its client): every adapter and every fake is checked on its own.
"""

from __future__ import annotations

from typing import Any

from notes import repository
from notes.domain import Note, NoteFilters, new_note_id, now_iso
from notes.dynamodb_export import DynamoDBExportReader
from notes.dynamodb_history import DynamoDBHistoryStore
from notes.dynamodb_idempotency import DynamoDBIdempotencyStore
from notes.dynamodb_notes import DynamoDBNoteStore
from notes.dynamodb_search_index import DynamoDBSearchIndexStore
from notes.dynamodb_trash import DynamoDBTrashStore
from tests import fakes

ALICE = "alice-id"
BOB = "bob-id"

# Each protocol, with its DynamoDB adapter and its fake.
ADAPTERS: dict[type, tuple[type, type]] = {
    repository.NoteStore: (DynamoDBNoteStore, fakes.InMemoryNoteStore),
    repository.TrashStore: (DynamoDBTrashStore, fakes.InMemoryTrashStore),
    repository.HistoryStore: (DynamoDBHistoryStore, fakes.InMemoryHistoryStore),
    repository.SearchIndexStore: (DynamoDBSearchIndexStore, fakes.InMemorySearchIndexStore),
    repository.IdempotencyStore: (DynamoDBIdempotencyStore, fakes.InMemoryIdempotencyStore),
    repository.ExportReader: (DynamoDBExportReader, fakes.InMemoryExportReader),
}


def protocol_methods(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}


class SplitRepository:
    """Every protocol's methods, each answered by that protocol's own adapter."""

    def __init__(self, adapters: dict[type, Any]) -> None:
        self.adapters = adapters
        self._owner = {name: adapter for protocol, adapter in adapters.items() for name in protocol_methods(protocol)}

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._owner[name], name)
        except KeyError:
            raise AttributeError(name) from None


def split_repository(kind: str) -> SplitRepository:
    if kind == "memory":
        state = fakes.NotesState()
        return SplitRepository({protocol: fake(state) for protocol, (_, fake) in ADAPTERS.items()})
    from console.aws import dynamodb

    client = dynamodb.client()
    return SplitRepository({protocol: adapter(client=client) for protocol, (adapter, _) in ADAPTERS.items()})


def repo_for(request) -> SplitRepository:
    """The suites' `repo` fixture (params memory, dynamodb): moto's table for the second."""
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
    return split_repository(request.param)


def make_note(user_id: str = ALICE, **fields) -> Note:
    stamp = now_iso()
    values = {
        "title": "A title",
        "content": "Some content",
        "important": False,
        "completed": False,
    }
    values.update(fields)
    return Note(id=new_note_id(), user_id=user_id, created_at=stamp, updated_at=stamp, version=1, **values)


def all_pages(repo, *, user_id: str, limit: int, filters: NoteFilters | None = None) -> list[list[Note]]:
    pages, cursor = [], None
    while True:
        page = repo.list(user_id=user_id, limit=limit, cursor=cursor, filters=filters)
        pages.append(page.notes)
        cursor = page.cursor
        if cursor is None:
            return pages


def old_note(user_id: str = ALICE, *, minutes: int = 60, **fields) -> Note:
    """A note last written before the search's recent-writes window: only the index can find it."""
    from datetime import UTC, datetime, timedelta

    stamp = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    note = make_note(user_id, **{"content": "", **fields})
    return note.replace(created_at=stamp, updated_at=stamp)


def found(repo, q: str, *, user_id: str = ALICE, limit: int = 10, **filters) -> list[str]:
    pages = all_pages(repo, user_id=user_id, limit=limit, filters=NoteFilters(q=q, **filters))
    return [n.title for page in pages for n in page]
