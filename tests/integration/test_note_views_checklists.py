"""Clickable checklists: each task item of a note is a small form (index + version); ticking changes that one
item in the stored text, conditional on the version; a stale click gets the conflict answer, never an
overwrite; the list row shows the progress and its items."""

from __future__ import annotations

import re

import pytest

from notes import services
from notes.checklists import task_progress, toggle_task
from notes.domain import ValidationError
from tests.integration.note_views_support import htmx, make_note, text

SHOPPING = "Before\n\n- [ ] milk\n- [x] eggs\n  - [ ] free range\n\n> 1. [ ] quoted\n\nAfter [ ] not a task"


@pytest.fixture
def note(alice):
    return make_note(alice, title="Shopping", content=SHOPPING)


def test_toggle_task_changes_that_box_and_nothing_else():
    assert toggle_task(SHOPPING, index=0, done=True) == SHOPPING.replace("- [ ] milk", "- [x] milk")
    assert toggle_task(SHOPPING, index=1, done=False) == SHOPPING.replace("- [x] eggs", "- [ ] eggs")
    assert toggle_task(SHOPPING, index=2, done=True) == SHOPPING.replace("  - [ ] free", "  - [x] free")
    assert toggle_task(SHOPPING, index=3, done=True) == SHOPPING.replace("> 1. [ ]", "> 1. [x]")
    crlf = "a\r\n\r\n- [ ] one\r\n- [ ] two\r\n"
    assert toggle_task(crlf, index=1, done=True) == "a\r\n\r\n- [ ] one\r\n- [x] two\r\n"
    with pytest.raises(ValidationError):
        toggle_task(SHOPPING, index=4, done=True)


def test_progress_counts_the_ticked_items():
    assert task_progress(SHOPPING) == (1, 4)
    assert task_progress("no tasks [ ] here") == (0, 0)


def test_the_note_page_shows_a_form_per_item(alice, client_for, note):
    page = text(client_for(alice).get(f"/notes/{note.id}/"))
    forms = re.findall(r'<form class="task-toggle" method="post" action="([^"]+)"', page)
    assert forms == [f"/notes/{note.id}/task"] * 4
    assert f'id="task-{note.id}-0" class="task-box" role="checkbox" aria-checked="false" aria-label="milk"' in page
    assert f'id="task-{note.id}-1" class="task-box" role="checkbox" aria-checked="true" aria-label="eggs"' in page
    assert '<input type="hidden" name="version" value="1"><input type="hidden" name="index" value="2">' in page
    assert "csrfmiddlewaretoken" in page and "[ ] milk" not in page


def test_a_tick_without_javascript_changes_one_item_and_returns_to_it(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/task", {"version": 1, "index": 0, "done": "1", "next": f"/notes/{note.id}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.id}/#task-{note.id}-0"
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert stored.content == SHOPPING.replace("- [ ] milk", "- [x] milk") and stored.version == 2


def test_with_htmx_from_the_note_page_it_answers_the_page_with_the_new_version(alice, client_for, note):
    response = client_for(alice).post(
        f"/notes/{note.id}/task",
        {"version": 1, "index": 1, "done": "0", "next": f"/notes/{note.id}/"},
        **htmx(target="main"),
    )
    page = text(response)
    assert response.status_code == 200 and '<main id="main"' in page
    assert f'id="task-{note.id}-1" class="task-box" role="checkbox" aria-checked="false"' in page
    assert 'name="version" value="2"' in page and 'name="version" value="1"' not in page


def test_from_the_list_row_with_htmx_it_answers_the_row_with_progress(alice, client_for, note):
    client = client_for(alice)
    listing = text(client.get("/notes/"))
    assert '<span class="chip tasks" title="Checklist items done">1/4' in listing
    assert f'id="task-{note.id}-0"' in listing and 'hx-target="#note-' in listing
    response = client.post(
        f"/notes/{note.id}/task", {"version": 1, "index": 0, "done": "1", "next": "/notes/"}, **htmx(f"note-{note.id}")
    )
    row = text(response)
    assert response.status_code == 200 and row.lstrip().startswith(f'<li id="note-{note.id}"')
    assert '<span class="chip tasks" title="Checklist items done">2/4' in row


def test_a_stale_click_gets_the_conflict_and_changes_nothing(alice, client_for, note):
    services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "- [ ] new\n" + SHOPPING}
    )
    response = client_for(alice).post(f"/notes/{note.id}/task", {"version": 1, "index": 0, "done": "1"})
    assert response.status_code == 409
    assert "This note changed elsewhere, so nothing was ticked." in text(response)
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert stored.version == 2 and stored.content == "- [ ] new\n" + SHOPPING


def test_another_users_note_is_404_and_unchanged(alice, bob, client_for, note):
    response = client_for(bob).post(f"/notes/{note.id}/task", {"version": 1, "index": 0, "done": "1"})
    assert response.status_code == 404
    assert services.note_get(user_id=alice.id, note_id=note.id).content == SHOPPING


@pytest.mark.parametrize(
    "data", [{"version": 1, "index": "x", "done": "1"}, {"index": 0, "done": "1"}, {"version": 1, "index": 0}]
)
def test_an_unreadable_tick_changes_nothing(alice, client_for, note, data):
    response = client_for(alice).post(f"/notes/{note.id}/task", data)
    assert response.status_code == 400
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 1


def test_an_item_that_is_not_there_is_refused(alice, client_for, note):
    response = client_for(alice).post(f"/notes/{note.id}/task", {"version": 1, "index": 9, "done": "1"})
    assert response.status_code == 409 and "not in the note any more" in text(response)
    assert services.note_get(user_id=alice.id, note_id=note.id).version == 1


def test_csrf_is_required(alice, client_for, note):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies = client_for(alice).cookies
    response = client.post(f"/notes/{note.id}/task", {"version": 1, "index": 0, "done": "1"})
    assert response.status_code == 403
