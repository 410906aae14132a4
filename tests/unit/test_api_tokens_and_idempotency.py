"""Token and idempotency services on their in-memory fakes."""

from __future__ import annotations

import pytest

from accounts.services import token_authenticate, token_create, token_list, token_revoke
from accounts.tokens import TokenNotFound, TokenValidationError
from accounts.users import User
from notes.idempotency import IdempotencyKeyReused, fingerprint
from notes.services import note_create
from tests.fakes import InMemoryNoteRepository, InMemoryTokenRepository

ALICE = User(id="a1", username="alice")
BOB = User(id="b2", username="bob")


def test_a_token_authenticates_its_owner_until_revoked():
    repo = InMemoryTokenRepository()
    token, secret = token_create(user=ALICE, name=" cli ", repo=repo)
    assert secret.startswith("nc_") and len(secret) == 46
    assert token.name == "cli" and secret.startswith(token.hint)
    assert token_authenticate(secret=secret, repo=repo).user == ALICE
    with pytest.raises(TokenNotFound):
        token_revoke(user_id=BOB.id, token_id=token.id, repo=repo)
    token_revoke(user_id=ALICE.id, token_id=token.id, repo=repo)
    assert token_authenticate(secret=secret, repo=repo) is None
    assert token_list(user_id=ALICE.id, repo=repo) == []


def test_token_names_are_checked():
    with pytest.raises(TokenValidationError):
        token_create(user=ALICE, name="x" * 61, repo=InMemoryTokenRepository())


def test_the_same_body_in_another_spelling_has_the_same_fingerprint():
    assert fingerprint({"title": "a", "important": True}) == fingerprint({"important": True, "title": "a"})
    assert fingerprint({"title": "a"}) != fingerprint({"title": "b"})


def test_an_idempotent_create_happens_once_per_user_and_key():
    notes = InMemoryNoteRepository()
    first = note_create(user_id="a1", data={"title": "t"}, idempotency_key="k", repo=notes)
    again = note_create(user_id="a1", data={"title": "t"}, idempotency_key="k", repo=notes)
    assert not first.replayed and again.replayed and again.note == first.note
    with pytest.raises(IdempotencyKeyReused):
        note_create(user_id="a1", data={"title": "other"}, idempotency_key="k", repo=notes)
    assert not note_create(user_id="b2", data={"title": "t"}, idempotency_key="k", repo=notes).replayed
    assert notes.calls == 2
