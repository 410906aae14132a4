"""The JSON API's trash (list, restore, delete forever) and a note's history (list, restore a version)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from notes import services
from tests.integration.note_views_support import feed_stream


def create(client, **body):
    response = client.post("/api/notes", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    return response.json()


def patch(client, note, **body):
    response = client.patch(f"/api/notes/{note['id']}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def restore_version(client, note_id, version, body=None, **headers):
    data = "" if body is None else json.dumps(body)
    return client.post(
        f"/api/notes/{note_id}/history/{version}/restore", data=data, content_type="application/json", **headers
    )


def error_code(response) -> str:
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]["code"]


# --- trash ---------------------------------------------------------------------------------------


def test_delete_moves_the_note_to_the_trash_and_restore_brings_it_back(alice_api):
    note = create(alice_api, title="Plan", content="steps", category="work")
    assert alice_api.delete(f"/api/notes/{note['id']}", HTTP_IF_MATCH='"1"').status_code == 204
    assert alice_api.get(f"/api/notes/{note['id']}").status_code == 404
    assert alice_api.get("/api/notes").json()["notes"] == []

    trash = alice_api.get("/api/trash")
    assert trash.status_code == 200 and trash["Cache-Control"] == "private, no-cache"
    [item] = trash.json()["notes"]
    assert {k: item[k] for k in note} == note
    assert item["deleted_at"] < item["purge_at"] and item["purge_at"][:4].isdigit()

    restored = alice_api.post(f"/api/trash/{note['id']}/restore")
    assert restored.status_code == 200 and restored["ETag"] == '"2"'
    assert {**restored.json(), "updated_at": note["updated_at"]} == {**note, "version": 2}
    assert alice_api.get(f"/api/notes/{note['id']}").json() == restored.json()
    assert alice_api.get("/api/trash").json() == {"notes": []}
    assert error_code(alice_api.post(f"/api/trash/{note['id']}/restore")) == "not_found"  # not in the trash now


def test_the_trash_is_newest_deletion_first(alice_api):
    first, second = create(alice_api, title="first"), create(alice_api, title="second")
    for note in (first, second):
        alice_api.delete(f"/api/notes/{note['id']}?version=1")
    assert [n["title"] for n in alice_api.get("/api/trash").json()["notes"]] == ["second", "first"]


def test_delete_forever_only_from_the_trash(alice_api, alice):
    note = create(alice_api, title="bye")
    response = alice_api.delete(f"/api/trash/{note['id']}")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert alice_api.get(f"/api/notes/{note['id']}").status_code == 200  # a live note is not erased
    alice_api.delete(f"/api/notes/{note['id']}?version=1")
    assert alice_api.delete(f"/api/trash/{note['id']}").status_code == 204
    assert alice_api.get("/api/trash").json() == {"notes": []}
    assert alice_api.post(f"/api/trash/{note['id']}/restore").status_code == 404
    assert services.trash_list(user_id=alice.id) == []


def test_trash_routes_answer_their_methods_only(alice_api):
    assert alice_api.post("/api/trash").status_code == 405
    assert alice_api.get(f"/api/trash/{'a' * 32}")["Allow"] == "DELETE, OPTIONS"
    assert alice_api.get(f"/api/trash/{'a' * 32}/restore")["Allow"] == "POST, OPTIONS"
    assert alice_api.delete("/api/trash/not-an-id").status_code == 404


# --- history ---------------------------------------------------------------------------------------


@pytest.fixture
def edited(alice_api):
    note = create(alice_api, title="draft", content="one")
    note = patch(alice_api, note, content="two", version=1)
    note = patch(alice_api, note, title="final", version=2)
    feed_stream()
    return note


def test_history_lists_versions_newest_first_with_the_current_version(alice_api, edited):
    response = alice_api.get(f"/api/notes/{edited['id']}/history")
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"] == 3
    assert [(v["version"], v["title"], v["content"]) for v in body["versions"]] == [
        (3, "final", "two"),
        (2, "draft", "two"),
        (1, "draft", "one"),
    ]
    assert body["versions"][0] == alice_api.get(f"/api/notes/{edited['id']}").json()


def test_restoring_a_version_with_if_match_or_a_body_version(alice_api, edited):
    note_id = edited["id"]
    response = restore_version(alice_api, note_id, 1, HTTP_IF_MATCH='"3"')
    assert response.status_code == 200 and response["ETag"] == '"4"'
    assert (response.json()["title"], response.json()["content"], response.json()["version"]) == ("draft", "one", 4)

    response = restore_version(alice_api, note_id, 3, {"version": 4})
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["content"], response.json()["version"]) == ("final", "two", 5)

    feed_stream()
    versions = [v["version"] for v in alice_api.get(f"/api/notes/{note_id}/history").json()["versions"]]
    assert versions == [5, 4, 3, 2, 1]  # nothing lost


def test_restoring_a_version_needs_the_current_version(alice_api, edited):
    note_id = edited["id"]
    response = restore_version(alice_api, note_id, 1)
    assert response.status_code == 428 and error_code(response) == "version_required"
    response = restore_version(alice_api, note_id, 1, {"version": 2})
    assert response.status_code == 409 and response.json()["error"]["current"]["version"] == 3
    response = restore_version(alice_api, note_id, 1, HTTP_IF_MATCH='"2"')
    assert response.status_code == 412 and error_code(response) == "precondition_failed"
    assert alice_api.get(f"/api/notes/{note_id}").json()["version"] == 3


def test_restoring_a_version_checks_its_body(alice_api, edited):
    note_id = edited["id"]
    response = restore_version(alice_api, note_id, 1, {"version": 3, "title": "x"})
    assert response.status_code == 422 and response.json()["error"]["fields"] == {"title": "Unknown field."}
    assert restore_version(alice_api, note_id, 1, {"version": "3"}).status_code == 422
    assert restore_version(alice_api, note_id, 1, [3]).status_code == 422
    response = alice_api.post(
        f"/api/notes/{note_id}/history/1/restore", data="version=3", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


@pytest.mark.parametrize("version", ["9", "0", "-1", "1.5", "x", "99999999999999999999"])
def test_restoring_an_unrecorded_or_malformed_version_is_a_404(alice_api, edited, version):
    response = restore_version(alice_api, edited["id"], version, {"version": 3})
    assert response.status_code == 404 and error_code(response) == "not_found"


def test_a_trashed_note_has_no_history_until_restored(alice_api, edited):
    note_id = edited["id"]
    alice_api.delete(f"/api/notes/{note_id}?version=3")
    assert alice_api.get(f"/api/notes/{note_id}/history").status_code == 404
    assert restore_version(alice_api, note_id, 1, {"version": 3}).status_code == 404
    alice_api.post(f"/api/trash/{note_id}/restore")
    feed_stream()
    assert [v["version"] for v in alice_api.get(f"/api/notes/{note_id}/history").json()["versions"]] == [4, 3, 2, 1]


def test_a_note_without_recorded_versions_has_an_empty_history(alice_api):
    note = create(alice_api, title="new")
    assert alice_api.get(f"/api/notes/{note['id']}/history").json() == {"current_version": 1, "versions": []}


# --- another user's, anonymous, session ----------------------------------------------------------


def test_another_users_trash_and_history_are_404(alice_api, bob, api, edited):
    bob_api = api(bob)
    note_id = edited["id"]
    assert bob_api.get(f"/api/notes/{note_id}/history").status_code == 404
    assert restore_version(bob_api, note_id, 1, {"version": 3}).status_code == 404
    assert restore_version(bob_api, note_id, 1, HTTP_IF_MATCH="*").status_code == 404
    alice_api.delete(f"/api/notes/{note_id}?version=3")
    assert bob_api.get("/api/trash").json() == {"notes": []}
    assert bob_api.post(f"/api/trash/{note_id}/restore").status_code == 404
    assert bob_api.delete(f"/api/trash/{note_id}").status_code == 404
    assert [n["id"] for n in alice_api.get("/api/trash").json()["notes"]] == [note_id]


def test_anonymous_requests_are_401(alice_api, edited):
    client = Client()
    for method, url in (
        ("get", "/api/trash"),
        ("post", f"/api/trash/{edited['id']}/restore"),
        ("delete", f"/api/trash/{edited['id']}"),
        ("get", f"/api/notes/{edited['id']}/history"),
        ("post", f"/api/notes/{edited['id']}/history/1/restore"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer"), (method, url)


def test_a_session_needs_the_csrf_token_to_restore(alice, client_for, alice_api):
    note = create(alice_api, title="t")
    alice_api.delete(f"/api/notes/{note['id']}?version=1")
    client = client_for(alice, enforce_csrf_checks=True)
    assert client.get("/api/trash").status_code == 200
    response = client.post(f"/api/trash/{note['id']}/restore")
    assert response.status_code == 403 and error_code(response) == "csrf_failed"
