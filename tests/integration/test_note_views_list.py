"""The list page: newest first, filters, search, "load more" cursors, htmx fragments, DynamoDB cost."""

from __future__ import annotations

import re

import pytest

from notes import services
from tests.integration.note_views_support import htmx, make_note, text


def titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="note-title"><a href="[^"]+">([^<]*)</a></h2>', page)


def next_link(page: str) -> str | None:
    match = re.search(r'<div id="load-more"[^>]*>\s*<a class="button" href="([^"]+)"', page)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def notes(alice):
    made = [
        make_note(alice, title="Buy milk", content="and bread", category="home"),
        make_note(alice, title="Quarterly report", content="Numbers for Q3", category="work", important=True),
        make_note(
            alice, title="Call the plumber", content="Leaking TAP in the kitchen", category="home", completed=True
        ),
        make_note(alice, title="Ideas", content="a MILKshake bar", category="misc", important=True, completed=True),
    ]
    return made


def test_it_lists_the_users_notes_newest_first(alice, client_for, notes):
    response = client_for(alice).get("/notes/")
    assert response.status_code == 200
    assert titles(text(response)) == ["Ideas", "Call the plumber", "Quarterly report", "Buy milk"]


def test_an_edited_note_moves_to_the_top(alice, client_for, notes):
    services.note_update(user_id=alice.id, note_id=notes[0].id, expected_version=1, data={"content": "and eggs"})
    assert titles(text(client_for(alice).get("/notes/")))[0] == "Buy milk"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "home"}, ["Call the plumber", "Buy milk"]),
        ({"important": "yes"}, ["Ideas", "Quarterly report"]),
        ({"important": "no"}, ["Call the plumber", "Buy milk"]),
        ({"completed": "yes"}, ["Ideas", "Call the plumber"]),
        ({"completed": "no", "important": "yes"}, ["Quarterly report"]),
        ({"q": "milk"}, ["Buy milk", "Ideas"]),  # title and content, any case; the whole word first
        ({"q": "  KITCHEN "}, ["Call the plumber"]),
        ({"q": "tap", "category": "work"}, []),
        ({"important": "bogus"}, ["Ideas", "Call the plumber", "Quarterly report", "Buy milk"]),
    ],
)
def test_it_filters_and_searches(query, expected, alice, client_for, notes):
    page = text(client_for(alice).get("/notes/", query))
    assert titles(page) == expected
    if not expected:
        assert "No notes match these filters." in page


def test_the_filter_form_keeps_what_was_chosen(alice, client_for, notes):
    page = text(client_for(alice).get("/notes/", {"q": "<milk>", "important": "yes", "category": "home"}))
    assert 'name="q" value="&lt;milk&gt;"' in page
    assert '<option value="yes" selected>Important</option>' in page
    assert 'name="label" value="home"' in page  # the deprecated ?category= is a label filter
    assert 'href="/notes/">Clear filters</a>' in page


def test_an_empty_list_invites_the_first_note(alice, client_for):
    page = text(client_for(alice).get("/notes/"))
    assert "No notes yet" in page and 'href="/notes/new"' in page


def test_load_more_pages_through_every_note_once(alice, client_for, settings):
    settings.NOTES_PAGE_SIZE = 3
    for i in range(7):
        make_note(alice, title=f"note {i}")
    client = client_for(alice)
    page = text(client.get("/notes/"))
    seen = titles(page)
    while (link := next_link(page)) is not None:
        page = text(client.get(link))
        assert "Showing older notes" in page
        seen += titles(page)
    assert seen == [f"note {i}" for i in reversed(range(7))]


def test_load_more_keeps_the_filters(alice, client_for, settings):
    settings.NOTES_PAGE_SIZE = 2
    for i in range(5):
        make_note(alice, title=f"work {i}", category="work")
        make_note(alice, title=f"home {i}", category="home")
    client = client_for(alice)
    page = text(client.get("/notes/", {"category": "work"}))
    link = next_link(page)
    assert "label=work" in link
    assert titles(text(client.get(link))) == ["work 2", "work 1"]


def test_with_htmx_load_more_answers_rows_and_a_new_button_out_of_band(alice, client_for, settings):
    settings.NOTES_PAGE_SIZE = 2
    for i in range(5):
        make_note(alice, title=f"note {i}")
    client = client_for(alice)
    link = next_link(text(client.get("/notes/")))
    response = client.get(link, **htmx(target="note-list", current_url="/notes/"))
    page = text(response)
    assert "<html" not in page and page.lstrip().startswith("<li id=")
    assert titles(page) == ["note 2", "note 1"]
    assert '<div id="load-more" class="load-more" hx-swap-oob="true">' in page
    assert 'name="next" value="/notes/"' in page  # toggles in these rows come back to the list
    assert response["Vary"].count("HX-Request") == 1


def test_with_htmx_the_filter_form_swaps_only_the_results(alice, client_for, notes):
    response = client_for(alice).get("/notes/", {"q": "milk"}, **htmx(target="results"))
    page = text(response)
    assert page.startswith('<div id="results"') and "<html" not in page
    assert titles(page) == ["Buy milk", "Ideas"]
    assert "Clear filters" in page


def test_an_htmx_history_restore_gets_the_whole_page(alice, client_for, notes):
    response = client_for(alice).get(
        "/notes/", {"q": "milk"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in text(response)


@pytest.mark.parametrize("cursor", ["garbage", "eyJ1IjoieCJ9:tampered:sig", "x" * 2000])
def test_a_tampered_cursor_is_a_400_with_a_clear_message(cursor, alice, client_for, notes):
    response = client_for(alice).get("/notes/", {"cursor": cursor})
    page = text(response)
    assert response.status_code == 400
    assert "The page cursor is invalid" in page and 'href="/notes/">Go to the newest notes</a>' in page


def test_a_cursor_of_another_user_is_refused(alice, bob, client_for, settings):
    settings.NOTES_PAGE_SIZE = 1
    for user in (alice, bob):
        make_note(user, title="one")
        make_note(user, title="two")
    alices_link = next_link(text(client_for(alice).get("/notes/")))
    assert client_for(bob).get(alices_link).status_code == 400


def test_with_htmx_a_tampered_cursor_replaces_the_button_with_the_message(alice, client_for, notes):
    response = client_for(alice).get("/notes/", {"cursor": "garbage"}, **htmx(target="note-list"))
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#load-more" and response["HX-Reswap"] == "outerHTML"
    assert text(response).startswith('<div id="load-more"') and "The page cursor is invalid" in text(response)


def test_note_text_is_escaped_in_the_list(alice, client_for):
    make_note(alice, title='"><script>alert(1)</script>', content="<img src=x onerror=alert(1)>", category="x-y")
    page = text(client_for(alice).get("/notes/"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_unfiltered_list_costs_the_session_read_and_three_queries(alice, client_for, ddb_calls, notes):
    client = client_for(alice)
    ddb_calls.clear()
    assert client.get("/notes/").status_code == 200
    # Pinned notes first: the newest notes (one pinned a moment ago), the pinned index, then the rest.
    assert ddb_calls == ["GetItem", "Query", "Query", "Query"]


def test_a_toggle_costs_at_most_three_calls(alice, client_for, ddb_calls, notes):
    client = client_for(alice)
    note = notes[0]
    ddb_calls.clear()
    response = client.post(
        f"/notes/{note.id}/toggle/important", {"version": 1, "value": "1"}, **htmx(target=f"note-{note.id}")
    )
    assert response.status_code == 200
    assert len(ddb_calls) <= 3, ddb_calls
    assert ddb_calls == ["GetItem", "GetItem", "UpdateItem"]  # the session, the profile (a write), the update
    ddb_calls.clear()
    client.post(f"/notes/{note.id}/toggle/completed", {"version": 2, "value": "1"})
    assert ddb_calls == ["GetItem", "GetItem", "UpdateItem"]


def _old_note(user, **fields):
    """A note written an hour ago, then seen by the stream handler: only the search index finds it."""
    from datetime import UTC, datetime, timedelta

    from notes.domain import Note, new_note_id
    from notes.dynamodb_repository import DynamoDBNoteRepository

    stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return DynamoDBNoteRepository().add(
        Note(id=new_note_id(), user_id=user.id, created_at=stamp, updated_at=stamp, **fields)
    )


def test_search_answers_from_the_index_ignoring_case_and_accents(alice, bob, client_for):
    from tests.integration.note_views_support import feed_stream

    _old_note(alice, title="Café on the corner", content="flat white")
    _old_note(alice, title="Errand list", category="Errands")
    _old_note(bob, title="Bob's cafe")
    assert titles(text(client_for(alice).get("/notes/", {"q": "cafe"}))) == []  # the stream has not run yet
    feed_stream()
    assert titles(text(client_for(alice).get("/notes/", {"q": "cafe"}))) == ["Café on the corner"]
    assert titles(text(client_for(alice).get("/notes/", {"q": "CAFÉ Whi"}))) == ["Café on the corner"]
    assert titles(text(client_for(alice).get("/notes/", {"q": "errands"}))) == ["Errand list"]  # the category
