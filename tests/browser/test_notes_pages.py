"""The notes pages in a real browser: with htmx (fragments swapped, no navigation) and without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from notes import services
from notes.domain import Note, new_note_id
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD, _make_user
from tests.integration.note_views_support import feed_stream

LIST_URL = re.compile(r"/notes/(\?[^#]*)?(#note-[0-9a-f]{32})?$")


def stay_on_page(page):
    """Marks the current document; the returned check is True while no navigation has replaced it."""
    page.evaluate("window.__sameDocument = true")
    return lambda: page.evaluate("window.__sameDocument === true")


def row(page, title: str):
    return page.locator("#note-list > li").filter(has=page.get_by_role("link", name=title, exact=True))


def star(page, title: str):
    return page.get_by_role("button", name=f"Important: {title}", exact=True)


def create_note(page, title: str, content: str = "", category: str = "") -> None:
    page.get_by_role("link", name="New note").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Note", exact=True).fill(content)
    page.get_by_label("Add labels").fill(category)
    page.get_by_role("button", name="Create note").click()
    expect(page).to_have_url(LIST_URL)
    expect(row(page, title)).to_be_visible()


def test_sign_up_then_create_toggle_edit_and_delete_with_htmx(page):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(LIST_URL)
    expect(page.get_by_text("No notes yet")).to_be_visible()

    create_note(page, "Groceries", "Oat milk\neggs & <bread>", "home")
    expect(row(page, "Groceries")).to_contain_text("eggs & <bread>")  # escaped, shown as typed

    # Toggles swap only their row: same document, new state, keyboard focus kept on the button.
    same_document = stay_on_page(page)
    star(page, "Groceries").click()
    expect(star(page, "Groceries")).to_have_attribute("aria-pressed", "true")
    expect(star(page, "Groceries")).to_be_focused()
    page.get_by_role("button", name="Done: Groceries").click()
    expect(row(page, "Groceries")).to_have_class(re.compile(r"\bis-completed\b"))
    assert same_document()

    # Edit, with an inline validation error first: only the form is swapped, the text stays.
    page.get_by_role("link", name="Edit Groceries").click()
    same_document = stay_on_page(page)
    page.get_by_label("Title").fill("Groceries for the weekend")
    page.get_by_label("Add labels").fill("h" * 51)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#err_labels")).to_contain_text("at most 50 characters")
    expect(page.get_by_label("Title")).to_have_value("Groceries for the weekend")
    assert same_document()
    page.get_by_label("h" * 51).uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(LIST_URL)
    expect(row(page, "Groceries for the weekend")).to_be_visible()
    expect(star(page, "Groceries for the weekend")).to_have_attribute("aria-pressed", "true")

    # Delete: an inline confirmation, then the row goes and a message says so.
    same_document = stay_on_page(page)
    page.get_by_role("link", name="Delete Groceries for the weekend").click()
    confirm = page.locator(".confirm-delete")
    expect(confirm).to_contain_text("Delete “Groceries for the weekend”?")
    expect(confirm.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Escape")  # cancel puts the row back
    expect(row(page, "Groceries for the weekend")).to_be_visible()
    page.get_by_role("link", name="Delete Groceries for the weekend").click()
    page.locator(".confirm-delete").get_by_role("button", name="Delete").click()
    expect(page.locator("#flash")).to_contain_text("“Groceries for the weekend” moved to the trash.")
    expect(page.locator("#note-list > li")).to_have_count(0)
    assert same_document()

    # Undo puts it back.
    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#flash")).to_have_text("Note restored.")
    expect(row(page, "Groceries for the weekend")).to_be_visible()


def test_an_edit_conflict_from_two_pages(context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing list", "content": "passport"})
    sign_in(context, alice)
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(f"/notes/{note.id}/edit")

    second.get_by_label("Note", exact=True).fill("passport, charger")
    second.get_by_role("button", name="Save changes").click()
    expect(second).to_have_url(LIST_URL)

    first.bring_to_front()  # a background tab is throttled
    same_document = stay_on_page(first)
    first.get_by_label("Title").fill("Packing list for Lisbon")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_role("heading", name="This note changed while you were editing")).to_be_visible()
    expect(first.locator(".stored-content")).to_have_text("passport, charger")
    expect(first.get_by_label("Title")).to_have_value("Packing list for Lisbon")
    assert same_document()

    first.get_by_role("button", name="Save my version").click()
    expect(first).to_have_url(LIST_URL)
    expect(row(first, "Packing list for Lisbon")).to_be_visible()
    saved = services.note_get(user_id=alice.id, note_id=note.id)
    assert (saved.title, saved.content, saved.version) == ("Packing list for Lisbon", "passport", 3)


def test_load_more_and_search_swap_only_the_list(page, sign_in, context, settings):
    settings.NOTES_PAGE_SIZE = 5
    alice = _make_user("alice")
    for i in range(12):
        services.note_create(
            user_id=alice.id, data={"title": f"Note {i:02d}", "content": "lemon" if i % 4 == 0 else ""}
        )
    sign_in(context, alice)
    page.goto("/notes/")
    notes = page.locator("#note-list > li")
    expect(notes).to_have_count(5)
    same_document = stay_on_page(page)
    page.get_by_role("link", name="Load more").click()
    expect(notes).to_have_count(10)
    expect(page.get_by_role("link", name="Note 06", exact=True)).to_be_focused()  # the first added note
    page.get_by_role("link", name="Load more").click()
    expect(notes).to_have_count(12)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    assert [t.strip() for t in page.locator(".note-title").all_inner_texts()] == [
        f"Note {i:02d}" for i in range(11, -1, -1)
    ]

    page.get_by_label("Search").fill("LEMON")
    expect(notes).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/notes/\?q=LEMON"))
    page.get_by_label("Importance").select_option("Important")
    expect(page.get_by_text("No notes match these filters.")).to_be_visible()
    assert same_document()


def test_create_toggle_edit_conflict_and_delete_without_javascript(new_context):
    _make_user("erin")
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/notes/")
    expect(page).to_have_url(re.compile(r"/accounts/signin/\?next=/notes/"))
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(LIST_URL)

    # A validation error comes back as a whole page, with the text kept.
    page.get_by_role("link", name="New note").click()
    page.get_by_label("Title").fill("Taxes")
    page.get_by_label("Note", exact=True).fill("receipts in the blue folder")
    page.get_by_label("Add labels").fill("m" * 51)
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#err_labels")).to_be_visible()
    expect(page.get_by_label("Note", exact=True)).to_have_value("receipts in the blue folder")
    page.get_by_label("m" * 51).uncheck()
    page.get_by_label("Add labels").fill("money")
    page.get_by_role("button", name="Create note").click()
    expect(row(page, "Taxes")).to_be_visible()

    star(page, "Taxes").click()  # a plain form post and a redirect back
    expect(star(page, "Taxes")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("link", name="Edit Taxes").click()
    stale = context.new_page()
    stale.goto(page.url)
    page.bring_to_front()  # a background tab is throttled
    page.get_by_label("Title").fill("Taxes 2026")
    page.get_by_role("button", name="Save changes").click()
    expect(row(page, "Taxes 2026")).to_be_visible()

    # The stale page hits the conflict page, and takes the saved version.
    stale.bring_to_front()
    stale.get_by_label("Note", exact=True).fill("my stale text")
    stale.get_by_role("button", name="Save changes").click()
    expect(stale.get_by_role("heading", name="This note changed while you were editing")).to_be_visible()
    stale.get_by_role("link", name="Take the saved version").click()
    expect(stale.get_by_label("Title")).to_have_value("Taxes 2026")
    expect(stale.get_by_label("Note", exact=True)).to_have_value("receipts in the blue folder")

    page.bring_to_front()
    page.get_by_role("link", name="Delete Taxes 2026").click()
    expect(page.get_by_role("heading", name="Delete this note?")).to_be_visible()
    page.get_by_role("button", name="Delete note").click()
    expect(page.get_by_text("Note moved to the trash.")).to_be_visible()
    expect(page.locator("#note-list > li")).to_have_count(0)

    # The trash, without JavaScript: the confirmation is a disclosure, restoring is a form post.
    page.get_by_role("link", name="Open the trash").click()
    expect(page.locator("#trash-list > li")).to_have_count(1)
    page.locator("summary", has_text="Delete forever").click()
    expect(page.get_by_role("button", name="Yes, delete forever")).to_be_visible()
    page.get_by_role("button", name="Restore Taxes 2026").click()
    expect(page.get_by_text("The note is back in your notes.")).to_be_visible()
    page.get_by_role("link", name="Open it").click()
    expect(page.get_by_role("heading", name="Taxes 2026")).to_be_visible()


def test_history_restores_an_old_version_and_the_trash_restores_and_deletes_for_good(page, context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Packing list", "content": "passport\ncharger"})
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "passport\nbooks"})
    other = services.note_create(user_id=alice.id, data={"title": "Old idea"})
    feed_stream()
    sign_in(context, alice)

    page.goto(f"/notes/{note.id}/")
    page.get_by_role("link", name="History").click()
    versions = page.locator(".version-card")
    expect(versions).to_have_count(2)
    expect(versions.first.locator(".diff-add")).to_have_text("+ books")
    page.get_by_role("button", name="Restore this version (1)").click()
    expect(page.locator("#flash")).to_contain_text("Version 1 restored: it is now version 3.")
    expect(page.locator(".note-content")).to_have_text("passport\ncharger")

    # Two notes in the trash: one comes back, one goes for good; each row goes without leaving the page.
    for trashed in (note, other):
        current = services.note_get(user_id=alice.id, note_id=trashed.id)
        services.note_delete(user_id=alice.id, note_id=trashed.id, expected_version=current.version)
    page.goto("/notes/")
    page.get_by_role("link", name="Trash").click()
    rows = page.locator("#trash-list > li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("deleted for good on")
    same_document = stay_on_page(page)
    page.get_by_role("button", name="Restore Packing list").click()
    expect(page.locator("#flash")).to_contain_text("“Packing list” is back in your notes.")
    expect(rows).to_have_count(1)
    rows.first.locator("summary").click()
    page.get_by_role("button", name="Yes, delete forever").click()
    expect(page.locator("#flash")).to_have_text("Deleted for good.")
    expect(rows).to_have_count(0)
    assert same_document()
    assert [t.note.id for t in services.trash_list(user_id=alice.id)] == []


# --- screenshots of the list, for people to look at (artifacts/screenshots/, git-ignored) -------------

SAMPLE_NOTES = [
    # (title, content, category, important, completed, hours ago)
    (
        "Quarterly planning",
        "Draft the Q3 roadmap, collect estimates from each team and book the review with finance "
        "before Friday. Keep the hiring plan separate this time.",
        "work",
        True,
        False,
        0.3,
    ),
    ("Groceries", "Oat milk, eggs, spinach, sourdough, coffee beans, lemons, parmesan.", "home", False, False, 2),
    (
        "Gift ideas for Sam",
        "A film camera, a good fountain pen, the cookbook from that little shop in Lisbon.",
        "personal",
        True,
        False,
        5,
    ),
    ("Book dentist appointment", "Dr. Patel — ask about the Tuesday morning slots.", "health", False, True, 26),
    (
        "Trip to Lisbon",
        "Flights booked. Still to do: hotel near Alfama, tram 28 tickets, a day trip to Sintra.",
        "travel",
        False,
        False,
        50,
    ),
    (
        "Team retro",
        "Went well: release train, on-call handover.\nTo improve: flaky browser tests, review turnaround.",
        "work",
        False,
        True,
        75,
    ),
    (
        "Reading list",
        "The Pragmatic Programmer; Designing Data-Intensive Applications; Piranesi.",
        "books",
        False,
        False,
        24 * 9,
    ),
    (
        "Lemon pasta",
        "Zest two lemons, 50 g parmesan, butter and a splash of pasta water. Toss off the heat.",
        "recipes",
        False,
        False,
        24 * 20,
    ),
]


def seed_sample_notes(user) -> None:
    repo = DynamoDBNoteRepository()
    now = datetime.now(UTC)
    for title, content, category, important, completed, hours in reversed(SAMPLE_NOTES):
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


@pytest.mark.parametrize(
    ("width", "height", "mobile"), [(1280, 800, False), (390, 844, True)], ids=["desktop", "phone"]
)
def test_screenshot_of_the_list(width, height, mobile, new_context, sign_in, settings):
    settings.NOTES_PAGE_SIZE = 6
    alice = _make_user("alice")
    seed_sample_notes(alice)
    context = new_context(viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/")
    expect(page.locator("#note-list > li")).to_have_count(6)
    expect(page.get_by_role("link", name="Load more")).to_be_visible()
    # Nothing may stick out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"notes-list-{width}x{height}.png"
    page.screenshot(path=str(path), caret="initial")  # the default hides the caret with an inline style
    assert path.stat().st_size > 10_000
