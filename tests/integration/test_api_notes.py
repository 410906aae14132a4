"""The JSON API's behaviour, request by request (moto): validation, errors, versions, auth, idempotency."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, override_settings

from accounts.services import token_create, token_revoke
from console.aws.errors import StoreUnavailable
from notes import services


def post(client, path, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data=data, content_type=extra.pop("content_type", "application/json"), **extra)


def send(client, method, path, body=None, **extra):
    data = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
    content_type = extra.pop("content_type", "application/json")
    return getattr(client, method)(path, data=data, content_type=content_type, **extra)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert set(error) >= {"code", "message", "fields", "reference"}
    assert error["reference"]
    return error


@pytest.fixture
def note(alice_api):
    return post(alice_api, "/api/notes", {"title": "Groceries", "content": "milk", "category": "home"}).json()


# --- create and read ---------------------------------------------------------------------------


def test_it_creates_a_note_with_location_etag_and_version(alice_api):
    response = post(alice_api, "/api/notes", {"title": "  Plan  ", "important": True})
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Plan"
    assert body["category"] == "general" and body["important"] is True and body["completed"] is False
    assert body["version"] == 1
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/notes/{body['id']}"
    assert alice_api.get(response["Location"]).json() == body


def test_it_gets_a_note_with_its_etag_and_answers_304_to_if_none_match(alice_api, note):
    response = alice_api.get(f"/api/notes/{note['id']}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert "private" in response["Cache-Control"]
    not_modified = alice_api.get(f"/api/notes/{note['id']}", HTTP_IF_NONE_MATCH='W/"1"')
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_head_answers_like_get_without_a_body(alice_api, note):
    response = alice_api.head(f"/api/notes/{note['id']}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.content == b""


# --- validation ----------------------------------------------------------------------------------


def test_invalid_json_is_a_400(alice_api):
    error = assert_error(post(alice_api, "/api/notes", '{"title": "x",'), 400, "invalid_json")
    assert "JSON" in error["message"]


def test_json_that_is_not_utf8_uses_nan_or_nests_too_deep_is_a_400(alice_api):
    assert_error(post(alice_api, "/api/notes", b'{"title": "\xff"}'), 400, "invalid_json")
    assert_error(post(alice_api, "/api/notes", '{"title": "x", "content": NaN}'), 400, "invalid_json")
    assert_error(post(alice_api, "/api/notes", '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"), 400, "invalid_json")


def test_wrong_types_are_a_422_naming_every_field(alice_api):
    response = post(alice_api, "/api/notes", {"title": 5, "important": "yes", "content": ["a"], "category": None})
    error = assert_error(response, 422, "validation_failed")
    assert set(error["fields"]) == {"title", "important", "content", "category"}


def test_a_body_that_is_not_an_object_is_a_422(alice_api):
    assert_error(post(alice_api, "/api/notes", "[1, 2]"), 422, "validation_failed")


def test_missing_title_is_a_422(alice_api):
    error = assert_error(post(alice_api, "/api/notes", {"content": "no title"}), 422, "validation_failed")
    assert error["fields"] == {"title": "Title is required."}


def test_blank_title_and_unknown_fields_are_a_422(alice_api):
    error = assert_error(post(alice_api, "/api/notes", {"title": " \t", "owner": "bob"}), 422, "validation_failed")
    assert set(error["fields"]) == {"title", "owner"}


def test_an_over_long_title_is_a_422(alice_api):
    error = assert_error(post(alice_api, "/api/notes", {"title": "x" * 201}), 422, "validation_failed")
    assert "200" in error["fields"]["title"]
    assert post(alice_api, "/api/notes", {"title": "x" * 200}).status_code == 201


def test_content_over_100_kb_of_utf8_is_a_422(alice_api):
    error = assert_error(
        post(alice_api, "/api/notes", {"title": "t", "content": "é" * 60_000}), 422, "validation_failed"
    )
    assert "content" in error["fields"]


def test_a_body_over_the_limit_is_a_413_before_it_is_read(alice_api):
    body = json.dumps({"title": "t", "content": "x" * settings.API_MAX_BODY_BYTES})
    assert_error(post(alice_api, "/api/notes", body), 413, "body_too_large")


def test_a_body_that_is_not_json_is_a_415(alice_api, note):
    assert_error(
        post(alice_api, "/api/notes", "title=x", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )
    assert_error(
        send(alice_api, "put", f"/api/notes/{note['id']}", "t", content_type="text/plain"),
        415,
        "unsupported_media_type",
    )


def test_patch_also_takes_merge_patch_json(alice_api, note):
    response = send(
        alice_api,
        "patch",
        f"/api/notes/{note['id']}",
        {"completed": True, "version": 1},
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 200
    assert response.json()["completed"] is True


# --- versions ------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields_and_bumps_the_version(alice_api, note):
    response = send(alice_api, "patch", f"/api/notes/{note['id']}", {"important": True, "version": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["content"], body["important"], body["version"]) == ("Groceries", "milk", True, 2)
    assert response["ETag"] == '"2"'


def test_put_replaces_every_editable_field(alice_api, note):
    response = send(alice_api, "put", f"/api/notes/{note['id']}", {"title": "New"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["content"], body["category"], body["version"]) == ("New", "", "general", 2)


def test_a_stale_version_is_a_409_with_the_current_note(alice_api, note):
    url = f"/api/notes/{note['id']}"
    assert send(alice_api, "patch", url, {"title": "first", "version": 1}).status_code == 200
    error = assert_error(send(alice_api, "patch", url, {"title": "second", "version": 1}), 409, "version_conflict")
    assert error["current"]["title"] == "first"
    assert error["current"]["version"] == 2
    assert alice_api.get(url).json()["title"] == "first"


def test_a_stale_if_match_is_a_412(alice_api, note):
    url = f"/api/notes/{note['id']}"
    send(alice_api, "patch", url, {"title": "first"}, HTTP_IF_MATCH='"1"')
    error = assert_error(
        send(alice_api, "patch", url, {"title": "second"}, HTTP_IF_MATCH='"1"'), 412, "precondition_failed"
    )
    assert error["current"]["version"] == 2
    assert_error(alice_api.delete(url, HTTP_IF_MATCH='"1"'), 412, "precondition_failed")
    assert_error(alice_api.delete(url, HTTP_IF_MATCH='W/"2"'), 412, "precondition_failed")  # If-Match is strong


def test_if_match_and_body_version_must_both_be_current(alice_api, note):
    url = f"/api/notes/{note['id']}"
    assert_error(
        send(alice_api, "patch", url, {"title": "x", "version": 7}, HTTP_IF_MATCH='"1"'), 409, "version_conflict"
    )
    assert_error(
        send(alice_api, "patch", url, {"title": "x", "version": 1}, HTTP_IF_MATCH='"7"'), 412, "precondition_failed"
    )
    assert send(alice_api, "patch", url, {"title": "x", "version": 1}, HTTP_IF_MATCH='"1"').status_code == 200


def test_if_match_star_and_tag_lists_follow_rfc_9110(alice_api, note):
    url = f"/api/notes/{note['id']}"
    assert send(alice_api, "patch", url, {"title": "a"}, HTTP_IF_MATCH="*").json()["version"] == 2
    assert send(alice_api, "patch", url, {"title": "b"}, HTTP_IF_MATCH='"1", "2"').json()["version"] == 3
    assert_error(send(alice_api, "patch", url, {"title": "c"}, HTTP_IF_MATCH="not-a-tag"), 412, "precondition_failed")


def test_a_missing_version_is_a_428(alice_api, note):
    url = f"/api/notes/{note['id']}"
    error = assert_error(send(alice_api, "patch", url, {"title": "x"}), 428, "version_required")
    assert error["fields"] == {"version": "required"}
    assert_error(send(alice_api, "put", url, {"title": "x"}), 428, "version_required")
    assert_error(alice_api.delete(url), 428, "version_required")


def test_delete_takes_the_version_as_if_match_or_query(alice_api, note):
    other = post(alice_api, "/api/notes", {"title": "other"}).json()
    assert_error(alice_api.delete(f"/api/notes/{note['id']}?version=2"), 409, "version_conflict")
    assert alice_api.delete(f"/api/notes/{note['id']}?version=1").status_code == 204
    assert alice_api.delete(f"/api/notes/{other['id']}", HTTP_IF_MATCH='"1"').status_code == 204
    assert_error(alice_api.get(f"/api/notes/{note['id']}"), 404, "not_found")
    assert_error(alice_api.delete(f"/api/notes/{note['id']}?version=zero"), 400, "invalid_parameter")


# --- whose note ----------------------------------------------------------------------------------


def test_an_unknown_note_is_a_404(alice_api):
    assert_error(alice_api.get("/api/notes/0123456789abcdef0123456789abcdef"), 404, "not_found")
    assert_error(alice_api.get("/api/notes/not-an-id"), 404, "not_found")
    assert_error(
        send(alice_api, "patch", "/api/notes/0123456789abcdef0123456789abcdef", {"version": 1}), 404, "not_found"
    )


def test_another_users_note_is_a_404_for_every_method(alice_api, bob, api, note):
    bob_api = api(bob)
    url = f"/api/notes/{note['id']}"
    assert_error(bob_api.get(url), 404, "not_found")
    assert_error(send(bob_api, "put", url, {"title": "mine", "version": 1}), 404, "not_found")
    assert_error(send(bob_api, "patch", url, {"title": "mine", "version": 1}), 404, "not_found")
    assert_error(bob_api.delete(url, HTTP_IF_MATCH='"1"'), 404, "not_found")
    assert bob_api.get("/api/notes").json() == {"notes": [], "next_cursor": None}
    assert alice_api.get(url).json()["title"] == "Groceries"


# --- listing -------------------------------------------------------------------------------------


def test_it_lists_newest_first_page_by_page(alice_api):
    for i in range(5):
        post(alice_api, "/api/notes", {"title": f"n{i}"})
    first = alice_api.get("/api/notes?limit=2").json()
    assert [n["title"] for n in first["notes"]] == ["n4", "n3"]
    second = alice_api.get("/api/notes", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [n["title"] for n in second["notes"]] == ["n2", "n1"]
    last = alice_api.get("/api/notes", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [n["title"] for n in last["notes"]] == ["n0"]
    assert last["next_cursor"] is None


def test_filters_and_search_combine(alice_api):
    post(alice_api, "/api/notes", {"title": "Call mum", "category": "family", "important": True})
    post(alice_api, "/api/notes", {"title": "Call the bank", "category": "money"})
    post(alice_api, "/api/notes", {"title": "Water plants", "category": "family", "completed": True})
    titles = lambda query: [n["title"] for n in alice_api.get("/api/notes", query).json()["notes"]]  # noqa: E731
    assert titles({"q": "CALL"}) == ["Call the bank", "Call mum"]
    assert titles({"category": "family", "important": "true"}) == ["Call mum"]
    assert titles({"completed": "true"}) == ["Water plants"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "important=yes", "q=" + "x" * 201])
def test_bad_list_parameters_are_a_400(alice_api, query):
    assert_error(alice_api.get(f"/api/notes?{query}"), 400, "invalid_parameter")


def test_a_cursor_of_another_user_is_a_400(alice_api, bob, api):
    for i in range(3):
        post(alice_api, "/api/notes", {"title": f"n{i}"})
    cursor = alice_api.get("/api/notes?limit=1").json()["next_cursor"]
    assert_error(api(bob).get("/api/notes", {"cursor": cursor}), 400, "invalid_parameter")


# --- authentication ------------------------------------------------------------------------------


def test_no_credentials_is_a_401_with_a_bearer_challenge(aws):
    error = assert_error(Client().get("/api/notes"), 401, "not_authenticated")
    assert error["fields"] == {}
    assert Client().get("/api/notes")["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic YWxpY2U6cHc=", "Bearer", "Bearer nc_short", "Bearer " + "nc_" + "a" * 43])
def test_a_bad_or_unknown_token_is_a_401(aws, header):
    assert_error(Client(HTTP_AUTHORIZATION=header).get("/api/notes"), 401, "invalid_token")


def test_a_revoked_token_is_a_401(alice):
    token, secret = token_create(user=alice, name="laptop")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/notes").status_code == 200
    token_revoke(user_id=alice.id, token_id=token.id)
    error = assert_error(client.get("/api/notes"), 401, "invalid_token")
    assert "revoked" in error["message"]


def test_the_session_works_and_unsafe_methods_need_csrf(alice, client_for):
    client = client_for(alice, enforce_csrf_checks=True)
    assert client.get("/api/notes").status_code == 200
    assert_error(post(client, "/api/notes", {"title": "x"}), 403, "csrf_failed")
    client.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert post(client, "/api/notes", {"title": "x"}, HTTP_X_CSRFTOKEN=csrf).status_code == 201


def test_a_token_request_needs_no_csrf(alice):
    _, secret = token_create(user=alice, name="script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert post(client, "/api/notes", {"title": "x"}).status_code == 201


# --- idempotency ---------------------------------------------------------------------------------


def test_an_idempotent_retry_gets_the_first_answer_and_creates_nothing(alice_api):
    first = post(alice_api, "/api/notes", {"title": "Pay rent", "important": True}, HTTP_IDEMPOTENCY_KEY="k-1")
    retry = post(alice_api, "/api/notes", {"important": True, "title": "Pay rent"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert len(alice_api.get("/api/notes").json()["notes"]) == 1


def test_the_first_answer_is_replayed_even_after_the_note_changed(alice_api):
    first = post(alice_api, "/api/notes", {"title": "v1"}, HTTP_IDEMPOTENCY_KEY="k-2").json()
    send(alice_api, "patch", f"/api/notes/{first['id']}", {"title": "v2", "version": 1})
    assert post(alice_api, "/api/notes", {"title": "v1"}, HTTP_IDEMPOTENCY_KEY="k-2").json() == first


def test_reusing_a_key_with_another_body_is_a_422(alice_api):
    post(alice_api, "/api/notes", {"title": "one"}, HTTP_IDEMPOTENCY_KEY="k-3")
    error = assert_error(
        post(alice_api, "/api/notes", {"title": "two"}, HTTP_IDEMPOTENCY_KEY="k-3"), 422, "idempotency_key_reused"
    )
    assert "Idempotency-Key" in error["fields"]
    assert [n["title"] for n in alice_api.get("/api/notes").json()["notes"]] == ["one"]


def test_keys_are_per_user(alice_api, bob, api):
    post(alice_api, "/api/notes", {"title": "alice's"}, HTTP_IDEMPOTENCY_KEY="shared")
    response = post(api(bob), "/api/notes", {"title": "bob's"}, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert response.json()["title"] == "bob's"


def test_an_invalid_request_leaves_the_key_unused(alice_api):
    assert post(alice_api, "/api/notes", {"title": ""}, HTTP_IDEMPOTENCY_KEY="k-4").status_code == 422
    assert post(alice_api, "/api/notes", {"title": "fixed"}, HTTP_IDEMPOTENCY_KEY="k-4").status_code == 201


def test_a_malformed_key_is_a_400(alice_api):
    assert_error(post(alice_api, "/api/notes", {"title": "x"}, HTTP_IDEMPOTENCY_KEY="has space"), 400, "invalid_header")
    assert_error(post(alice_api, "/api/notes", {"title": "x"}, HTTP_IDEMPOTENCY_KEY="k" * 256), 400, "invalid_header")


def test_an_expired_record_lets_the_key_be_used_again(alice_api, settings):
    settings.API_IDEMPOTENCY_TTL_SECONDS = -1  # records are born expired (DynamoDB's TTL deletes lazily)
    post(alice_api, "/api/notes", {"title": "one"}, HTTP_IDEMPOTENCY_KEY="k-5")
    assert post(alice_api, "/api/notes", {"title": "two"}, HTTP_IDEMPOTENCY_KEY="k-5").status_code == 201


# --- errors are JSON everywhere under /api/ -------------------------------------------------------


def test_an_unsupported_method_is_a_json_405_with_allow(alice_api, note):
    error = assert_error(alice_api.put("/api/notes"), 405, "method_not_allowed")
    assert "POST" in error["message"]
    assert alice_api.put("/api/notes")["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert alice_api.post(f"/api/notes/{note['id']}")["Allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    options = alice_api.options("/api/notes")
    assert options.status_code == 204 and options["Allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_json_404_in_debug_too(alice_api, debug):
    with override_settings(DEBUG=debug):
        assert_error(alice_api.get("/api/nothing/here"), 404, "not_found")
        assert_error(alice_api.get("/api/notes/"), 404, "not_found")


@pytest.mark.parametrize(
    ("code", "status", "error_code"),
    [
        ("ServiceUnavailable", 503, "unavailable"),
        ("ProvisionedThroughputExceededException", 429, "throttled"),
    ],
)
def test_a_store_outage_is_a_json_503_or_429_with_retry_after(alice_api, monkeypatch, code, status, error_code):
    def down(**kwargs):
        raise StoreUnavailable("down", code=code)

    monkeypatch.setattr(services, "note_list", down)
    response = alice_api.get("/api/notes")
    assert_error(response, status, error_code)
    assert int(response["Retry-After"]) >= 1


def test_a_bug_is_a_json_500_with_the_reference_logged(alice_api, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "note_list", broken)
    error = assert_error(alice_api.get("/api/notes"), 500, "internal_error")
    assert "boom" not in error["message"]
    assert error["reference"] in caplog.text


def test_the_reference_is_the_requests_correlation_id(alice):
    from django.test import RequestFactory

    from notes.api import views as api

    _, secret = token_create(user=alice, name="tests")
    request = RequestFactory().get("/api/notes/not-an-id", HTTP_AUTHORIZATION=f"Bearer {secret}")
    request.correlation_id = "corr-123"  # what the correlation-id middleware sets
    response = api.note_item(request, note_id="not-an-id")
    assert json.loads(response.content)["error"]["reference"] == "corr-123"


def test_q_searches_the_index_ignoring_case_and_accents(alice_api):
    post(alice_api, "/api/notes", {"title": "Crème brûlée", "content": "vanilla"})
    post(alice_api, "/api/notes", {"title": "Creamy soup"})
    titles = lambda query: [n["title"] for n in alice_api.get("/api/notes", query).json()["notes"]]  # noqa: E731
    assert titles({"q": "creme BRULEE"}) == ["Crème brûlée"]
    assert titles({"q": "cre"}) == ["Creamy soup", "Crème brûlée"]
    assert titles({"q": "ream"}) == []
