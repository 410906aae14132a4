"""Viewing and editing a note: the form, validation, version conflicts (409 with both versions)."""

from __future__ import annotations

import html

import pytest

from notes import services
from tests.integration.note_views_support import form, htmx, input_value, make_note, text


@pytest.fixture
def note(alice):
    return make_note(alice, title="Plan", content="step one", category="work")


def test_the_detail_page_shows_the_note_escaped(alice, client_for):
    note = make_note(alice, title="<script>alert(1)</script>", content="line 1\n<img src=x onerror=alert(2)>")
    page = text(client_for(alice).get(f"/notes/{note.id}/"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_edit_form_is_filled_with_the_stored_note_and_its_version(alice, client_for, note):
    page = text(client_for(alice).get(f"/notes/{note.id}/edit"))
    assert input_value(page, "title") == "Plan"
    assert input_value(page, "version") == "1"
    assert ">\nstep one</textarea>" in page


def test_it_saves_the_changes_and_returns_to_the_list(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/edit", form(note, title="Plan B", content="", labels=None, completed="on")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/notes/#note-{note.id}"
    saved = services.note_get(user_id=alice.id, note_id=note.id)
    assert (saved.title, saved.content, saved.category, saved.completed, saved.version) == (
        "Plan B",
        "",
        "general",
        True,
        2,
    )


def test_a_validation_error_rerenders_with_400_and_the_users_text(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/edit", form(note, title="", content="my new text"))
    page = text(response)
    assert response.status_code == 400
    assert "Title is required" in page and "my new text" in page
    assert input_value(page, "version") == "1"
    assert services.note_get(user_id=alice.id, note_id=note.id) == note


def test_a_form_without_a_version_is_a_400(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/edit", form(note, version=None, title="typed"))
    assert response.status_code == 400
    assert "missing the note" in html.unescape(text(response)) and input_value(text(response), "title") == "typed"


def test_a_stale_edit_is_a_409_showing_both_versions(alice, client_for, note):
    services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "saved elsewhere <i>meanwhile</i>"}
    )
    response = client_for(alice).post(f"/notes/{note.id}/edit", form(note, content="my <b>edit</b>"))
    page = text(response)
    assert response.status_code == 409
    assert "changed while you were editing" in page
    assert html.escape("my <b>edit</b>") in page  # mine, still editable
    assert html.escape("saved elsewhere <i>meanwhile</i>") in page  # the stored one
    assert input_value(page, "version") == "2"  # keeping mine saves over the version just shown
    assert f'href="/notes/{note.id}/edit">Take the saved version' in page
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "saved elsewhere <i>meanwhile</i>"


def test_keeping_my_version_after_a_conflict_saves_it(alice, client_for, note):
    client = client_for(alice)
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "theirs"})
    conflict = text(client.post(f"/notes/{note.id}/edit", form(note, content="mine")))
    response = client.post(
        f"/notes/{note.id}/edit", form(note, content="mine", version=input_value(conflict, "version"))
    )
    assert response.status_code == 302
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "mine"


def test_with_htmx_a_conflict_replaces_the_editor_only(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "theirs"})
    response = client_for(alice).post(f"/notes/{note.id}/edit", form(note, title="mine"), **htmx(target="editor"))
    page = text(response)
    assert response.status_code == 409
    assert "<html" not in page and "Your version" in page and "Saved version" in page


def test_with_htmx_a_saved_edit_sends_the_browser_to_the_list(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/edit", form(note, title="new"), **htmx(target="editor"))
    assert response["HX-Redirect"] == f"/notes/#note-{note.id}"


def test_an_edit_begun_on_the_notes_page_lands_back_on_it_saying_saved(alice, client_for, note):
    client = client_for(alice)
    detail = text(client.get(f"/notes/{note.id}/"))
    assert f'href="/notes/{note.id}/edit?from=note"' in detail
    editor = text(client.get(f"/notes/{note.id}/edit?from=note"))
    assert input_value(editor, "from") == "note"
    response = client.post(f"/notes/{note.id}/edit", {**form(note, title="Plan C"), "from": "note"})
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.id}/?saved=1"
    landed = text(client.get(response["Location"]))
    assert '<p class="flash">Saved.</p>' in landed
    assert "Plan C" in landed
    # A conflict keeps where the edit began, so "Save my version" lands on the note too.
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=2, data={"title": "Elsewhere"})
    conflict = text(client.post(f"/notes/{note.id}/edit", {**form(note, title="Mine", version=2), "from": "note"}))
    assert input_value(conflict, "from") == "note"
