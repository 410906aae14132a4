"""The site's header: what each persona is offered."""

from __future__ import annotations

from django.test import Client


def test_it_links_admins_to_the_function_health_console(admin, client_for):
    page = client_for(admin).get("/notes/").content.decode()
    assert 'href="/console/"' in page
    assert 'href="/accounts/tokens/"' in page


def test_it_does_not_offer_the_console_to_other_users(alice, client_for):
    page = client_for(alice).get("/notes/").content.decode()
    assert 'href="/console/"' not in page
    assert 'href="/notes/"' in page


def test_anonymous_visitors_are_offered_sign_in_only(aws):
    page = Client().get("/").content.decode()
    assert 'href="/accounts/signin/"' in page
    assert 'href="/console/"' not in page and 'href="/accounts/tokens/"' not in page


def test_the_notes_shortcuts_links_are_for_signed_in_people_only(alice, client_for, aws):
    """base.html reverses the notes' URLs only for a signed-in person: the keyboard shortcuts (static/js/notes.js)
    have nowhere to go for a visitor, and an anonymous cold start then builds no reverse table for the notes' 30
    URL patterns (bench/bench_cold_start.py)."""
    anonymous = Client().get("/").content.decode()
    signed_in = client_for(alice).get("/notes/").content.decode()

    assert "data-notes-url" not in anonymous and "data-new-note-url" not in anonymous
    assert 'data-notes-url="/notes/" data-new-note-url="/notes/new"' in signed_in
