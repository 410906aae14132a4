"""What a new user hit within minutes where htmx swaps a page, the back and forward buttons, and the focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.services import token_list
from notes import services
from tests.browser.test_notes_pages import create_note, row, star, stay_on_page
from tests.conftest import _make_user


@pytest.fixture
def alice_page(context, sign_in):
    alice = _make_user("alice")
    sign_in(context, alice)
    page = context.new_page()
    page.alice = alice
    return page


# --- 2: under DEBUG an htmx 4xx answer replaced the whole page ----------------------------------------


def test_in_debug_an_inline_validation_error_swaps_only_the_form(alice_page, debug):
    page = alice_page
    page.goto("/notes/new")
    same_document = stay_on_page(page)
    page.get_by_label("Title").fill("Shopping")
    page.get_by_label("Add labels").fill("x" * 51)
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#err_labels")).to_contain_text("at most 50 characters")
    expect(page.get_by_role("heading", name="New note")).to_be_visible()  # the page is still there, styled
    expect(page.get_by_label("Title")).to_have_value("Shopping")
    assert same_document()


def test_in_debug_starring_a_note_deleted_elsewhere_says_so_in_the_page(alice_page, debug):
    page = alice_page
    note = services.note_create(user_id=page.alice.id, data={"title": "Gone soon"})
    page.goto("/notes/")
    services.note_delete(user_id=page.alice.id, note_id=note.id, expected_version=1)  # another tab
    same_document = stay_on_page(page)
    star(page, "Gone soon").click()
    expect(page.locator("#flash")).to_contain_text("no longer exists")
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()
    assert same_document()


# --- 3: Back and Forward showed stale notes and empty filter fields -------------------------------------


def test_back_shows_a_note_starred_after_the_filter_changed_the_url(alice_page):
    """htmx kept a snapshot of each page it pushed a URL over, and Back showed that snapshot: the list as
    it was before the star."""
    page = alice_page
    services.note_create(user_id=page.alice.id, data={"title": "Report", "category": "work"})
    services.note_create(user_id=page.alice.id, data={"title": "Stamps", "category": "errands"})
    page.goto("/notes/")
    page.get_by_label("Label", exact=True).fill("work")
    page.get_by_label("Label", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"label=work"))
    expect(page.locator("#note-list > li")).to_have_count(1)
    star(page, "Report").click()
    expect(star(page, "Report")).to_have_attribute("aria-pressed", "true")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(page.locator("#note-list > li")).to_have_count(2)
    expect(star(page, "Report")).to_have_attribute("aria-pressed", "true")


def test_forward_to_a_filtered_list_shows_its_filters(alice_page):
    page = alice_page
    services.note_create(user_id=page.alice.id, data={"title": "Stamps", "category": "errands"})
    services.note_create(user_id=page.alice.id, data={"title": "Report", "category": "work"})
    page.goto("/notes/")
    page.get_by_label("Label", exact=True).fill("errands")
    page.get_by_label("Label", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"label=errands"))
    expect(page.locator("#note-list > li")).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(page.locator(".filter-chips")).to_have_count(0)
    expect(page.locator("#note-list > li")).to_have_count(2)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"label=errands"))
    expect(page.locator(".filter-chips")).to_contain_text("errands")
    expect(page.locator("#note-list > li")).to_have_count(1)


def test_back_does_not_bring_a_deleted_note_back(alice_page):
    page = alice_page
    services.note_create(user_id=page.alice.id, data={"title": "Stamps", "category": "errands"})
    services.note_create(user_id=page.alice.id, data={"title": "Report", "category": "work"})
    page.goto("/notes/")
    page.get_by_label("Label", exact=True).fill("errands")
    page.get_by_label("Label", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"label=errands"))
    page.get_by_role("link", name="Delete Stamps").click()  # inline, with htmx
    page.locator(".confirm-delete").get_by_role("button", name="Delete").click()
    expect(page.locator("#flash")).to_contain_text("moved to the trash")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(row(page, "Report")).to_be_visible()
    expect(row(page, "Stamps")).to_have_count(0)


# --- 4: reloading after creating an API token made a second one; the table overflowed on a phone ---------


@pytest.mark.parametrize("width", [1280, 390])
def test_reloading_the_tokens_page_creates_no_second_token(width, new_context, sign_in):
    alice = _make_user("alice")
    context = new_context(viewport={"width": width, "height": 844})
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill("backup script with a long name")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("nc_")
    expect(page.locator("pre.curl")).to_contain_text(secret)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the curl line wraps
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_text("shown once already")).to_be_visible()
    assert [t.name for t in token_list(user_id=alice.id)] == ["backup script with a long name"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# --- 6: after a create, keyboard focus dropped to <body> --------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_after_a_create_focus_is_on_the_new_note(javascript, new_context, sign_in):
    alice = _make_user("alice")
    context = new_context(java_script_enabled=javascript)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/")
    create_note(page, "Fresh note", "text")
    if javascript:
        expect(page.get_by_role("link", name="Fresh note", exact=True)).to_be_focused()
    else:  # without JavaScript the fragment scrolls the row into view; focus is the browser's
        expect(row(page, "Fresh note")).to_be_in_viewport()
