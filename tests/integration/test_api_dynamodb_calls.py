"""What an API request costs in DynamoDB calls, token authentication included (counted on the app's client):
the token (one UpdateItem) and its owner's profile (one GetItem: a deleted account's token stops working)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.services import token_create


@pytest.fixture
def api(alice):
    _, secret = token_create(user=alice, name="counting")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def create(api, title, **headers):
    return api.post("/api/notes", data=json.dumps({"title": title}), content_type="application/json", **headers)


def counted(ddb_calls, request):
    ddb_calls.clear()
    response = request()
    return response, list(ddb_calls)


def test_reads_updates_and_deletes_cost_the_token_the_owner_and_one_call(api, ddb_calls):
    notes = [create(api, f"n{i}").json() for i in range(30)]
    note_url = f"/api/notes/{notes[0]['id']}"

    response, calls = counted(ddb_calls, lambda: api.get("/api/notes"))
    assert response.status_code == 200 and len(response.json()["notes"]) == 20
    # The token, then the first page: the newest notes and the pinned index (the pinned block), then the rest.
    assert calls == ["UpdateItem", "GetItem", "Query", "Query", "Query"]

    response, calls = counted(ddb_calls, lambda: api.get("/api/notes", {"cursor": response.json()["next_cursor"]}))
    assert response.status_code == 200 and len(calls) <= 3

    response, calls = counted(ddb_calls, lambda: api.get(note_url))
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "GetItem"]

    body = json.dumps({"title": "changed", "version": 1})
    response, calls = counted(ddb_calls, lambda: api.patch(note_url, data=body, content_type="application/json"))
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "UpdateItem"]

    body = json.dumps({"title": "replaced"})
    response, calls = counted(
        ddb_calls, lambda: api.put(note_url, data=body, content_type="application/json", HTTP_IF_MATCH='"2"')
    )
    assert response.status_code == 200 and len(calls) == 3

    response, calls = counted(ddb_calls, lambda: api.delete(note_url, HTTP_IF_MATCH='"3"'))
    assert response.status_code == 204 and calls == [
        "UpdateItem",
        "GetItem",
        "UpdateItem",
    ]  # token, then the move to the trash


def test_trash_calls_cost_three_and_deleting_forever_one_more_for_the_history(api, ddb_calls):
    from tests.integration.note_views_support import feed_stream

    note = create(api, "n").json()
    api.delete(f"/api/notes/{note['id']}", HTTP_IF_MATCH='"1"')

    response, calls = counted(ddb_calls, lambda: api.get("/api/trash"))
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "Query"]
    response, calls = counted(ddb_calls, lambda: api.post(f"/api/trash/{note['id']}/restore"))
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "UpdateItem"]

    api.delete(f"/api/notes/{note['id']}", HTTP_IF_MATCH='"2"')
    feed_stream()  # two versions recorded
    response, calls = counted(ddb_calls, lambda: api.delete(f"/api/trash/{note['id']}"))
    # the token, the note, then its history: the keys, and one batch deleting them all
    assert response.status_code == 204 and calls == ["UpdateItem", "GetItem", "DeleteItem", "Query", "BatchWriteItem"]


def test_history_calls_cost_a_read_of_the_note_or_version_and_one_more(api, ddb_calls):
    from tests.integration.note_views_support import feed_stream

    note = create(api, "n").json()
    url = f"/api/notes/{note['id']}"
    api.patch(url, data=json.dumps({"title": "m", "version": 1}), content_type="application/json")
    feed_stream()

    response, calls = counted(ddb_calls, lambda: api.get(f"{url}/history"))
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "GetItem", "Query"]
    response, calls = counted(
        ddb_calls,
        lambda: api.post(f"{url}/history/1/restore", data="", content_type="application/json", HTTP_IF_MATCH='"2"'),
    )
    assert response.status_code == 200 and calls == ["UpdateItem", "GetItem", "GetItem", "UpdateItem"]


def test_a_conflict_costs_no_extra_call(api, ddb_calls):
    note = create(api, "n").json()
    body = json.dumps({"title": "x", "version": 9})
    response, calls = counted(
        ddb_calls, lambda: api.patch(f"/api/notes/{note['id']}", data=body, content_type="application/json")
    )
    assert response.status_code == 409 and len(calls) == 3


def test_creating_costs_three_calls_idempotent_or_not_retry_included(api, ddb_calls):
    response, calls = counted(ddb_calls, lambda: create(api, "plain"))
    assert response.status_code == 201 and calls == ["UpdateItem", "GetItem", "PutItem"]

    response, calls = counted(ddb_calls, lambda: create(api, "once", HTTP_IDEMPOTENCY_KEY="key-1"))
    assert response.status_code == 201 and calls == ["UpdateItem", "GetItem", "TransactWriteItems"]

    # The failed conditional write hands back the stored record: no read needed (at most 3 are allowed).
    response, calls = counted(ddb_calls, lambda: create(api, "once", HTTP_IDEMPOTENCY_KEY="key-1"))
    assert response.status_code == 201 and response["Idempotent-Replayed"] == "true"
    assert calls == ["UpdateItem", "GetItem", "TransactWriteItems"]

    response, calls = counted(ddb_calls, lambda: create(api, "other", HTTP_IDEMPOTENCY_KEY="key-1"))
    assert response.status_code == 422 and len(calls) <= 4


def test_rejected_requests_cost_nothing_beyond_the_token_and_its_owner(api, ddb_calls):
    response, calls = counted(ddb_calls, lambda: api.post("/api/notes", data="{", content_type="application/json"))
    assert response.status_code == 400 and len(calls) == 2
    response, calls = counted(ddb_calls, lambda: api.get("/api/notes/not-a-note-id"))
    assert response.status_code == 404 and len(calls) == 2
    response, calls = counted(ddb_calls, lambda: Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/notes"))
    assert response.status_code == 401 and calls == []
