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
