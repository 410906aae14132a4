"""Deleting a note: a confirmation first, the version checked, inline with htmx."""

from __future__ import annotations

import pytest

from notes import services
from notes.domain import NoteNotFound
from tests.integration.note_views_support import htmx, input_value, make_note, text


@pytest.fixture
def note(alice):
    return make_note(alice, title="Old <stuff>")


def gone(alice, note) -> bool:
    try:
        services.note_get(user_id=alice.id, note_id=note.id)
    except NoteNotFound:
        return True
    return False


def test_it_asks_for_confirmation_first(alice, client_for, note):
    response = client_for(alice).get(f"/notes/{note.id}/delete")
    page = text(response)
    assert response.status_code == 200
    assert "Delete this note?" in page and "Old &lt;stuff&gt;" in page
    assert input_value(page, "version") == "1"
    assert not gone(alice, note)


def test_it_deletes_and_says_so_on_the_list(alice, client_for, note):
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/delete", {"version": 1})
    assert response.status_code == 302 and response["Location"] == f"/notes/?deleted={note.id}"
    assert gone(alice, note)
    assert "Note moved to the trash." in text(client.get(response["Location"]))


def test_the_deleted_message_is_not_carried_into_the_next_page(alice, client_for, note):
    client = client_for(alice)
    other = make_note(alice, title="other")
    client.post(f"/notes/{note.id}/delete", {"version": 1})
    page = text(client.get(f"/notes/?deleted={note.id}&q=oth"))
    assert input_value(page, "next") == "/notes/?q=oth"
    response = client.post(
        f"/notes/{other.id}/toggle/important", {"version": 1, "value": "1", "next": f"/notes/?deleted={note.id}"}
    )
    assert response["Location"] == f"/notes/#note-{other.id}"


def test_a_stale_delete_is_a_409_that_shows_the_stored_note(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "renamed"})
    response = client_for(alice).post(f"/notes/{note.id}/delete", {"version": 1})
    page = text(response)
    assert response.status_code == 409
    assert "changed since you asked to delete it" in page and "renamed" in page
    assert input_value(page, "version") == "2"
    assert not gone(alice, note)


def test_a_delete_without_a_version_is_a_400(alice, client_for, note):
    assert client_for(alice).post(f"/notes/{note.id}/delete", {}).status_code == 400
    assert not gone(alice, note)


def test_with_htmx_the_confirmation_replaces_the_row(alice, client_for, note):
    response = client_for(alice).get(f"/notes/{note.id}/delete", **htmx(target=f"note-{note.id}"))
    page = text(response)
    assert page.startswith(f'<li id="note-{note.id}" class="note-card confirm-delete">')
    assert "<html" not in page and "autofocus" in page


def test_with_htmx_cancel_puts_the_row_back(alice, client_for, note):
    response = client_for(alice).get(
        f"/notes/{note.id}/", **htmx(target=f"note-{note.id}", current_url="/notes/?q=old")
    )
    page = text(response)
    assert page.startswith(f'<li id="note-{note.id}" class="note-card')
    assert input_value(page, "next") == "/notes/?q=old"


def test_with_htmx_a_delete_removes_the_row_and_flashes_a_message(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/delete", {"version": 1}, **htmx(target=f"note-{note.id}"))
    page = text(response)
    assert response.status_code == 200
    assert 'id="flash" hx-swap-oob="innerHTML"' in page and "moved to the trash." in page
    assert gone(alice, note)


def test_with_htmx_a_stale_delete_shows_the_confirmation_again_with_the_stored_version(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "renamed"})
    response = client_for(alice).post(f"/notes/{note.id}/delete", {"version": 1}, **htmx(target=f"note-{note.id}"))
    assert response.status_code == 409
    assert "confirm-delete" in text(response) and input_value(text(response), "version") == "2"
