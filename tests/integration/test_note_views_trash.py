"""The trash pages: deleting moves a note there (with an undo), restoring puts it back, deleting forever
is for good; plain forms and htmx fragments."""

from __future__ import annotations

import re

import pytest

from notes import services
from notes.domain import NoteNotFound
from tests.integration.note_views_support import dynamodb_outage, htmx, input_value, make_note, text

REFERENCE = re.compile(r"Reference: <code>([0-9a-f]{32})</code>")


@pytest.fixture
def note(alice):
    return make_note(alice, title="Old <plans>", content="the text", category="work")


@pytest.fixture
def trashed(alice, note):
    return services.note_delete(user_id=alice.id, note_id=note.id, expected_version=note.version)


def in_trash(user) -> list[str]:
    return [t.note.id for t in services.trash_list(user_id=user.id)]


def test_the_list_links_the_trash(alice, client_for):
    assert 'href="/notes/trash/"' in text(client_for(alice).get("/notes/"))


def test_the_trash_lists_deleted_notes_with_their_purge_date(alice, client_for, trashed):
    response = client_for(alice).get("/notes/trash/")
    page = text(response)
    assert response.status_code == 200
    assert f'id="trash-{trashed.note.id}"' in page and "Old &lt;plans&gt;" in page and "the text" in page
    assert f'<time datetime="{trashed.deleted_at}"' in page and "just now" in page
    assert f'deleted for good on <time datetime="{trashed.purge_at}">' in page
    assert f'action="/notes/{trashed.note.id}/restore/"' in page
    assert f'action="/notes/{trashed.note.id}/delete-forever/"' in page
    assert "30 days" in page


def test_the_trash_is_empty_at_first_and_shows_only_deleted_notes(alice, client_for, note):
    page = text(client_for(alice).get("/notes/trash/"))
    assert "The trash is empty" in page and "Old &lt;plans&gt;" not in page


def test_the_delete_confirmation_says_the_note_goes_to_the_trash(alice, client_for, note):
    client = client_for(alice)
    assert "restore it for 30 days" in text(client.get(f"/notes/{note.id}/delete"))
    assert "goes to the trash for 30 days" in text(
        client.get(f"/notes/{note.id}/delete", **htmx(target=f"note-{note.id}"))
    )


def test_deleting_says_it_went_to_the_trash_and_undo_restores_it(alice, client_for, note):
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/delete", {"version": 1})
    assert response["Location"] == f"/notes/?deleted={note.id}"
    page = text(client.get(response["Location"]))
    assert "Note moved to the trash." in page and 'href="/notes/trash/"' in page
    assert f'action="/notes/{note.id}/restore/"' in page and input_value(page, "next") == "/notes/"

    response = client.post(f"/notes/{note.id}/restore/", {"next": "/notes/"})
    assert response.status_code == 302
    assert response["Location"] == f"/notes/?restored={note.id}#note-{note.id}"
    restored = services.note_get(user_id=alice.id, note_id=note.id)
    assert (restored.title, restored.content, restored.version) == ("Old <plans>", "the text", 2)
    page = text(client.get(response["Location"]))
    assert "Note restored." in page and f'id="note-{note.id}"' in page
    assert in_trash(alice) == []


def test_with_htmx_the_delete_flash_names_the_note_and_offers_undo(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/delete", {"version": 1}, **htmx(target=f"note-{note.id}", current_url="/notes/?q=old")
    )
    page = text(response)
    assert response.status_code == 200 and 'id="flash" hx-swap-oob="innerHTML"' in page
    assert "“Old &lt;plans&gt;” moved to the trash." in page
    assert f'action="/notes/{note.id}/restore/"' in page and input_value(page, "next") == "/notes/?q=old"
    assert in_trash(alice) == [note.id]


def test_restoring_from_the_trash_page_comes_back_to_it(alice, client_for, trashed):
    client = client_for(alice)
    response = client.post(f"/notes/{trashed.note.id}/restore/", {"next": "/notes/trash/"})
    assert response["Location"].startswith(f"/notes/trash/?restored={trashed.note.id}")
    page = text(client.get(response["Location"]))
    assert "The note is back in your notes." in page and f'href="/notes/{trashed.note.id}/"' in page
    assert "The trash is empty" in page


def test_with_htmx_restoring_removes_the_row_and_links_the_note(alice, client_for, trashed):
    note_id = trashed.note.id
    response = client_for(alice).post(
        f"/notes/{note_id}/restore/",
        {"next": "/notes/trash/"},
        **htmx(target=f"trash-{note_id}", current_url="/notes/trash/"),
    )
    page = text(response)
    assert response.status_code == 200 and page.startswith('<div id="flash" hx-swap-oob="innerHTML">')
    assert "“Old &lt;plans&gt;” is back in your notes." in page and f'href="/notes/{note_id}/"' in page
    assert services.note_get(user_id=alice.id, note_id=note_id).version == 2


def test_an_undo_with_htmx_from_elsewhere_navigates_to_the_next_page(alice, client_for, trashed):
    response = client_for(alice).post(f"/notes/{trashed.note.id}/restore/", {"next": "/notes/?q=old"}, **htmx())
    assert response["HX-Redirect"] == f"/notes/?q=old&restored={trashed.note.id}#note-{trashed.note.id}"


def test_restore_does_not_follow_a_next_url_off_site(alice, client_for, trashed):
    response = client_for(alice).post(f"/notes/{trashed.note.id}/restore/", {"next": "https://evil.example/"})
    assert response["Location"].startswith("/notes/?restored=")


def test_deleting_forever_needs_the_note_in_the_trash(alice, client_for, note):
    client = client_for(alice)
    assert client.post(f"/notes/{note.id}/delete-forever/").status_code == 404
    assert services.note_get(user_id=alice.id, note_id=note.id) == note  # a live note is never erased from here


def test_deleting_forever(alice, client_for, trashed):
    client = client_for(alice)
    response = client.post(f"/notes/{trashed.note.id}/delete-forever/")
    assert response["Location"] == "/notes/trash/?erased=1"
    assert "Deleted for good." in text(client.get(response["Location"]))
    assert in_trash(alice) == []
    with pytest.raises(NoteNotFound):
        services.note_restore(user_id=alice.id, note_id=trashed.note.id)
    assert client.post(f"/notes/{trashed.note.id}/restore/").status_code == 404


def test_with_htmx_deleting_forever_removes_the_row(alice, client_for, trashed):
    response = client_for(alice).post(
        f"/notes/{trashed.note.id}/delete-forever/", **htmx(target=f"trash-{trashed.note.id}")
    )
    assert response.status_code == 200 and "Deleted for good." in text(response)
    assert in_trash(alice) == []


def test_restore_and_delete_forever_are_post_only(alice, client_for, trashed):
    client = client_for(alice)
    assert client.get(f"/notes/{trashed.note.id}/restore/").status_code == 405
    assert client.get(f"/notes/{trashed.note.id}/delete-forever/").status_code == 405
    assert in_trash(alice) == [trashed.note.id]


@pytest.mark.parametrize("persona", ["bob", "admin"])
def test_another_users_trash_is_a_404_on_every_route(persona, request, alice, client_for, trashed):
    client = client_for(request.getfixturevalue(persona))
    note_id = trashed.note.id
    assert "Old &lt;plans&gt;" not in text(client.get("/notes/trash/"))
    for url, headers in (
        (f"/notes/{note_id}/restore/", {}),
        (f"/notes/{note_id}/restore/", htmx(target=f"trash-{note_id}")),
        (f"/notes/{note_id}/delete-forever/", {}),
        (f"/notes/{note_id}/delete-forever/", htmx(target=f"trash-{note_id}")),
    ):
        response = client.post(url, {"next": "/notes/"}, **headers)
        assert response.status_code == 404, (url, headers)
        assert b"Old &lt;plans&gt;" not in response.content
    assert in_trash(alice) == [note_id]


def test_anonymous_users_are_sent_to_sign_in(trashed):
    from django.test import Client

    client = Client()
    assert client.get("/notes/trash/")["Location"] == "/accounts/signin/?next=/notes/trash/"
    for url in (f"/notes/{trashed.note.id}/restore/", f"/notes/{trashed.note.id}/delete-forever/"):
        assert client.post(url)["Location"].startswith("/accounts/signin/?next=/notes/")


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/notes/trash/"), ("post", "/restore/"), ("post", "/delete-forever/")]
)
def test_an_outage_is_a_503_with_a_reference(method, path, alice, client_for, trashed):
    url = path if path.startswith("/notes") else f"/notes/{trashed.note.id}{path}"
    client = client_for(alice)
    with dynamodb_outage():
        response = getattr(client, method)(url)
        partial = getattr(client, method)(url, **htmx(target=f"trash-{trashed.note.id}"))
    assert response.status_code == 503 and REFERENCE.search(text(response))
    assert partial.status_code == 503 and partial["HX-Retarget"] == "#flash"
    assert in_trash(alice) == [trashed.note.id]
