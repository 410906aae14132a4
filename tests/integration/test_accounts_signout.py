"""Signing out ends the session on the server: the old cookie no longer works."""

from __future__ import annotations

from django.conf import settings

from console.aws import dynamodb
from tests.integration.accounts_support import replay, session_item, session_key

URL = "/accounts/signout/"


def sessions_set(user_id: str) -> list[str]:
    item = (
        dynamodb.client()
        .get_item(TableName=dynamodb.table_name(), Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "SESSIONS"}})
        .get("Item")
        or {}
    )
    return item.get("session_keys", {}).get("SS", [])


def test_it_ends_the_session_so_the_old_cookie_no_longer_works(alice, client_for):
    client = client_for(alice)
    old_key = session_key(client)
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(URL)

    assert response.status_code == 302 and response["Location"] == "/accounts/signin/?signed_out=1"
    assert session_item(old_key) is None
    assert old_key not in sessions_set(alice.id)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the browser is told to drop it
    stolen = replay(old_key).get("/accounts/password/")
    assert stolen.status_code == 302
    assert stolen["Location"].startswith("/accounts/signin/")


def test_it_leaves_the_users_other_sessions_alone(alice, client_for):
    laptop, phone = client_for(alice), client_for(alice)
    laptop.post(URL)
    assert phone.get("/accounts/password/").status_code == 200


def test_it_accepts_only_post(alice, client_for):
    client = client_for(alice)
    assert client.get(URL).status_code == 405
    assert client.get("/accounts/password/").status_code == 200


def test_it_needs_the_csrf_token_which_htmx_sends_in_a_header(alice, client_for):
    client = client_for(alice, enforce_csrf_checks=True)
    assert client.post(URL).status_code == 403
    assert client.get("/accounts/password/").status_code == 200  # still signed in

    key = session_key(client)
    page = client.get("/notes/").content.decode()
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post(URL, HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert session_item(key) is None


def test_it_says_so_on_the_page_it_lands_on(alice, client_for):
    client = client_for(alice)
    landed = client.post(URL, follow=True)
    assert landed.status_code == 200
    assert '<p class="notice notice-ok" role="status">You are signed out.</p>' in landed.content.decode()
    assert "signed out" not in client.get("/accounts/signin/").content.decode()
