"""The sign-up page, including the setting that turns it off."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.users import UserNotFound
from accounts.wiring import user_repository
from tests.conftest import PASSWORD

URL = "/accounts/signup/"


def signup(client: Client, username: str = "carol", password: str = PASSWORD, password2: str | None = None):
    return client.post(URL, {"username": username, "password": password, "password2": password2 or password})


def test_it_shows_a_labelled_form_with_hints(aws):
    html = Client().get(URL).content.decode()
    for field in ("username", "password", "password2"):
        assert f'<label for="id_{field}">' in html
    assert 'aria-describedby="help_password"' in html


def test_it_creates_the_user_and_signs_in(aws):
    client = Client()
    assert signup(client)["Location"] == "/"
    assert client.get("/accounts/password/").status_code == 200
    user = user_repository().get_by_username(username="CAROL")
    assert user.username == "carol" and not user.is_admin and user.created_at.endswith("Z")


def test_it_keeps_the_username_and_marks_the_field_on_errors(aws):
    response = signup(Client(), password="12345678")
    assert response.status_code == 400
    assert b'value="carol"' in response.content
    assert b'id="err_password"' in response.content and b'aria-invalid="true"' in response.content


def test_it_refuses_differing_passwords(aws):
    response = signup(Client(), password2=PASSWORD + "!")
    assert response.status_code == 400
    assert b"The two passwords differ" in response.content


def test_it_reports_every_problem_at_once(aws, ddb_calls):
    response = signup(Client(), username="x", password="123", password2="1234")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err_username"' in html and 'id="err_password"' in html and 'id="err_password2"' in html
    assert ddb_calls == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_is_closed_when_signup_is_disabled(aws, settings, method):
    settings.SIGNUP_ENABLED = False
    response = getattr(Client(), method)(URL, {"username": "carol", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 403
    assert b"Sign-up is closed" in response.content
    with pytest.raises(UserNotFound):
        user_repository().get_by_username(username="carol")


def test_it_keeps_the_username_and_shows_a_reference_when_dynamodb_is_down(aws, dynamodb_outage):
    dynamodb_outage()
    response = signup(Client())
    assert response.status_code == 503
    assert b'value="carol"' in response.content
    assert b"Reference: <code>" in response.content
