"""Renaming and deleting a label on every note (notes.services.label_rename / label_delete), on the fake."""

from __future__ import annotations

import pytest

from notes import services
from notes.domain import Note, ValidationError

ALICE = "alice-id"


def add(repo, title: str, *labels: str, user_id: str = ALICE, **flags) -> Note:
    note = services.note_create(user_id=user_id, data={"title": title, "labels": list(labels), **flags}, repo=repo)
    repo.index_note(note)
    return note


def labels_of(repo, note: Note) -> tuple[str, ...]:
    return repo.get(user_id=note.user_id, note_id=note.id).labels


def test_a_rename_changes_the_label_on_every_note_in_place_and_keeps_the_rest(repo):
    a = add(repo, "a", "first", "Fête", "last")
    b = add(repo, "b", "fete", archived=True)
    other = add(repo, "c", "fete", user_id="bob-id")
    change = services.label_rename(user_id=ALICE, old="FETE", new="Party", repo=repo)
    assert (change.changed, change.merged, change.more, change.skipped) == (2, False, False, [])
    assert labels_of(repo, a) == ("first", "Party", "last")
    assert labels_of(repo, b) == ("Party",)  # archived notes too
    assert labels_of(repo, other) == ("fete",)  # another user's notes are untouched
    assert repo.get(user_id=ALICE, note_id=a.id).title == "a"


def test_a_rename_onto_an_existing_label_merges_and_says_so(repo):
    a = add(repo, "a", "work", "Job")
    add(repo, "b", "job")
    change = services.label_rename(user_id=ALICE, old="job", new="Work", repo=repo)
    assert change.merged is True
    assert labels_of(repo, a) == ("work",)  # one label, not two
    assert [(s.label, s.notes) for s in services.label_list(user_id=ALICE, repo=repo)][0][1] >= 1


def test_a_note_changed_meanwhile_is_retried_on_what_is_stored_never_overwritten(repo):
    note = add(repo, "draft", "old")

    edited_once = {"done": False}
    real_update = repo.update

    def update(**kwargs):
        if not edited_once["done"]:
            edited_once["done"] = True
            real_update(user_id=ALICE, note_id=note.id, expected_version=1, changes={"title": "edited elsewhere"})
        return real_update(**kwargs)

    repo.update = update
    change = services.label_rename(user_id=ALICE, old="old", new="new", repo=repo)
    stored = repo.get(user_id=ALICE, note_id=note.id)
    assert (stored.title, stored.labels, stored.version) == ("edited elsewhere", ("new",), 3)
    assert change.changed == 1 and change.skipped == []


def test_a_rename_goes_in_batches_and_resumes_where_it_stopped(repo):
    notes = [add(repo, f"n{i}", "tag") for i in range(5)]
    first = services.label_rename(user_id=ALICE, old="tag", new="Tag2", repo=repo, batch=3)
    assert (first.changed, first.more) == (3, True)
    second = services.label_rename(user_id=ALICE, old="tag", new="Tag2", repo=repo, batch=3)
    assert (second.changed, second.more) == (2, False)
    assert {labels_of(repo, n) for n in notes} == {("Tag2",)}


def test_deleting_a_label_keeps_the_notes(repo):
    a = add(repo, "a", "x", "y")
    change = services.label_delete(user_id=ALICE, label="X", repo=repo)
    assert change.changed == 1
    assert labels_of(repo, a) == ("y",)


def test_a_bad_new_name_is_refused_before_anything_changes(repo):
    a = add(repo, "a", "x")
    with pytest.raises(ValidationError) as info:
        services.label_rename(user_id=ALICE, old="x", new="bad\x07", repo=repo)
    assert "control" in info.value.errors["label"]
    assert labels_of(repo, a) == ("x",)


def test_label_list_counts_notes_by_label(repo):
    add(repo, "a", "Fête", "b")
    add(repo, "b", "fete")
    got = [(s.key, s.notes) for s in services.label_list(user_id=ALICE, repo=repo)]
    assert got == [("b", 1), ("fete", 2)]
