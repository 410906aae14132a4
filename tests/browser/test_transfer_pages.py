"""Export and import in a real browser: with htmx (the summary swapped in, no navigation), without
JavaScript (a plain upload and a redirect), and on a phone."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from notes import services, wiring
from tests.browser.axe import serious, violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_notes_pages import seed_sample_notes, stay_on_page
from tests.conftest import _make_user

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def titles(user) -> list[str]:
    return sorted(n.title for n in wiring.note_repository().iter_notes(user_id=user.id))


def test_export_downloads_and_import_with_htmx(new_context, sign_in, tmp_path):
    alice = _make_user("alice")
    services.note_create(user_id=alice.id, data={"title": "Kept", "content": 'a "quoted" text'})
    context = new_context(accept_downloads=True, bypass_csp=True)  # bypass_csp: axe is injected
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/")
    page.get_by_role("link", name="Export / import").click()
    expect(page.get_by_role("heading", name="Export and import", level=1)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert [n["title"] for n in exported["notes"]] == ["Kept"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (zip)").click()
    assert len(zipfile.ZipFile(download.value.path()).namelist()) == 1

    same_page = stay_on_page(page)
    page.get_by_label("Files to import").set_input_files(str(DATA / "simplenote/notesnook-simplenote.zip"))
    page.get_by_role("button", name="Import notes", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("3 notes imported from Simplenote")
    expect(page.locator("#import-result")).to_contain_text("1 of them was in the other app's trash")
    assert same_page()
    page.get_by_label("Files to import").set_input_files(str(DATA / "keep/obsidian-background-colour-note.json"))
    page.get_by_role("button", name="Import notes", exact=True).click()
    not_kept = page.get_by_role("list", name="What could not be kept")
    expect(not_kept).to_contain_text("obsidian-background-colour-note.json")
    expect(not_kept).to_contain_text("its colour (RED): notes here have no colours")
    assert same_page()
    assert serious(violations(page)) == []
    page.get_by_label("Files to import").set_input_files(str(DATA / "keep/obsidian-broken-json-note.json"))
    page.get_by_role("button", name="Import notes", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-result")).to_contain_text("not valid JSON (line 8, column 5")
    assert same_page()
    assert titles(alice) == ["Background colour note", "KEYWORDS LIST OF MINT PLAYER", "Kept", "List of Pages"]


def test_import_without_javascript_on_a_phone(new_context, sign_in):
    alice = _make_user("alice")
    context = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/export/")
    expect(page.get_by_text("You have no notes to export yet.")).to_be_visible()

    page.get_by_label("Files to import").set_input_files(
        [str(DATA / "keep/obsidian-labelled-note.json"), str(DATA / "keep/obsidian-broken-json-note.json")]
    )
    page.get_by_role("button", name="Import notes", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    expect(page.get_by_role("alert")).to_contain_text("Choose the file again")
    assert titles(alice) == []

    page.get_by_label("Files to import").set_input_files(str(DATA / "keep/notesnook-takeout2-json-only.zip"))
    page.get_by_role("button", name="Import notes", exact=True).click()
    expect(page).to_have_url(re.compile(r"/notes/export/\?result=[^#]+#import$"))
    expect(page.locator("#import-result")).to_contain_text("8 notes imported from Keep")
    expect(page.get_by_text("You have 8 notes")).to_be_visible()
    not_kept = page.get_by_role("list", name="What could not be kept")
    expect(not_kept).to_contain_text("Takeout/Keep/good place.json")
    expect(not_kept).to_contain_text("its colour (RED): notes here have no colours")
    expect(not_kept).to_contain_text(
        "the attachment 1629964333125.746683646.jpeg (image/jpeg): its file is not in the upload"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(
    ("width", "height", "mobile"), [(1280, 800, False), (390, 844, True)], ids=["desktop", "phone"]
)
def test_screenshot_of_export_and_import(width, height, mobile, new_context, sign_in):
    alice = _make_user("alice")
    seed_sample_notes(alice)
    context = new_context(viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/export/")
    page.get_by_label("Files to import").set_input_files(str(DATA / "simplenote/notesnook-simplenote.zip"))
    page.get_by_role("button", name="Import notes", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("imported from Simplenote")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"notes-export-import-{width}x{height}.png"
    page.screenshot(path=str(path), full_page=True, caret="initial")
    assert path.stat().st_size > 10_000
