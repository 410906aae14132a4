"""TrashStore (notes/repository.py): the trash, restoring, deleting for good, the purge.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from notes.domain import HISTORY_KEEP, NoteNotFound, iso_after, now_iso
from tests.integration.note_repository_support import ALICE, BOB, make_note


def test_a_trashed_note_cannot_be_edited_or_deleted_again(repo):
    note = repo.add(make_note())
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    with pytest.raises(NoteNotFound):
        repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "ghost"})
    with pytest.raises(NoteNotFound):
        repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert repo.list(user_id=ALICE, limit=10).notes == []


def test_it_restores_from_the_trash_as_a_new_version(repo):
    note = repo.add(make_note(title="come back"))
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    restored = repo.restore(user_id=ALICE, note_id=note.id)
    assert (restored.title, restored.version) == ("come back", 2)
    assert repo.get(user_id=ALICE, note_id=note.id) == restored
    assert [n.id for n in repo.list(user_id=ALICE, limit=10).notes] == [note.id]
    assert repo.list_trash(user_id=ALICE) == []
    with pytest.raises(NoteNotFound):
        repo.restore(user_id=ALICE, note_id=note.id)


def test_it_deletes_forever_only_from_the_trash(repo):
    note = repo.add(make_note())
    with pytest.raises(NoteNotFound):
        repo.delete_forever(user_id=ALICE, note_id=note.id)
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    repo.delete_forever(user_id=ALICE, note_id=note.id)
    assert repo.list_trash(user_id=ALICE) == []
    with pytest.raises(NoteNotFound):
        repo.restore(user_id=ALICE, note_id=note.id)


def test_another_user_cannot_see_restore_or_purge_my_trash(repo):
    note = repo.add(make_note(user_id=ALICE))
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert repo.list_trash(user_id=BOB) == []
    with pytest.raises(NoteNotFound):
        repo.restore(user_id=BOB, note_id=note.id)
    with pytest.raises(NoteNotFound):
        repo.delete_forever(user_id=BOB, note_id=note.id)
    assert len(repo.list_trash(user_id=ALICE)) == 1


def test_the_purge_deletes_only_expired_trash(repo):
    old = repo.add(make_note(title="old"))
    fresh = repo.add(make_note(title="fresh"))
    old_trash = repo.delete(user_id=ALICE, note_id=old.id, expected_version=1)
    repo.delete(user_id=ALICE, note_id=fresh.id, expected_version=1)
    assert repo.purge_expired(now=now_iso()) == 0
    # Pretend it is now the first one's purge time; the second was trashed after it.
    purged = repo.purge_expired(now=old_trash.purge_at)
    assert purged >= 1
    remaining = {t.note.id for t in repo.list_trash(user_id=ALICE)}
    assert old.id not in remaining
    assert repo.purge_expired(now=iso_after(now_iso(), days=31)) == len(remaining)
    assert repo.list_trash(user_id=ALICE) == []


def test_deleting_forever_drops_the_history(repo):
    note = repo.add(make_note())
    repo.add_history(note)
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert len(repo.list_history(user_id=ALICE, note_id=note.id)) == 1
    repo.delete_forever(user_id=ALICE, note_id=note.id)
    assert repo.list_history(user_id=ALICE, note_id=note.id) == []


def test_deleting_forever_drops_a_full_history(repo):
    note = current = repo.add(make_note(title="v1"))
    repo.add_history(note)
    for i in range(2, HISTORY_KEEP + 3):
        current = repo.update(
            user_id=ALICE, note_id=note.id, expected_version=current.version, changes={"title": f"v{i}"}
        )
        repo.add_history(current)
    assert len(repo.list_history(user_id=ALICE, note_id=note.id)) == HISTORY_KEEP
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=current.version)
    repo.delete_forever(user_id=ALICE, note_id=note.id)
    assert repo.list_history(user_id=ALICE, note_id=note.id) == []
    with pytest.raises(NoteNotFound):
        repo.get_version(user_id=ALICE, note_id=note.id, version=current.version)
