"""NoteStore (notes/repository.py): labels, pins, the archive and search operators.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from notes.domain import NoteFilters, ValidationError
from notes.dynamodb_notes import DynamoDBNoteStore
from tests.integration.note_repository_support import ALICE, BOB, all_pages, make_note, old_note


def titles(repo, *, limit: int = 3, user_id: str = ALICE, **filters) -> list[str]:
    pages = all_pages(repo, user_id=user_id, limit=limit, filters=NoteFilters(**filters))
    return [n.title for page in pages for n in page]


def indexed(repo, minutes: int = 60, **fields):
    """A note older than the recent-writes window, indexed: found only through the index."""
    note = repo.add(old_note(minutes=minutes, **fields))
    repo.index_note(note)
    return note


def test_labels_round_trip_as_typed_and_filter_ignoring_case_and_accents_all_must_match(repo):
    indexed(repo, title="Party", labels=("Fête", "日本語", "LabelWith#Inside"), minutes=90)
    indexed(repo, title="Cake", labels=("fete",), minutes=80)
    indexed(repo, title="Other", labels=("LabelWith",), minutes=70)
    indexed(repo, user_id=BOB, title="Bob's party", labels=("Fête",))
    got = repo.list(user_id=ALICE, limit=10).notes
    assert {n.title: n.labels for n in got}["Party"] == ("Fête", "日本語", "LabelWith#Inside")
    assert titles(repo, labels=("FETE",)) == ["Cake", "Party"]  # newest-created first
    assert titles(repo, labels=("fête", "日本語")) == ["Party"]
    assert titles(repo, labels=("labelwith#inside",)) == ["Party"]  # '#' is part of the label, not a key separator
    assert titles(repo, labels=("labelwith",)) == ["Other"]  # whole labels, not prefixes
    assert titles(repo, labels=("fete", "nothing")) == []
    assert titles(repo, category="Fete") == ["Cake", "Party"]  # the deprecated filter is one label


def test_a_label_given_a_moment_ago_is_found_before_the_index_has_it(repo):
    note = indexed(repo, title="Plan", labels=("work",))
    repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"labels": ("Home",)})
    assert titles(repo, labels=("home",)) == ["Plan"]
    assert titles(repo, labels=("work",)) == []  # the stale index entry is checked against the note


def test_label_counts_come_from_the_index_with_the_spelling_typed(repo):
    indexed(repo, title="a", labels=("Fête", "work"))
    indexed(repo, title="b", labels=("fete",))
    indexed(repo, user_id=BOB, title="c", labels=("work",))
    counts = repo.label_counts(user_id=ALICE)
    assert {key: n for key, (_, n) in counts.items()} == {"fete": 2, "work": 1}
    assert counts["fete"][0] in ("Fête", "fete")


def test_pinned_notes_come_first_and_every_note_appears_once_across_pages(repo):
    for i in range(4):
        indexed(repo, title=f"plain {i}", minutes=100 - i)
    for i in range(3):
        indexed(repo, title=f"pinned {i}", pinned=True, minutes=200 - i)
    listed = titles(repo, limit=2)
    assert listed[:3] == ["pinned 2", "pinned 1", "pinned 0"]
    assert listed[3:] == ["plain 3", "plain 2", "plain 1", "plain 0"]
    assert titles(repo, pinned=True) == ["pinned 2", "pinned 1", "pinned 0"]
    assert titles(repo, pinned=False, limit=10) == ["plain 3", "plain 2", "plain 1", "plain 0"]


def test_a_note_pinned_a_moment_ago_is_first_at_once(repo):
    note = indexed(repo, title="soon pinned", minutes=300)
    indexed(repo, title="newer", minutes=10)
    repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"pinned": True})
    assert titles(repo, limit=10)[0] == "soon pinned"


def test_archived_notes_leave_the_list_and_search_and_have_their_own(repo):
    indexed(repo, title="kept tomato")
    gone = indexed(repo, title="archived tomato", pinned=True)
    repo.update(user_id=ALICE, note_id=gone.id, expected_version=1, changes={"archived": True})
    assert titles(repo, limit=10) == ["kept tomato"]
    assert titles(repo, q="tomato") == ["kept tomato"]
    assert titles(repo, archived=True) == ["archived tomato"]
    assert titles(repo, q="tomato in:archive") == ["archived tomato"]
    assert titles(repo, q="in:archive") == ["archived tomato"]
    # Once indexed, the archive reads its own entries.
    repo.index_note(repo.get(user_id=ALICE, note_id=gone.id))
    assert titles(repo, archived=True) == ["archived tomato"]
    assert titles(repo, pinned=True) == []  # an archived note is not among the pinned ones


def test_search_operators_combine_with_words(repo):
    indexed(repo, title="Meeting notes", content="the quarterly report is late", labels=("work stuff",), minutes=90)
    indexed(repo, title="Report card", content="report late quarterly", important=True, minutes=80)
    indexed(repo, title="Garden", content="tomatoes", pinned=True, completed=True, minutes=70)
    assert titles(repo, q='"quarterly report"') == ["Meeting notes"]
    assert titles(repo, q="report -card") == ["Meeting notes"]
    assert titles(repo, q='label:"Work Stuff" report') == ["Meeting notes"]
    assert titles(repo, q='label:"work stuff"') == ["Meeting notes"]
    assert titles(repo, q="is:important report") == ["Report card"]
    assert titles(repo, q="is:pinned") == ["Garden"]
    assert titles(repo, q="is:completed tomatoes") == ["Garden"]
    assert titles(repo, q="-is:important report") == ["Meeting notes"]


def test_search_results_put_pinned_notes_first_within_a_page(repo):
    indexed(repo, title="older pinned apple", pinned=True, minutes=300)
    indexed(repo, title="newer apple", minutes=10 + 60)
    assert titles(repo, q="apple", limit=10) == ["older pinned apple", "newer apple"]


def test_in_trash_searches_the_trash(repo):
    note = indexed(repo, title="thrown away pear")
    indexed(repo, title="kept pear")
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=1)
    assert titles(repo, q="pear in:trash") == ["thrown away pear"]
    assert titles(repo, q="pear") == ["kept pear"]


@pytest.mark.parametrize(
    ("q", "says"),
    [('"unclosed phrase', "not closed"), ("colour:red", 'Unknown operator "colour:"'), ("is:blue", "is:pinned")],
)
def test_a_bad_query_is_a_validation_error_naming_the_problem(repo, q, says):
    with pytest.raises(ValidationError) as info:
        repo.list(user_id=ALICE, limit=10, filters=NoteFilters(q=q))
    assert says in info.value.errors["q"]


def test_the_stream_index_follows_label_changes_and_the_trash(repo):
    note = indexed(repo, title="moving", labels=("a",))
    edited = repo.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"labels": ("b",)})
    repo.index_note(edited.replace(updated_at=note.updated_at))  # as the stream delivers it
    assert {k for k in repo.label_counts(user_id=ALICE)} == {"b"}
    repo.delete(user_id=ALICE, note_id=note.id, expected_version=2)
    repo.unindex_note(user_id=ALICE, note_id=note.id, version=2)
    assert repo.label_counts(user_id=ALICE) == {}
    assert repo.rebuild_search_index()["notes"] == 0


def test_the_rebuild_writes_label_and_flag_entries(repo):
    note = repo.add(old_note(title="unindexed", labels=("x",), pinned=True))
    assert titles(repo, labels=("x",)) == []
    repo.rebuild_search_index()
    assert titles(repo, labels=("x",)) == ["unindexed"]
    assert titles(repo, limit=10) == ["unindexed"]
    assert repo.get(user_id=ALICE, note_id=note.id).pinned is True


def test_a_stored_category_reads_as_the_only_label_and_a_write_stores_labels(aws):
    from console.aws import dynamodb
    from notes.dynamodb_items import to_item

    store = DynamoDBNoteStore()
    note = make_note(title="Old one")
    item = to_item(note)
    item["category"] = {"S": "Küche"}  # as written before labels existed: a category, no labels/pinned/archived
    dynamodb.table_call("put_item", Item=item)
    got = store.get(user_id=ALICE, note_id=note.id)
    assert (got.labels, got.category, got.pinned, got.archived) == (("Küche",), "Küche", False, False)
    store.update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"labels": ("Küche", "neu")})
    stored = dynamodb.table_call("get_item", Key={"pk": item["pk"], "sk": item["sk"]})["Item"]
    assert "category" not in stored
    assert stored["labels"] == {"L": [{"S": "Küche"}, {"S": "neu"}]}
    assert "pinned" not in stored and "archived" not in stored  # defaults are left out
