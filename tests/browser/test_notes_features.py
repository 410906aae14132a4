"""What every notes app has, in the browser: Markdown and its preview, local times, the kept
draft and the unsaved-changes warning, keyboard shortcuts, emptying the trash; screenshots for review."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from notes import services
from notes.domain import Note, new_note_id
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_notes_pages import LIST_URL, row
from tests.conftest import _make_user

VIEWPORTS = [(1280, 800, False), (390, 844, True)]
VIEWPORT_IDS = ["desktop", "phone"]


def signed_in_page(new_context, sign_in, user, **options):
    context = new_context(**options)
    sign_in(context, user)
    return context.new_page()


def shot(page, name: str, width: int, height: int, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}x{height}.png"
    page.screenshot(path=str(path), caret="initial", full_page=full_page)
    assert path.stat().st_size > 10_000


# --- Markdown, the preview ------------------------------------------------------------------------------

MARKDOWN_NOTES = [
    (
        "Trip to Lisbon",
        "## Still to do\n\n- [x] flights\n- hotel near **Alfama**\n- tram 28 tickets\n\n"
        "Day trip: [Sintra](https://www.visitportugal.com/en/content/sintra)",
        "travel",
        False,
        False,
        0.5,
    ),
    (
        "Release checklist",
        "1. Freeze `main`\n2. Run *all* the browser tests\n3. Tag and **ship**",
        "work",
        True,
        False,
        3,
    ),
    (
        "Lemon pasta",
        "> Zest two lemons, 50 g parmesan, butter and a splash of pasta water.\n\nToss off the heat.",
        "recipes",
        False,
        False,
        26,
    ),
    ("Groceries", "Oat milk\neggs\nsourdough", "home", False, True, 50),
]


def seed_markdown_notes(user) -> None:
    repo = DynamoDBNoteRepository()
    now = datetime.now(UTC)
    for title, content, category, important, completed, hours in reversed(MARKDOWN_NOTES):
        stamp = (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        repo.add(
            Note(
                id=new_note_id(),
                user_id=user.id,
                title=title,
                content=content,
                category=category,
                important=important,
                completed=completed,
                created_at=stamp,
                updated_at=stamp,
            )
        )


@pytest.mark.parametrize(("width", "height", "mobile"), VIEWPORTS, ids=VIEWPORT_IDS)
def test_the_list_and_a_note_in_markdown(width, height, mobile, new_context, sign_in):
    alice = _make_user("alice")
    seed_markdown_notes(alice)
    page = signed_in_page(
        new_context,
        sign_in,
        alice,
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        timezone_id="Europe/Lisbon",
    )
    page.goto("/notes/")
    expect(row(page, "Release checklist").locator(".note-snippet")).to_have_text(
        "Freeze main Run all the browser tests Tag and ship"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "notes-list-markdown", width, height)
    page.get_by_role("link", name="Trip to Lisbon", exact=True).click()
    content = page.locator(".note-content")
    expect(content.get_by_role("heading", name="Still to do")).to_be_visible()
    link = content.get_by_role("link", name="Sintra")
    expect(link).to_have_attribute("rel", "noopener nofollow ugc")
    expect(content.locator("strong")).to_have_text("Alfama")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_the_editor_previews_markdown_without_saving(javascript, new_context, sign_in):
    alice = _make_user("alice")
    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=javascript)
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Plan")
    page.get_by_label("Note", exact=True).fill("**Bold** plan with [a link](https://example.com)")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("Bold")
    expect(preview.get_by_role("link", name="a link")).to_have_attribute("href", "https://example.com")
    expect(page.get_by_label("Note", exact=True)).to_have_value("**Bold** plan with [a link](https://example.com)")
    assert services.note_list(user_id=alice.id).notes == []
    page.get_by_role("button", name="Create note").click()
    expect(page).to_have_url(LIST_URL)
    expect(row(page, "Plan")).to_contain_text("Bold plan with a link")


@pytest.mark.parametrize(("width", "height", "mobile"), VIEWPORTS, ids=VIEWPORT_IDS)
def test_screenshot_of_the_editor_with_its_preview(width, height, mobile, new_context, sign_in):
    alice = _make_user("alice")
    page = signed_in_page(
        new_context, sign_in, alice, viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
    )
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Trip to Lisbon")
    page.get_by_label("Note", exact=True).fill(MARKDOWN_NOTES[0][1])
    page.get_by_label("Add labels").fill("travel")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview h4")).to_have_text("Still to do")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "notes-editor-preview", width, height, full_page=True)


# --- local time -------------------------------------------------------------------------------------------


def test_times_are_in_the_browsers_time_zone(new_context, sign_in):
    alice = _make_user("alice")
    note = DynamoDBNoteRepository().add(
        Note(
            id=new_note_id(),
            user_id=alice.id,
            title="Times",
            content="",
            category="general",
            created_at="2026-01-15T23:30:00.000000Z",
            updated_at="2026-07-01T12:05:00.000000Z",
        )
    )
    page = signed_in_page(new_context, sign_in, alice, timezone_id="America/New_York")
    page.goto("/notes/")  # the first page tells the server the zone
    page.goto(f"/notes/{note.id}/")
    meta = page.locator(".note-detail .note-meta")
    expect(meta).to_contain_text("Updated 1 Jul 2026, 08:05 EDT")
    expect(meta).to_contain_text("Created 15 Jan 2026, 18:30 EST")


# --- unsaved changes -------------------------------------------------------------------------------------


def test_a_closed_tab_leaves_a_draft_that_is_offered_back(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing", "content": "passport"})
    context = new_context()
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    context.set_offline(True)  # autosave can't reach the server: the draft is the fallback
    page.get_by_label("Note", exact=True).fill("passport, charger, adapters")
    page.wait_for_timeout(700)  # the draft is kept a moment after the last keystroke
    page.close(run_before_unload=False)  # a crash or a closed tab
    context.set_offline(False)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "passport"

    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    offer = page.get_by_role("region", name="Unsaved draft")
    expect(offer).to_contain_text("You have unsaved changes to this note")
    expect(page.get_by_label("Note", exact=True)).to_have_value("passport")
    offer.get_by_role("button", name="Restore my draft").click()
    expect(page.get_by_label("Note", exact=True)).to_have_value("passport, charger, adapters")
    page.keyboard.press("Control+Enter")  # saves
    expect(page).to_have_url(LIST_URL)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "passport, charger, adapters"

    page.goto(f"/notes/{note.id}/edit")  # saved: no draft offered any more
    expect(page.get_by_label("Title")).to_be_visible()
    page.wait_for_timeout(200)
    expect(page.get_by_role("region", name="Unsaved draft")).to_have_count(0)


def test_a_draft_restored_over_a_newer_version_gets_the_conflict_screen(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing", "content": "passport"})
    context = new_context()
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    context.set_offline(True)  # autosave can't reach the server: the draft is the fallback
    page.get_by_label("Note", exact=True).fill("my draft")
    page.wait_for_timeout(700)
    page.close(run_before_unload=False)
    context.set_offline(False)
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "from my phone"})

    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    page.get_by_role("button", name="Restore my draft").click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="This note changed while you were editing")).to_be_visible()
    expect(page.locator(".stored-content")).to_have_text("from my phone")


def test_leaving_an_edited_form_asks_first(new_context, sign_in):
    alice = _make_user("alice")
    page = signed_in_page(new_context, sign_in, alice)
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Half-typed")
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", on_dialog)
    page.get_by_role("link", name="Cancel").click()
    assert asked == ["confirm"]
    expect(page.get_by_label("Title")).to_have_value("Half-typed")
    page.get_by_role("link", name="All notes").click()  # any other way out: the browser's own warning
    expect(page.get_by_label("Title")).to_have_value("Half-typed")
    assert asked == ["confirm", "beforeunload"]


# --- keyboard -------------------------------------------------------------------------------------------


def test_keyboard_shortcuts(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Existing", "content": "lemon"})
    page = signed_in_page(new_context, sign_in, alice)
    page.goto("/notes/")
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("New note")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("/")
    expect(page.get_by_label("Search")).to_be_focused()
    page.keyboard.type("n/e")  # typed into the field, not taken as shortcuts
    expect(page.get_by_label("Search")).to_have_value("n/e")
    page.get_by_label("Search").fill("")
    page.locator("body").click(position={"x": 5, "y": 300})

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/notes/new$"))
    page.get_by_label("Title").fill("Typed with the keyboard")
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(LIST_URL)
    expect(page.get_by_role("link", name="Typed with the keyboard", exact=True)).to_be_focused()

    page.goto(f"/notes/{note.id}/")
    page.keyboard.press("e")
    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/edit\?from=note$"))  # saving lands on the note
    page.get_by_label("Title").press("Escape")  # cancel: nothing was typed, so no question
    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/$"))

    page.goto("/notes/")
    row(page, "Existing").get_by_role("link", name="Existing", exact=True).focus()
    page.keyboard.press("e")
    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/edit$"))
    page.keyboard.press("/")  # on a page without the search field: the list, searching
    expect(page).to_have_url(re.compile(r"/notes/#search$"))
    expect(page.get_by_label("Search")).to_be_focused()


def test_a_visitor_signed_out_gets_no_notes_shortcuts(new_context):
    page = new_context().new_page()
    page.goto("/")
    page.locator("body").click(position={"x": 5, "y": 300})

    page.keyboard.press("n")
    page.keyboard.press("/")
    page.keyboard.press("?")

    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_have_count(0)
    assert page.url.endswith("/") and "#" not in page.url


@pytest.mark.parametrize(("width", "height", "mobile"), VIEWPORTS, ids=VIEWPORT_IDS)
def test_screenshot_of_the_keyboard_help(width, height, mobile, new_context, sign_in):
    alice = _make_user("alice")
    seed_markdown_notes(alice)
    page = signed_in_page(
        new_context, sign_in, alice, viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
    )
    page.goto("/notes/")
    if mobile:
        page.keyboard.press("?")  # a phone with a keyboard; the button is not shown that narrow
    else:
        page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shot(page, "notes-keyboard-help", width, height)


# --- empty the trash ------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_emptying_the_trash(javascript, new_context, sign_in):
    alice = _make_user("alice")
    for title in ("Old one", "Old two"):
        note = services.note_create(user_id=alice.id, data={"title": title})
        services.note_delete(user_id=alice.id, note_id=note.id, expected_version=1)
    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=javascript)
    page.goto("/notes/trash/")
    page.get_by_role("link", name="Empty the trash").click()
    expect(page.get_by_role("heading", name="Empty the trash?")).to_be_visible()
    page.get_by_role("button", name="Delete 2 notes for good").click()
    expect(page.locator("#flash")).to_have_text("The trash is empty: 2 notes deleted for good.")
    expect(page.get_by_text("The trash is empty", exact=True)).to_be_visible()
    assert services.trash_list(user_id=alice.id) == []


def test_drafts_are_per_user_and_signing_out_removes_them(new_context, sign_in):
    alice, bob = _make_user("alice"), _make_user("bob")
    context = new_context()
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/new")
    page.get_by_label("Note", exact=True).fill("alice's private draft")
    page.wait_for_timeout(700)
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [f"notes-draft:{alice.id}:/notes/new"]

    page.close(run_before_unload=False)
    sign_in(context, bob)  # another person on the same browser
    page = context.new_page()
    page.goto("/notes/new")
    page.wait_for_timeout(200)
    expect(page.get_by_role("region", name="Unsaved draft")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page).not_to_have_url(re.compile(r"/notes/new$"))
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('notes-draft:'))") == []


def test_the_label_fields_offer_the_users_labels(new_context, sign_in):
    alice = _make_user("alice")
    for title, category in [("a", "Errands"), ("b", "work")]:
        services.note_create(user_id=alice.id, data={"title": title, "category": category})
    page = signed_in_page(new_context, sign_in, alice)
    page.goto("/notes/new")
    page.get_by_label("Title").fill("c")
    options = page.locator("#note-label-options option")
    expect(options).to_have_count(2)  # served with the page: no JavaScript needed
    assert options.evaluate_all("os => os.map(o => o.value)") == ["Errands", "work"]
    expect(page.get_by_label("Title")).to_have_value("c")
    page.goto("/notes/?category=errands")
    expect(page.locator("#note-list > li")).to_have_count(1)  # any case; the old ?category= is a label
    page.get_by_label("Label", exact=True).focus()
    expect(page.locator("#category-options option")).to_have_count(2)
