"""The change-password page: checks the current password, ends the user's other sessions, rotates this one."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import user_authenticate
from tests.conftest import PASSWORD
from tests.integration.accounts_support import replay, session_item, session_key

URL = "/accounts/password/"
NEW = "a brand new passphrase 42"


def change(client: Client, old: str = PASSWORD, new1: str = NEW, new2: str | None = None):
    return client.post(
        URL, {"old_password": old, "new_password1": new1, "new_password2": new1 if new2 is None else new2}
    )


def test_it_sends_anonymous_visitors_to_sign_in(aws):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signin/?next=/accounts/password/"


def test_it_makes_htmx_follow_the_sign_in_redirect_with_the_current_page_as_next(aws):
    response = Client().get(URL, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/notes/?page=2")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/signin/?next=/notes/%3Fpage%3D2"


def test_it_shows_a_labelled_form(alice, client_for):
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("old_password", "new_password1", "new_password2"):
        assert f'<label for="id_{field}">' in html
    assert 'autocomplete="username" hidden' in html  # for password managers


def test_it_changes_the_password_and_ends_every_other_session(alice, client_for, steady_clock):
    here, elsewhere = client_for(alice), client_for(alice)
    here_key, elsewhere_key = session_key(here), session_key(elsewhere)

    response = change(here)

    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert b"Every other session was signed out" in here.get(response["Location"]).content
    # The other client's old cookie stops working...
    assert elsewhere.get(URL)["Location"].startswith("/accounts/signin/")
    assert session_item(elsewhere_key) is None
    # ...and this client carries on under a new key; its old key is gone too.
    assert session_key(here) != here_key
    assert session_item(here_key) is None
    assert replay(here_key).get(URL).status_code == 302
    assert here.get(URL).status_code == 200
    assert user_authenticate(username="alice", password=NEW).id == alice.id


def test_it_leaves_other_users_signed_in(alice, bob, client_for, steady_clock):
    bobs = client_for(bob)
    change(client_for(alice))
    assert bobs.get(URL).status_code == 200


def test_it_refuses_a_wrong_current_password_and_changes_nothing(alice, client_for, steady_clock):
    here, elsewhere = client_for(alice), client_for(alice)
    response = change(here, old="not my password")
    assert response.status_code == 400
    assert b"Your current password is incorrect" in response.content
    assert elsewhere.get(URL).status_code == 200
    assert user_authenticate(username="alice", password=PASSWORD).id == alice.id


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        (NEW, NEW + "x", b"The two new passwords differ"),
        ("12345678", "12345678", b"entirely numeric"),
        ("short", "short", b"too short"),
        (PASSWORD, PASSWORD, b"must differ from the current one"),
    ],
)
def test_it_refuses_a_bad_new_password(alice, client_for, steady_clock, new1, new2, message):
    response = change(client_for(alice), new1=new1, new2=new2)
    assert response.status_code == 400
    assert message in response.content
    assert b'aria-invalid="true"' in response.content
    assert user_authenticate(username="alice", password=PASSWORD).id == alice.id


def test_it_throttles_guesses_of_the_current_password(alice, client_for, steady_clock, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS = 2
    client = client_for(alice)
    assert change(client, old="guess 1").status_code == 400
    assert change(client, old="guess 2").status_code == 400
    response = change(client)  # even the right one
    assert response.status_code == 429
    assert b"Too many failed password checks; try again in 15 minutes." in response.content


def test_it_does_not_count_a_weak_new_password_as_a_guess(alice, client_for, steady_clock, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS = 2
    client = client_for(alice)
    for _ in range(3):
        assert change(client, new1="12345678").status_code == 400
    assert change(client).status_code == 302


def test_it_shows_a_503_with_a_reference_when_dynamodb_is_down(alice, client_for, dynamodb_outage):
    client = client_for(alice)
    dynamodb_outage()
    response = change(client)
    assert response.status_code == 503
    assert b"The service is unavailable right now" in response.content
    assert b"Reference: <code>" in response.content


def test_it_revokes_every_api_token_and_says_so(alice, client_for, steady_clock):
    from accounts.services import token_create, token_list
    from tests.reliability.support import token_client

    _, secret = token_create(user=alice, name="laptop script")
    token_create(user=alice, name="cron")
    api = token_client(alice)
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert api.get("/api/notes").status_code == 200

    client = client_for(alice)
    assert change(client).status_code == 302

    assert token_list(user_id=alice.id) == []
    assert api.get("/api/notes").status_code == 401  # whoever had the old password keeps no token
    done = client.get("/accounts/password/done/").content.decode()
    assert "every API token was revoked" in done and 'href="/accounts/tokens/"' in done


def test_a_failed_change_keeps_the_tokens(alice, client_for, steady_clock):
    from accounts.services import token_create, token_list

    token_create(user=alice, name="laptop script")
    assert change(client_for(alice), old="not my password").status_code == 400
    assert len(token_list(user_id=alice.id)) == 1
