"""Quick capture: "Take a note..." at the top of the list makes a note without leaving the list (htmx: a
fresh form with the focus, the new row on top); a plain form POST without JavaScript; a refused note keeps
what was typed; a double submit makes one note."""

from __future__ import annotations

import re

from notes import services
from tests.integration.note_views_support import htmx, input_value, text


def test_the_list_has_the_quick_capture_form(alice, client_for):
    page = text(client_for(alice).get("/notes/"))
    assert '<form id="quick-capture" class="quick-capture" method="post" action="/notes/quick"' in page
    assert 'placeholder="Take a note…"' in page and '<label class="qc-label" for="qc-title">Title</label>' in page
    assert re.fullmatch(r"[0-9a-f]{32}", input_value(page, "client_token"))
    assert (
        "autofocus"
        not in page[page.index('id="quick-capture"') : page.index("</form>", page.index('id="quick-capture"'))]
    )


def test_without_javascript_it_creates_and_comes_back_to_the_list_with_the_focus(alice, client_for):
    client = client_for(alice)
    response = client.post(
        "/notes/quick", {"title": "Call Ana", "content": "- [ ] about Sunday", "client_token": "a" * 32}
    )
    (note,) = services.note_list(user_id=alice.id).notes
    assert (note.title, note.content) == ("Call Ana", "- [ ] about Sunday")
    assert response.status_code == 302 and response["Location"] == f"/notes/?captured={note.id}"
    page = text(client.get(response["Location"]))
    form = page[page.index('id="quick-capture"') : page.index("</form>", page.index('id="quick-capture"'))]
    assert '<p class="qc-status" role="status">Note added. Take another?</p>' in form and "autofocus" in form
    assert f'id="note-{note.id}"' in page
    # "captured" is a one-off message: the rows' forms don't carry it back.
    assert "captured=" not in page[page.index('id="note-list"') :]


def test_with_htmx_it_answers_a_fresh_form_the_row_and_a_message(alice, client_for):
    response = client_for(alice).post(
        "/notes/quick", {"title": "Milk", "content": "", "client_token": "b" * 32}, **htmx("quick-capture")
    )
    page = text(response)
    (note,) = services.note_list(user_id=alice.id).notes
    assert response.status_code == 200
    assert page.startswith('\n<form id="quick-capture"') or page.lstrip().startswith('<form id="quick-capture"')
    assert 'value="Milk"' not in page and "autofocus" in page and input_value(page, "client_token") != "b" * 32
    assert f'<ul hx-swap-oob="afterbegin:#note-list"><li id="note-{note.id}"' in page
    assert '<div hx-swap-oob="innerHTML:#flash"><p class="flash">Note “Milk” added.</p></div>' in page


def test_a_double_submit_makes_one_note(alice, client_for):
    client = client_for(alice)
    for _ in range(2):
        client.post("/notes/quick", {"title": "Once", "client_token": "c" * 32}, **htmx("quick-capture"))
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Once"]


def test_a_refused_note_keeps_the_text(alice, client_for):
    client = client_for(alice)
    response = client.post("/notes/quick", {"title": "  ", "content": "keep me", "client_token": "d" * 32}, **htmx())
    page = text(response)
    assert response.status_code == 400 and "The note was not added. Title is required" in page
    assert "keep me</textarea>" in page and input_value(page, "client_token") == "d" * 32
    assert 'class="quick-capture has-text has-errors"' in page
    plain = client.post("/notes/quick", {"title": "", "content": "keep me too", "client_token": "e" * 32})
    assert plain.status_code == 400 and "keep me too</textarea>" in text(plain)  # the full editor, text kept
    assert services.note_list(user_id=alice.id).notes == []


def test_it_needs_a_signed_in_user(client):
    response = client.post("/notes/quick", {"title": "x"})
    assert response.status_code == 302 and "/signin" in response["Location"]
