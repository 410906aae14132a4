"""Who may reach which note: bob and an admin get 404 for alice's note on every route and method;
anonymous users are sent to sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from notes import services
from tests.integration.note_views_support import form, htmx, make_note


@pytest.fixture
def alices_note(alice):
    return make_note(alice, title="Alice's secret", content="only for alice", category="private")


def every_request(note):
    """(method, url, data, headers) for each route, with valid and invalid input, plain and htmx."""
    base = f"/notes/{note.id}"
    valid_edit = form(note, title="taken over")
    yield "get", f"{base}/", None, {}
    yield "get", f"{base}/", None, htmx(target=f"note-{note.id}")
    yield "get", f"{base}/edit", None, {}
    yield "post", f"{base}/edit", valid_edit, {}
    yield "post", f"{base}/edit", valid_edit, htmx(target="editor")
    yield "post", f"{base}/edit", form(note, title=""), {}  # invalid input: still 404, not 400
    yield "post", f"{base}/edit", form(note, version=None), {}
    yield "get", f"{base}/delete", None, {}
    yield "get", f"{base}/delete", None, htmx(target=f"note-{note.id}")
    yield "post", f"{base}/delete", {"version": note.version}, {}
    yield "post", f"{base}/delete", {"version": note.version}, htmx(target=f"note-{note.id}")
    yield "post", f"{base}/delete", {}, {}
    for field in ("important", "completed"):
        yield "post", f"{base}/toggle/{field}", {"version": note.version, "value": "1"}, {}
        yield "post", f"{base}/toggle/{field}", {"version": note.version, "value": "1"}, htmx(target=f"note-{note.id}")
        yield "post", f"{base}/toggle/{field}", {"version": "x", "value": "maybe"}, {}


@pytest.mark.parametrize("persona", ["bob", "admin"])
def test_it_answers_404_for_another_users_note_on_every_route(persona, request, alices_note, alice, client_for):
    client = client_for(request.getfixturevalue(persona))
    for method, url, data, headers in every_request(alices_note):
        response = getattr(client, method)(url, data or {}, **headers)
        assert response.status_code == 404, (method, url, data, headers, response.status_code)
        assert b"Alice&#x27;s secret" not in response.content and b"only for alice" not in response.content
    assert services.note_get(user_id=alice.id, note_id=alices_note.id) == alices_note


def test_it_answers_404_for_a_missing_note(alice, client_for):
    client = client_for(alice)
    note = make_note(alice)
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)
    for method, url, data, headers in every_request(note):
        assert getattr(client, method)(url, data or {}, **headers).status_code == 404, (method, url)


def test_it_answers_404_for_malformed_ids_and_unknown_toggles(alice, client_for, alices_note):
    client = client_for(alice)
    assert client.get("/notes/not-a-note-id/").status_code == 404
    assert client.get("/notes/../edit").status_code == 404
    response = client.post(f"/notes/{alices_note.id}/toggle/title", {"version": 1, "value": "1"})
    assert response.status_code == 404


def test_bob_does_not_see_alices_notes_in_his_list_or_search(alices_note, bob, client_for):
    client = client_for(bob)
    assert b"Alice&#x27;s secret" not in client.get("/notes/").content
    assert b"Alice&#x27;s secret" not in client.get("/notes/", {"q": "secret"}).content
    assert b"Alice&#x27;s secret" not in client.get("/notes/", {"category": "private"}).content


def test_it_sends_anonymous_users_to_sign_in(alices_note):
    client = Client()
    for method, url, data, _ in every_request(alices_note):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/signin/?next=/notes/"), response["Location"]
    for url in ("/notes/", "/notes/new"):
        response = client.get(url)
        assert response["Location"] == f"/accounts/signin/?next={url}"
    # A form posted after the session ended comes back to the list, not to a POST-only URL.
    response = client.post(f"/notes/{alices_note.id}/toggle/important", {"version": 1, "value": "1"})
    assert response["Location"] == "/accounts/signin/?next=/notes/"


def test_an_htmx_request_without_a_session_navigates_the_whole_page_to_sign_in(alices_note):
    response = Client().post(
        f"/notes/{alices_note.id}/toggle/important",
        {"version": 1, "value": "1"},
        **htmx(target=f"note-{alices_note.id}", current_url="/notes/?q=x"),
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/signin/?next=/notes/%3Fq%3Dx"


def test_the_home_page_sends_signed_in_users_to_their_notes(alice, client_for):
    response = client_for(alice).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/notes/"


def test_the_home_page_is_a_landing_page_for_everyone_else(aws):
    response = Client().get("/")
    assert response.status_code == 200
    assert b'href="/accounts/signup/"' in response.content
    assert b'href="/accounts/signin/"' in response.content
