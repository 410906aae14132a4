"""Serving attachments: after the owner check, a short-lived presigned GET whose answer S3 sends with the
checked type, as a download unless it is a known-safe raster image; end to end through the API on moto."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from PIL import Image

from notes import upload_events
from tests.integration.attachments_support import s3_event, send_upload
from tests.integration.test_api_notes import assert_error, post


@pytest.fixture
def note(alice_api, bucket):
    return post(alice_api, "/api/notes", {"title": "Files"}).json()


def attach(client, note, body: bytes, content_type: str, name: str) -> dict:
    started = post(
        client, f"/api/notes/{note['id']}/attachments", {"name": name, "content_type": content_type, "size": len(body)}
    ).json()
    assert send_upload(started["upload"], body) == 204
    upload_events.handle_upload(s3_event(started["upload"]["fields"]["key"]))
    return client.get(f"/api/notes/{note['id']}/attachments/{started['attachment']['id']}").json()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, "PNG")
    return out.getvalue()


def test_an_image_is_served_inline_with_its_checked_type_and_a_thumbnail(alice_api, note):
    a = attach(alice_api, note, png(), "image/png", "red dot.png")
    assert a["status"] == "ready"
    answer = requests.get(a["url"], timeout=10)
    assert answer.status_code == 200 and answer.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Content-Disposition"].startswith("inline;")
    thumb = requests.get(a["thumbnail_url"], timeout=10)
    assert thumb.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("body", "content_type", "name"),
    [
        (b"just text <script>alert(1)</script>", "text/plain", 'evil".html'),
        (b"# notes\n<img src=x onerror=alert(1)>", "text/markdown", "readme.md"),
        (b"%PDF-1.4\n%%EOF\n", "application/pdf", "Фото 写真.pdf"),
    ],
)
def test_everything_else_is_a_download_with_its_checked_type(alice_api, note, body, content_type, name):
    a = attach(alice_api, note, body, content_type, name)
    answer = requests.get(a["url"], timeout=10)
    assert answer.status_code == 200 and answer.content == body
    assert answer.headers["Content-Type"] == content_type
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and '"' not in disposition.split("filename*=", 1)[1]


def test_the_url_is_short_lived_and_on_the_bucket_the_csp_allows(alice_api, note):
    a = attach(alice_api, note, png(), "image/png", "a.png")
    url = urlsplit(a["url"])
    assert f"{url.scheme}://{url.netloc}" == settings.ATTACHMENTS_ORIGIN
    assert int(parse_qs(url.query)["X-Amz-Expires"][0]) == settings.ATTACHMENTS_URL_EXPIRES_SECONDS <= 300


def test_no_url_for_a_pending_or_rejected_file_and_none_for_another_user(alice_api, note, bob, api):  # noqa: F811
    rejected = attach(alice_api, note, b"<html>not a png</html>", "image/png", "x.png")
    assert (rejected["status"], rejected["url"]) == ("rejected", None)
    assert rejected["reason"] == "The file is not what its type says it is."
    good = attach(alice_api, note, png(), "image/png", "b.png")
    assert_error(api(bob).get(f"/api/notes/{note['id']}/attachments/{good['id']}"), 404, "not_found")
    listed = alice_api.get(f"/api/notes/{note['id']}/attachments").json()["attachments"]
    assert [x["status"] for x in listed] == ["rejected", "ready"] or [x["status"] for x in listed] == [
        "ready",
        "rejected",
    ]
