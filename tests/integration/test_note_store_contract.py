"""NoteStore (notes/repository.py): the user's live notes.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from notes.domain import InvalidCursor, NoteFilters, NoteNotFound, VersionConflict, iso_after
from tests.integration.note_repository_support import ALICE, BOB, all_pages, make_note


def test_it_creates_and_gets_a_note(repo):
    note = repo.add(make_note(title="Groceries", content="milk, eggs", category="home", important=True))
    got = repo.get(user_id=ALICE, note_id=note.id)
    assert got == note
    assert (got.title, got.content, got.category, got.important, got.completed, got.version) == (
        "Groceries",
        "milk, eggs",
        "home",
        True,
        False,
        1,
    )


def test_it_keeps_empty_content(repo):
    note = repo.add(make_note(content=""))
    assert repo.get(user_id=ALICE, note_id=note.id).content == ""


def test_it_lists_newest_update_first(repo):
    first = repo.add(make_note(title="first"))
    second = repo.add(make_note(title="second"))
    third = repo.add(make_note(title="third"))
    repo.update(user_id=ALICE, note_id=first.id, expected_version=1, changes={"title": "first, edited"})
    titles = [n.title for n in repo.list(user_id=ALICE, limit=10).notes]
    assert titles == ["first, edited", third.title, second.title]


def test_it_pages_250_notes_in_pages_of_20_without_duplicates_or_gaps(repo):
    made = {repo.add(make_note(title=f"note {i}")).id for i in range(250)}
    pages = all_pages(repo, user_id=ALICE, limit=20)
    seen = [n.id for page in pages for n in page]
    assert len(pages) == 13
    assert [len(p) for p in pages] == [20] * 12 + [10]
    assert len(seen) == len(set(seen)) == 250
    assert set(seen) == made
    stamps = [n.updated_at for page in pages for n in page]
    assert stamps == sorted(stamps, reverse=True)


def test_it_filters_by_category_flags_and_text(repo):
    repo.add(make_note(title="Buy MILK", category="home", important=True))
    repo.add(make_note(title="Quarterly report", content="numbers for the board", category="work"))
    repo.add(make_note(title="Call plumber", category="home", completed=True))
    repo.add(make_note(user_id=BOB, title="bob's milk", category="home", important=True))

    def titles(**f):
        notes = [n for page in all_pages(repo, user_id=ALICE, limit=2, filters=NoteFilters(**f)) for n in page]
        return sorted(n.title for n in notes)

    assert titles(category="home") == ["Buy MILK", "Call plumber"]
    assert titles(important=True) == ["Buy MILK"]
    assert titles(completed=True) == ["Call plumber"]
    assert titles(completed=False, category="home") == ["Buy MILK"]
    assert titles(q="milk") == ["Buy MILK"]
    assert titles(q="BOARD") == ["Quarterly report"]
    assert titles(q="nothing like this") == []


def test_it_updates_with_the_current_version(repo):
    note = repo.add(make_note())
    updated = repo.update(
        user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "New", "completed": True}
    )
    assert (updated.title, updated.completed, updated.version) == ("New", True, 2)
    assert updated.updated_at >= note.updated_at
    assert repo.get(user_id=ALICE, note_id=note.id) == updated


def test_it_refuses_a_stale_update_and_changes_nothing(repo):
    note = repo.add(make_note(title="original"))
    current = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "second"})
    with pytest.raises(VersionConflict) as info:
        repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "stale"})
    assert info.value.current == current
    assert info.value.expected == 1
    assert repo.get(user_id=ALICE, note_id=note.id) == current


def test_it_refuses_a_stale_delete_and_keeps_the_note(repo):
    note = repo.add(make_note())
    current = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"important": True})
    with pytest.raises(VersionConflict):
        repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert repo.get(user_id=ALICE, note_id=note.id) == current


def test_it_deletes_into_the_trash_with_the_current_version(repo):
    note = repo.add(make_note())
    trashed = repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert trashed.note == note
    assert trashed.purge_at == iso_after(trashed.deleted_at, days=30)
    with pytest.raises(NoteNotFound):
        repo.get(user_id=ALICE, note_id=note.id)
    assert repo.list(user_id=ALICE, limit=10).notes == []
    assert repo.list(user_id=ALICE, limit=10, filters=NoteFilters(q="content")).notes == []
    assert [t.note.id for t in repo.list_trash(user_id=ALICE)] == [note.id]


def test_it_hides_another_users_note_on_every_operation(repo):
    note = repo.add(make_note(user_id=ALICE))
    with pytest.raises(NoteNotFound):
        repo.get(user_id=BOB, note_id=note.id)
    with pytest.raises(NoteNotFound):
        repo.update(user_id=BOB, note_id=note.id, expected_version=1, changes={"title": "mine now"})
    with pytest.raises(NoteNotFound):
        repo.delete(user_id=BOB, note_id=note.id, expected_version=1)
    assert repo.list(user_id=BOB, limit=10).notes == []
    assert repo.get(user_id=ALICE, note_id=note.id) == note


def test_it_reports_missing_notes(repo):
    with pytest.raises(NoteNotFound):
        repo.get(user_id=ALICE, note_id="does-not-exist")
    with pytest.raises(NoteNotFound):
        repo.update(user_id=ALICE, note_id="does-not-exist", expected_version=1, changes={"title": "x"})
    with pytest.raises(NoteNotFound):
        repo.delete(user_id=ALICE, note_id="does-not-exist", expected_version=1)


def test_it_makes_one_note_for_a_repeated_client_token(repo):
    first = repo.add(make_note(title="double-submitted"), client_token="form-token-1")
    again = repo.add(make_note(title="double-submitted"), client_token="form-token-1")
    other = repo.add(make_note(title="double-submitted"), client_token="form-token-2")
    assert again == first
    assert other.id != first.id
    assert len(repo.list(user_id=ALICE, limit=10).notes) == 2


def test_the_same_client_token_of_two_users_makes_two_notes(repo):
    a = repo.add(make_note(user_id=ALICE), client_token="same")
    b = repo.add(make_note(user_id=BOB), client_token="same")
    assert a.id != b.id
    assert repo.get(user_id=BOB, note_id=b.id).user_id == BOB


def test_it_rejects_a_tampered_cursor(repo):
    for i in range(5):
        repo.add(make_note(title=f"n{i}"))
    cursor = repo.list(user_id=ALICE, limit=2).cursor
    assert cursor
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "garbage", "x" * 5000, cursor + ":"):
        with pytest.raises(InvalidCursor):
            repo.list(user_id=ALICE, limit=2, cursor=bad)


def test_it_rejects_another_users_cursor(repo):
    for i in range(5):
        repo.add(make_note(user_id=ALICE, title=f"n{i}"))
        repo.add(make_note(user_id=BOB, title=f"b{i}"))
    alices_cursor = repo.list(user_id=ALICE, limit=2).cursor
    with pytest.raises(InvalidCursor):
        repo.list(user_id=BOB, limit=2, cursor=alices_cursor)
