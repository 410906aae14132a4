"""The note page's attachments, without JavaScript: the section, the two-step plain form that posts the file
straight to S3, the file served by a redirect to a short-lived URL on the bucket, removal; and ownership."""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import override_settings
from PIL import Image

from console.aws import s3
from notes import services, upload_events
from tests.integration.attachments_support import s3_event


@pytest.fixture
def note(alice, bucket):
    return services.note_create(user_id=alice.id, data={"title": "Trip"})


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(out, "PNG")
    return out.getvalue()


def hidden_fields(html: str) -> dict[str, str]:
    return {
        unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    }


def upload_with_plain_form(client, note, body: bytes, content_type: str) -> str:
    page = client.post(f"/notes/{note.id}/attachments/new")
    assert page.status_code == 200
    html = page.content.decode()
    action = unescape(re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data"', html)[1])
    fields = {k: v for k, v in hidden_fields(html).items() if k != "csrfmiddlewaretoken"}
    answer = requests.post(
        action,
        data={**fields, "Content-Type": content_type},
        files={"file": ("x", body)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (303, 204, 200, 201), answer.status_code
    upload_events.handle_upload(s3_event(fields["key"]))
    return fields["key"].rsplit("/", 1)[-1]


def test_the_note_page_has_an_attachments_section_with_a_plain_form(alice, note, client_for):
    page = client_for(alice).get(f"/notes/{note.id}/").content.decode()
    assert 'id="attachments"' in page and f'action="/notes/{note.id}/attachments/new"' in page
    assert "No files yet." in page and "Storage: 0 bytes of 1.00 GB used" in page


def test_the_plain_form_posts_straight_to_the_bucket_under_the_users_prefix_and_comes_back(alice, note, client_for):
    html = client_for(alice).post(f"/notes/{note.id}/attachments/new").content.decode()
    fields = hidden_fields(html)
    assert fields["key"].startswith(f"uploads/{alice.id}/{note.id}/")
    assert fields["success_action_redirect"] == f"http://testserver/notes/{note.id}/?uploaded=1"
    assert 'name="Content-Type"' in html and 'name="file"' in html


def test_viewing_the_page_makes_no_pending_upload_and_get_is_refused(alice, note, client_for):
    client = client_for(alice)
    client.get(f"/notes/{note.id}/")
    assert client.get(f"/notes/{note.id}/attachments/new").status_code == 405
    assert "No files yet." in client.get(f"/notes/{note.id}/").content.decode()


def test_an_image_shows_with_its_thumbnail_and_is_served_inline_from_the_bucket(alice, note, client_for):
    client = client_for(alice)
    attachment_id = upload_with_plain_form(client, note, png(), "image/png")
    page = client.get(f"/notes/{note.id}/").content.decode()
    assert f'src="/notes/{note.id}/attachments/{attachment_id}?thumbnail=1"' in page

    served = client.get(f"/notes/{note.id}/attachments/{attachment_id}")
    assert served.status_code == 302 and served["Cache-Control"] == "private, no-store"
    query = parse_qs(urlsplit(served["Location"]).query)
    assert query["response-content-type"] == ["image/png"]
    assert query["response-content-disposition"][0].startswith("inline;")
    assert requests.get(served["Location"], timeout=10).content[:4] == b"\x89PNG"


def test_a_document_is_a_download_and_a_lie_is_rejected_with_its_reason(alice, note, client_for):
    client = client_for(alice)
    pdf_id = upload_with_plain_form(client, note, b"%PDF-1.7\n%%EOF\n", "application/pdf")
    liar_id = upload_with_plain_form(client, note, b"<html><script>alert(1)</script></html>", "image/png")
    served = client.get(f"/notes/{note.id}/attachments/{pdf_id}")
    assert parse_qs(urlsplit(served["Location"]).query)["response-content-disposition"][0].startswith("attachment;")
    page = client.get(f"/notes/{note.id}/").content.decode()
    assert "Not attached: The file is not what its type says it is." in page
    assert client.get(f"/notes/{note.id}/attachments/{liar_id}").status_code == 404


def test_remove_takes_the_file_away(alice, note, client_for):
    client = client_for(alice)
    attachment_id = upload_with_plain_form(client, note, png(), "image/png")
    answer = client.post(f"/notes/{note.id}/attachments/{attachment_id}/remove")
    assert answer.status_code == 302 and answer["Location"].endswith("#attachments")
    assert s3.client().list_objects_v2(Bucket=s3.bucket_name()).get("KeyCount") == 0
    assert "No files yet." in client.get(f"/notes/{note.id}/").content.decode()


def test_another_users_files_are_404_everywhere(alice, bob, note, client_for):
    attachment_id = upload_with_plain_form(client_for(alice), note, png(), "image/png")
    client = client_for(bob)
    assert client.get(f"/notes/{note.id}/attachments/{attachment_id}").status_code == 404
    assert client.get(f"/notes/{note.id}/attachments/").status_code == 404
    assert client.post(f"/notes/{note.id}/attachments/new").status_code == 404
    assert client.post(f"/notes/{note.id}/attachments/{attachment_id}/remove").status_code == 404
    assert s3.client().list_objects_v2(Bucket=s3.bucket_name())["KeyCount"] == 2


def test_a_full_storage_is_said_before_the_form(alice, note, client_for):
    with override_settings(ATTACHMENTS_QUOTA_BYTES=0):
        answer = client_for(alice).post(f"/notes/{note.id}/attachments/new")
    assert answer.status_code == 507 and "Your storage is full" in answer.content.decode()


def test_a_post_without_csrf_is_refused(alice, note, client_for):
    from django.test import Client

    signed_in = client_for(alice)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = signed_in.cookies
    assert strict.post(f"/notes/{note.id}/attachments/new").status_code == 403


def test_an_image_is_shown_in_the_note_by_its_markdown_reference(alice, note, client_for):
    client = client_for(alice)
    attachment_id = upload_with_plain_form(client, note, png(), "image/png")
    page = client.get(f"/notes/{note.id}/").content.decode()
    reference = unescape(re.search(r'Show it in the note: <input type="text" readonly value="([^"]+)"', page)[1])
    assert reference == f"![attachment-{attachment_id[:8]}](/notes/{note.id}/attachments/{attachment_id})"
    services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=note.version, data={"content": f"Look: {reference}"}
    )
    shown = client.get(f"/notes/{note.id}/").content.decode()
    assert f'<img src="/notes/{note.id}/attachments/{attachment_id}" alt="attachment-{attachment_id[:8]}">' in shown
