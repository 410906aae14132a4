"""SearchIndexStore (notes/repository.py): the search index, maintained by the stream handler, read by a search.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from notes.domain import InvalidCursor, NoteFilters
from tests.integration.note_repository_support import ALICE, BOB, all_pages, found, make_note, old_note


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


def test_normalizing_ascii_and_other_text_agree():
    from notes import search

    assert search.words("Hello WORLD, it's 2026") == ["hello", "world", "it", "s", "2026"]
    assert search.words("Ünïcödé ÉTÉ ǅemal") == ["unicode", "ete", "dzemal"]
