"""manage.py rebuild_search_index: notes written before the index existed become searchable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core.management import call_command

from notes import services
from notes.domain import Note, NoteFilters, new_note_id
from notes.dynamodb_repository import DynamoDBNoteRepository


def test_it_indexes_existing_notes_and_says_how_many(alice):
    stamp = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    repo = DynamoDBNoteRepository()
    for title in ("Old café notes", "Older cafe list"):
        repo.add(Note(id=new_note_id(), user_id=alice.id, title=title, created_at=stamp, updated_at=stamp))

    def search() -> list[str]:
        return sorted(n.title for n in services.note_list(user_id=alice.id, filters=NoteFilters(q="Café")).notes)

    assert search() == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Search index rebuilt: 2 notes, 6 words indexed.\n"
    assert search() == ["Old café notes", "Older cafe list"]
