"""A note's history page: its recorded versions with what changed, and restoring one as a new version."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from notes import services
from tests.integration.note_views_support import dynamodb_outage, feed_stream, htmx, input_value, make_note, text

REFERENCE = re.compile(r"Reference: <code>([0-9a-f]{32})</code>")


def versions_shown(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'data-version="(\d+)"', page)]


@pytest.fixture
def note(alice):
    """Three recorded versions: created, text edited, title and flags changed."""
    note = make_note(alice, title="Trip", content="passport\ntickets\ncamera", category="travel")
    note = services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "passport\nvisa\ncamera"}
    )
    note = services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=2, data={"title": "Trip to Lisbon", "important": True}
    )
    feed_stream()
    return note


def test_the_note_page_links_its_history(alice, client_for, note):
    assert f'href="/notes/{note.id}/history/"' in text(client_for(alice).get(f"/notes/{note.id}/"))


def test_it_lists_versions_newest_first_with_what_changed(alice, client_for, note):
    response = client_for(alice).get(f"/notes/{note.id}/history/")
    page = text(response)
    assert response.status_code == 200
    assert versions_shown(page) == [3, 2, 1]
    current, edited, first = page.split('class="version-card')[1:]
    assert "is-current" in current and "Current" in current and "Restore this version" not in current
    assert "<del>Trip</del>" in current and "<ins>Trip to Lisbon</ins>" in current
    assert "<del>off</del>" in current and "<ins>on</ins>" in current
    assert '<span class="diff-del">- tickets</span>' in edited and '<span class="diff-add">+ visa</span>' in edited
    assert "passport" not in edited  # only the changed lines
    assert "The oldest version kept." in first and "tickets" in first
    for version in (2, 1):
        assert f'action="/notes/{note.id}/history/{version}/restore/"' in page
    assert input_value(page, "version") == "3"  # every restore is conditional on the current version


def test_it_says_when_the_latest_change_is_not_recorded_yet(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=3, data={"title": "newer"})
    page = text(client_for(alice).get(f"/notes/{note.id}/history/"))
    assert "The latest change (version 4) is still being recorded." in page
    assert versions_shown(page) == [3, 2, 1] and input_value(page, "version") == "4"


def test_a_note_without_recorded_versions_says_so(alice, client_for):
    fresh = make_note(alice, title="Fresh")
    page = text(client_for(alice).get(f"/notes/{fresh.id}/history/"))
    assert "No versions have been recorded for this note yet." in page and versions_shown(page) == []


def test_restoring_a_version_makes_it_current_as_a_new_version(alice, client_for, note):
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/history/1/restore/", {"version": 3})
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.id}/?restored_version=1"
    restored = services.note_get(user_id=alice.id, note_id=note.id)
    assert (restored.title, restored.content, restored.category, restored.important, restored.version) == (
        "Trip",
        "passport\ntickets\ncamera",
        "travel",
        False,
        4,
    )
    page = text(client.get(response["Location"]))
    assert "Version 1 restored: it is now version 4." in page
    feed_stream()
    assert versions_shown(text(client.get(f"/notes/{note.id}/history/"))) == [4, 3, 2, 1]  # nothing was lost


def test_with_htmx_a_restore_navigates_to_the_note(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/history/2/restore/", {"version": 3}, **htmx(target="history"))
    assert response["HX-Redirect"] == f"/notes/{note.id}/?restored_version=2"


def test_a_stale_restore_is_a_409_showing_the_history_as_it_is_now(alice, client_for, note):
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=3, data={"title": "changed elsewhere"})
    client = client_for(alice)
    response = client.post(f"/notes/{note.id}/history/1/restore/", {"version": 3})
    page = text(response)
    assert response.status_code == 409
    assert "This note changed since you opened its history (it is now version 4)" in page
    assert input_value(page, "version") == "4" and "<html" in page
    assert services.note_get(user_id=alice.id, note_id=note.id).title == "changed elsewhere"

    partial = client.post(f"/notes/{note.id}/history/1/restore/", {"version": 3}, **htmx(target="history"))
    assert partial.status_code == 409 and text(partial).startswith('<div id="history"')


def test_a_restore_without_a_version_is_a_400(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/history/1/restore/", {})
    assert response.status_code == 400 and "missing the note&#x27;s version" in text(response)
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 3


def test_restoring_a_version_that_was_not_recorded_is_a_404(alice, client_for, note):
    client = client_for(alice)
    for version in (0, 9, 10**12):
        assert client.post(f"/notes/{note.id}/history/{version}/restore/", {"version": 3}).status_code == 404
    assert client.get(f"/notes/{note.id}/history/1/restore/").status_code == 405


def test_a_trashed_note_has_no_history_page_and_keeps_its_history(alice, client_for, note):
    client = client_for(alice)
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=3)
    assert client.get(f"/notes/{note.id}/history/").status_code == 404
    assert client.post(f"/notes/{note.id}/history/1/restore/", {"version": 3}).status_code == 404
    services.note_restore(user_id=alice.id, note_id=note.id)
    feed_stream()
    page = text(client.get(f"/notes/{note.id}/history/"))
    assert versions_shown(page) == [4, 3, 2, 1]
    assert "Nothing in the note changed (it was restored from the trash" in page


@pytest.mark.parametrize("persona", ["bob", "admin"])
def test_another_users_history_is_a_404_on_every_route(persona, request, alice, client_for, note):
    client = client_for(request.getfixturevalue(persona))
    requests = [
        ("get", f"/notes/{note.id}/history/", None, {}),
        ("get", f"/notes/{note.id}/history/", None, htmx(target="history")),
        ("post", f"/notes/{note.id}/history/1/restore/", {"version": 3}, {}),
        ("post", f"/notes/{note.id}/history/1/restore/", {"version": 3}, htmx(target="history")),
        ("post", f"/notes/{note.id}/history/1/restore/", {}, {}),
        ("post", f"/notes/{note.id}/history/1/restore/", {"version": 1}, {}),
    ]
    for method, url, data, headers in requests:
        response = getattr(client, method)(url, data or {}, **headers)
        assert response.status_code == 404, (method, url, data, headers)
        assert b"Trip" not in response.content and b"passport" not in response.content
    assert services.note_get(user_id=alice.id, note_id=note.id) == note


def test_anonymous_users_are_sent_to_sign_in(note):
    client = Client()
    assert client.get(f"/notes/{note.id}/history/")["Location"] == f"/accounts/signin/?next=/notes/{note.id}/history/"
    assert client.post(f"/notes/{note.id}/history/1/restore/", {"version": 3})["Location"].startswith(
        "/accounts/signin/?next=/notes/"
    )


@pytest.mark.parametrize(
    ("method", "path", "data"), [("get", "/history/", None), ("post", "/history/1/restore/", {"version": 3})]
)
def test_an_outage_is_a_503_with_a_reference(method, path, data, alice, client_for, note):
    client = client_for(alice)
    with dynamodb_outage():
        response = getattr(client, method)(f"/notes/{note.id}{path}", data or {})
    assert response.status_code == 503 and REFERENCE.search(text(response))
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 3
