"""Writing notes fast, in the browser at 1280 and 390 px, with and without JavaScript: GitHub-
flavoured Markdown (a table that scrolls inside its region, not the page), clickable checklists on the note
page and the list row, quick capture, and autosave with its states; axe-core on each; screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notes import services
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import Sweep
from tests.conftest import _make_user
from tests.integration.note_views_support import feed_stream

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PLAN = (
    "## Lisbon\n\n"
    "| Day | Morning | Afternoon | Evening | Where we sleep |\n"
    "|-----|---------|-----------|---------|----------------|\n"
    "| Mon | ~~Belém tower~~ | Jerónimos monastery and the pastry shop next to it | Fado in Alfama | Baixa guesthouse |\n"
    "| Tue | Tram 28 end to end | Sintra, Pena palace | Bairro Alto | Baixa guesthouse |\n\n"
    "- [ ] book the Sintra train\n- [x] flights\n- [ ] pastéis de nata\n\n"
    "Tickets: www.visitlisboa.com"
)


def shot(page, name: str, viewport: dict, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"writing-{name}-{viewport['width']}x{viewport['height']}.png"
    page.screenshot(path=str(path), caret="initial", full_page=full_page)
    assert path.stat().st_size > 5_000


def signed_in(new_context, sign_in, user, **options):
    context = new_context(**options)
    sign_in(context, user)
    return context.new_page()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_note_with_a_table_and_a_checklist_with_javascript(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip plan", "content": PLAN})
    page = signed_in(new_context, sign_in, alice, viewport=viewport)
    page.goto(f"/notes/{note.id}/")
    table = page.get_by_role("region", name="Table 1")
    expect(table.get_by_role("cell", name="Belém tower")).to_be_visible()
    assert table.locator("s").inner_text() == "Belém tower"
    expect(page.get_by_role("link", name="www.visitlisboa.com")).to_have_attribute("href", "http://www.visitlisboa.com")
    assert no_sideways_scroll(page)
    if size == "phone":  # the table scrolls inside its region, which the keyboard can reach
        assert table.evaluate("el => el.scrollWidth > el.clientWidth")
        assert table.get_attribute("tabindex") == "0"
    shot(page, "note-table-checklist", viewport, full_page=True)

    box = page.get_by_role("checkbox", name="book the Sintra train")
    expect(box).to_have_attribute("aria-checked", "false")
    box.click()
    expect(page.get_by_role("checkbox", name="book the Sintra train")).to_have_attribute("aria-checked", "true")
    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/$"))  # htmx: no page load
    assert page.evaluate("() => document.activeElement.id") == f"task-{note.id}-0"  # the focus stays
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert "- [x] book the Sintra train" in stored.content and stored.version == 2
    # The page's other forms carry the new version: marking it important now is not a conflict.
    page.get_by_role("button", name="Mark important").click()
    expect(page.get_by_role("button", name="Unmark important")).to_be_visible()

    page.goto("/notes/")
    row = page.locator(f"#note-{note.id}")
    expect(row.locator(".chip.tasks")).to_contain_text("2/3")
    row.get_by_role("checkbox", name="pastéis de nata").click()
    expect(page.locator(f"#note-{note.id} .chip.tasks")).to_contain_text("3/3")
    assert no_sideways_scroll(page)
    assert "- [x] pastéis de nata" in services.note_get(user_id=alice.id, note_id=note.id).content


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_checklists_without_javascript(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip plan", "content": PLAN})
    page = signed_in(new_context, sign_in, alice, viewport=viewport, java_script_enabled=False)
    page.goto(f"/notes/{note.id}/")
    assert no_sideways_scroll(page)
    page.get_by_role("checkbox", name="flights").click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/#task-{note.id}-1$"))
    expect(page.get_by_role("checkbox", name="flights")).to_have_attribute("aria-checked", "false")
    # A stale page (the note changed in another tab) gets the conflict answer, not an overwrite.
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=2, data={"title": "Moved on"})
    page.get_by_role("checkbox", name="pastéis de nata").click()
    expect(page.get_by_role("alert")).to_contain_text("This note changed elsewhere, so nothing was ticked")
    assert "- [ ] pastéis de nata" in services.note_get(user_id=alice.id, note_id=note.id).content
    page.goto("/notes/")
    expect(page.locator(f"#note-{note.id} .chip.tasks")).to_contain_text("0/3")
    page.locator(f"#note-{note.id}").get_by_role("checkbox", name="book the Sintra train").click()
    expect(page.locator(f"#note-{note.id} .chip.tasks")).to_contain_text("1/3")


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_quick_capture_with_javascript_keeps_the_list_and_the_focus(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    services.note_create(user_id=alice.id, data={"title": "Older note"})
    page = signed_in(new_context, sign_in, alice, viewport=viewport)
    page.goto("/notes/")
    text = page.get_by_label("Text")
    expect(text).to_be_hidden()  # one line until it has the focus
    page.get_by_placeholder("Take a note…").click()
    expect(text).to_be_visible()
    page.get_by_placeholder("Take a note…").fill("Call Ana")
    text.fill("- [ ] about Sunday\n- [ ] bring the map")
    shot(page, "quick-capture", viewport)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-list > li").first).to_contain_text("Call Ana")
    expect(page.locator("#note-list > li").first.locator(".chip.tasks")).to_contain_text("0/2")
    expect(page.locator("#flash")).to_contain_text("Note “Call Ana” added.")
    expect(page.get_by_placeholder("Take a note…")).to_be_focused()
    expect(page.get_by_placeholder("Take a note…")).to_have_value("")
    expect(page).to_have_url(re.compile(r"/notes/$"))
    page.keyboard.type("Milk")  # the next one straight away
    page.keyboard.press("Enter")
    expect(page.locator("#note-list > li").first).to_contain_text("Milk")
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == ["Milk", "Call Ana", "Older note"]
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_quick_capture_without_javascript(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    page = signed_in(new_context, sign_in, alice, viewport=viewport, java_script_enabled=False)
    page.goto("/notes/")
    page.get_by_placeholder("Take a note…").click()
    page.get_by_placeholder("Take a note…").fill("Plain form")
    page.keyboard.press("Tab")  # the box grows while the focus is in it: Tab reaches the text
    expect(page.get_by_label("Text")).to_be_focused()
    page.keyboard.type("works without JavaScript")
    page.get_by_role("button", name="Add note").click()
    expect(page).to_have_url(re.compile(r"/notes/\?captured=[0-9a-f]{32}$"))
    expect(page.get_by_role("status").filter(has_text="Note added")).to_be_visible()
    expect(page.get_by_placeholder("Take a note…")).to_be_focused()
    expect(page.locator("#note-list > li").first).to_contain_text("Plain form")
    assert no_sideways_scroll(page)


def status(page):
    return page.locator("#autosave-status")


def saved(page) -> None:
    """Autosave has sent what was typed and it was saved (the form's state, as the status line shows it)."""
    expect(page.locator("#note-form")).to_have_attribute("data-autosave-state", "saved", timeout=8_000)
    expect(status(page)).to_have_text("Saved")


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_autosave_saves_after_typing_stops_as_one_version(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip", "content": "day one"})
    page = signed_in(new_context, sign_in, alice, viewport=viewport)
    page.goto(f"/notes/{note.id}/edit")
    expect(status(page)).to_have_text("Changes are saved as you type.")
    assert status(page).get_attribute("role") == "status" and status(page).get_attribute("aria-live") == "polite"
    content = page.get_by_label("Note", exact=True)
    for word in ("\nday two", "\nday three", "\nday four"):
        content.press("End")
        content.type(word, delay=5)
        saved(page)
    shot(page, "autosave-saved", viewport)
    stored = services.note_get(user_id=alice.id, note_id=note.id)
    assert stored.content == "day one\nday two\nday three\nday four" and stored.version >= 3
    # Save at the end: the same visit, and the note page.
    page.get_by_role("button", name="Save changes").click()
    expect(page).not_to_have_url(re.compile(r"/edit$"))
    feed_stream()
    history = services.note_with_history(user_id=alice.id, note_id=note.id)[1]
    final = services.note_get(user_id=alice.id, note_id=note.id)
    assert final.content == stored.content and final.version == stored.version + 1
    assert [n.version for n in history] == [final.version, 1]  # the visit is one version


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_autosave_states_offline_retry_and_a_conflict(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip", "content": "day one"})
    context = new_context(viewport=viewport)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    content = page.get_by_label("Note", exact=True)
    held = []  # the autosave request, held a moment so "Saving…" can be seen
    page.route(f"**/notes/{note.id}/autosave", lambda route: held.append(route))
    content.press("End")
    content.type(",", delay=5)
    expect(status(page)).to_have_text("Saving…", timeout=8_000)
    shot(page, "autosave-saving", viewport)
    held[0].continue_()
    page.unroute(f"**/notes/{note.id}/autosave")
    saved(page)
    context.set_offline(True)
    content.press("End")
    content.type(" and a half", delay=5)
    expect(status(page)).to_contain_text("Not saved: no connection", timeout=8_000)
    expect(status(page).get_by_role("button", name="retry")).to_be_visible()
    shot(page, "autosave-not-saved", viewport)
    context.set_offline(False)
    status(page).get_by_role("button", name="retry").click()
    saved(page)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "day one, and a half"

    # Changed elsewhere meanwhile: the next autosave shows the conflict screen, and nothing is overwritten.
    current = services.note_get(user_id=alice.id, note_id=note.id)
    services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=current.version, data={"content": "from my phone"}
    )
    content.type(" on the laptop", delay=5)
    expect(page.get_by_role("heading", name="This note changed while you were editing")).to_be_visible(timeout=8_000)
    expect(page.get_by_label("Note", exact=True)).to_have_value("day one, and a half on the laptop")
    shot(page, "autosave-conflict", viewport, full_page=True)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "from my phone"
    page.wait_for_timeout(1_500)  # autosave has stopped: still nothing overwritten
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "from my phone"


def test_leaving_the_page_saves_what_was_typed(new_context, sign_in):
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip", "content": "start"})
    page = signed_in(new_context, sign_in, alice)
    page.goto(f"/notes/{note.id}/edit")
    content = page.get_by_label("Note", exact=True)
    content.press("End")
    content.type(" then left at once", delay=1)
    page.goto("/notes/")  # well before the autosave delay: the page's leaving sends it (keepalive)
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()
    page.wait_for_function("() => true")
    for _ in range(50):
        if services.note_get(user_id=alice.id, note_id=note.id).content == "start then left at once":
            break
        page.wait_for_timeout(100)
    assert services.note_get(user_id=alice.id, note_id=note.id).content == "start then left at once"


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_axe_on_the_writing_pages_with_and_without_javascript(size, new_context, sign_in):
    viewport = VIEWPORTS[size]
    sweep = Sweep()
    alice = _make_user("alice")
    note = services.note_create(user_id=alice.id, data={"title": "Trip plan", "content": PLAN})
    page = signed_in(new_context, sign_in, alice, viewport=viewport, bypass_csp=True)
    plain = signed_in(new_context, sign_in, alice, viewport=viewport, java_script_enabled=False)
    for url, label in [("/notes/", "list with quick capture"), (f"/notes/{note.id}/", "note with table and checklist")]:
        page.goto(url)
        sweep.check(page, label)
        plain.goto(url)
        sweep.check_without_javascript(plain, f"{label} (without JavaScript)", page)
    page.goto("/notes/")
    page.get_by_placeholder("Take a note…").click()
    sweep.check(page, "quick capture, open")
    page.goto(f"/notes/{note.id}/edit")
    page.get_by_label("Note", exact=True).type(" more", delay=5)
    saved(page)
    sweep.check(page, "editor, autosaved")
    page.goto("/notes/")
    page.get_by_placeholder("Take a note…").fill(" ")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#quick-capture [role=alert]")).to_be_visible()
    sweep.check(page, "quick capture, refused")
    sweep.assert_clean()
