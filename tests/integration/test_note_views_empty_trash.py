"""Empty the trash in one action: a confirmation page, then a POST; and DELETE /api/trash."""

from __future__ import annotations

from django.test import Client

from accounts.services import token_create
from notes import services
from tests.integration.note_views_support import htmx, make_note, text


def trash_two(user):
    notes = [make_note(user, title=f"Old {i}") for i in range(2)]
    for note in notes:
        services.note_delete(user_id=user.id, note_id=note.id, expected_version=note.version)
    return notes


def test_it_asks_first_then_deletes_everything_in_the_trash_for_good(alice, bob, client_for):
    trash_two(alice)
    bobs = trash_two(bob)
    kept = make_note(alice, title="Still here")
    client = client_for(alice)

    assert "Empty the trash" in text(client.get("/notes/trash/"))
    confirm = client.get("/notes/trash/empty")
    assert confirm.status_code == 200
    assert "The 2 notes in the trash, and their history, will be deleted for good" in text(confirm)
    assert services.trash_list(user_id=alice.id) != []  # the GET changed nothing

    response = client.post("/notes/trash/empty")
    assert response.status_code == 302 and response["Location"] == "/notes/trash/?emptied=2"
    page = text(client.get(response["Location"]))
    assert "The trash is empty: 2 notes deleted for good." in page
    assert services.trash_list(user_id=alice.id) == []
    assert [t.note.id for t in services.trash_list(user_id=bob.id)] == [n.id for n in reversed(bobs)]
    assert services.note_get(user_id=alice.id, note_id=kept.id).title == "Still here"


def test_one_note_in_the_trash_is_spoken_of_in_the_singular(alice, client_for):
    note = make_note(alice, title="Lonely")
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)
    page = text(client_for(alice).get("/notes/trash/empty"))
    assert "The 1 note in the trash, and its history, will be deleted for good" in page


def test_with_htmx_it_redirects_the_page(alice, client_for):
    trash_two(alice)
    response = client_for(alice).post("/notes/trash/empty", **htmx())
    assert response.status_code == 200 and response["HX-Redirect"] == "/notes/trash/?emptied=2"


def test_an_empty_trash_says_so_and_needs_sign_in(alice, client_for, client):
    assert "The trash is already empty." in text(client_for(alice).get("/notes/trash/empty"))
    assert "Empty the trash" not in text(client_for(alice).get("/notes/trash/"))
    response = client.post("/notes/trash/empty")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_the_post_needs_the_csrf_token(alice, client_for):
    from tests.conftest import session_client

    trash_two(alice)
    strict = session_client(alice, enforce_csrf_checks=True)
    assert strict.post("/notes/trash/empty").status_code == 403
    assert len(services.trash_list(user_id=alice.id)) == 2


def test_the_api_empties_the_trash(alice, bob):
    trash_two(alice)
    trash_two(bob)
    _, secret = token_create(user=alice, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.delete("/api/trash")
    assert response.status_code == 200 and response.json() == {"deleted": 2}
    assert api.get("/api/trash").json() == {"notes": []}
    assert len(services.trash_list(user_id=bob.id)) == 2
    assert api.delete("/api/trash").json() == {"deleted": 0}
    assert Client().delete("/api/trash").status_code == 401


def test_the_service_finishes_a_run_that_was_interrupted(alice, monkeypatch):
    from notes.dynamodb_repository import DynamoDBNoteRepository

    trash_two(alice)
    real = DynamoDBNoteRepository.delete_forever
    calls = []

    def fail_second(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("interrupted")
        return real(self, **kwargs)

    monkeypatch.setattr(DynamoDBNoteRepository, "delete_forever", fail_second)
    try:
        services.trash_empty(user_id=alice.id)
    except RuntimeError:
        pass
    assert len(services.trash_list(user_id=alice.id)) == 1
    monkeypatch.setattr(DynamoDBNoteRepository, "delete_forever", real)
    assert services.trash_empty(user_id=alice.id) == 1
    assert services.trash_list(user_id=alice.id) == []
