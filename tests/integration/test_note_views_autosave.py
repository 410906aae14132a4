"""The editor's autosave endpoint: the whole form, conditional on the version it started from, with the
editing visit; JSON for the script, the conflict screen (409) when the note changed elsewhere."""

from __future__ import annotations

import pytest

from notes import services
from tests.integration.note_views_support import dynamodb_outage, form, make_note, text

VISIT = "c" * 32


@pytest.fixture
def note(alice):
    return make_note(alice, title="Trip", content="day one")


def test_the_editor_offers_autosave(alice, client_for, note):
    page = text(client_for(alice).get(f"/notes/{note.id}/edit"))
    assert f'data-autosave-url="/notes/{note.id}/autosave"' in page
    assert '<p id="autosave-status" class="autosave-status" role="status" aria-live="polite" hidden></p>' in page
    assert "js/autosave.js" in page
    assert "data-autosave-url" not in text(client_for(alice).get("/notes/new"))


def test_it_saves_and_answers_the_new_version(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/autosave", {**form(note, content="day two"), "visit": VISIT})
    assert response.status_code == 200 and response.json()["version"] == 2
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert (stored.content, stored.version) == ("day two", 2)


def test_a_change_made_elsewhere_gets_the_conflict_screen_and_nothing_is_overwritten(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "from my phone"})
    response = client_for(alice).post(
        f"/notes/{note.id}/autosave", {**form(note, content="from my laptop"), "visit": VISIT}
    )
    page = text(response)
    assert response.status_code == 409
    assert "This note changed while you were editing" in page and "from my laptop</textarea>" in page
    assert "from my phone" in page and 'name="version" value="2"' in page
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "from my phone"


def test_a_refused_autosave_says_why_and_saves_nothing(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/autosave", {**form(note, title=" "), "visit": VISIT})
    assert response.status_code == 400 and "Title is required" in response.json()["errors"]["title"]
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 1


@pytest.mark.parametrize("drop", ["version", "visit"])
def test_without_version_or_visit_nothing_is_saved(alice, client_for, note, drop):
    data = {**form(note, content="x"), "visit": VISIT}
    del data[drop]
    assert client_for(alice).post(f"/notes/{note.id}/autosave", data).status_code == 400
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 1


def test_another_users_note_is_404(alice, bob, client_for, note):
    response = client_for(bob).post(f"/notes/{note.id}/autosave", {**form(note, content="x"), "visit": VISIT})
    assert response.status_code == 404
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "day one"


def test_an_outage_is_a_503_with_a_reference(alice, client_for, note):
    client = client_for(alice)
    with dynamodb_outage():
        response = client.post(f"/notes/{note.id}/autosave", {**form(note, content="x"), "visit": VISIT})
    assert response.status_code == 503 and len(response.json()["reference"]) == 32


def test_csrf_is_required(alice, client_for, note):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies = client_for(alice).cookies
    response = client.post(f"/notes/{note.id}/autosave", {**form(note, content="x"), "visit": VISIT})
    assert response.status_code == 403
