"""HistoryStore (notes/repository.py): a note's recorded versions.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from notes.domain import HISTORY_KEEP, NoteNotFound
from tests.integration.note_repository_support import ALICE, BOB, make_note


def test_history_records_each_version_once_and_keeps_the_last_20(repo):
    note = repo.add(make_note(title="v1"))
    assert repo.add_history(note) is True
    assert repo.add_history(note) is False  # a redelivered record
    current = note
    for i in range(2, 26):
        current = repo.update(
            user_id=ALICE, note_id=note.id, expected_version=current.version, changes={"title": f"v{i}"}
        )
        repo.add_history(current)
    versions = [n.version for n in repo.list_history(user_id=ALICE, note_id=note.id)]
    assert versions == list(range(25, 25 - HISTORY_KEEP, -1))
    assert repo.list_history(user_id=BOB, note_id=note.id) == []


def test_dropping_the_history_of_a_note_that_is_gone_is_idempotent(repo):
    note = repo.add(make_note())
    repo.add_history(note)
    other = repo.add(make_note(user_id=BOB))
    repo.add_history(other)
    repo.delete_history(user_id=ALICE, note_id=note.id)
    repo.delete_history(user_id=ALICE, note_id=note.id)
    assert repo.list_history(user_id=ALICE, note_id=note.id) == []
    assert len(repo.list_history(user_id=BOB, note_id=other.id)) == 1


def test_it_reads_one_recorded_version_by_its_number(repo):
    note = repo.add(make_note(title="first"))
    repo.add_history(note)
    second = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "second"})
    repo.add_history(second)
    assert repo.get_version(user_id=ALICE, note_id=note.id, version=1) == note
    assert repo.get_version(user_id=ALICE, note_id=note.id, version=2) == second
    for user_id, version in ((ALICE, 3), (ALICE, 0), (BOB, 1)):
        with pytest.raises(NoteNotFound):
            repo.get_version(user_id=user_id, note_id=note.id, version=version)
