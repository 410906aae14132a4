"""ExportReader (notes/repository.py): the reads for export and import, iter_notes and existing_ids.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

from notes.domain import CONTENT_MAX_BYTES
from tests.integration.note_repository_support import ALICE, BOB, make_note


def test_it_iterates_live_notes_in_id_order_without_the_trash(repo):
    notes = [repo.add(make_note(title=f"n{i}")) for i in range(7)]
    trashed = notes.pop(3)
    repo.delete(user_id=ALICE, note_id=trashed.id, expected_version=1)
    repo.add(make_note(user_id=BOB, title="bob's"))

    got = list(repo.iter_notes(user_id=ALICE))

    assert [n.id for n in got] == sorted(n.id for n in notes)


def test_it_iterates_a_range_after_one_id_up_to_another(repo):
    ids = sorted(repo.add(make_note(title=f"n{i}")).id for i in range(8))

    got = [n.id for n in repo.iter_notes(user_id=ALICE, after=ids[1], until=ids[5])]

    assert got == ids[2:6]
    assert [n.id for n in repo.iter_notes(user_id=ALICE, after=ids[5])] == ids[6:]
    assert [n.id for n in repo.iter_notes(user_id=ALICE, until=ids[0])] == ids[:1]


def test_it_iterates_past_a_page_of_the_table(repo):
    # 12 notes of 100 KB are more than one 1 MB page of a Query: the iterator follows LastEvaluatedKey.
    big = "x" * CONTENT_MAX_BYTES
    ids = sorted(repo.add(make_note(title=f"big {i}", content=big)).id for i in range(12))

    assert [n.id for n in repo.iter_notes(user_id=ALICE)] == ids


def test_it_says_which_ids_exist_live_or_trashed_and_only_for_their_owner(repo):
    live = repo.add(make_note())
    trashed = repo.add(make_note())
    repo.delete(user_id=ALICE, note_id=trashed.id, expected_version=1)
    bobs = repo.add(make_note(user_id=BOB))
    unknown = "0" * 32

    found = repo.existing_ids(user_id=ALICE, note_ids=[live.id, trashed.id, bobs.id, unknown])

    assert found == {live.id, trashed.id}


def test_it_checks_more_ids_than_one_batch_holds(repo):
    made = {repo.add(make_note(title=f"n{i}")).id for i in range(130)}
    asked = made | {f"{i:032x}" for i in range(90)}

    assert repo.existing_ids(user_id=ALICE, note_ids=asked) == made
