"""One contract, two implementations: the user and token fakes (tests/fakes/) behave like the DynamoDB
adapters (accounts/users_dynamodb.py, accounts/tokens_dynamodb.py)."""

from __future__ import annotations

import pytest

from accounts.tokens import ApiToken, TokenNotFound
from accounts.tokens_dynamodb import DynamoDBTokenRepository
from accounts.users import User, UsernameTaken, UserNotFound
from accounts.users_dynamodb import DynamoDBUserRepository
from tests.fakes import InMemoryTokenRepository, InMemoryUserRepository

ALICE = User(
    id="alice-id", username="Alice", password_hash="h1", is_admin=False, created_at="2026-12-01T00:00:00.000000Z"
)
BOB = User(id="bob-id", username="bob", password_hash="h2", is_admin=True, created_at="2026-12-01T00:00:01.000000Z")


@pytest.fixture(params=["memory", "dynamodb"])
def users(request):
    if request.param == "memory":
        return InMemoryUserRepository()
    request.getfixturevalue("aws")
    return DynamoDBUserRepository()


@pytest.fixture(params=["memory", "dynamodb"])
def tokens(request):
    if request.param == "memory":
        return InMemoryTokenRepository()
    request.getfixturevalue("aws")
    return DynamoDBTokenRepository()


def test_it_adds_and_reads_a_user_by_id_and_by_username_case_insensitively(users):
    users.add(ALICE)
    assert users.get(user_id=ALICE.id) == ALICE
    assert users.get_by_username(username="alice") == ALICE
    assert users.get_by_username(username="ALICE") == ALICE


def test_a_username_is_unique_whatever_its_case(users):
    users.add(ALICE)
    with pytest.raises(UsernameTaken):
        users.add(User(id="other", username="aLiCe", password_hash="x", created_at=ALICE.created_at))
    assert users.get(user_id=ALICE.id) == ALICE


def test_an_unknown_user_is_not_found(users):
    with pytest.raises(UserNotFound):
        users.get(user_id="nobody")
    with pytest.raises(UserNotFound):
        users.get_by_username(username="nobody")
    with pytest.raises(UserNotFound):
        users.set_password_hash(user_id="nobody", password_hash="x")


def test_it_sets_a_password_hash(users):
    users.add(ALICE)
    assert users.set_password_hash(user_id=ALICE.id, password_hash="new").password_hash == "new"
    assert users.get(user_id=ALICE.id).password_hash == "new"


def _token(token_id: str, user: User, created_at: str) -> ApiToken:
    return ApiToken(id=token_id, user_id=user.id, name=f"token {token_id}", created_at=created_at, hint="nc_abcd")


def test_tokens_are_listed_oldest_first_per_user_and_authenticate_their_owner(tokens):
    tokens.add(_token("t2", ALICE, "2026-12-01T00:00:02.000000Z"), token_hash="hash2", owner=ALICE)
    tokens.add(_token("t1", ALICE, "2026-12-01T00:00:01.000000Z"), token_hash="hash1", owner=ALICE)
    tokens.add(_token("t3", BOB, "2026-12-01T00:00:03.000000Z"), token_hash="hash3", owner=BOB)
    assert [t.id for t in tokens.list(user_id=ALICE.id)] == ["t1", "t2"]
    owner = tokens.authenticate(
        token_hash="hash3", now="2026-12-01T01:00:00.000000Z", touch_before="2026-12-01T00:55:00.000000Z"
    )
    assert owner.token_id == "t3" and owner.user.id == BOB.id and owner.user.is_admin
    assert tokens.authenticate(token_hash="unknown", now="2026-12-01T01:00:00.000000Z", touch_before="x") is None


def test_a_use_is_recorded_at_most_once_per_granularity(tokens):
    tokens.add(_token("t1", ALICE, "2026-12-01T00:00:01.000000Z"), token_hash="hash1", owner=ALICE)
    tokens.authenticate(
        token_hash="hash1", now="2026-12-01T01:00:00.000000Z", touch_before="2026-12-01T00:55:00.000000Z"
    )
    tokens.authenticate(
        token_hash="hash1", now="2026-12-01T01:01:00.000000Z", touch_before="2026-12-01T00:56:00.000000Z"
    )
    assert tokens.list(user_id=ALICE.id)[0].last_used_at == "2026-12-01T01:00:00.000000Z"


def test_a_revoked_token_stops_working_and_only_its_owner_can_revoke_it(tokens):
    tokens.add(_token("t1", ALICE, "2026-12-01T00:00:01.000000Z"), token_hash="hash1", owner=ALICE)
    with pytest.raises(TokenNotFound):
        tokens.delete(user_id=BOB.id, token_id="t1")
    tokens.delete(user_id=ALICE.id, token_id="t1")
    assert tokens.list(user_id=ALICE.id) == []
    assert tokens.authenticate(token_hash="hash1", now="2026-12-01T01:00:00.000000Z", touch_before="x") is None
    with pytest.raises(TokenNotFound):
        tokens.delete(user_id=ALICE.id, token_id="t1")
