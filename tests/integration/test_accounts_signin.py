"""The sign-in page: rotation of the session key, throttling of failed sign-ins, errors."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client

from accounts.sessions import SessionStore
from tests.conftest import PASSWORD
from tests.integration.accounts_support import replay, session_item, session_key

URL = "/accounts/signin/"


def fail(client: Client, username: str = "alice", **extra):
    return client.post(URL, {"username": username, "password": "wrong password"}, **extra)


def test_it_shows_a_labelled_form(aws):
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html and 'id="id_username"' in html
    assert '<label for="id_password">' in html and 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/accounts/signup/"' in html


def test_it_hides_the_signup_link_when_signup_is_disabled(aws, settings):
    settings.SIGNUP_ENABLED = False
    assert b"/accounts/signup/" not in Client().get(URL).content


def test_it_rotates_the_session_key_and_ends_the_anonymous_session(alice, steady_clock):
    anonymous = SessionStore()
    anonymous["seen"] = True
    anonymous.save()
    client = replay(anonymous.session_key)
    response = client.post(URL, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    new_key = session_key(client)
    assert new_key != anonymous.session_key
    assert session_item(anonymous.session_key) is None  # the pre-sign-in key can't be replayed
    assert session_item(new_key)["user_id"]["S"] == alice.id
    assert replay(anonymous.session_key).get("/accounts/password/").status_code == 302


def test_it_sets_an_httponly_lax_session_cookie(alice, steady_clock):
    client = Client()
    client.post(URL, {"username": "alice", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # Secure only on Lambda (see test_accounts_security)


def test_it_goes_to_a_local_next_but_not_elsewhere(alice, steady_clock):
    local = Client().post(URL, {"username": "alice", "password": PASSWORD, "next": "/accounts/password/"})
    assert local["Location"] == "/accounts/password/"
    evil = Client().post(URL, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert evil["Location"] == "/"


def test_it_refuses_a_wrong_password_with_the_username_kept(alice, steady_clock):
    response = fail(Client())
    assert response.status_code == 400
    assert b"Username or password is incorrect" in response.content
    assert b'value="alice"' in response.content


def test_it_asks_for_both_fields_without_touching_dynamodb(ddb_calls):
    response = Client().post(URL, {"username": "alice", "password": ""})
    assert response.status_code == 400
    assert b"Enter your username and password" in response.content
    assert ddb_calls == []


def test_it_throttles_the_sixth_failure_with_a_429_and_a_clear_message(alice, steady_clock):
    client = Client()
    for _ in range(5):
        assert fail(client).status_code == 400
    response = client.post(URL, {"username": "alice", "password": PASSWORD})  # even the right password
    assert response.status_code == 429
    assert b"Too many failed sign-ins; try again in 15 minutes." in response.content
    assert response["Retry-After"] == str(15 * 60 - 30)
    assert b'value="alice"' in response.content
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_it_counts_per_username_case_insensitively_and_per_address(alice, bob, steady_clock):
    client = Client()
    for username in ("alice", "ALICE", "Alice", "alice ", "aLiCe"):
        assert fail(client, username).status_code == 400
    assert fail(client, "alice").status_code == 429
    assert fail(client, "bob").status_code == 400  # another username from the same address
    other_address = client.post(URL, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_it_does_not_trust_x_forwarded_for_locally(alice, steady_clock):
    client = Client()
    for n in range(5):
        assert fail(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code == 400
    assert fail(client, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_it_clears_the_counter_after_a_success(alice, steady_clock):
    client = Client()
    for _ in range(4):
        fail(client)
    assert client.post(URL, {"username": "alice", "password": PASSWORD}).status_code == 302
    client = Client()
    for _ in range(5):
        assert fail(client).status_code == 400
    assert fail(client).status_code == 429


def test_it_lets_attempts_through_again_in_the_next_window(alice, steady_clock, monkeypatch):
    from accounts import throttle

    client = Client()
    for _ in range(6):
        fail(client)
    assert fail(client).status_code == 429
    monkeypatch.setattr(throttle, "_now", lambda: steady_clock + 15 * 60)
    assert client.post(URL, {"username": "alice", "password": PASSWORD}).status_code == 302


def test_it_costs_at_most_four_dynamodb_calls_per_failed_attempt(alice, ddb_calls, steady_clock):
    client = Client()
    for _ in range(5):
        ddb_calls.clear()
        assert fail(client).status_code == 400
        # both counters read at once, the username and the profile, then both counters' failure written at once
        assert len(ddb_calls) <= 4, ddb_calls
    ddb_calls.clear()
    assert fail(client).status_code == 429
    assert ddb_calls == ["BatchGetItem"]  # refused before any user lookup or password hashing


def test_it_keeps_the_username_and_shows_a_reference_when_dynamodb_is_down(aws, dynamodb_outage):
    dynamodb_outage()
    response = Client().post(URL, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 503
    html = response.content.decode()
    assert 'value="alice"' in html
    assert "The service is unavailable right now" in html
    assert re.search(r"Reference: <code>[0-9a-f]{32}</code>", html)
    assert response["Retry-After"]


def test_it_still_answers_503_when_dynamodb_fails_halfway_through_signing_in(alice, steady_clock):
    from botocore.exceptions import EndpointConnectionError

    from console.aws import dynamodb

    state = {"down": False}

    def fail_from_the_session_list_on(params, **_):
        # The new session item is written, then DynamoDB goes away before the user's session list is updated.
        if params.get("Key", {}).get("sk", {}).get("S") == "SESSIONS":
            state["down"] = True
        if state["down"]:
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    events = dynamodb.client().meta.events
    events.register("before-parameter-build.dynamodb.*", fail_from_the_session_list_on)
    try:
        response = Client(raise_request_exception=False).post(URL, {"username": "alice", "password": PASSWORD})
    finally:
        events.unregister("before-parameter-build.dynamodb.*", fail_from_the_session_list_on)
    assert state["down"]
    assert response.status_code == 503
    assert b"Reference: <code>" in response.content
