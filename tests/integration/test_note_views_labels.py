"""Labels, pins, the archive and search operators through the pages (plain requests: no JavaScript needed)."""

from __future__ import annotations

import html
import re

import pytest

from notes import services, wiring
from tests.integration.note_views_support import form, htmx, make_note, text


def titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<h2 class="note-title"><a href="[^"]+">([^<]+)</a>', page)]


def test_a_note_is_created_with_labels_typed_and_shows_them_as_chips(alice, client_for):
    client = client_for(alice)
    data = {**form(), "title": "Party", "new_labels": "Fête, 日本語 ,label with !'@:$\" Symbols"}
    assert client.post("/notes/new", data).status_code == 302
    note = services.note_list(user_id=alice.id).notes[0]
    assert note.labels == ("Fête", "日本語", "label with !'@:$\" Symbols")
    page = text(client.get("/notes/"))
    assert 'href="/notes/?label=F%C3%AAte"' in page and ">Fête</a>" in page
    detail = text(client.get(f"/notes/{note.id}/"))
    assert ">日本語</a>" in detail


def test_the_editor_removes_an_unticked_label_and_keeps_the_rest(alice, client_for):
    note = make_note(alice, title="Plan", labels=["work", "home"])
    client = client_for(alice)
    data = {**form(note), "labels": ["home"], "new_labels": "garden"}
    assert client.post(f"/notes/{note.id}/edit", data).status_code == 302
    assert services.note_get(user_id=alice.id, note_id=note.id).labels == ("home", "garden")


def test_filtering_by_several_labels_needs_all_and_shows_removable_chips(alice, client_for):
    make_note(alice, title="both", labels=["Fête", "work"])
    make_note(alice, title="one", labels=["fete"])
    make_note(alice, title="none")
    client = client_for(alice)
    assert titles(text(client.get("/notes/", {"label": "FETE"}))) == ["one", "both"]
    page = text(client.get("/notes/?label=fete&label=Work"))
    assert titles(page) == ["both"]
    assert '<input type="hidden" name="label" value="fete">' in page  # the form keeps the active filters
    assert 'href="/notes/?label=Work">Remove' in page  # removing "fete" keeps "Work"


def test_pinning_from_the_row_puts_the_note_first_with_and_without_htmx(alice, client_for):
    old = make_note(alice, title="old one")
    make_note(alice, title="newer one")
    client = client_for(alice)
    response = client.post(f"/notes/{old.id}/toggle/pinned", {"version": 1, "value": "1", "next": "/notes/"})
    assert response.status_code == 302
    assert titles(text(client.get("/notes/"))) == ["old one", "newer one"]
    row = client.post(f"/notes/{old.id}/toggle/pinned", {"version": 2, "value": "0"}, **htmx(target=f"note-{old.id}"))
    assert row.status_code == 200 and 'aria-pressed="false"' in text(row) and ">Pin<" in text(row)
    assert 'class="chip pinned"' not in text(client.get("/notes/"))
    assert services.note_get(user_id=alice.id, note_id=old.id).pinned is False


def test_archiving_moves_a_note_to_the_archive_page_and_search_finds_it_only_there(alice, client_for):
    note = make_note(alice, title="tomato soup")
    make_note(alice, title="tomato salad")
    client = client_for(alice)
    client.post(f"/notes/{note.id}/toggle/archived", {"version": 1, "value": "1"})
    assert titles(text(client.get("/notes/"))) == ["tomato salad"]
    assert titles(text(client.get("/notes/", {"q": "tomato"}))) == ["tomato salad"]
    archive = text(client.get("/notes/archive/"))
    assert "<h1" in archive and ">Archive</h1>" in archive
    assert titles(archive) == ["tomato soup"]
    assert titles(text(client.get("/notes/", {"q": "tomato in:archive"}))) == ["tomato soup"]
    assert services.note_get(user_id=alice.id, note_id=note.id).archived is True  # not in the trash
    assert services.trash_list(user_id=alice.id) == []


def test_operators_work_on_the_page_and_the_help_line_is_there(alice, client_for):
    make_note(alice, title="Meeting", content="the quarterly report", labels=["work stuff"])
    make_note(alice, title="Report card", content="report quarterly")
    client = client_for(alice)
    page = text(client.get("/notes/", {"q": '"quarterly report"'}))
    assert titles(page) == ["Meeting"]
    assert 'id="search-help"' in page and "label:name" in html.unescape(page)
    assert titles(text(client.get("/notes/", {"q": 'label:"Work Stuff"'}))) == ["Meeting"]
    assert titles(text(client.get("/notes/", {"q": "report -card"}))) == ["Meeting"]


@pytest.mark.parametrize(("q", "says"), [('"never closed', "is not closed"), ("colour:red", "Unknown operator")])
def test_a_bad_query_is_a_400_that_says_why_and_keeps_the_query(q, says, alice, client_for):
    make_note(alice, title="anything")
    response = client_for(alice).get("/notes/", {"q": q})
    page = html.unescape(text(response))
    assert response.status_code == 400
    assert says in page
    assert f'name="q" value="{q}"' in page
    assert 'aria-invalid="true"' in page


def test_the_labels_page_counts_renames_merges_and_deletes(alice, bob, client_for):
    make_note(alice, title="a", labels=["Fête", "work"])
    make_note(alice, title="b", labels=["fete"])
    make_note(bob, title="bob's", labels=["Secret"])
    client = client_for(alice)
    page = html.unescape(text(client.get("/notes/labels/")))
    assert "2 notes" in page and "1 note" in page and "Secret" not in page
    response = client.post("/notes/labels/rename", {"label": "fete", "new": "Work"}, follow=True)
    page = html.unescape(text(response))
    assert "Merged “fete” into the existing label “Work” on 2 notes." in page
    assert {n.title: n.labels for n in services.note_list(user_id=alice.id).notes} == {"a": ("Work",), "b": ("Work",)}
    response = client.post("/notes/labels/delete", {"label": "work"}, follow=True)
    assert "(the notes stay) on 2 notes" in html.unescape(text(response))
    assert [n.labels for n in services.note_list(user_id=alice.id).notes] == [(), ()]


def test_a_bad_new_label_name_is_a_400_keeping_what_was_typed(alice, client_for):
    make_note(alice, title="a", labels=["x"])
    response = client_for(alice).post("/notes/labels/rename", {"label": "x", "new": "y" * 51})
    assert response.status_code == 400
    assert "at most 50 characters" in text(response)
    assert f'value="{"y" * 51}"' in text(response)


def test_a_forged_done_message_is_not_shown(alice, client_for):
    page = text(client_for(alice).get("/notes/labels/", {"done": "Your account is closed"}))
    assert "Your account is closed" not in page


def test_the_archive_pages_through_its_own_notes(alice, client_for, settings):
    settings.NOTES_PAGE_SIZE = 2
    client = client_for(alice)
    for i in range(3):
        note = make_note(alice, title=f"archived {i}")
        client.post(f"/notes/{note.id}/toggle/archived", {"version": 1, "value": "1"})
        wiring.note_repository().index_note(services.note_get(user_id=alice.id, note_id=note.id))  # the stream
    make_note(alice, title="live")
    page = text(client.get("/notes/archive/"))
    assert titles(page) == ["archived 2", "archived 1"]
    link = html.unescape(re.search(r'href="(/notes/archive/\?cursor=[^"]+)"', page).group(1))
    assert titles(text(client.get(link))) == ["archived 0"]
