"""One contract, two bulk stores (notes.bulk.BulkStore): the fake must behave like the DynamoDB adapter."""

from __future__ import annotations

import pytest

from notes.bulk_dynamodb import DynamoDBBulkStore
from notes.bulk_store import UndoStep
from tests.fakes import InMemoryBulkStore

ALICE, BOB = "alice-id", "bob-id"
NOW = 1_800_000_000


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return InMemoryBulkStore()
    request.getfixturevalue("aws")
    return DynamoDBBulkStore()


def test_it_keeps_an_undo_until_it_is_taken_once_by_its_user(store):
    steps = [UndoStep("a" * 32, "set", 3, {"labels": ["Fête", "x"], "pinned": False}), UndoStep("b" * 32, "restore", 2)]
    store.put_undo(user_id=ALICE, undo_id="u1", steps=steps, expires_at=NOW + 60)
    assert store.take_undo(user_id=BOB, undo_id="u1", now=NOW) is None
    assert store.take_undo(user_id=ALICE, undo_id="u1", now=NOW) == steps
    assert store.take_undo(user_id=ALICE, undo_id="u1", now=NOW) is None


def test_an_expired_undo_is_absent(store):
    store.put_undo(user_id=ALICE, undo_id="u2", steps=[UndoStep("a" * 32, "trash", 1)], expires_at=NOW - 1)
    assert store.take_undo(user_id=ALICE, undo_id="u2", now=NOW) is None


def test_an_answer_is_kept_once_per_user_and_key(store):
    assert store.find_answer(user_id=ALICE, key="k", now=NOW) is None
    answer = {"results": [{"id": "a" * 32, "status": "done", "title": "Fête"}]}
    assert (
        store.keep_answer(user_id=ALICE, key="k", fingerprint="f1", answer=answer, expires_at=NOW + 60, now=NOW) is None
    )
    assert store.find_answer(user_id=ALICE, key="k", now=NOW) == ("f1", answer)
    assert store.keep_answer(user_id=ALICE, key="k", fingerprint="f2", answer={}, expires_at=NOW + 60, now=NOW) == (
        "f1",
        answer,
    )
    assert store.find_answer(user_id=BOB, key="k", now=NOW) is None
    assert store.find_answer(user_id=ALICE, key="k", now=NOW + 61) is None  # expired: the key can be used again
