"""Labels, pins and the archive in the browser, with and without JavaScript, at 1280 and 390 px; axe-core on
the new and changed pages; screenshots of the list with labels and pins and of the labels page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes import services, wiring
from tests.browser.conftest import SCREENSHOTS
from tests.browser.labelled_notes import axe_clean, create_labelled, signed_in_page
from tests.conftest import _make_user

VIEWPORTS = [(1280, 800), (390, 844)]


def seed(user) -> dict[str, object]:
    return create_labelled(
        user,
        [
            ("Fête de la musique", ["Fête", "Ideen für Küche"], {"pinned": True}),
            ("Quarterly report", ["work", "label with !'@:$\" Symbols and spaces"], {"important": True}),
            ("日本語の本", ["日本語", "reading"], {}),
            ("Old receipts", ["home"], {"archived": True}),
            ("Groceries", ["home", "errands"], {}),
        ],
    )


def shot(page, name: str, width: int, height: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["desktop", "phone"])
def test_the_list_labels_and_archive_pages_pass_axe_and_are_shot(width, height, new_context, sign_in):
    alice = _make_user("alice")
    seed(alice)
    page = signed_in_page(new_context, sign_in, alice, bypass_csp=True, viewport={"width": width, "height": height})
    page.goto("/notes/")
    rows = page.locator("#note-list > li h2")
    expect(rows.first).to_have_text("Fête de la musique")  # pinned first
    expect(page.get_by_role("link", name="Label: Ideen für Küche")).to_be_visible()
    expect(page.locator("#note-list")).not_to_contain_text("Old receipts")  # archived
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False, "the list scrolls sideways"
    axe_clean(page, "list with labels and pins")
    shot(page, "labels-list", width, height)

    page.goto("/notes/?label=home&label=errands")
    expect(page.locator("#note-list > li h2")).to_have_text(["Groceries"])
    axe_clean(page, "list filtered by two labels")

    page.goto("/notes/labels/")
    expect(page.get_by_role("link", name="home", exact=True)).to_be_visible()
    axe_clean(page, "labels page")
    shot(page, "labels-page", width, height)

    page.goto("/notes/archive/")
    expect(page.locator("#note-list > li h2")).to_have_text(["Old receipts"])
    axe_clean(page, "archive page")

    page.goto("/notes/?q=%22unclosed")
    expect(page.locator("#search-error")).to_contain_text("not closed")
    axe_clean(page, "list, a bad query")

    note = services.note_list(user_id=alice.id).notes[0]
    page.goto(f"/notes/{note.id}/edit")
    page.get_by_label("Add labels").fill("x" * 51)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#err_labels")).to_be_visible()
    axe_clean(page, "editor, a label too long")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_labels_pins_and_archive_work_with_and_without_javascript(javascript, new_context, sign_in):
    alice = _make_user("alice")
    seed(alice)
    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=javascript)

    # Add a label in the editor, with the user's labels offered; untick one to remove it.
    note = next(n for n in services.note_list(user_id=alice.id, limit=10).notes if n.title == "Groceries")
    page.goto(f"/notes/{note.id}/edit")
    assert page.locator("#note-label-options option[value='Fête']").count() == 1
    page.get_by_label("errands").uncheck()
    page.get_by_label("Add labels").fill("Café, weekend")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"/notes/#note-{note.id}")
    saved = services.note_get(user_id=alice.id, note_id=note.id)
    assert saved.labels == ("home", "Café", "weekend")
    wiring.note_repository().index_note(saved)  # the stream's part

    # A chip filters by its label; a second label narrows (all must match); a chip's Remove widens again.
    page.get_by_role("link", name="Label: home").first.click()
    expect(page.locator("#note-list > li h2")).to_have_text(["Groceries"])
    page.get_by_label("Label", exact=True).fill("cafe")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#note-list > li h2")).to_have_text(["Groceries"])
    page.get_by_role("link", name="Remove the label filter cafe").click()
    expect(page.locator("#note-list > li h2")).to_have_text(["Groceries"])

    # Pin from the row: first on the list.
    page.goto("/notes/")
    page.get_by_role("button", name="Pin Groceries").click()
    expect(page.get_by_role("button", name="Unpin Groceries")).to_be_visible()
    page.goto("/notes/")
    expect(page.locator("#note-list > li h2").nth(0)).to_have_text("Groceries")  # pinned a moment ago
    expect(page.locator("#note-list > li h2").nth(1)).to_have_text("Fête de la musique")  # the other pin

    # Archive from the row: off the list, on the archive page; unarchive from there.
    page.get_by_role("button", name="Archive Groceries").click()
    if javascript:  # the row stays where it was, saying so, with the way back
        expect(page.get_by_role("button", name="Unarchive Groceries")).to_be_visible()
    else:  # back on the list, which archived notes leave
        expect(page.locator("#note-list > li h2").first).to_have_text("Fête de la musique")
    page.goto("/notes/")
    expect(page.locator("#note-list")).not_to_contain_text("Groceries")
    page.get_by_role("link", name="Archive", exact=True).click()
    expect(page.locator("#note-list")).to_contain_text("Groceries")

    # Rename a label onto an existing one: the page says it merged.
    page.goto("/notes/labels/")
    page.get_by_label("New name for “weekend”").fill("Home")
    page.locator("form.label-rename", has=page.get_by_label("New name for “weekend”")).get_by_role(
        "button", name="Rename"
    ).click()
    expect(page.locator("#flash")).to_contain_text("Merged “weekend” into the existing label “Home”")
    assert services.note_get(user_id=alice.id, note_id=note.id).labels == ("home", "Café")
