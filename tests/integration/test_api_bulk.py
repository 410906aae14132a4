"""POST /api/notes/bulk and /api/notes/bulk/undo (moto): per-note answers, conflicts, idempotency, 101 refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.services import token_create
from notes import services
from notes.api.openapi import build_document


@pytest.fixture
def api(alice):
    _, secret = token_create(user=alice, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client, path, body, **extra):
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def note(user, title, **data):
    return services.note_create(user_id=user.id, data={"title": title, **data})


def op(n, action, **extra):
    return {"id": n.id, "version": n.version, "action": action, **extra}


def test_it_answers_per_note_and_a_stale_version_is_a_conflict_while_the_others_apply(alice, api):
    a, b, c = note(alice, "Alpha"), note(alice, "Beta", labels=["x"]), note(alice, "Gamma", pinned=True)
    services.note_update(user_id=alice.id, note_id=a.id, expected_version=1, data={"title": "Alpha edited"})
    body = {"operations": [op(a, "archive"), op(b, "add_label", label="Trip"), op(c, "pin")]}
    response = post(api, "/api/notes/bulk", body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert [(r["id"], r["action"], r["status"], r["title"], r["version"]) for r in answer["results"]] == [
        (a.id, "archive", "conflict", "Alpha edited", 2),
        (b.id, "add_label", "done", "Beta", 2),
        (c.id, "pin", "unchanged", "Gamma", 1),
    ]
    assert (answer["applied"], answer["unchanged"], answer["refused"]) == (1, 1, 1)
    assert services.note_get(user_id=alice.id, note_id=a.id).archived is False
    assert services.note_get(user_id=alice.id, note_id=b.id).labels == ("x", "Trip")
    undone = post(api, "/api/notes/bulk/undo", {"undo_id": answer["undo_id"]})
    assert undone.status_code == 200
    assert [(r["id"], r["action"], r["status"]) for r in undone.json()["results"]] == [(b.id, "undo", "done")]
    assert services.note_get(user_id=alice.id, note_id=b.id).labels == ("x",)
    again = post(api, "/api/notes/bulk/undo", {"undo_id": answer["undo_id"]})
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"


def test_an_idempotency_key_replays_the_first_answer_and_changes_nothing_more(alice, api):
    a = note(alice, "Alpha")
    body = {"operations": [op(a, "trash")]}
    first = post(api, "/api/notes/bulk", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    again = post(api, "/api/notes/bulk", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert first.json()["results"][0]["status"] == "done"
    assert [t.note.id for t in services.trash_list(user_id=alice.id)] == [a.id]
    other = post(api, "/api/notes/bulk", {"operations": [op(a, "pin")]}, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    made = post(api, "/api/notes", {"title": "x"}, HTTP_IDEMPOTENCY_KEY="batch-1")  # one key, one request
    assert made.status_code == 422


def test_101_operations_are_refused_with_a_clear_message_and_nothing_changes(alice, api):
    notes = [note(alice, f"n{i}") for i in range(3)]
    ops = [op(n, "pin") for n in notes] + [{"id": f"{i:032x}", "version": 1, "action": "pin"} for i in range(98)]
    response = post(api, "/api/notes/bulk", {"operations": ops})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "Choose at most 100 notes for one action (you chose 101); nothing was changed."
    assert "operations" in error["fields"]
    assert not any(services.note_get(user_id=alice.id, note_id=n.id).pinned for n in notes)
    assert post(api, "/api/notes/bulk", {"operations": ops[:100]}).status_code == 200


@pytest.mark.parametrize(
    ("operations", "field"),
    [
        ([{"id": "nope", "version": 1, "action": "pin"}], "operations[0].id"),
        ([{"id": "a" * 32, "version": 0, "action": "pin"}], "operations[0].version"),
        ([{"id": "a" * 32, "version": 1, "action": "explode"}], "operations[0].action"),
        ([{"id": "a" * 32, "version": 1, "action": "add_label"}], "operations[0].label"),
        ([{"id": "a" * 32, "version": 1, "action": "pin", "label": None}], "operations[0].label"),  # schemathesis
        ([{"id": "a" * 32, "version": 1, "action": "pin", "x": 1}], "operations[0].x"),
        (
            [{"id": "a" * 32, "version": 1, "action": "pin"}, {"id": "a" * 32, "version": 1, "action": "unpin"}],
            "operations[1].id",
        ),
        ([], "operations"),
    ],
)
def test_a_bad_operation_is_named_and_nothing_runs(alice, api, operations, field):
    response = post(api, "/api/notes/bulk", {"operations": operations})
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_another_users_notes_are_not_found_and_untouched(alice, bob, api):
    theirs = note(bob, "Bob's")
    result = post(api, "/api/notes/bulk", {"operations": [op(theirs, "trash")]}).json()["results"][0]
    assert (result["status"], result["title"], result["version"]) == ("not_found", None, None)
    assert services.note_get(user_id=bob.id, note_id=theirs.id).version == 1


def test_the_document_describes_both_operations_from_the_same_limits():
    paths = build_document()["paths"]
    assert paths["/notes/bulk"]["post"]["operationId"] == "bulkNotes"
    assert paths["/notes/bulk/undo"]["post"]["operationId"] == "undoBulkNotes"
    schemas = build_document()["components"]["schemas"]
    assert schemas["BulkRequest"]["properties"]["operations"]["maxItems"] == 100
    assert "restore" in schemas["BulkOperation"]["properties"]["action"]["enum"]
