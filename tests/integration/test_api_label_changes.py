"""The API's labels: the list with counts, rename (merging) and delete, resumable in batches (moto)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from notes import services, wiring
from tests.integration.test_api_notes import assert_error, post


@pytest.fixture
def alice_api(alice):
    _, secret = token_create(user=alice, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.user_id = alice.id
    return client


def create(client, **body):
    response = post(client, "/api/notes", {"title": "A note", **body})
    assert response.status_code == 201, response.content
    reindex(client.user_id)
    return response.json()


def reindex(user_id: str) -> None:
    """The table's stream keeps the label index a moment after each write; here that moment is now."""
    repo = wiring.note_repository()
    for note in repo.iter_notes(user_id=user_id):
        repo.index_note(note)


def labels_of(alice) -> dict[str, tuple[str, ...]]:
    return {n.title: n.labels for n in wiring.note_repository().iter_notes(user_id=alice.id)}


def test_it_lists_the_labels_with_their_counts(alice_api, alice):
    create(alice_api, title="a", labels=["Fête", "work"])
    create(alice_api, title="b", labels=["fete"])

    response = alice_api.get("/api/labels")

    assert response.status_code == 200
    listed = [(x["label"].lower(), x["notes"]) for x in response.json()["labels"]]
    assert listed == [("fete", 2), ("work", 1)] or listed == [("fête", 2), ("work", 1)]  # one of the spellings


def test_renaming_onto_an_existing_label_merges_and_says_so(alice_api, alice):
    create(alice_api, title="a", labels=["work", "Job"])
    create(alice_api, title="b", labels=["work", "home"])
    create(alice_api, title="c", labels=["job"])

    response = post(alice_api, "/api/labels/rename", {"from": "WORK", "to": "job"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changed"], body["merged"], body["more"], body["skipped"]) == (2, True, False, [])
    assert body["message"].startswith("Merged “WORK” into the existing label “job”: 2 notes changed.")
    assert labels_of(alice) == {"a": ("job",), "b": ("job", "home"), "c": ("job",)}  # "Job" and "job" are one
    reindex(alice.id)
    listed = alice_api.get("/api/labels").json()["labels"]
    assert [(x["label"].lower(), x["notes"]) for x in listed] == [("home", 1), ("job", 3)]


def test_deleting_a_label_keeps_the_notes(alice_api, alice):
    create(alice_api, title="a", labels=["old", "keep"])
    archived = create(alice_api, title="b", labels=["Old"], archived=True)

    response = post(alice_api, "/api/labels/delete", {"label": "old"})

    assert response.status_code == 200, response.content
    assert (response.json()["changed"], response.json()["merged"]) == (2, False)
    assert labels_of(alice) == {"a": ("keep",), "b": ()}
    assert alice_api.get(f"/api/notes/{archived['id']}").json()["archived"] is True


def test_a_big_label_is_changed_in_batches_and_the_same_request_goes_on(alice_api, alice, monkeypatch):
    monkeypatch.setattr(services, "LABEL_CHANGE_BATCH", 2)
    for i in range(5):
        create(alice_api, title=f"n{i}", labels=["big"])

    answers = []
    for _ in range(4):
        answers.append(post(alice_api, "/api/labels/rename", {"from": "big", "to": "large"}).json())
        reindex(alice.id)
        if not answers[-1]["more"]:
            break

    assert [(a["changed"], a["more"]) for a in answers] == [(2, True), (2, True), (1, False)]
    assert "send the same request again" in answers[0]["message"]
    assert set(labels_of(alice).values()) == {("large",)}


@pytest.mark.parametrize(
    ("path", "body", "field", "says"),
    [
        ("/api/labels/rename", {"from": "work"}, "to", "required"),
        ("/api/labels/rename", {"from": "work", "to": "x" * 51}, "to", "at most 50 characters"),
        ("/api/labels/rename", {"from": "work", "to": "bell\x07"}, "to", "control"),
        ("/api/labels/rename", {"from": 5, "to": "job"}, "from", "must be a string"),
        ("/api/labels/delete", {"label": "  "}, "label", "empty"),
        ("/api/labels/delete", {"label": "x", "labels": ["y"]}, "labels", "not a field"),
    ],
)
def test_a_bad_label_is_a_422_naming_it_and_changes_nothing(alice_api, alice, path, body, field, says):
    create(alice_api, title="a", labels=["work"])

    error = assert_error(post(alice_api, path, body), 422, "validation_failed")

    assert says in error["fields"][field]
    assert labels_of(alice) == {"a": ("work",)}


def test_the_label_operations_need_a_json_post_and_a_signed_in_user(alice_api, aws):
    assert_error(alice_api.get("/api/labels/rename"), 405, "method_not_allowed")
    assert_error(
        post(alice_api, "/api/labels/delete", "label=x", content_type="text/plain"), 415, "unsupported_media_type"
    )
    assert Client().get("/api/labels").status_code == 401


def test_a_session_client_needs_the_csrf_token(alice, client_for):
    client = client_for(alice)
    client.handler.enforce_csrf_checks = True
    response = post(client, "/api/labels/delete", {"label": "x"})
    assert response.status_code == 403


def test_the_openapi_document_describes_the_label_operations(aws):
    document = Client().get("/api/openapi.json").json()
    assert {"/labels", "/labels/rename", "/labels/delete"} <= set(document["paths"])
    rename = document["components"]["schemas"]["LabelRename"]
    assert rename["required"] == ["from", "to"] and rename["properties"]["to"]["maxLength"] == 50
    assert "merged" in document["components"]["schemas"]["LabelChange"]["required"]
