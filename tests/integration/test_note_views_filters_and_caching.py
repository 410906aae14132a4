"""The list's category filter (any case; the user's own categories offered) and the pages' cache headers
(Back and Forward must not show a stale list: signed-in pages are never stored; all vary on HX-Request)."""

from __future__ import annotations

import re

from notes import services
from tests.integration.note_views_support import htmx, make_note, text


def titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="note-title"><a href="[^"]+">([^<]*)</a></h2>', page)


def options(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"></option>', page)


def test_the_category_filter_ignores_case(alice, client_for):
    make_note(alice, title="Stamps", category="Errands")
    make_note(alice, title="Bread", category="errands")
    make_note(alice, title="Report", category="work")
    client = client_for(alice)
    for typed in ("errands", "ERRANDS", "Errands"):
        assert titles(text(client.get("/notes/", {"category": typed}))) == ["Bread", "Stamps"]
    assert (
        services.note_list(user_id=alice.id, filters=services.NoteFilters(category="WORK")).notes[0].title == "Report"
    )


def test_the_filter_offers_the_users_own_categories(alice, bob, client_for, settings):
    settings.NOTES_PAGE_SIZE = 2
    for title, category in [("a", "Errands"), ("b", "work"), ("c", "errands"), ("d", "home")]:
        make_note(alice, title=title, category=category)
    make_note(bob, title="secret", category="bobsthings")
    client = client_for(alice)

    page = text(client.get("/notes/"))
    assert 'list="category-options"' in page
    assert options(page) == ["errands", "home"]  # without JavaScript: those of the notes shown
    every = text(client.get("/notes/categories", **htmx("category-options")))
    assert options(every) == ["errands", "home", "work"]  # one spelling each, sorted; never bob's
    assert "bobsthings" not in every


def test_the_category_suggestions_cost_one_query(alice, client_for, ddb_calls):
    make_note(alice, title="a", category="x")
    client = client_for(alice)
    ddb_calls.clear()
    client.get("/notes/categories")
    assert ddb_calls == ["GetItem", "Query"]


def test_the_filter_form_shows_the_filters_of_the_list(alice, client_for):
    page = text(client_for(alice).get("/notes/", {"category": "home", "q": "milk", "important": "yes"}))
    assert 'id="filter-q" type="search" name="q" value="milk"' in page
    assert 'name="label" value="home"' in page  # the deprecated ?category= is a label filter
    assert '<option value="yes" selected>Important</option>' in page
    # The browser must not put back what the fields held before (form state restored on Back).
    assert re.search(r'<form class="filters"[^>]*autocomplete="off"', page)


def test_signed_in_pages_are_never_stored_and_vary_on_htmx(alice, client_for):
    note = make_note(alice, title="cached?")
    client = client_for(alice)
    for url in ("/notes/", f"/notes/{note.id}/", "/notes/trash/", f"/notes/{note.id}/edit"):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
        assert "HX-Request" in response["Vary"], url
    fragment = client.get("/notes/", **htmx("results"))
    assert fragment["Cache-Control"] == "private, no-store" and "HX-Request" in fragment["Vary"]


def test_anonymous_pages_are_revalidated(client, aws):
    response = client.get("/accounts/signin/")
    assert response["Cache-Control"] == "no-cache" and "HX-Request" in response["Vary"]


def test_the_page_loads_htmx_without_the_debug_handler_in_debug(alice, client_for, settings):
    """django-htmx's {% htmx_script %} adds a handler in DEBUG that swaps any 4xx/5xx answer in as the whole
    page: the page must load the same scripts in DEBUG as in production."""
    client = client_for(alice)
    settings.DEBUG = False
    production = re.findall(r"<script[^>]*>", text(client.get("/notes/")))
    settings.DEBUG = True
    debug = re.findall(r"<script[^>]*>", text(client.get("/notes/")))
    assert debug == production
    assert not any("django-htmx.js" in tag for tag in debug)


def test_the_editor_offers_the_users_labels_without_javascript(alice, client_for):
    make_note(alice, title="a", labels=["Fête", "日本語"])
    page = text(client_for(alice).get("/notes/new"))
    assert 'list="note-label-options"' in page
    assert '<option value="Fête"></option>' in page and '<option value="日本語"></option>' in page
