"""The repository's reads for export and import, on both repositories (the contract of
tests/integration/test_note_repository_contract.py, for iter_notes and existing_ids)."""

from __future__ import annotations

from notes.domain import CONTENT_MAX_BYTES
from tests.integration.test_note_repository_contract import (
    ALICE,
    BOB,
    make_note,
    repo,  # noqa: F401  (the fixture: both repositories)
)


def test_it_iterates_live_notes_in_id_order_without_the_trash(repo):  # noqa: F811
    notes = [repo.add(make_note(title=f"n{i}")) for i in range(7)]
    trashed = notes.pop(3)
    repo.delete(user_id=ALICE, note_id=trashed.id, expected_version=1)
    repo.add(make_note(user_id=BOB, title="bob's"))

    got = list(repo.iter_notes(user_id=ALICE))

    assert [n.id for n in got] == sorted(n.id for n in notes)


def test_it_iterates_a_range_after_one_id_up_to_another(repo):  # noqa: F811
    ids = sorted(repo.add(make_note(title=f"n{i}")).id for i in range(8))

    got = [n.id for n in repo.iter_notes(user_id=ALICE, after=ids[1], until=ids[5])]

    assert got == ids[2:6]
    assert [n.id for n in repo.iter_notes(user_id=ALICE, after=ids[5])] == ids[6:]
    assert [n.id for n in repo.iter_notes(user_id=ALICE, until=ids[0])] == ids[:1]


def test_it_iterates_past_a_page_of_the_table(repo):  # noqa: F811
    # 12 notes of 100 KB are more than one 1 MB page of a Query: the iterator follows LastEvaluatedKey.
    big = "x" * CONTENT_MAX_BYTES
    ids = sorted(repo.add(make_note(title=f"big {i}", content=big)).id for i in range(12))

    assert [n.id for n in repo.iter_notes(user_id=ALICE)] == ids


def test_it_says_which_ids_exist_live_or_trashed_and_only_for_their_owner(repo):  # noqa: F811
    live = repo.add(make_note())
    trashed = repo.add(make_note())
    repo.delete(user_id=ALICE, note_id=trashed.id, expected_version=1)
    bobs = repo.add(make_note(user_id=BOB))
    unknown = "0" * 32

    found = repo.existing_ids(user_id=ALICE, note_ids=[live.id, trashed.id, bobs.id, unknown])

    assert found == {live.id, trashed.id}


def test_it_checks_more_ids_than_one_batch_holds(repo):  # noqa: F811
    made = {repo.add(make_note(title=f"n{i}")).id for i in range(130)}
    asked = made | {f"{i:032x}" for i in range(90)}

    assert repo.existing_ids(user_id=ALICE, note_ids=asked) == made
