"""Bulk actions (notes.bulk): per-note conditional writes, conflicts by name, one exact Undo, the 100 limit."""

from __future__ import annotations

import pytest

from notes import bulk, services
from notes.domain import Note, NoteNotFound, ValidationError
from notes.idempotency import IdempotencyKeyReused
from tests.fakes import InMemoryBulkStore

ALICE, BOB = "alice-id", "bob-id"


@pytest.fixture
def store():
    return InMemoryBulkStore()


def add(repo, title: str, *labels: str, user_id: str = ALICE, **flags) -> Note:
    return services.note_create(user_id=user_id, data={"title": title, "labels": list(labels), **flags}, repo=repo)


def targets(*notes: Note) -> list[bulk.Target]:
    return [bulk.Target(n.id, n.version) for n in notes]


def state(repo, note: Note, user_id: str = ALICE) -> tuple:
    n = repo.get(user_id=user_id, note_id=note.id)
    return (n.title, n.labels, n.pinned, n.archived, n.completed)


def run(repo, store, action, notes, label="", user_id=ALICE):
    return bulk.bulk_apply(user_id=user_id, action=action, targets=targets(*notes), label=label, repo=repo, store=store)


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [("pin", "pinned", True), ("archive", "archived", True), ("complete", "completed", True)],
)
def test_it_sets_a_flag_on_every_chosen_note_and_undo_puts_each_back(repo, store, action, field, value):
    a, b = add(repo, "a"), add(repo, "b", **{field: value})
    before = (state(repo, a), state(repo, b))
    result = run(repo, store, action, [a, b])
    assert [o.status for o in result.outcomes] == [bulk.DONE, bulk.UNCHANGED]
    assert getattr(repo.get(user_id=ALICE, note_id=a.id), field) is value
    undone = bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)
    assert [o.status for o in undone.outcomes] == [bulk.DONE]  # b was not changed, so nothing to put back
    assert (state(repo, a), state(repo, b)) == before


def test_it_adds_and_removes_a_label_keeping_the_others_in_order_and_undo_is_exact(repo, store):
    a, b = add(repo, "a", "Work", "Fête"), add(repo, "b", "home")
    result = run(repo, store, "add_label", [a, b], label="  urgent ")
    assert result.label == "urgent"
    assert state(repo, a)[1] == ("Work", "Fête", "urgent")
    assert state(repo, b)[1] == ("home", "urgent")
    removed = run(repo, store, "remove_label", [repo.get(user_id=ALICE, note_id=a.id)], label="FETE")
    assert state(repo, a)[1] == ("Work", "urgent")  # compared as labels are: case and accents ignored
    bulk.bulk_undo(user_id=ALICE, undo_id=removed.undo_id, repo=repo, store=store)
    assert state(repo, a)[1] == ("Work", "Fête", "urgent")
    bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)
    assert state(repo, b)[1] == ("home",)
    assert state(repo, a)[1] == ("Work", "Fête", "urgent")  # changed since by the remove's undo: left as it is


def test_it_trashes_and_undo_restores_then_restore_is_undone_by_trashing(repo, store):
    a, b = add(repo, "a"), add(repo, "b")
    result = run(repo, store, "trash", [a, b])
    assert [t.note.id for t in repo.list_trash(user_id=ALICE)] != []
    bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)
    assert repo.list_trash(user_id=ALICE) == []
    trashed = run(repo, store, "trash", [repo.get(user_id=ALICE, note_id=a.id)])
    restored = bulk.bulk_apply(
        user_id=ALICE,
        action="restore",
        targets=[bulk.Target(a.id, 0)],
        repo=repo,
        store=store,
    )
    assert restored.outcomes[0].status == bulk.DONE and trashed.undo_id
    bulk.bulk_undo(user_id=ALICE, undo_id=restored.undo_id, repo=repo, store=store)
    assert [t.note.id for t in repo.list_trash(user_id=ALICE)] == [a.id]


def test_a_note_changed_meanwhile_is_reported_by_title_and_the_others_still_apply(repo, store):
    a, b = add(repo, "Shopping list"), add(repo, "Ideas")
    services.note_update(user_id=ALICE, note_id=a.id, expected_version=1, data={"title": "Shopping, edited"}, repo=repo)
    result = run(repo, store, "pin", [a, b])  # the page showed a at version 1
    assert [(o.status, o.title) for o in result.outcomes] == [(bulk.CONFLICT, "Shopping, edited"), (bulk.DONE, "Ideas")]
    assert repo.get(user_id=ALICE, note_id=a.id).pinned is False
    assert repo.get(user_id=ALICE, note_id=b.id).pinned is True


def test_undo_leaves_a_note_changed_since_the_action_and_reports_it(repo, store):
    a, b = add(repo, "a"), add(repo, "b")
    result = run(repo, store, "archive", [a, b])
    services.note_update(user_id=ALICE, note_id=a.id, expected_version=2, data={"title": "a, edited"}, repo=repo)
    undone = bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)
    assert [(o.status, o.title) for o in undone.outcomes] == [(bulk.CONFLICT, "a, edited"), (bulk.DONE, "b")]
    assert repo.get(user_id=ALICE, note_id=a.id).archived is True  # the later edit is kept, nothing overwritten
    assert repo.get(user_id=ALICE, note_id=b.id).archived is False


def test_an_undo_runs_once_and_only_for_its_user(repo, store):
    a = add(repo, "a")
    result = run(repo, store, "pin", [a])
    with pytest.raises(NoteNotFound):
        bulk.bulk_undo(user_id=BOB, undo_id=result.undo_id, repo=repo, store=store)
    bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)
    with pytest.raises(NoteNotFound):
        bulk.bulk_undo(user_id=ALICE, undo_id=result.undo_id, repo=repo, store=store)


def test_another_users_note_is_not_found_and_left_alone(repo, store):
    theirs = add(repo, "theirs", user_id=BOB)
    result = run(repo, store, "pin", [theirs])
    assert [o.status for o in result.outcomes] == [bulk.MISSING]
    assert result.outcomes[0].title == ""  # nothing of it is shown
    assert repo.get(user_id=BOB, note_id=theirs.id).pinned is False
    assert result.undo_id is None


def test_101_notes_are_refused_before_anything_is_read_or_written(repo, store):
    notes = [add(repo, f"n{i}") for i in range(bulk.BULK_MAX + 1)]
    calls = repo.calls
    with pytest.raises(ValidationError) as caught:
        run(repo, store, "pin", notes)
    assert "at most 100 notes" in caught.value.errors["notes"] and "you chose 101" in caught.value.errors["notes"]
    assert repo.calls == calls
    assert not any(repo.get(user_id=ALICE, note_id=n.id).pinned for n in notes)
    assert len(run(repo, store, "pin", notes[:100]).outcomes) == 100


@pytest.mark.parametrize(
    ("action", "label", "field"),
    [("explode", "", "action"), ("add_label", "", "label"), ("add_label", "a\u200bb", "label")],
)
def test_a_bad_action_or_label_changes_nothing(repo, store, action, label, field):
    a = add(repo, "a")
    with pytest.raises(ValidationError) as caught:
        run(repo, store, action, [a], label=label)
    assert field in caught.value.errors
    assert repo.get(user_id=ALICE, note_id=a.id).version == 1


def test_a_note_with_the_most_labels_is_reported_and_the_others_get_the_label(repo, store):
    full = add(repo, "full", *[f"l{i}" for i in range(20)])
    other = add(repo, "other")
    result = run(repo, store, "add_label", [full, other], label="one more")
    assert [(o.status, o.title) for o in result.outcomes] == [(bulk.CONFLICT, "full"), (bulk.DONE, "other")]


def test_an_answer_is_kept_per_key_replayed_for_the_same_body_and_refused_for_another(store):
    runs = []

    def once():
        runs.append(1)
        return {"results": len(runs)}

    first = bulk.answer_once(user_id=ALICE, key="k", body={"a": 1}, run=once, store=store)
    again = bulk.answer_once(user_id=ALICE, key="k", body={"a": 1}, run=once, store=store)
    assert (first, again, len(runs)) == (({"results": 1}, False), ({"results": 1}, True), 1)
    with pytest.raises(IdempotencyKeyReused):
        bulk.answer_once(user_id=ALICE, key="k", body={"a": 2}, run=once, store=store)
    assert bulk.answer_once(user_id=BOB, key="k", body={"a": 1}, run=once, store=store) == ({"results": 2}, False)


def test_when_the_undo_record_is_not_kept_the_result_still_says_what_changed(repo):
    from console.aws.errors import StoreUnavailable
    from notes import bulk_notice

    class DownStore(InMemoryBulkStore):
        def put_undo(self, **_):
            raise StoreUnavailable("DynamoDB is down", code="ServiceUnavailable")

    a = add(repo, "a")
    result = run(repo, DownStore(), "pin", [a])
    assert (result.outcomes[0].status, result.undo_id) == (bulk.DONE, None)
    assert repo.get(user_id=ALICE, note_id=a.id).pinned is True
    assert (
        bulk_notice.message(result)["text"]
        == "1 note pinned. It cannot be undone: the notes store did not keep the undo."
    )
