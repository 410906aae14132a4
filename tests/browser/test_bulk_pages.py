"""Bulk actions in the browser: checkboxes, select all, shift-click ranges (JavaScript), the plain form without it,
Undo, a note changed meanwhile named on the page, 101 notes refused keeping the choice; 390 and 1280 px, axe-core,
and screenshots of the list with labels, pins and a selection, and of the labels page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes import services, wiring
from tests.browser.conftest import SCREENSHOTS
from tests.browser.labelled_notes import axe_clean, create_labelled, signed_in_page
from tests.conftest import _make_user

VIEWPORTS = [(1280, 800), (390, 844)]
TITLES = ["Fête de la musique", "Quarterly report", "日本語の本", "Groceries", "Call the plumber", "Trip to Lisbon"]


def seed(user) -> dict[str, object]:
    labels_of = {
        "Fête de la musique": ["Fête", "Ideen für Küche"],
        "Quarterly report": ["work", "label with !'@:$\" Symbols and spaces"],
        "日本語の本": ["日本語", "reading"],
        "Groceries": ["home", "errands"],
        "Trip to Lisbon": ["travel"],
    }
    pinned = {"Fête de la musique"}
    # The newest first on the list: TITLES' order.
    return create_labelled(
        user, [(t, labels_of.get(t, []), {"pinned": True} if t in pinned else {}) for t in reversed(TITLES)]
    )


def pick(page, title: str, **options):
    return page.get_by_role("checkbox", name=f"Choose {title}").click(**options)


def state(user, note):
    return services.note_get(user_id=user.id, note_id=note.id)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["desktop", "phone"])
def test_the_list_with_a_selection_and_the_labels_page_pass_axe_and_are_shot(width, height, new_context, sign_in):
    alice = _make_user("alice")
    seed(alice)
    page = signed_in_page(new_context, sign_in, alice, bypass_csp=True, viewport={"width": width, "height": height})
    page.goto("/notes/")
    expect(page.get_by_label("Select all on this page")).to_be_visible()
    pick(page, "Quarterly report")
    pick(page, "Groceries")
    expect(page.locator("[data-bulk-count]")).to_have_text("2 notes chosen.")
    page.get_by_label("With the ticked notes").select_option("add_label")
    page.get_by_label("Label (to add or remove)").fill("weekend")
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False, "the list scrolls sideways"
    axe_clean(page, "list with a bulk selection")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"bulk-list-{width}.png"), full_page=True)

    page.get_by_role("button", name="Change ticked notes").click()
    expect(page.locator("#flash")).to_contain_text("2 notes labelled “weekend”.")
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    axe_clean(page, "list after a bulk action, with Undo")
    page.screenshot(path=str(SCREENSHOTS / f"bulk-done-{width}.png"), full_page=True)

    for note in services.note_list(user_id=alice.id).notes:  # the stream's part: the label index
        wiring.note_repository().index_note(note)
    page.goto("/notes/labels/")
    expect(page.get_by_role("link", name="weekend", exact=True)).to_be_visible()
    axe_clean(page, "labels page")
    page.screenshot(path=str(SCREENSHOTS / f"bulk-labels-page-{width}.png"), full_page=True)
    assert all((SCREENSHOTS / f"{n}-{width}.png").stat().st_size > 10_000 for n in ("bulk-list", "bulk-labels-page"))


def test_select_all_and_shift_click_choose_with_javascript_and_undo_puts_everything_back(new_context, sign_in):
    alice = _make_user("alice")
    notes = seed(alice)
    page = signed_in_page(new_context, sign_in, alice)
    page.goto("/notes/")
    select_all = page.get_by_label("Select all on this page")
    select_all.check()
    expect(page.locator("[data-bulk-count]")).to_have_text(f"{len(TITLES)} notes chosen.")
    select_all.uncheck()
    expect(page.locator("input.bulk-pick:checked")).to_have_count(0)

    # A click, then a shift-click three rows further: the four between are chosen.
    pick(page, TITLES[1])
    pick(page, TITLES[4], modifiers=["Shift"])
    expect(page.locator("[data-bulk-count]")).to_have_text("4 notes chosen.")
    expect(select_all).to_have_js_property("indeterminate", True)
    page.get_by_label("With the ticked notes").select_option("archive")
    page.get_by_role("button", name="Change ticked notes").click()
    expect(page.locator("#flash")).to_contain_text("4 notes archived.")
    expect(page.locator("#note-list > li h2")).to_have_text([TITLES[0], TITLES[5]])
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#flash")).to_contain_text("Undone: 4 notes put back as they were.")
    assert not any(state(alice, notes[t]).archived for t in TITLES)
    expect(page.locator("#note-list > li")).to_have_count(len(TITLES))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_note_changed_meanwhile_is_named_and_the_others_apply(javascript, new_context, sign_in):
    alice = _make_user("alice")
    notes = seed(alice)
    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=javascript)
    page.goto("/notes/")
    if not javascript:
        expect(page.get_by_label("Select all on this page")).to_be_hidden()
    pick(page, "Groceries")
    pick(page, "Trip to Lisbon")
    # Edited in another tab after the list was loaded.
    services.note_update(
        user_id=alice.id, note_id=notes["Groceries"].id, expected_version=1, data={"title": "Groceries (edited)"}
    )
    page.get_by_label("With the ticked notes").select_option("pin")
    page.get_by_role("button", name="Change ticked notes").click()
    flash = page.locator("#flash")
    expect(flash).to_contain_text("1 note pinned.")
    expect(flash).to_contain_text("“Groceries (edited)”")
    assert state(alice, notes["Trip to Lisbon"]).pinned is True
    assert state(alice, notes["Groceries"]).pinned is False
    page.get_by_role("button", name="Undo").click()
    expect(flash).to_contain_text("Undone: 1 note put back as it was.")
    assert state(alice, notes["Trip to Lisbon"]).pinned is False


def test_without_javascript_101_notes_are_refused_keeping_the_choice_and_the_label(new_context, sign_in):
    alice = _make_user("alice")
    notes = seed(alice)
    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=False)
    page.goto("/notes/")
    for title in TITLES:
        pick(page, title)
    page.get_by_label("With the ticked notes").select_option("add_label")
    page.get_by_label("Label (to add or remove)").fill("my typed label")
    # 95 more chosen, as if loaded with "Load more" (the form sends what is ticked).
    page.evaluate(
        """() => { const form = document.getElementById('bulk-form');
        for (let i = 0; i < 95; i++) { const box = document.createElement('input'); box.type = 'hidden';
          box.name = 'note'; box.value = i.toString(16).padStart(32, '0') + ':1'; form.append(box); } }"""
    )
    page.get_by_role("button", name="Change ticked notes").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at most 100 notes for one action (you chose 101)")
    expect(page.get_by_label("Label (to add or remove)")).to_have_value("my typed label")
    expect(page.locator("input.bulk-pick:checked")).to_have_count(len(TITLES))
    assert all(state(alice, n).labels == tuple(n.labels) for n in notes.values())


def test_the_trash_restores_the_ticked_notes_without_javascript_and_passes_axe_at_390(new_context, sign_in):
    alice = _make_user("alice")
    notes = seed(alice)
    for title in ("Groceries", "Call the plumber", "Trip to Lisbon"):
        services.note_delete(user_id=alice.id, note_id=notes[title].id, expected_version=1)
    viewport = {"width": 390, "height": 844}
    checked = signed_in_page(new_context, sign_in, alice, bypass_csp=True, viewport=viewport)  # axe needs scripts
    checked.goto("/notes/trash/")
    pick(checked, "Groceries")
    axe_clean(checked, "trash with a bulk selection")

    page = signed_in_page(new_context, sign_in, alice, java_script_enabled=False, viewport=viewport)
    page.goto("/notes/trash/")
    pick(page, "Groceries")
    pick(page, "Trip to Lisbon")
    expect(page.get_by_label("With the ticked notes")).to_have_value("restore")
    page.get_by_role("button", name="Change ticked notes").click()
    expect(page.locator("#flash")).to_contain_text("2 notes restored.")
    assert [t.note.title for t in services.trash_list(user_id=alice.id)] == ["Call the plumber"]
    checked.goto(page.url)
    axe_clean(checked, "trash after a bulk restore, with Undo")
