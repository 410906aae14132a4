"""A forgotten password without email: `manage.py password_reset_link USERNAME` prints a one-time, expiring
link; using it sets a new password, ends every session of the user and revokes their API tokens."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts import reset_links
from accounts.services import token_authenticate, token_create, user_authenticate
from accounts.users import InvalidCredentials
from tests.conftest import PASSWORD
from tests.integration.accounts_support import session_item, session_key

NEW = "a brand new passphrase"
LINK_RE = re.compile(r"^(\S*/accounts/reset/\?key=([A-Za-z0-9_-]+))$", re.M)


def make_link(username: str, *args: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("password_reset_link", username, *args, stdout=out)
    match = LINK_RE.search(out.getvalue())
    assert match, out.getvalue()
    return match.group(1), match.group(2)


def path_of(link: str) -> str:
    return link[link.index("/accounts/") :]


def test_the_command_prints_a_link_that_expires(alice):
    out = io.StringIO()
    call_command("password_reset_link", "alice", "--base-url", "https://notes.example.com/", stdout=out)

    text = out.getvalue()
    assert "Password reset link for 'alice', valid once until " in text
    assert re.search(r"^https://notes\.example\.com/accounts/reset/\?key=[A-Za-z0-9_-]{43}$", text, re.M)


def test_the_command_refuses_an_unknown_user_and_odd_durations(alice):
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("password_reset_link", "nobody")
    with pytest.raises(CommandError, match="between 1 and 1440"):
        call_command("password_reset_link", "alice", "--minutes", "0")


def test_the_link_sets_a_new_password_ends_every_session_and_revokes_tokens(alice, client_for):
    laptop, phone = client_for(alice), client_for(alice)
    keys = [session_key(laptop), session_key(phone)]
    _, token = token_create(user=alice, name="script")
    link, _ = make_link("alice")
    browser = Client()

    page = browser.get(path_of(link), follow=True)
    assert page.redirect_chain == [("/accounts/reset/", 302)]  # the secret leaves the URL at once
    assert page.status_code == 200 and "For <strong>alice</strong>" in page.content.decode()
    assert link.split("key=")[1] not in page.content.decode()
    done = browser.post("/accounts/reset/", {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert user_authenticate(username="alice", password=NEW)
    with pytest.raises(InvalidCredentials):
        user_authenticate(username="alice", password=PASSWORD)
    assert all(session_item(key) is None for key in keys)
    assert laptop.get("/notes/").status_code == 302  # signed out
    assert token_authenticate(secret=token) is None
    assert "revoked" in browser.get("/accounts/reset/done/").content.decode()


def test_the_link_works_once(alice):
    link, secret = make_link("alice")
    form = {"key": secret, "new_password1": NEW, "new_password2": NEW}
    assert Client().post("/accounts/reset/", form).status_code == 302

    again = Client().post(
        "/accounts/reset/", {**form, "new_password1": "another passphrase 2", "new_password2": "another passphrase 2"}
    )

    assert again.status_code == 400 and "used already" in again.content.decode()
    assert Client().get(path_of(link), follow=True).status_code == 404
    assert user_authenticate(username="alice", password=NEW)


def test_an_expired_link_does_not_work(alice, monkeypatch):
    _, secret = make_link("alice", "--minutes", "1")
    real = time.time
    monkeypatch.setattr(reset_links.time, "time", lambda: real() + 61)

    response = Client().post("/accounts/reset/", {"key": secret, "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 400 and "has expired" in response.content.decode()
    assert user_authenticate(username="alice", password=PASSWORD)


def test_a_link_stops_working_once_the_password_changed_another_way(alice):
    from accounts.services import user_change_password

    _, secret = make_link("alice")
    user_change_password(user_id=alice.id, old_password=PASSWORD, new_password="changed by alice herself")

    assert Client().get(f"/accounts/reset/?key={secret}", follow=True).status_code == 404


def test_a_refused_new_password_keeps_the_link_usable(alice):
    _, secret = make_link("alice")
    client = Client()

    weak = client.post("/accounts/reset/", {"key": secret, "new_password1": "12345678", "new_password2": "12345678"})
    differ = client.post("/accounts/reset/", {"key": secret, "new_password1": NEW, "new_password2": NEW + "x"})

    assert weak.status_code == 400 and 'id="err_new_password1"' in weak.content.decode()
    assert differ.status_code == 400 and "The two new passwords differ." in differ.content.decode()
    assert (
        client.post("/accounts/reset/", {"key": secret, "new_password1": NEW, "new_password2": NEW}).status_code == 302
    )


def test_a_made_up_key_is_refused(aws):
    assert Client().get("/accounts/reset/?key=" + "x" * 43, follow=True).status_code == 404
    assert Client().get("/accounts/reset/").status_code == 404


def test_the_link_is_for_one_user_only(alice, bob, client_for):
    bobs = client_for(bob)
    _, secret = make_link("alice")
    Client().post("/accounts/reset/", {"key": secret, "new_password1": NEW, "new_password2": NEW})

    assert bobs.get("/notes/").status_code == 200
    assert user_authenticate(username="bob", password=PASSWORD)


def test_the_secret_is_not_in_the_request_log(alice, caplog):
    _, secret = make_link("alice")
    Client().get(f"/accounts/reset/?key={secret}")
    Client().post("/accounts/reset/", {"key": secret, "new_password1": NEW, "new_password2": NEW})
    assert secret not in caplog.text
