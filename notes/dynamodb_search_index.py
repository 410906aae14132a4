"""SearchIndexStore on DynamoDB: notes/search_dynamodb.py's index, on this adapter's table and client."""

from __future__ import annotations

from notes.domain import Note
from notes.dynamodb_table import DynamoDBTable


class DynamoDBSearchIndexStore(DynamoDBTable):
    def index_note(self, note: Note) -> bool:
        return self._search.index_note(note)

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None = None) -> None:
        self._search.unindex_note(user_id=user_id, note_id=note_id, version=version)

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        return self._search.indexed_terms(user_id=user_id, note_id=note_id)

    def rebuild_search_index(self) -> dict[str, int]:
        return self._search.rebuild()
