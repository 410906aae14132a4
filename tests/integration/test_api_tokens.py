"""Personal API tokens: the Tokens page, hashed storage, revocation, last use (moto)."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client

from accounts.services import token_authenticate, token_create, token_list
from accounts.tokens import hash_token
from accounts.tokens_dynamodb import DynamoDBTokenRepository
from console.aws import dynamodb


def all_items():
    return dynamodb.client().scan(TableName=dynamodb.table_name())["Items"]  # tests only: the app never scans


def test_the_page_needs_a_sign_in(aws):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signin/")


def test_it_shows_a_new_token_once_and_stores_only_its_hash(alice, client_for):
    client = client_for(alice)
    created = client.post("/accounts/tokens/", {"name": "backup script"})
    assert created.status_code == 302 and created["Location"] == "/accounts/tokens/?created=1"
    response = client.get(created["Location"])
    secret = re.search(r'value="(nc_[A-Za-z0-9_-]{43})"', response.content.decode()).group(1)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    dump = repr(all_items())  # the session held it only until that page took it out
    assert secret not in dump
    assert hash_token(secret) in dump
    page = client.get("/accounts/tokens/").content.decode()
    assert "backup script" in page
    assert secret not in page
    assert secret[:7] in page  # the hint: prefix and four characters
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/notes").status_code == 200


def test_reloading_the_page_after_creating_a_token_creates_no_second_one(alice, client_for):
    client = client_for(alice)
    created = client.post("/accounts/tokens/", {"name": "backup script"}, follow=True)
    assert created.redirect_chain == [("/accounts/tokens/?created=1", 302)]
    assert re.search(r'value="nc_', created.content.decode())
    reloaded = client.get("/accounts/tokens/?created=1")  # what a refresh of that page sends
    assert not re.search(r'value="nc_', reloaded.content.decode())
    assert "shown once already" in reloaded.content.decode()
    assert [t.name for t in token_list(user_id=alice.id)] == ["backup script"]


def test_a_token_not_shown_within_five_minutes_is_dropped(alice, client_for, monkeypatch):
    import time

    from accounts import token_views

    client = client_for(alice)
    client.post("/accounts/tokens/", {"name": "late"})
    later = time.time() + 301
    monkeypatch.setattr(token_views.time, "time", lambda: later)
    page = client.get("/accounts/tokens/?created=1").content.decode()
    assert not re.search(r'value="nc_', page) and "shown once already" in page


def test_a_name_is_required(alice, client_for):
    response = client_for(alice).post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert b"Give the token a name" in response.content
    assert token_list(user_id=alice.id) == []


def test_revoking_stops_the_token_at_once(alice, client_for):
    token, secret = token_create(user=alice, name="old laptop")
    client = client_for(alice)
    response = client.post(f"/accounts/tokens/{token.id}/revoke/")
    assert response.status_code == 302
    assert token_list(user_id=alice.id) == []
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/notes").status_code == 401
    assert not [i for i in all_items() if i["pk"]["S"].startswith("TOKEN#")]
    assert b"revoked" in client.get(response["Location"]).content


def test_a_user_cannot_revoke_or_see_another_users_token(alice, bob, client_for):
    token, secret = token_create(user=alice, name="alice's")
    bob_client = client_for(bob)
    assert bob_client.post(f"/accounts/tokens/{token.id}/revoke/").status_code == 404
    assert b"alice's" not in bob_client.get("/accounts/tokens/").content
    assert token_authenticate(secret=secret) is not None


def test_the_forms_are_csrf_protected(alice, client_for):
    token, _ = token_create(user=alice, name="t")
    client = client_for(alice, enforce_csrf_checks=True)
    assert client.post("/accounts/tokens/", {"name": "x"}).status_code == 403
    assert client.post(f"/accounts/tokens/{token.id}/revoke/").status_code == 403


def test_there_is_a_limit_per_user(alice, client_for, settings):
    settings.API_TOKENS_PER_USER = 2
    client = client_for(alice)
    assert client.post("/accounts/tokens/", {"name": "a"}).status_code == 302
    assert client.post("/accounts/tokens/", {"name": "b"}).status_code == 302
    response = client.post("/accounts/tokens/", {"name": "c"})
    assert response.status_code == 400
    assert b"revoke one first" in response.content


def test_a_token_carries_its_owner_and_records_its_last_use_at_most_every_five_minutes(alice, ddb_calls):
    token, secret = token_create(user=alice, name="t")
    assert token_list(user_id=alice.id)[0].last_used_at == ""
    ddb_calls.clear()
    owner = token_authenticate(secret=secret)
    assert owner.user.id == alice.id and owner.user.username == "alice" and owner.token_id == token.id
    first_use = token_list(user_id=alice.id)[0].last_used_at
    assert first_use
    ddb_calls.clear()
    token_authenticate(secret=secret)
    assert ddb_calls == ["UpdateItem"]  # one call, whether or not it writes
    assert token_list(user_id=alice.id)[0].last_used_at == first_use


def test_a_stale_last_use_is_rewritten(alice):
    _, secret = token_create(user=alice, name="t")
    repo = DynamoDBTokenRepository()
    repo.authenticate(token_hash=hash_token(secret), now="2026-01-01T00:00:00.000000Z", touch_before="2026-01-01")
    assert token_list(user_id=alice.id)[0].last_used_at == "2026-01-01T00:00:00.000000Z"
    token_authenticate(secret=secret)
    assert token_list(user_id=alice.id)[0].last_used_at > "2026-01-01T00:00:00.000000Z"


def test_malformed_tokens_cost_no_call(aws, ddb_calls):
    for secret in ["", "nc_", "nc_" + "!" * 43, "xx_" + "a" * 43, "nc_" + "a" * 43 + "\n"]:
        assert token_authenticate(secret=secret) is None
    assert ddb_calls == []


def test_the_session_cookie_name_is_what_the_openapi_document_says(aws):
    document = Client().get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["sessionCookie"]["name"] == settings.SESSION_COOKIE_NAME
