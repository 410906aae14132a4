"""Attachments in a real browser, with JavaScript (the file button: API, presigned POST, progress) and
without (the plain two-step form), at 1280 and 390 px, with axe. The bucket's origin is served by moto in
this process: Playwright routes the browser's requests to it (as S3 would answer, with CORS for the site)."""

from __future__ import annotations

import io
import re

import pytest
import requests
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from notes import services, upload_events
from tests.browser.axe import serious, violations
from tests.integration.attachments_support import s3_event

PHONE = {"width": 390, "height": 844}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "purple").save(out, "PNG")
    return out.getvalue()


def with_file_bytes(body: bytes, chosen: list[bytes]) -> bytes:
    """Chromium's request interception leaves a multipart body's file part empty (its bytes stay in a blob):
    put back the bytes of the file the test chose, where the browser's part header ends."""
    marker = body.find(b'name="file"; filename=')
    if marker < 0 or not chosen:
        return body
    start = body.index(b"\r\n\r\n", marker) + 4
    return body[:start] + chosen[-1] + body[start:]


@pytest.fixture
def bucket_origin(bucket, app_server):
    """Route the browser's requests for the bucket's origin to moto (in process); the upload keys S3 got.
    Append to `chosen` the bytes of each file the test makes the browser send."""
    keys: list[str] = []
    chosen: list[bytes] = []

    def route_to_moto(route):
        request = route.request
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "origin", "referer"}}
        body = with_file_bytes(request.post_data_buffer or b"", chosen) if request.method == "POST" else None
        answer = requests.request(
            request.method, request.url, data=body, headers=headers, allow_redirects=False, timeout=10
        )
        if request.method == "POST":
            found = re.search(rb'name="key"\r\n\r\n([^\r]+)', request.post_data_buffer or b"")
            if found:
                keys.append(found.group(1).decode())
        reply = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in {"content-encoding", "transfer-encoding", "content-length"}
        }
        reply["Access-Control-Allow-Origin"] = app_server.url
        route.fulfill(status=answer.status_code, headers=reply, body=answer.content)

    def attach(context):
        context.route(re.compile("^" + re.escape(settings.ATTACHMENTS_ORIGIN) + "/.*"), route_to_moto)

    return attach, keys, chosen


def check_axe(page):
    found = violations(page)
    assert not serious(found), found


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_attach_a_file_with_the_file_button_and_see_its_thumbnail(
    new_context, sign_in, alice, bucket_origin, tmp_path, viewport
):
    attach, keys, chosen = bucket_origin
    note = services.note_create(user_id=alice.id, data={"title": "Holiday"})
    context = new_context(viewport=viewport)
    attach(context)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/")
    expect(page.get_by_text("Choose a file")).to_be_visible()
    expect(page.get_by_role("button", name="Attach a file…")).to_be_hidden()  # the plain form, replaced
    picture = tmp_path / "purple square.png"
    picture.write_bytes(png())
    chosen.append(png())

    page.locator("#attachments input[type=file]").set_input_files(str(picture))

    expect(page.get_by_text("Checking…")).to_be_visible()  # uploaded; the section now waits for the check
    assert len(keys) == 1 and keys[0].startswith(f"uploads/{alice.id}/{note.id}/")
    upload_events.handle_upload(s3_event(keys[0]))  # S3's event, as Lambda would deliver it
    thumbnail = page.get_by_role("img", name="purple square.png")
    expect(thumbnail).to_be_visible(timeout=10_000)  # the section polls while a file is pending
    # The thumbnail's src is the page's redirect to a short-lived URL on the bucket (the CSP allows its origin).
    # Chromium does not pass a redirect's next request to Playwright's route, so the bytes are checked here.
    src = page.locator(".attachment-thumb").get_attribute("src")
    redirect = context.request.get(src, max_redirects=0)
    assert redirect.status == 302 and redirect.headers["location"].startswith(settings.ATTACHMENTS_ORIGIN + "/thumbs/")
    assert requests.get(redirect.headers["location"], timeout=10).headers["Content-Type"] == "image/jpeg"


def test_attach_a_file_without_javascript(new_context, sign_in, alice, bucket_origin, tmp_path):
    attach, keys, chosen = bucket_origin
    note = services.note_create(user_id=alice.id, data={"title": "Plain"})
    context = new_context(java_script_enabled=False, viewport=PHONE)
    attach(context)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/")
    page.get_by_role("button", name="Attach a file…").click()
    expect(page.get_by_role("heading", name="Attach a file")).to_be_visible()
    doc = tmp_path / "notes.txt"
    doc.write_text('plain text, "quoted" and <b>not bold</b>\n')
    chosen.append(doc.read_bytes())
    page.get_by_label("What kind of file").select_option("text/plain")
    page.get_by_label("File", exact=True).set_input_files(str(doc))
    page.get_by_role("button", name="Upload").click()

    expect(page).to_have_url(re.compile(rf"/notes/{note.id}/\?uploaded=1"))
    expect(page.get_by_text("Your file arrived; it is being checked.")).to_be_visible()
    upload_events.handle_upload(s3_event(keys[0]))
    page.reload()
    expect(page.get_by_role("link", name=re.compile(r"^attachment-"))).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Remove attachment-")).click()
    expect(page.get_by_text("No files yet.")).to_be_visible()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["1280", "390"])
def test_the_attach_page_and_the_section_pass_axe(new_context, sign_in, alice, bucket, viewport):
    """axe runs in a context of its own that bypasses the CSP (tests/browser/axe.py); the section holds a
    ready image, a rejected file and the upload controls."""
    from tests.attachment_samples import png_bytes
    from tests.integration.test_upload_events import upload

    note = services.note_create(user_id=alice.id, data={"title": "Axe"})
    for body, kind in ((png_bytes(), "image/png"), (b"<html></html>", "image/png")):
        _, event = upload(alice, note, body, content_type=kind, name=f'"{kind}" <file>.png')
        upload_events.handle_upload(event)
    context = new_context(bypass_csp=True, viewport=viewport)
    sign_in(context, alice)
    page = context.new_page()
    page.goto(f"/notes/{note.id}/")
    check_axe(page)
    page.goto(f"/notes/{note.id}/")
    page.evaluate("document.querySelector('.attach-form').hidden = false")
    page.get_by_role("button", name="Attach a file…").click()
    expect(page.get_by_role("heading", name="Attach a file")).to_be_visible()
    check_axe(page)
