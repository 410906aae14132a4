"""Creating a note: the form, every validation rule re-rendered with the user's text, the client token."""

from __future__ import annotations

import html
import re

import pytest

from notes import services
from tests.integration.note_views_support import htmx, input_value, text

TEXT = "My draft\nwith two lines & <b>markup</b>"


def new_form(client):
    page = text(client.get("/notes/new"))
    return {"client_token": input_value(page, "client_token")}


def test_it_shows_an_empty_form_with_a_fresh_client_token(alice, client_for):
    client = client_for(alice)
    response = client.get("/notes/new")
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", input_value(text(response), "client_token"))
    assert input_value(text(client.get("/notes/new")), "client_token") != input_value(text(response), "client_token")
    assert b'<label for="id_title">' in response.content and b'<label for="id_content">' in response.content


def test_it_creates_the_note_and_shows_it_in_the_list(alice, client_for):
    client = client_for(alice)
    data = {**new_form(client), "title": "  Groceries ", "content": TEXT, "category": "home", "important": "on"}
    response = client.post("/notes/new", data)
    (note,) = services.note_list(user_id=alice.id).notes
    assert response.status_code == 302
    assert response["Location"] == f"/notes/#note-{note.id}"
    assert (note.title, note.content, note.category, note.important, note.completed) == (
        "Groceries",
        TEXT,
        "home",
        True,
        False,
    )
    page = text(client.get("/notes/"))
    assert "Groceries" in page and f'id="note-{note.id}"' in page


def test_a_double_submitted_form_creates_one_note(alice, client_for):
    client = client_for(alice)
    data = {**new_form(client), "title": "Only once"}
    first = client.post("/notes/new", data)
    second = client.post("/notes/new", data)
    assert first["Location"] == second["Location"]
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Only once"]


def test_resubmitting_a_form_whose_note_was_deleted_says_so_and_keeps_the_text(alice, client_for):
    client = client_for(alice)
    data = {**new_form(client), "title": "Groceries", "content": TEXT}
    client.post("/notes/new", data)
    (note,) = services.note_list(user_id=alice.id).notes
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=1)
    response = client.post("/notes/new", data)  # the browser's back button, then submit again
    assert response.status_code == 409
    assert "has since been deleted" in text(response) and html.escape(TEXT) in text(response)
    token = input_value(text(response), "client_token")
    assert token != data["client_token"]
    assert client.post("/notes/new", {**data, "client_token": token}).status_code == 302
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Groceries"]


def test_without_a_client_token_each_post_is_a_new_note(alice, client_for):
    client = client_for(alice)
    client.post("/notes/new", {"title": "one", "client_token": "not-a-token"})
    client.post("/notes/new", {"title": "one"})
    assert len(services.note_list(user_id=alice.id).notes) == 2


def test_with_htmx_a_created_note_sends_the_browser_to_the_list(alice, client_for):
    client = client_for(alice)
    response = client.post("/notes/new", {**new_form(client), "title": "via htmx"}, **htmx(target="editor"))
    (note,) = services.note_list(user_id=alice.id).notes
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/notes/#note-{note.id}"


RULES = [
    ({"title": ""}, "title", "Title is required"),
    ({"title": "   "}, "title", "Title is required"),
    ({"title": "x" * 201}, "title", "Title must be at most 200 characters"),
    ({"title": "bad\x00title"}, "title", "cannot be stored"),
    ({"content": "é" * 60_000}, "content", "Content must be at most 100 KB"),
    ({"content": "nul\x00inside"}, "content", "cannot be stored"),
    ({"new_labels": "kept, " + "c" * 51}, "labels", "must be at most 50 characters"),
    ({"new_labels": "kept, tab\there"}, "labels", "control or invisible character"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), RULES, ids=[r[2] + "-" + r[1] for r in RULES])
def test_each_validation_rule_rerenders_the_form_with_400_and_the_users_text(
    overrides, field, message, alice, client_for
):
    client = client_for(alice)
    data = {
        **new_form(client),
        "title": "Kept title",
        "content": TEXT,
        "new_labels": "kept",
        "completed": "on",
        **overrides,
    }
    response = client.post("/notes/new", data)
    page = text(response)
    assert response.status_code == 400
    assert message in html.unescape(page)
    assert f'id="err_{field}"' in page and 'aria-invalid="true"' in page
    # Every field the user typed is back, escaped; the same client token is kept.
    if "\x00" not in data["title"]:
        assert input_value(page, "title") == html.escape(data["title"])
    for label in data["new_labels"].split(", "):
        assert f'name="labels" value="{html.escape(label)}" checked' in page
    if "\x00" not in data["content"]:
        assert html.escape(data["content"]) in page
    assert 'name="completed" id="id_completed" checked' in page
    assert input_value(page, "client_token") == data["client_token"]
    assert services.note_list(user_id=alice.id).notes == []


def test_all_problems_are_reported_at_once(alice, client_for):
    response = client_for(alice).post("/notes/new", {"title": "", "new_labels": "x" * 51})
    page = html.unescape(text(response))
    assert response.status_code == 400
    assert "Title is required" in page and "at most 50 characters" in page
    assert "fix the 2 problems" in page


def test_with_htmx_a_validation_error_swaps_only_the_form(alice, client_for):
    client = client_for(alice)
    response = client.post("/notes/new", {**new_form(client), "title": "", "content": TEXT}, **htmx(target="editor"))
    page = text(response)
    assert response.status_code == 400
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert "Title is required" in page and html.escape(TEXT) in page
