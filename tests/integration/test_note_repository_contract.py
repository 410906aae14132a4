"""One contract, two repositories: the in-memory fake must behave like the DynamoDB adapter."""

from __future__ import annotations

import pytest

from notes.domain import (
    HISTORY_KEEP,
    InvalidCursor,
    Note,
    NoteFilters,
    NoteNotFound,
    VersionConflict,
    iso_after,
    new_note_id,
    now_iso,
)
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.fakes import InMemoryNoteRepository

ALICE = "alice-id"
BOB = "bob-id"


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request):
    if request.param == "memory":
        return InMemoryNoteRepository()
    request.getfixturevalue("aws")
    return DynamoDBNoteRepository()


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


def test_deleting_forever_drops_the_history(repo):
    note = repo.add(make_note())
    repo.add_history(note)
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert len(repo.list_history(user_id=ALICE, note_id=note.id)) == 1
    repo.delete_forever(user_id=ALICE, note_id=note.id)
    assert repo.list_history(user_id=ALICE, note_id=note.id) == []


def test_dropping_the_history_of_a_note_that_is_gone_is_idempotent(repo):
    note = repo.add(make_note())
    repo.add_history(note)
    other = repo.add(make_note(user_id=BOB))
    repo.add_history(other)
    repo.delete_history(user_id=ALICE, note_id=note.id)
    repo.delete_history(user_id=ALICE, note_id=note.id)
    assert repo.list_history(user_id=ALICE, note_id=note.id) == []
    assert len(repo.list_history(user_id=BOB, note_id=other.id)) == 1


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


# --- the search index (notes/search.py): maintained by the stream handler, read by a search ---------------


def old_note(user_id: str = ALICE, *, minutes: int = 60, **fields) -> Note:
    """A note last written before the search's recent-writes window: only the index can find it."""
    from datetime import UTC, datetime, timedelta

    stamp = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    note = make_note(user_id, **{"content": "", **fields})
    return Note(**{**note.__dict__, "created_at": stamp, "updated_at": stamp})


def found(repo, q: str, *, user_id: str = ALICE, limit: int = 10, **filters) -> list[str]:
    pages = all_pages(repo, user_id=user_id, limit=limit, filters=NoteFilters(q=q, **filters))
    return [n.title for page in pages for n in page]


def test_search_answers_from_the_index_for_notes_older_than_the_recent_window(repo):
    note = repo.add(old_note(title="Garden plans", content="tomatoes and beans"))
    assert found(repo, "tomatoes") == []  # not indexed yet, and too old for the recent-writes check
    assert repo.index_note(note) is True
    assert found(repo, "tomatoes") == ["Garden plans"]
    assert found(repo, "garden") == ["Garden plans"]
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) == [
        "and",
        "beans",
        "garden",
        "plans",
        "tomatoes",
    ]


def test_search_finds_a_note_saved_a_moment_ago_before_the_index_has_seen_it(repo):
    repo.add(make_note(title="Just written", content="fresh words"))
    assert found(repo, "fresh") == ["Just written"]
    assert found(repo, "FRESH wor") == ["Just written"]


def test_search_is_case_and_accent_insensitive_both_ways(repo):
    for title in ("Café crème", "CAFE NOIR", "Ça va", "Straße"):
        repo.index_note(repo.add(old_note(title=title)))
    assert sorted(found(repo, "cafe")) == ["CAFE NOIR", "Café crème"]
    assert sorted(found(repo, "CAFÉ")) == ["CAFE NOIR", "Café crème"]
    assert found(repo, "creme") == ["Café crème"]
    assert found(repo, "ca va") == ["Ça va"]
    assert found(repo, "strasse") == ["Straße"]  # casefold: ß is ss


def test_search_matches_word_prefixes_once_per_note(repo):
    repo.index_note(repo.add(old_note(title="Cafeteria menu", content="the cafe next to the cafeteria", minutes=90)))
    repo.index_note(repo.add(old_note(title="Calendar", minutes=80)))
    repo.index_note(repo.add(old_note(title="Other", content="nothing", minutes=70)))
    assert found(repo, "caf", limit=1) == ["Cafeteria menu"]  # reached through two words, listed once
    assert sorted(found(repo, "ca", limit=1)) == ["Cafeteria menu", "Calendar"]
    assert found(repo, "afe") == []  # the beginning of a word, not any substring


def test_search_covers_title_content_and_category_and_combines_with_filters(repo):
    repo.index_note(repo.add(old_note(title="Plumber", content="kitchen tap", category="home", important=True)))
    repo.index_note(repo.add(old_note(title="Report", content="tap dance", category="work")))
    assert sorted(found(repo, "tap")) == ["Plumber", "Report"]
    assert found(repo, "home") == ["Plumber"]
    assert found(repo, "tap", category="work") == ["Report"]
    assert found(repo, "tap", important=True) == ["Plumber"]
    assert found(repo, "tap kitchen") == ["Plumber"]  # every word must match
    assert found(repo, "!!!") == []


def test_an_edit_reindexes_only_what_changed_and_old_words_stop_matching(repo):
    note = repo.add(old_note(title="Alpha", content="beta"))
    repo.index_note(note)
    edited = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"content": "gamma"})
    # Before the stream delivers the edit: found by its new words (recent), not by its old ones (checked).
    assert found(repo, "gamma") == ["Alpha"]
    assert found(repo, "beta") == []
    assert repo.index_note(edited) is True
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) == ["alpha", "gamma"]


def test_a_redelivered_or_older_version_writes_nothing(repo):
    note = repo.add(old_note(title="One"))
    repo.index_note(note)
    edited = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "Two"})
    assert repo.index_note(edited) is True
    assert repo.index_note(edited) is False  # redelivered
    assert repo.index_note(note) is False  # an older record replayed
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) == ["two"]


def test_a_trashed_note_leaves_the_index_and_a_replay_does_not_bring_it_back(repo):
    note = repo.add(old_note(title="Secret plans"))
    repo.index_note(note)
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert found(repo, "secret") == []  # the index still has it, but the note is not live
    repo.unindex_note(user_id=ALICE, note_id=note.id, version=1)
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) == []
    assert repo.index_note(note) is False  # the stream replaying the note's insert
    restored = repo.restore(user_id=ALICE, note_id=note.id)
    assert repo.index_note(restored) is True
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) == ["plans", "secret"]


def test_deleting_forever_and_the_purge_remove_every_index_item(repo):
    kept = repo.add(old_note(title="kept"))
    repo.index_note(kept)
    for title, how in (("forever", "delete_forever"), ("purged", "purge")):
        note = repo.add(old_note(title=title))
        repo.index_note(note)
        trashed = repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
        repo.unindex_note(user_id=ALICE, note_id=note.id, version=1)  # the stream's MODIFY into the trash
        if how == "delete_forever":
            repo.delete_forever(user_id=ALICE, note_id=note.id)
        else:
            repo.purge_expired(now=trashed.purge_at)
        repo.unindex_note(user_id=ALICE, note_id=note.id)  # the stream's REMOVE
        assert repo.indexed_terms(user_id=ALICE, note_id=note.id) is None
        repo.unindex_note(user_id=ALICE, note_id=note.id)  # redelivered: nothing to do
        assert found(repo, title) == []
    assert found(repo, "kept") == ["kept"]


def test_a_remove_straight_from_a_live_note_drops_its_entries(repo):
    note = repo.add(old_note(title="Vanishing act"))
    repo.index_note(note)
    repo.unindex_note(user_id=ALICE, note_id=note.id)
    assert repo.indexed_terms(user_id=ALICE, note_id=note.id) is None
    assert found(repo, "vanishing") == []
    assert repo.rebuild_search_index()["entries"] == 2  # still live here: the rebuild puts it back
    assert found(repo, "vanishing") == ["Vanishing act"]


def test_the_rebuild_indexes_existing_notes_and_drops_strays(repo):
    notes = [repo.add(old_note(title=f"Existing {w}", content="old data")) for w in ("one", "two")]
    trashed = repo.add(old_note(title="Binned"))
    repo.index_note(trashed)
    repo.delete(user_id=ALICE, note_id=trashed.id, expected_version=1)  # its entries are strays now
    repo.add(old_note(user_id=BOB, title="Bob's existing"))
    assert found(repo, "existing") == []
    counts = repo.rebuild_search_index()
    assert counts["notes"] == 3
    assert sorted(found(repo, "existing")) == ["Existing one", "Existing two"]
    assert found(repo, "existing", user_id=BOB) == ["Bob's existing"]
    assert repo.indexed_terms(user_id=ALICE, note_id=trashed.id) == []
    assert repo.indexed_terms(user_id=ALICE, note_id=notes[0].id) == ["data", "existing", "old", "one"]
    assert repo.rebuild_search_index() == counts  # nothing left to change


def test_search_pages_through_the_index_without_duplicates_or_gaps(repo):
    made = []
    for i in range(25):
        note = repo.add(old_note(title=f"Page note {i}", minutes=100 - i))
        repo.index_note(note)
        made.append(note.title)
    pages = all_pages(repo, user_id=ALICE, limit=4, filters=NoteFilters(q="page"))
    titles = [n.title for page in pages for n in page]
    assert titles == list(reversed(made))  # newest created first
    assert found(repo, "page", user_id=BOB) == []


def test_search_order_is_the_documented_one_whatever_was_saved_lately(repo):
    """Newest-created first, on every page: an old note edited (or restored) a moment ago stays in its
    place instead of coming first for 15 minutes, and a note not indexed yet still takes its own place."""
    made = []
    for i in range(7):
        note = repo.add(old_note(title=f"Plan {i}", minutes=200 - i))
        repo.index_note(note)
        made.append(note)
    oldest = made[0]
    repo.update(user_id=ALICE, note_id=oldest.id, expected_version=1, changes={"content": "edited now"})
    repo.add(make_note(title="Plan fresh", content=""))  # created now, not indexed yet
    expected = ["Plan fresh", *[n.title for n in reversed(made)]]
    for limit in (2, 3, 10):
        assert found(repo, "plan", limit=limit) == expected, limit


def test_a_search_cursor_is_bound_to_its_user_and_its_query(repo):
    for i in range(5):
        repo.index_note(repo.add(old_note(title=f"word {i}")))
    cursor = repo.list(user_id=ALICE, limit=2, filters=NoteFilters(q="word")).cursor
    list_cursor = repo.list(user_id=ALICE, limit=2).cursor
    assert cursor
    for user_id, q, bad in ((BOB, "word", cursor), (ALICE, "other", cursor), (ALICE, "word", list_cursor)):
        with pytest.raises(InvalidCursor):
            repo.list(user_id=user_id, limit=2, cursor=bad, filters=NoteFilters(q=q))


def test_a_note_indexes_at_most_max_terms_words(repo):
    from notes import search

    content = " ".join(f"w{i}" for i in range(search.MAX_TERMS + 500))
    note = repo.add(old_note(title="Huge", content=content))
    repo.index_note(note)
    terms = repo.indexed_terms(user_id=ALICE, note_id=note.id)
    assert len(terms) == search.MAX_TERMS
    assert found(repo, "w10") == ["Huge"]
    assert found(repo, f"w{search.MAX_TERMS + 100}") == []  # beyond the cap: documented as not searchable


# --- the idempotent create (the API's Idempotency-Key) ----------------------------------------------------


def test_an_idempotent_create_stores_once_and_replays_the_first_answer(repo):
    from notes.idempotency import IdempotencyKeyReused

    first = repo.add_idempotent(make_note(title="Once"), key="k1", fingerprint="f1", expires_at=2_000, now=1_000)
    again = repo.add_idempotent(make_note(title="Once"), key="k1", fingerprint="f1", expires_at=2_000, now=1_001)
    assert not first.replayed and again.replayed and again.note == first.note
    assert [n.id for n in repo.list(user_id=ALICE, limit=10).notes] == [first.note.id]
    with pytest.raises(IdempotencyKeyReused):
        repo.add_idempotent(make_note(title="Other"), key="k1", fingerprint="f2", expires_at=2_000, now=1_002)
    other_user = repo.add_idempotent(
        make_note(BOB, title="Once"), key="k1", fingerprint="f1", expires_at=2_000, now=1_003
    )
    assert not other_user.replayed


def test_an_expired_idempotency_record_counts_as_absent(repo):
    first = repo.add_idempotent(make_note(title="Old"), key="k2", fingerprint="f1", expires_at=1_500, now=1_000)
    later = repo.add_idempotent(make_note(title="New"), key="k2", fingerprint="f2", expires_at=9_000, now=2_000)
    assert not later.replayed and later.note.id != first.note.id


def test_normalizing_ascii_and_other_text_agree():
    from notes import search

    assert search.words("Hello WORLD, it's 2026") == ["hello", "world", "it", "s", "2026"]
    assert search.words("Ünïcödé ÉTÉ ǅemal") == ["unicode", "ete", "dzemal"]
