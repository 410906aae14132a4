"""An import cut by the request's deadline answers what it stored and what remains, on the page and in the API,
never a bare 503. The deadline is injected: Lambda's context says how long is left, and a
slow DynamoDB is a clock that moves one second at each note written."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from console.aws import deadline, dynamodb
from notes import imports, wiring
from tests.integration.note_views_support import text
from tests.reliability.support import token_client

NOTES = 30


def export_file() -> bytes:
    notes = [
        {
            "id": f"{i:032x}",
            "title": f"Note {i}",
            "content": "body",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }
        for i in range(1, NOTES + 1)
    ]
    return json.dumps({"format": "notes-console", "version": 1, "notes": notes}).encode()


@pytest.fixture
def slow_store(monkeypatch):
    """Time moves one second at each note written; the request has 10 s of Lambda time left."""
    now = [1000.0]
    monkeypatch.setattr(deadline, "_clock", lambda: now[0])

    def one_second(**_: object) -> None:
        now[0] += 1.0

    events = dynamodb.client().meta.events
    events.register("before-call.dynamodb.PutItem", one_second)
    yield {"lambda.context": SimpleNamespace(get_remaining_time_in_millis=lambda: 10_000)}
    events.unregister("before-call.dynamodb.PutItem", one_second)


def stored(user) -> int:
    return len(list(wiring.note_repository().iter_notes(user_id=user.id)))


@pytest.mark.parametrize("margin", [imports.IMPORT_STOP_MARGIN_SECONDS, 0.0])
def test_the_api_answers_what_was_stored_and_what_remains(alice, slow_store, monkeypatch, margin):
    # margin 0: the import does not stop by itself, the deadline refuses a DynamoDB call part-way
    monkeypatch.setattr(imports, "IMPORT_STOP_MARGIN_SECONDS", margin)
    api = token_client(alice)

    response = api.post("/api/import", export_file(), content_type="application/json", **slow_store)

    assert response.status_code == 200, response.content[:500]
    result = response.json()
    assert result["created"] > 0 and result["remaining"] > 0
    assert result["created"] + result["remaining"] == NOTES == result["found"]
    assert stored(alice) == result["created"] == len(result["created_ids"])

    rest = api.post("/api/import", export_file(), content_type="application/json")  # no deadline this time
    assert (rest.json()["created"], rest.json()["already"]) == (result["remaining"], result["created"])
    assert stored(alice) == NOTES


@pytest.mark.parametrize("margin", [imports.IMPORT_STOP_MARGIN_SECONDS, 0.0])
def test_the_page_answers_what_was_stored_and_what_remains(alice, client_for, slow_store, monkeypatch, margin):
    monkeypatch.setattr(imports, "IMPORT_STOP_MARGIN_SECONDS", margin)
    client = client_for(alice)

    response = client.post("/notes/import/", {"file": SimpleUploadedFile("notes.json", export_file())}, **slow_store)

    assert response.status_code == 302, text(response)[:800]
    page = text(client.get(response["Location"]))
    created = stored(alice)
    assert 0 < created < NOTES
    assert "Imported part of the upload" in page and f"{created} notes imported" in page
    assert f"{NOTES - created} notes were not added yet" in page and "import the same file again" in page
