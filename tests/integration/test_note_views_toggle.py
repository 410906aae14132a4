"""Toggling important / completed from the list: one conditional write, a row back for htmx."""

from __future__ import annotations

import pytest

from notes import services
from tests.integration.note_views_support import htmx, make_note, text


@pytest.fixture
def note(alice):
    return make_note(alice, title="Call mum")


@pytest.mark.parametrize("field", ["important", "completed"])
def test_it_sets_the_flag_and_returns_to_the_page_it_came_from(field, alice, client_for, note):
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/toggle/{field}", {"version": 1, "value": "1", "next": "/notes/?q=mum"})
    assert response.status_code == 302
    assert response["Location"] == f"/notes/?q=mum#note-{note.id}"
    assert getattr(services.note_get(user_id=alice.id, note_id=note.id), field) is True
    client.post(f"/notes/{note.id}/toggle/{field}", {"version": 2, "value": "0"})
    assert getattr(services.note_get(user_id=alice.id, note_id=note.id), field) is False


def test_it_never_redirects_to_another_site(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/toggle/important", {"version": 1, "value": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/notes/#note-{note.id}"


def test_with_htmx_it_answers_with_the_updated_row(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/toggle/important",
        {"version": 1, "value": "1", "next": "/notes/"},
        **htmx(target=f"note-{note.id}"),
    )
    page = text(response)
    assert response.status_code == 200
    assert page.startswith(f'<li id="note-{note.id}" class="note-card is-important">')
    assert f'id="note-{note.id}-important" class="icon-button star" aria-pressed="true"' in page
    assert 'name="version" value="2"' in page and 'name="value" value="0"' in page


def test_a_stale_toggle_is_a_409_and_changes_nothing(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "Call dad"})
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/toggle/important", {"version": 1, "value": "1"})
    assert response.status_code == 409
    assert "changed elsewhere" in text(response) and "Call dad" in text(response)
    row = client.post(
        f"/notes/{note.id}/toggle/important", {"version": 1, "value": "1"}, **htmx(target=f"note-{note.id}")
    )
    assert row.status_code == 409
    assert text(row).startswith(f'<li id="note-{note.id}"') and 'name="version" value="2"' in text(row)
    assert services.note_get(user_id=alice.id, note_id=note.id).important is False


@pytest.mark.parametrize("data", [{"version": 1, "value": "yes"}, {"version": "", "value": "1"}, {"value": "1"}])
def test_unreadable_input_is_a_400(data, alice, client_for, note):
    assert client_for(alice).post(f"/notes/{note.id}/toggle/completed", data).status_code == 400
    assert services.note_get(user_id=alice.id, note_id=note.id) == note


def test_a_get_is_not_allowed(alice, client_for, note):
    assert client_for(alice).get(f"/notes/{note.id}/toggle/important").status_code == 405
