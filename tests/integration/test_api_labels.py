"""The API's labels, pinned and archived fields, its list parameters and the operators of `q` (moto)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from notes import wiring
from tests.integration.test_api_notes import assert_error, post, send


@pytest.fixture
def alice_api(alice):
    _, secret = token_create(user=alice, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def create(client, **body):
    response = post(client, "/api/notes", {"title": "A note", **body})
    assert response.status_code == 201, response.content
    note = response.json()
    # The table's stream indexes a note a moment later; here that moment is now.
    wiring.note_repository().index_note(wiring.note_repository().get(user_id=_USER["id"], note_id=note["id"]))
    return note


_USER: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _remember_alice(alice):
    _USER["id"] = alice.id


def listed(client, query: str) -> list[str]:
    response = client.get(f"/api/notes?{query}")
    assert response.status_code == 200, response.content
    return [n["title"] for n in response.json()["notes"]]


def test_labels_pinned_and_archived_round_trip(alice_api):
    note = create(alice_api, labels=[" Fête ", "日本語", "fete", "LabelWith#Inside"], pinned=True)
    assert note["labels"] == ["Fête", "日本語", "LabelWith#Inside"]
    assert (note["pinned"], note["archived"], note["category"]) == (True, False, "Fête")
    patched = send(alice_api, "patch", f"/api/notes/{note['id']}", {"archived": True, "version": 1}).json()
    assert patched["archived"] is True and patched["labels"] == note["labels"]


def test_a_client_that_sends_and_reads_category_keeps_working(alice_api):
    note = create(alice_api, category="Küche")
    assert (note["labels"], note["category"]) == (["Küche"], "Küche")
    bare = create(alice_api)
    assert (bare["labels"], bare["category"]) == ([], "general")
    assert listed(alice_api, "category=k%C3%BCche") == ["A note"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"labels": [f"l{i}" for i in range(21)]}, "at most 20 labels"),
        ({"labels": ["x" * 51]}, "at most 50 characters"),
        ({"labels": ["bell\x07"]}, "control"),
        ({"labels": "work"}, "list of strings"),
        ({"pinned": "yes"}, "true or false"),
    ],
)
def test_bad_labels_and_flags_are_a_422_naming_the_field(alice_api, body, says):
    error = assert_error(post(alice_api, "/api/notes", {"title": "t", **body}), 422, "validation_failed")
    field = next(iter(body))
    assert says in error["fields"][field]


def test_the_list_filters_by_every_label_given_and_by_pinned_and_archived(alice_api):
    create(alice_api, title="both", labels=["Fête", "work"])
    create(alice_api, title="one", labels=["fete"])
    pinned = create(alice_api, title="pinned", pinned=True)
    archived = create(alice_api, title="archived", labels=["fete"])
    send(alice_api, "patch", f"/api/notes/{archived['id']}", {"archived": True, "version": 1})
    assert listed(alice_api, "label=FETE") == ["one", "both"]
    assert listed(alice_api, "label=fete&label=Work") == ["both"]
    assert listed(alice_api, "pinned=true") == ["pinned"]
    assert listed(alice_api, "archived=true") == ["archived"]
    assert listed(alice_api, "limit=10")[0] == pinned["title"]  # pinned first
    assert "archived" not in listed(alice_api, "limit=10")


def test_q_takes_operators(alice_api):
    create(alice_api, title="Meeting", content="the quarterly report", labels=["work stuff"], important=True)
    create(alice_api, title="Report card", content="report quarterly")
    assert listed(alice_api, "q=%22quarterly+report%22") == ["Meeting"]
    assert listed(alice_api, "q=report+-card") == ["Meeting"]
    assert listed(alice_api, "q=label%3A%22Work+Stuff%22") == ["Meeting"]
    assert listed(alice_api, "q=is%3Aimportant") == ["Meeting"]


@pytest.mark.parametrize(("q", "says"), [("%22open", "not closed"), ("colour%3Ared", "Unknown operator")])
def test_a_bad_q_is_a_400_naming_q(alice_api, q, says):
    error = assert_error(alice_api.get(f"/api/notes?q={q}"), 400, "invalid_parameter")
    assert says in error["fields"]["q"]


def test_a_bad_label_parameter_is_a_400(alice_api):
    error = assert_error(alice_api.get("/api/notes?label=" + "x" * 51), 400, "invalid_parameter")
    assert "label" in error["fields"]


def test_the_openapi_document_describes_labels_and_deprecates_category(aws):
    document = Client().get("/api/openapi.json").json()
    note = document["components"]["schemas"]["Note"]["properties"]
    assert note["labels"]["type"] == "array" and note["category"]["deprecated"] is True
    create_schema = document["components"]["schemas"]["NoteCreate"]["properties"]
    assert create_schema["labels"]["maxItems"] == 20 and create_schema["category"]["deprecated"] is True
    params = document["components"]["parameters"]
    assert params["Label"]["schema"]["type"] == "array" and params["Category"]["deprecated"] is True
    assert {"Pinned", "Archived"} <= set(params)
    assert "in:archive" in params["Q"]["description"]
