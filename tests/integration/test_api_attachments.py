"""The attachments API (moto): start an upload (a presigned POST), list, read, remove; errors; ownership."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

from console.aws import s3
from notes.attachments import MAX_BYTES
from tests.integration.attachments_support import policy_of, send_upload
from tests.integration.test_api_notes import assert_error, post, send


@pytest.fixture
def note(alice_api, bucket):
    return post(alice_api, "/api/notes", {"title": "Trip"}).json()


def start(client, note_id, **body):
    return post(
        client,
        f"/api/notes/{note_id}/attachments",
        {"name": "photo.jpg", "content_type": "image/jpeg", "size": 1234, **body},
    )


def test_it_answers_201_with_a_presigned_post_under_the_users_and_notes_prefix(alice, alice_api, note):
    response = start(alice_api, note["id"])
    assert response.status_code == 201, response.content
    body = response.json()
    attachment, upload = body["attachment"], body["upload"]
    assert attachment == {
        "id": attachment["id"],
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": 1234,
        "status": "pending",
        "reason": None,
        "url": None,
        "thumbnail_url": None,
    }
    assert response["Location"] == f"/api/notes/{note['id']}/attachments/{attachment['id']}"
    assert upload["fields"]["key"] == f"uploads/{alice.id}/{note['id']}/{attachment['id']}"
    assert upload["fields"]["Content-Type"] == "image/jpeg"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(upload["url"]))
    assert origin == settings.ATTACHMENTS_ORIGIN  # the one origin the CSP lets the pages post to


def test_the_policy_limits_the_size_the_type_the_key_and_the_time(alice_api, note):
    # moto does not enforce content-length-range (FACTS.md): the limit is checked in the signed policy itself.
    upload = start(alice_api, note["id"]).json()["upload"]
    policy = policy_of(upload)
    conditions = policy["conditions"]
    assert ["content-length-range", 1, MAX_BYTES] in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert {"key": upload["fields"]["key"]} in conditions
    expires = time.mktime(time.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert 0 < expires - time.time() <= settings.ATTACHMENTS_UPLOAD_EXPIRES_SECONDS + 5
    assert settings.ATTACHMENTS_UPLOAD_EXPIRES_SECONDS <= 15 * 60


def test_the_browser_uploads_straight_to_s3_and_the_object_lands_under_the_prefix(alice_api, note):
    upload = start(alice_api, note["id"], content_type="text/plain", name="a.txt", size=5).json()["upload"]
    assert send_upload(upload, b"hello") == 204
    assert s3.read(upload["fields"]["key"]) == b"hello"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": MAX_BYTES + 1}, "size"),
        ({"size": 0}, "size"),
        ({"size": "12"}, "size"),
        ({"content_type": "text/html"}, "content_type"),
        ({"content_type": "image/svg+xml"}, "content_type"),
        ({"name": "   "}, "name"),
        ({"name": "../.."}, "name"),
        ({"owner": "bob"}, "owner"),
    ],
)
def test_a_bad_upload_request_is_a_422_naming_the_field_and_stores_nothing(alice, alice_api, note, body, field):
    error = assert_error(start(alice_api, note["id"], **body), 422, "validation_failed")
    assert field in error["fields"]
    assert alice_api.get(f"/api/notes/{note['id']}/attachments").json() == {"attachments": []}


def test_a_name_with_folders_is_cut_to_its_last_part_and_quotes_and_scripts_are_kept(alice_api, note):
    for raw, kept in [
        ("../../x", "x"),
        ('C:\\temp\\"o\'k" <img>.png', '"o\'k" <img>.png'),
        ("Фото 写真 صورة.jpg", "Фото 写真 صورة.jpg"),
    ]:
        assert start(alice_api, note["id"], name=raw).json()["attachment"]["name"] == kept


def test_another_users_note_is_a_404_for_every_method(alice_api, note, bob, api):  # noqa: F811
    a = start(alice_api, note["id"]).json()["attachment"]
    bob_api = api(bob)
    assert_error(bob_api.get(f"/api/notes/{note['id']}/attachments"), 404, "not_found")
    assert_error(start(bob_api, note["id"]), 404, "not_found")
    assert_error(bob_api.get(f"/api/notes/{note['id']}/attachments/{a['id']}"), 404, "not_found")
    assert_error(send(bob_api, "delete", f"/api/notes/{note['id']}/attachments/{a['id']}"), 404, "not_found")
    assert alice_api.get(f"/api/notes/{note['id']}/attachments/{a['id']}").status_code == 200


def test_a_malformed_id_is_a_404_without_a_store_read(alice_api, note):
    assert_error(alice_api.get(f"/api/notes/{note['id']}/attachments/..%2F..%2Fx"), 404, "not_found")
    assert_error(alice_api.get("/api/notes/nope/attachments"), 404, "not_found")


def test_a_user_at_the_quota_gets_a_507_before_any_upload(alice_api, note):
    with override_settings(ATTACHMENTS_QUOTA_BYTES=1000):
        error = assert_error(start(alice_api, note["id"], size=1001), 507, "quota_exceeded")
    assert "storage is full" in error["message"]


def test_delete_removes_the_record_and_its_objects(alice_api, note):
    upload = start(alice_api, note["id"], content_type="text/plain", name="a.txt", size=5).json()
    send_upload(upload["upload"], b"hello")
    url = f"/api/notes/{note['id']}/attachments/{upload['attachment']['id']}"
    assert send(alice_api, "delete", url).status_code == 204
    assert_error(alice_api.get(url), 404, "not_found")
    assert s3.client().list_objects_v2(Bucket=s3.bucket_name()).get("KeyCount") == 0
    assert_error(send(alice_api, "delete", url), 404, "not_found")


def test_a_session_post_without_csrf_is_refused(alice, note, client):
    from tests.conftest import PASSWORD

    client.post("/accounts/signin/", {"username": "alice", "password": PASSWORD})
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    response = post(
        csrf_client, f"/api/notes/{note['id']}/attachments", {"name": "a.txt", "content_type": "text/plain", "size": 3}
    )
    assert_error(response, 403, "csrf_failed")
