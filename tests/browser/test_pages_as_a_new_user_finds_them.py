"""The defects a new user's walk through the pages found, each where it happened."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.services import token_create
from notes import services
from tests.browser.axe import describe, serious, violations
from tests.browser.conftest import DESKTOP
from tests.conftest import PASSWORD, _make_user

PHONE = {"width": 390, "height": 844}


def test_without_javascript_the_keyboard_shortcuts_button_is_not_shown(new_context, sign_in):
    """The button only opens a dialog notes.js builds: a `.button` display rule beat its `hidden`."""
    context = new_context(java_script_enabled=False)
    sign_in(context, _make_user("alice"))
    page = context.new_page()
    page.goto("/notes/")
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()
    expect(page.locator("[data-shortcuts-help]")).to_be_hidden()


def test_the_conflict_screen_keeps_the_saved_versions_line_breaks_and_its_box_takes_the_focus(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing", "content": "passport"})
    context = new_context(bypass_csp=True, viewport=PHONE)  # bypass: axe is injected below
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    lines = [f"item {i}" for i in range(60)]
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "\n".join(lines)})
    page.get_by_label("Title").fill("Packing for Lisbon")
    page.get_by_role("button", name="Save changes").click()
    stored = page.locator(".stored-content")
    expect(page.get_by_role("heading", name="This note changed while you were editing")).to_be_visible()
    assert stored.evaluate("e => e.innerText").splitlines()[:3] == ["item 0", "item 1", "item 2"]
    assert stored.evaluate("e => e.scrollHeight > e.clientHeight")  # it does scroll
    stored.focus()
    assert stored.evaluate("e => document.activeElement === e")
    found = violations(page)
    assert not [v for v in found if v["id"] == "scrollable-region-focusable"]
    assert not serious(found), describe(serious(found))


def test_the_api_page_fits_a_phone(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/api/")
    expect(page.get_by_role("heading", name="Notes API")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


PLACEHOLDER_FITS = """e => {
    const style = getComputedStyle(e);
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [ctx.measureText(e.placeholder).width, room];
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_search_placeholder_is_not_cut_off(new_context, sign_in, viewport):
    context = new_context(viewport=viewport)
    sign_in(context, _make_user("alice"))
    page = context.new_page()
    page.goto("/notes/")
    needed, room = page.get_by_label("Search").evaluate(PLACEHOLDER_FITS)
    assert needed <= room - 24, (needed, room)  # the search field's clear button takes about 16 px


# "1 Dec 2026, 21:15 CET": notes_tags.local_time, in the reader's zone (here the browser's, Paris).
ONE_FORMAT = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} CES?T$")


def test_notes_the_tokens_page_and_the_draft_banner_write_times_one_way_in_the_readers_zone(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing", "content": "passport"})
    token_create(user=alice, name="laptop script")
    context = new_context(timezone_id="Europe/Paris")
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/healthz")  # time-zone.js is not on it: the next pages are the first with the zone cookie
    page.goto("/notes/")
    page.goto(f"/notes/{note.id}/")
    seen = {"note": page.locator(".note-meta time").first.inner_text()}
    page.goto("/accounts/tokens/")
    seen["tokens"] = page.locator("table.tokens time").first.inner_text()
    page.goto(f"/notes/{note.id}/edit")
    context.set_offline(True)  # autosave can't reach the server: the draft in the browser is the fallback
    page.get_by_label("Note", exact=True).fill("passport, charger")
    page.wait_for_timeout(700)  # the draft is kept a moment after the last keystroke
    page.close(run_before_unload=False)
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    offer = page.get_by_role("region", name="Unsaved draft").inner_text()
    seen["draft"] = re.search(r"from (.+?) \(kept in this browser\)", offer).group(1)
    assert all(ONE_FORMAT.match(text) for text in seen.values()), seen


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_up_with_a_name_in_any_script_and_a_refusal_that_says_what_is_wrong(new_context, javascript):
    """The walk's defect: the sign-up error repeated the help text above it."""
    page = new_context(java_script_enabled=javascript, viewport=PHONE).new_page()
    page.goto("/accounts/signup/")
    help_text = page.locator("#help_username").inner_text()
    page.get_by_label("Username").fill("rené dupont")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    error = page.locator("#err_username")
    expect(error).to_have_text("A username can't contain spaces: use . or _ between words (like rené.dupont).")
    assert help_text not in error.inner_text()
    page.get_by_label("Username").fill("rené.dupont")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("rené.dupont")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
