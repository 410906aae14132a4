"""What one user can grow must not break them: the set of session keys stays bounded however often they sign in."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.sessions import SessionStore, end_user_sessions
from console.aws import dynamodb
from tests.conftest import PASSWORD
from tests.integration.accounts_support import session_key

SIGNIN = "/accounts/signin/"


def _set(user_id: str) -> dict:
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "SESSIONS"}}
    return dynamodb.client().get_item(TableName=dynamodb.table_name(), Key=key, ConsistentRead=True).get("Item") or {}


def _keys(user_id: str) -> set[str]:
    return set(_set(user_id).get("session_keys", {}).get("SS", []))


@pytest.mark.slow
def test_a_thousand_sign_ins_leave_the_session_set_bounded(alice, steady_clock, settings):
    cap = settings.SESSIONS_PER_USER
    largest = 0
    last_keys = []
    for n in range(1000):
        client = Client()
        assert client.post(SIGNIN, {"username": "alice", "password": PASSWORD}).status_code == 302, n
        last_keys.append(session_key(client))
        largest = max(largest, len(_keys(alice.id)))

    item_bytes = sum(len(k) for k in _keys(alice.id))
    print(f"after 1,000 sign-ins: at most {largest} session keys (cap {cap}), ~{item_bytes} bytes of keys")
    assert largest <= cap
    # The newest sessions are the ones kept, and they still work.
    assert set(last_keys[-int(cap * 0.5) :]) <= _keys(alice.id)
    newest = Client()
    newest.cookies[settings.SESSION_COOKIE_NAME] = last_keys[-1]
    assert newest.get("/accounts/password/").status_code == 200
    # An evicted session is ended, not merely forgotten: its cookie signs nobody in.
    oldest = Client()
    oldest.cookies[settings.SESSION_COOKIE_NAME] = last_keys[0]
    assert oldest.get("/accounts/password/").status_code == 302
    # And a password change still ends every session the set knows.
    known = _keys(alice.id)
    assert end_user_sessions(user_id=alice.id) == len(known)
    assert newest.get("/accounts/password/").status_code == 302


def test_keys_of_ended_sessions_leave_the_set_before_any_live_one_is_ended(alice, steady_clock, settings):
    settings.SESSIONS_PER_USER = 10
    first = Client()
    first.post(SIGNIN, {"username": "alice", "password": PASSWORD})
    keep = session_key(first)
    for _ in range(8):  # sessions that end by themselves (signed out, expired: gone from the table)
        client = Client()
        client.post(SIGNIN, {"username": "alice", "password": PASSWORD})
        SessionStore(session_key(client)).delete()
    for _ in range(5):
        Client().post(SIGNIN, {"username": "alice", "password": PASSWORD})

    keys = _keys(alice.id)
    assert len(keys) <= 10
    assert keep in keys  # the oldest live session was not ended: dead keys made the room
    first_again = Client()
    first_again.cookies[settings.SESSION_COOKIE_NAME] = keep
    assert first_again.get("/accounts/password/").status_code == 200
