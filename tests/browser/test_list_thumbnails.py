"""The list row's picture in a real browser: a note with an image shows its thumbnail, which fits the
row at 390 and 1280 px (no sideways scrolling), is decorative for screen readers (the title beside it names the
note), and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes import services, upload_events
from tests.attachment_samples import png_bytes
from tests.browser.test_attachment_pages import PHONE, check_axe
from tests.integration.test_upload_events import upload


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_a_row_shows_its_notes_first_image_and_passes_axe(new_context, sign_in, alice, bucket, viewport):
    pictured = services.note_create(
        user_id=alice.id, data={"title": "A long title " * 6, "content": "words " * 80, "labels": ["travel"]}
    )
    services.note_create(user_id=alice.id, data={"title": "No picture"})
    attachment_id, event = upload(alice, pictured, png_bytes(), content_type="image/png", name="map.png")
    upload_events.handle_upload(event)
    context = new_context(bypass_csp=True, viewport=viewport)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/notes/")

    picture = page.locator(f"#note-{pictured.id} img.row-thumb")
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute("alt", "")
    expect(picture).to_have_attribute("src", f"/notes/{pictured.id}/attachments/{attachment_id}?thumbnail=1")
    assert page.locator("img.row-thumb").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = picture.bounding_box()
    assert box["width"] == 56 and box["height"] == 56
    check_axe(page)
