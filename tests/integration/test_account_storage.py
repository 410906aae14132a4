"""The account page (change password, with the links to the other account settings) shows the signed-in
user's attachment storage: used of the quota (a setting, 1 GB by default), their own only."""

from __future__ import annotations

import re

from django.test import override_settings

from console.aws.errors import StoreUnavailable
from notes import attachment_services, services, upload_events
from tests.attachment_samples import png_bytes
from tests.integration.test_upload_events import upload

URL = "/accounts/password/"


def storage_text(html: str) -> str:
    found = re.search(r'<section class="auth-card storage".*?</section>', html, flags=re.S)
    assert found, "no storage section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group())).strip()


def test_it_shows_the_users_own_storage_used_of_the_default_quota(alice, bob, bucket, client_for):
    note = services.note_create(user_id=alice.id, data={"title": "Pictures"})
    _, event = upload(alice, note, png_bytes(), content_type="image/png", name="a.png")
    upload_events.handle_upload(event)
    used = attachment_services.attachment_usage(user_id=alice.id)["used"]
    assert used > 0

    page = client_for(alice).get(URL)
    assert page.status_code == 200
    text = storage_text(page.content.decode())
    assert f"Attachments use {used} bytes of your 1.00 GB (0%)." in text
    assert f'value="{used}"' in page.content.decode() and 'max="1073741824"' in page.content.decode()
    assert "Attachments use 0 bytes of your 1.00 GB (0%)." in storage_text(client_for(bob).get(URL).content.decode())


def test_a_full_quota_says_so_in_the_upload_refusals_words(alice, bucket, client_for):
    note = services.note_create(user_id=alice.id, data={"title": "Pictures"})
    _, event = upload(alice, note, png_bytes(), content_type="image/png", name="a.png")
    upload_events.handle_upload(event)
    used = attachment_services.attachment_usage(user_id=alice.id)["used"]
    with override_settings(ATTACHMENTS_QUOTA_BYTES=used):
        text = storage_text(client_for(alice).get(URL).content.decode())
    assert "(100%)" in text and "Your storage is full: remove attachments to make room." in text


def test_storage_that_cannot_be_read_leaves_the_page_working(alice, client_for, monkeypatch):
    def unavailable(**_):
        raise StoreUnavailable("down", code="ServiceUnavailable")

    monkeypatch.setattr(attachment_services, "attachment_usage", unavailable)
    page = client_for(alice).get(URL)
    assert page.status_code == 200
    assert "Your storage use cannot be read right now" in storage_text(page.content.decode())
    assert 'name="old_password"' in page.content.decode()
