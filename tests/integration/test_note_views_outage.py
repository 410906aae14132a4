"""A DynamoDB outage is a 503 with a reference id; a form keeps what the user typed."""

from __future__ import annotations

import html
import re

import pytest

from notes import services
from tests.integration.note_views_support import dynamodb_outage, form, htmx, input_value, make_note, text

REFERENCE = re.compile(r"Reference: <code>([0-9a-f]{32})</code>")


@pytest.fixture
def note(alice):
    return make_note(alice, title="Plan", content="stored text")


def test_the_list_is_a_503_page_with_a_reference(alice, client_for, caplog):
    client = client_for(alice)
    with dynamodb_outage() as failed:
        response = client.get("/notes/")
    assert failed == ["Query"]
    assert response.status_code == 503
    reference = REFERENCE.search(text(response)).group(1)
    assert reference in caplog.text  # the reference leads to the log line
    assert "simulated outage" not in text(response)


def test_a_new_note_keeps_the_typed_text_and_the_client_token(alice, client_for):
    client = client_for(alice)
    data = {"title": "Typed <title>", "content": "a long\ntext I typed", "category": "work", "client_token": "a" * 32}
    with dynamodb_outage():
        response = client.post("/notes/new", data)
    page = text(response)
    assert response.status_code == 503
    assert "Your note was not saved" in page and REFERENCE.search(page)
    assert input_value(page, "title") == html.escape(data["title"])
    assert html.escape(data["content"]) in page
    assert input_value(page, "client_token") == "a" * 32
    # Submitting the kept form again once the store is back creates the note, once.
    client.post("/notes/new", data)
    client.post("/notes/new", data)
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Typed <title>"]


def test_an_edit_keeps_the_typed_text(alice, client_for, note):
    client = client_for(alice)
    with dynamodb_outage():
        response = client.post(f"/notes/{note.id}/edit", form(note, content="my unsaved words"))
    assert response.status_code == 503
    assert "my unsaved words" in text(response) and input_value(text(response), "version") == "1"
    with dynamodb_outage():
        partial = client.post(f"/notes/{note.id}/edit", form(note, content="my unsaved words"), **htmx(target="editor"))
    assert partial.status_code == 503 and text(partial).lstrip().startswith("<form")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/", None),
        ("get", "/edit", None),
        ("get", "/delete", None),
        ("post", "/delete", {"version": 1}),
        ("post", "/toggle/important", {"version": 1, "value": "1"}),
    ],
)
def test_other_note_pages_are_503_pages(method, path, data, alice, client_for, note):
    client = client_for(alice)
    with dynamodb_outage():
        response = getattr(client, method)(f"/notes/{note.id}{path}", data or {})
    assert response.status_code == 503
    assert REFERENCE.search(text(response))


def test_with_htmx_an_outage_is_a_message_in_the_flash_region(alice, client_for, note):
    client = client_for(alice)
    with dynamodb_outage():
        response = client.post(
            f"/notes/{note.id}/toggle/important", {"version": 1, "value": "1"}, **htmx(target=f"note-{note.id}")
        )
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#flash" and response["HX-Reswap"] == "innerHTML"
    assert "notes store is unavailable" in text(response) and REFERENCE.search(text(response))


def test_the_reference_is_the_requests_correlation_id_when_there_is_one(alice, client_for, note, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.integration.note_views_support.CorrelationIdForTests"]
    client = client_for(alice)
    with dynamodb_outage():
        response = client.get("/notes/", HTTP_X_CORRELATION_ID="abc123")
    assert "Reference: <code>abc123</code>" in text(response)
