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


# --- usernames in any script ----------------------------------------------------------


@pytest.mark.parametrize("username", ["rené.dupont", "山田_太郎", "Ελένη", "नमस्ते", "müller+notes@home"])
def test_a_username_may_be_in_any_script_and_signs_in(aws, username):
    assert signup(Client(), username=username)["Location"] == "/"
    again = Client()
    response = again.post("/accounts/signin/", {"username": username.upper(), "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    assert user_repository().get_by_username(username=username).username == username


def test_a_username_is_stored_nfkc_and_unique_regardless_of_case_and_composition(aws):
    decomposed = "Rene\u0301.Dupont"  # "e" + a combining acute accent
    assert signup(Client(), username=decomposed)["Location"] == "/"
    stored = user_repository().get_by_username(username="rené.dupont")
    assert stored.username == "René.Dupont"  # composed (NFKC), the case as typed
    for twin in ("RENÉ.DUPONT", "rené.dupont", "Ｒｅｎé.dupont"):  # the last in full-width letters
        response = signup(Client(), username=twin)
        assert response.status_code == 400, twin
        assert "is taken" in response.content.decode()
    signed_in = Client().post("/accounts/signin/", {"username": "rené.DUPONT", "password": PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ab", "That username is too short: use at least 3 characters."),
        ("a" * 41, "That username is too long: use at most 40 characters."),
        ("rené dupont", "A username can&#x27;t contain spaces: use . or _ between words (like rené.dupont)."),
        ("alice!", "A username can&#x27;t contain “!”. Use letters, digits, and . _ @ + - only."),
        ("bob\u200bby", "A username can&#x27;t contain invisible characters. Use letters, digits, and . _ @ + - only."),
    ],
)
def test_a_refused_username_says_what_is_wrong_not_the_help_again(aws, username, message):
    html = signup(Client(), username=username).content.decode()
    error = html.split('id="err_username">', 1)[1].split("</p>", 1)[0]
    help_text = html.split('id="help_username">', 1)[1].split("</p>", 1)[0]
    assert error == message
    assert help_text.startswith("3-40 characters: letters (any language), digits")
    assert help_text not in error


def test_existing_ascii_usernames_keep_their_claims_and_sign_in(aws):
    """A name made under the old ASCII-only rule has the same claim key under the new one."""
    from accounts.users import username_key

    for name in ("alice", "Bob.Smith", "x_y@z+1-2"):
        assert username_key(name) == name.casefold()


def test_a_user_with_a_name_in_another_script_uses_the_api_with_a_token(aws):
    """The API takes no username (tokens stand for the user), so what it owes such a user is to work for them."""
    from accounts.services import token_create

    assert signup(Client(), username="山田_太郎")["Location"] == "/"
    user = user_repository().get_by_username(username="山田_太郎")
    _, secret = token_create(user=user, name="phone")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = api.post("/api/notes", {"title": "メモ"}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [n["title"] for n in api.get("/api/notes").json()["notes"]] == ["メモ"]
