"""IdempotencyStore (notes/repository.py): the API's Idempotency-Key records.

One contract, run on the in-memory fake and on the DynamoDB adapter, each on its own
(tests/integration/note_repository_support.py)."""

from __future__ import annotations

import pytest

from tests.integration.note_repository_support import ALICE, BOB, make_note


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
