"""Sign-in state: sessions in DynamoDB, rotation at sign-in, sign-out and password change end sessions."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from console.aws import dynamodb
from tests.conftest import PASSWORD


def session_item(key: str):
    return (
        dynamodb.client()
        .get_item(TableName=dynamodb.table_name(), Key={"pk": {"S": f"SESSION#{key}"}, "sk": {"S": "SESSION"}})
        .get("Item")
    )


def test_it_signs_in_with_a_new_session_key_stored_in_dynamodb(alice):
    client = Client()
    client.get("/accounts/signin/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "attackerchosenkey0000000000000000000000"
    response = client.post("/accounts/signin/", {"username": "ALICE", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != "attackerchosenkey0000000000000000000000"
    item = session_item(key)
    assert item["user_id"]["S"] == alice.id
    assert int(item["expires_at"]["N"]) > 0
    assert "alice" in client.get("/", follow=True).content.decode()


def test_a_wrong_password_is_a_400_with_the_username_kept(alice):
    response = Client().post("/accounts/signin/", {"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert b"Username or password is incorrect" in response.content
    assert b'value="alice"' in response.content


def test_signing_out_ends_the_session_on_the_server(alice, client_for):
    client = client_for(alice)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert session_item(old_key)
    client.post("/accounts/signout/")
    assert session_item(old_key) is None
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert b"alice" not in replay.get("/").content


def test_signup_creates_the_user_and_signs_in(aws):
    client = Client()
    response = client.post("/accounts/signup/", {"username": "carol", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert "carol" in client.get("/", follow=True).content.decode()


def test_signup_refuses_a_taken_username_case_insensitively(alice):
    response = Client().post("/accounts/signup/", {"username": "Alice", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    assert b"taken" in response.content
