"""Attachments from the editor: an image pasted into or dropped on the note's text is uploaded
straight to S3 with progress (the API's presigned POST; moto answers for the bucket's origin) and its Markdown
reference is written where the cursor is; without JavaScript the editor offers the plain two-step form. axe at
1280 and 390 px. Playwright dispatches real paste and drop events carrying a DataTransfer with the file."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from notes import services, upload_events
from tests.browser import test_attachment_pages as pages
from tests.browser.test_attachment_pages import PHONE, check_axe, png
from tests.integration.attachments_support import s3_event

bucket_origin = pages.bucket_origin  # the fixture: the bucket's origin routed to moto in this process

DISPATCH = """([kind, name, b64, mime]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, { type: mime }));
  const field = document.getElementById("id_content");
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
  const progress = document.querySelector("#attachments .attach-progress");
  window.progressSeen = [];  // every value the page gives the progress bar
  const value = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value");
  Object.defineProperty(progress, "value", {
    get() { return value.get.call(this); },
    set(v) { window.progressSeen.push(v); value.set.call(this, v); },
  });
  const init = { bubbles: true, cancelable: true };
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { ...init, clipboardData: data })
    : new DragEvent("drop", { ...init, dataTransfer: data });
  return field.dispatchEvent(event);  // false: the page took the file (preventDefault)
}"""


@pytest.mark.parametrize(
    ("kind", "viewport"), [("paste", {"width": 1280, "height": 800}), ("drop", PHONE)], ids=["paste-1280", "drop-390"]
)
def test_an_image_pasted_or_dropped_in_the_editor_is_uploaded_and_referenced(
    new_context, sign_in, alice, bucket_origin, kind, viewport
):
    attach, keys, chosen = bucket_origin
    note = services.note_create(user_id=alice.id, data={"title": "Trip", "content": "Day one"})
    context = new_context(viewport=viewport)
    attach(context)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    expect(page.get_by_text("or drop files here or on the text")).to_be_visible()
    chosen.append(png())

    taken = page.evaluate(DISPATCH, [kind, "beach [1].png", base64.b64encode(png()).decode(), "image/png"])

    assert taken is False
    field = page.locator("#id_content")
    reference = re.compile(rf"^Day one\n!\[beach \\\[1\\\]\.png\]\(/notes/{note.id}/attachments/([0-9a-f]{{32}})\)\n$")
    expect(field).to_have_value(reference)
    expect(page.get_by_text("beach [1].png arrived; it is being checked.")).to_be_visible()
    assert len(keys) == 1 and keys[0].startswith(f"uploads/{alice.id}/{note.id}/")
    attachment_id = reference.match(field.input_value()).group(1)
    assert keys[0].endswith(attachment_id)
    seen = page.evaluate("window.progressSeen")
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen), seen  # shown at once, rising, then done
    expect(page.locator("#attachments .attach-progress")).to_be_hidden()

    upload_events.handle_upload(s3_event(keys[0]))
    expect(page.locator("#attachments").get_by_role("img", name="beach [1].png")).to_be_visible(timeout=10_000)
    expect(page.locator("#attachments")).to_have_attribute("data-editor", "id_content")  # refreshed, still the editor's
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"/notes/#note-{note.id}$"))
    row_picture = page.locator(f"#note-{note.id} img.row-thumb")  # the list row shows the note's first image
    expect(row_picture).to_have_attribute("src", f"/notes/{note.id}/attachments/{attachment_id}?thumbnail=1")
    page.goto(f"/notes/{note.id}/")
    picture = page.locator(".note-content img")
    expect(picture).to_have_attribute("src", f"/notes/{note.id}/attachments/{attachment_id}")
    expect(picture).to_have_attribute("alt", "beach [1].png")


def test_removing_in_the_editor_with_javascript_keeps_the_editors_section(new_context, sign_in, alice, bucket):
    from tests.attachment_samples import png_bytes
    from tests.integration.test_upload_events import upload

    note = services.note_create(user_id=alice.id, data={"title": "Trip"})
    _, event = upload(alice, note, png_bytes(), content_type="image/png", name="map.png")
    upload_events.handle_upload(event)
    context = new_context()
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    page.get_by_role("button", name="Remove map.png").click()  # htmx: the section comes back without it
    expect(page.locator("#attachments").get_by_text("No files yet.")).to_be_visible()
    expect(page.locator("#attachments")).to_have_attribute("data-editor", "id_content")


def test_without_javascript_the_editor_offers_the_plain_form(new_context, sign_in, alice, bucket):
    note = services.note_create(user_id=alice.id, data={"title": "Plain"})
    context = new_context(java_script_enabled=False, viewport=PHONE)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    expect(page.get_by_text("or drop files here")).to_be_hidden()
    page.get_by_role("button", name="Attach a file…").click()
    expect(page.get_by_role("heading", name="Attach a file")).to_be_visible()
    expect(page.get_by_label("File", exact=True)).to_be_visible()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_the_editor_with_its_attachments_passes_axe(new_context, sign_in, alice, bucket, viewport):
    from tests.attachment_samples import png_bytes
    from tests.integration.test_upload_events import upload

    note = services.note_create(user_id=alice.id, data={"title": "Axe"})
    _, event = upload(alice, note, png_bytes(), content_type="image/png", name="a.png")
    upload_events.handle_upload(event)
    context = new_context(bypass_csp=True, viewport=viewport)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/edit")
    expect(page.get_by_text("or drop files here or on the text")).to_be_visible()
    check_axe(page)
