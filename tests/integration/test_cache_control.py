"""Signed-in HTML pages are never kept by a cache; every HTML answer varies on HX-Request (page vs fragment)."""

from __future__ import annotations

import pytest
from django.test import Client

from notes import services

SIGNED_IN_PAGES = ["/notes/", "/notes/new", "/notes/trash/", "/accounts/password/", "/accounts/tokens/"]


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_a_signed_in_page_is_private_and_not_stored(alice, client_for, path):
    response = client_for(alice).get(path)
    assert response.status_code == 200
    assert "no-store" in _directives(response)  # the tokens page's own never_cache, or ours
    if path != "/accounts/tokens/":
        assert {"private", "no-store"} <= _directives(response)
    assert "HX-Request" in response["Vary"]


def test_a_note_and_its_htmx_fragment_are_private_and_vary_on_hx_request(alice, client_for):
    note = services.note_create(user_id=alice.id, data={"title": "Mine"})
    client = client_for(alice)
    for response in (
        client.get(f"/notes/{note.id}/"),
        client.get("/notes/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="note-list"),
    ):
        assert "no-store" in _directives(response) and "private" in _directives(response)
        assert "HX-Request" in response["Vary"]


def test_the_admin_console_is_private_and_not_stored(admin, client_for):
    response = client_for(admin).get("/console/")
    assert {"private", "no-store"} <= _directives(response)


def test_an_error_page_for_a_signed_in_user_is_private_too(alice, client_for):
    response = client_for(alice).get("/notes/0123456789abcdef0123456789abcdef/")
    assert response.status_code == 404
    assert "no-store" in _directives(response)


def test_an_anonymous_page_is_not_marked_private(aws):
    response = Client().get("/accounts/signin/")
    assert response.status_code == 200
    assert _directives(response) == {"no-cache"}  # revalidated, but not private
    assert "HX-Request" in response["Vary"]


def test_the_api_keeps_its_own_cache_headers(alice):
    from tests.reliability.support import token_client

    response = token_client(alice).get("/api/notes")
    assert "HX-Request" not in response.get("Vary", "")
    assert response["Cache-Control"]  # set by notes/api/http.py, not here
