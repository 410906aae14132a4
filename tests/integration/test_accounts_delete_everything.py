"""Deleting an account leaves nothing of the user under any key prefix the table can hold:
the search index, reset links and the throttle's items included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from accounts.services import password_reset_link_create, token_create
from console.aws import dynamodb
from notes import services
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def items_of(*mentioning: str) -> list[tuple[str, str]]:
    """Every item whose key or attributes mention any of these texts (a test's Scan; the app never scans)."""
    found, kwargs = [], {"TableName": dynamodb.table_name(), "ConsistentRead": True}
    while True:
        resp = dynamodb.client().scan(**kwargs)
        for item in resp.get("Items", []):
            text = json.dumps(item)
            if any(m in text for m in mentioning):
                found.append((item["pk"]["S"], item["sk"]["S"]))
        if "LastEvaluatedKey" not in resp:
            return sorted(found)
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def prefix_of(key: str) -> str:
    return key.split("#", 1)[0] + "#" if "#" in key else key


def test_every_key_prefix_in_the_code_is_in_the_one_list():
    """The list beside the table definition is complete: every `"PREFIX#` the app's code writes is in it."""
    used: set[str] = set()
    for package in ("accounts", "notes", "console"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "dynamodb.py" and path.parent.name == "aws":
                continue
            used |= set(re.findall(r'f?"([A-Z][A-Z_-]*#)', path.read_text()))
    assert used, "the scan found no key prefixes at all"
    known = set(dynamodb.KEY_PREFIXES) | set(dynamodb.SORT_KEY_PREFIXES)
    assert used - known == set()
    assert dynamodb.NO_USER_PREFIXES <= known  # each listed, with what it holds
    assert not set(dynamodb.USER_PARTITIONS) & dynamodb.NO_USER_PREFIXES


@pytest.fixture
def alice_with_everything(alice, bob, client_for, bucket):
    """alice with something under every prefix: notes (live, trashed, edited, with history, labelled, pinned,
    archived) and their search index (words, labels, flags), API tokens, sessions, an Idempotency-Key record, an unused reset link, a known sign-in address,
    failed sign-ins, failed password checks, an email address and its check, an attachment and a bulk action's
    undo record."""
    from notes import wiring

    repo = wiring.note_repository()
    for i in range(12):
        # Labelled, pinned and archived notes too: their label and flag entries (L#, F#) in the index.
        data = {"title": f"Note {i}", "content": f"walrus word{i}", "labels": ["Trip", f"day {i}"]}
        note = services.note_create(user_id=alice.id, data={**data, "pinned": i == 1, "archived": i == 2})
        repo.add_history(note)
        repo.index_note(note)
        if i % 4 == 0:
            note = services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "v2"})
            repo.add_history(note)
            repo.index_note(note)
        if i % 5 == 0:
            services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)
    _, secret = token_create(user=alice, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = api.post("/api/notes", {"title": "by API"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201
    password_reset_link_create(username="alice")
    browser = Client()
    assert browser.post("/accounts/signin/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert Client().post("/accounts/signin/", {"username": "alice", "password": "wrong"}).status_code == 400
    wrong_old = {"old_password": "wrong", "new_password1": "a b c d e f g", "new_password2": "a b c d e f g"}
    assert browser.post("/accounts/password/", wrong_old).status_code == 400
    # A checked email address (its claim) and a check link not used yet (with its reference).
    from accounts.email_addresses import email_check_store, email_set

    email_set(user_id=alice.id, address="alice@example.com")
    email_check_store(user_id=alice.id, address="alice@example.org", hours=24)
    # An attachment (pending: its upload not confirmed yet) of one of her notes.
    from notes.attachment_services import attachment_start

    attachment_start(
        user_id=alice.id, note_id=note.id, data={"name": "plan.pdf", "content_type": "application/pdf", "size": 10}
    )
    # A bulk action's undo record.
    from notes import bulk

    live = services.note_create(user_id=alice.id, data={"title": "to pin"})
    assert bulk.bulk_apply(user_id=alice.id, action="pin", targets=[bulk.Target(live.id, live.version)]).undo_id
    bobs = services.note_create(user_id=bob.id, data={"title": "Bob's", "content": "walrus"})
    repo.index_note(bobs)
    return browser


def test_deleting_an_account_leaves_nothing_under_any_prefix(alice_with_everything, alice, bob):
    browser = alice_with_everything
    before = items_of(alice.id, "alice")
    # The fixture reaches every prefix a user's items can have, so the check below covers all of them (the
    # prefixes of items that belong to no user, such as recorded deploys, are listed apart).
    assert {prefix_of(pk) for pk, _ in before} == set(dynamodb.KEY_PREFIXES) - dynamodb.NO_USER_PREFIXES
    sort_prefixes = {prefix_of(sk) for _, sk in before if "#" in sk}
    assert sort_prefixes >= set(dynamodb.SORT_KEY_PREFIXES) - dynamodb.NO_USER_PREFIXES
    assert any(pk.startswith("WORDS#") for pk, _ in before)
    bobs_before = items_of(bob.id)

    response = browser.post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == "/accounts/delete/done/"
    assert items_of(alice.id, "alice", "walrus word") == []
    assert items_of(bob.id) == bobs_before  # bob's notes and index are untouched
