"""Delete my account: with the password, the user and everything of theirs go (notes, trash, history, API
tokens, sessions, Idempotency-Key records), every session ends, and an interrupted deletion finishes at the
next try or the next sign-in attempt."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts import deletion_dynamodb
from accounts.services import token_authenticate, token_create, user_authenticate, user_create
from accounts.users import InvalidCredentials, UserNotFound
from accounts.wiring import user_repository
from console.aws import dynamodb
from console.aws.errors import StoreUnavailable
from notes import services
from tests.conftest import PASSWORD
from tests.integration.accounts_support import session_item, session_key


def everything(*, mentioning: str) -> list[tuple[str, str]]:
    """Every item of the table whose key or attributes mention this text (a test's Scan; the app never scans)."""
    found, kwargs = [], {"TableName": dynamodb.table_name(), "ConsistentRead": True}
    while True:
        resp = dynamodb.client().scan(**kwargs)
        found += [(i["pk"]["S"], i["sk"]["S"]) for i in resp.get("Items", []) if mentioning in json.dumps(i)]
        if "LastEvaluatedKey" not in resp:
            return sorted(found)
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


@pytest.fixture
def alice_with_data(alice, client_for):
    """alice with 40 notes (some edited, some trashed, with history), two API tokens, three sessions and an
    Idempotency-Key record; returns her signed-in clients and a token secret."""
    from notes import wiring

    repo = wiring.note_repository()
    for i in range(40):
        note = services.note_create(user_id=alice.id, data={"title": f"Note {i}", "content": "only hers"})
        repo.add_history(note)
        if i % 5 == 0:
            note = services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "v2"})
            repo.add_history(note)
        if i % 7 == 0:
            services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)
    _, secret = token_create(user=alice, name="script")
    token_create(user=alice, name="other")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = api.post(
        "/api/notes", {"title": "via the API"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert created.status_code == 201
    clients = [client_for(alice) for _ in range(3)]
    return clients, secret


def test_the_page_asks_for_the_password_and_says_what_goes(alice, client_for):
    page = client_for(alice).get("/accounts/delete/").content.decode()
    assert 'name="password"' in page and 'name="confirm"' in page
    assert "your notes, the trash, every note&#x27;s history and" in page or "every note's history" in page
    assert 'href="/notes/export/"' in page


def test_deleting_removes_everything_of_the_user_and_signs_out_everywhere(alice_with_data, alice, bob, client_for):
    clients, secret = alice_with_data
    bobs_note = services.note_create(user_id=bob.id, data={"title": "Bob's"})
    bobs_client = client_for(bob)
    keys = [session_key(c) for c in clients]
    assert len(everything(mentioning=alice.id)) > 90

    response = clients[0].post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == "/accounts/delete/done/"
    assert everything(mentioning=alice.id) == []
    assert everything(mentioning="only hers") == []
    assert everything(mentioning="USERNAME#alice") == []
    assert all(session_item(k) is None for k in keys)
    assert all(c.get("/notes/").status_code == 302 for c in clients)
    assert token_authenticate(secret=secret) is None
    with pytest.raises(UserNotFound):
        user_repository().get(user_id=alice.id)
    with pytest.raises(InvalidCredentials):
        user_authenticate(username="alice", password=PASSWORD)
    # Bob is untouched, and the name is free again.
    assert services.note_get(user_id=bob.id, note_id=bobs_note.id).title == "Bob's"
    assert bobs_client.get("/notes/").status_code == 200
    assert user_create(username="alice", password="a new alice's passphrase").id != alice.id


def test_a_wrong_password_or_no_confirmation_deletes_nothing(alice_with_data, alice):
    clients, _ = alice_with_data
    before = everything(mentioning=alice.id)
    data = lambda: [key for key in everything(mentioning=alice.id) if not key[0].startswith("THROTTLE#")]  # noqa: E731

    wrong = clients[0].post("/accounts/delete/", {"password": "not it", "confirm": "yes"})
    unconfirmed = clients[0].post("/accounts/delete/", {"password": PASSWORD})

    assert wrong.status_code == 400 and "Your password is incorrect." in wrong.content.decode()
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert data() == before  # only the guess counter was written
    assert clients[0].get("/notes/").status_code == 200


def test_an_unticked_box_and_a_wrong_password_report_both(alice, client_for, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS = 2
    client = client_for(alice)
    response = client.post("/accounts/delete/", {"password": "not it"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tick the box" in page and "Your password is incorrect." in page
    # An unticked box is no way around the guess budget.
    assert client.post("/accounts/delete/", {"password": "again not"}).status_code == 400
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 429
    assert user_authenticate(username="alice", password=PASSWORD)


def test_password_guesses_here_are_throttled(alice, client_for, steady_clock, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS = 2
    client = client_for(alice)
    for _ in range(2):
        assert client.post("/accounts/delete/", {"password": "guess", "confirm": "yes"}).status_code == 400
    assert client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"}).status_code == 429
    assert user_authenticate(username="alice", password=PASSWORD)


def fail_at(monkeypatch, batch: int) -> None:
    """The store fails once, at this batch of deletes (1: the API tokens'; 3: the first of the notes')."""
    real = deletion_dynamodb.delete_keys
    calls = {"n": 0}

    def flaky(keys):
        if keys:
            calls["n"] += 1
            if calls["n"] == batch:
                raise StoreUnavailable("injected fault", code="InternalServerError")
        return real(keys)

    monkeypatch.setattr(deletion_dynamodb, "delete_keys", flaky)


def test_an_interrupted_deletion_finishes_when_tried_again(alice_with_data, alice, monkeypatch):
    clients, _ = alice_with_data
    fail_at(monkeypatch, 1)

    broken = clients[0].post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})

    assert broken.status_code == 503 and "stopped part way" in broken.content.decode()
    left = everything(mentioning=alice.id)
    assert ("USER#" + alice.id, "PROFILE") in left and len(left) > 90  # nothing of the notes is gone yet
    assert user_repository().get(user_id=alice.id).deleting_at
    # The fault came before the sessions ended: the page is still open, and trying again finishes it.
    again = clients[0].post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})
    assert again.status_code == 302
    assert everything(mentioning=alice.id) == []


def test_an_interrupted_deletion_finishes_at_the_next_sign_in_attempt(alice_with_data, alice, monkeypatch):
    clients, secret = alice_with_data
    fail_at(monkeypatch, 3)
    assert clients[0].post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"}).status_code == 503
    assert all(c.get("/notes/").status_code == 302 for c in clients)  # every session ended before the fault
    assert token_authenticate(secret=secret) is None
    left = everything(mentioning=alice.id)
    assert ("USER#" + alice.id, "PROFILE") in left and any(sk.startswith("NOTE#") for _, sk in left)

    signin = Client().post("/accounts/signin/", {"username": "alice", "password": PASSWORD})

    assert signin.status_code == 400 and "Username or password is incorrect." in signin.content.decode()
    assert everything(mentioning=alice.id) == []


def test_signed_out_visitors_are_sent_to_sign_in(aws):
    response = Client().get("/accounts/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_a_large_account_is_deleted_in_steps_each_within_the_time(alice_with_data, alice, monkeypatch):
    from accounts import services as account_services

    clients, _ = alice_with_data
    monkeypatch.setattr(account_services, "ERASE_TIME_BUDGET_SECONDS", 0)  # one batch per step
    browser = clients[0]

    step = browser.post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})
    steps = 1
    while step.status_code == 202:
        page = step.content.decode()
        assert "Your account is being deleted" in page
        ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
        step = browser.post("/accounts/delete/continue/", {"ticket": ticket})
        steps += 1

    assert step.status_code == 302 and step["Location"] == "/accounts/delete/done/"
    assert steps > 3
    assert everything(mentioning=alice.id) == []


def test_a_continue_ticket_cannot_delete_an_account_that_did_not_ask(alice, bob, client_for):
    from django.core import signing

    forged = signing.dumps({"user": bob.id}, salt="accounts.delete-continue")
    response = Client().post("/accounts/delete/continue/", {"ticket": forged})
    assert response.status_code == 400
    assert Client().post("/accounts/delete/continue/", {"ticket": "nonsense"}).status_code == 400
    assert user_authenticate(username="bob", password=PASSWORD)
