"""Bulk actions from the list, the archive and the trash as plain forms: one action, a report by name, one Undo."""

from __future__ import annotations

import re

from notes import services
from tests.integration.note_views_support import make_note, text


def pick(*notes) -> list[str]:
    return [f"{n.id}:{n.version}" for n in notes]


def stored(user, note):
    return services.note_get(user_id=user.id, note_id=note.id)


def follow_flash(client, response):
    assert response.status_code == 303
    assert response["Location"].endswith("#flash")
    return client.get(response["Location"])


def test_the_list_offers_a_checkbox_per_note_carrying_its_version_in_the_bulk_form(alice, client_for):
    note = make_note(alice, title="Groceries")
    page = text(client_for(alice).get("/notes/"))
    assert '<form id="bulk-form"' in page
    assert f'value="{note.id}:1" form="bulk-form"' in page
    assert 'aria-label="Choose Groceries"' in page


def test_it_applies_the_action_reports_it_and_undo_puts_every_note_back(alice, client_for):
    client = client_for(alice)
    a, b = make_note(alice, title="Alpha", labels=["home"]), make_note(alice, title="Beta")
    response = client.post(
        "/notes/bulk", {"action": "add_label", "label": "Trip", "note": pick(a, b), "next": "/notes/?q=a"}
    )
    assert response["Location"].startswith("/notes/?q=a&bulk=")
    page = text(follow_flash(client, response))
    assert "2 notes labelled “Trip”." in page
    assert stored(alice, a).labels == ("home", "Trip")
    undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    page = text(follow_flash(client, client.post("/notes/bulk/undo", {"undo": undo, "next": "/notes/"})))
    assert "Undone: 2 notes put back as they were." in page
    assert (stored(alice, a).labels, stored(alice, b).labels) == (("home",), ())
    again = client.post("/notes/bulk/undo", {"undo": undo, "next": "/notes/"})
    assert again.status_code == 400
    assert "cannot be undone any more" in text(again)


def test_a_note_changed_meanwhile_is_named_and_the_others_apply(alice, client_for):
    client = client_for(alice)
    a, b = make_note(alice, title="Old title"), make_note(alice, title="Beta")
    services.note_update(user_id=alice.id, note_id=a.id, expected_version=1, data={"title": "Edited <elsewhere>"})
    page = text(follow_flash(client, client.post("/notes/bulk", {"action": "pin", "note": pick(a, b)})))
    assert "1 note pinned." in page
    assert "“Edited &lt;elsewhere&gt;”" in page
    assert (stored(alice, a).pinned, stored(alice, b).pinned) == (False, True)


def test_101_notes_are_refused_with_a_message_keeping_the_choice_and_the_label(alice, client_for):
    client = client_for(alice)
    notes = [make_note(alice, title=f"n{i}") for i in range(3)]
    fake = [f"{i:032x}:1" for i in range(98)]  # 98 more chosen (notes loaded with "Load more", say)
    response = client.post(
        "/notes/bulk",
        {"action": "add_label", "label": "typed by me", "note": [*pick(*notes), *fake], "next": "/notes/"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Choose at most 100 notes for one action (you chose 101); nothing was changed." in page
    assert 'value="typed by me"' in page
    assert '<option value="add_label" selected>' in page
    assert all(
        f'value="{n.id}:1" form="bulk-form"\n         aria-label="Choose {n.title}" checked' in page for n in notes
    )
    assert all(stored(alice, n).labels == () for n in notes)


def test_a_bad_label_is_refused_and_nothing_changes(alice, client_for):
    note = make_note(alice, title="Alpha")
    response = client_for(alice).post("/notes/bulk", {"action": "add_label", "label": "   ", "note": pick(note)})
    assert response.status_code == 400
    assert "A label cannot be empty or only spaces." in text(response)
    assert stored(alice, note).version == 1


def test_another_users_note_cannot_be_changed_or_named(alice, bob, client_for):
    theirs = make_note(bob, title="Bob's secret")
    page = text(
        follow_flash(
            client_for(alice), client_for(alice).post("/notes/bulk", {"action": "trash", "note": pick(theirs)})
        )
    )
    assert "Bob" not in page
    assert "A note that is no longer there" in page
    assert stored(bob, theirs).version == 1


def test_the_trash_restores_several_and_undo_puts_them_back_in_the_trash(alice, client_for):
    client = client_for(alice)
    a, b = make_note(alice, title="Alpha"), make_note(alice, title="Beta")
    client.post("/notes/bulk", {"action": "trash", "note": pick(a, b)})
    page = text(client.get("/notes/trash/"))
    assert f'value="{a.id}:1" form="bulk-form"' in page
    response = client.post("/notes/bulk", {"action": "restore", "note": pick(a, b), "next": "/notes/trash/"})
    page = text(follow_flash(client, response))
    assert "2 notes restored." in page
    assert services.trash_list(user_id=alice.id) == []
    undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    client.post("/notes/bulk/undo", {"undo": undo, "next": "/notes/trash/"})
    assert {t.note.id for t in services.trash_list(user_id=alice.id)} == {a.id, b.id}


def test_it_needs_csrf_and_a_signed_in_user(alice, client_for):
    from django.test import Client

    note = make_note(alice, title="Alpha")
    strict = client_for(alice, enforce_csrf_checks=True)
    assert strict.post("/notes/bulk", {"action": "pin", "note": pick(note)}).status_code == 403
    assert Client().post("/notes/bulk", {"action": "pin", "note": pick(note)}).status_code == 302
    assert stored(alice, note).pinned is False


def test_a_forged_flash_is_ignored(alice, client_for):
    page = text(client_for(alice).get("/notes/?bulk=eyJ0ZXh0IjoiSGFja2VkIn0:forged"))
    assert "Hacked" not in page


def test_the_archive_offers_unarchive_and_a_refusal_there_re_renders_the_archive(alice, client_for):
    client = client_for(alice)
    kept = make_note(alice, title="Old receipts", archived=True)
    page = text(client.get("/notes/archive/"))
    assert '<option value="unarchive">Unarchive</option>' in page
    assert f'value="{kept.id}:1" form="bulk-form"' in page
    refused = client.post(
        "/notes/bulk", {"action": "add_label", "label": "", "note": pick(kept), "next": "/notes/archive/"}
    )
    assert refused.status_code == 400
    assert "<h1" in text(refused) and "Archive</h1>" in text(refused)
    client.post("/notes/bulk", {"action": "unarchive", "note": pick(kept), "next": "/notes/archive/"})
    assert stored(alice, kept).archived is False
