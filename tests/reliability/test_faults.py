"""DynamoDB faults on reads and on writes, for the pages and the API: throttling, internal errors, read timeouts,
and a write that landed but whose answer was lost.

Faults are injected in the app's botocore client in place of the network (tests/reliability/support.Faults),
against moto's server, so the client's own retries run as configured (standard mode, AWS_MAX_ATTEMPTS
attempts; backoff sleeps are patched out). Every case checks the whole table afterwards: what users wrote is
exactly what it was before a failed request, and exactly once after a retried one.

Already covered elsewhere, not repeated here: an unreachable endpoint on every page
(tests/integration/test_note_views_outage.py, with htmx) and the API's 503/429 mapping of a StoreUnavailable
(tests/integration/test_api_notes.py).
"""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings

from notes import services
from tests.reliability.support import (
    INTERNAL,
    KINDS,
    LOST_ANSWER,
    PASSWORD,
    READS,
    REFERENCE_RE,
    THROTTLE,
    TIMEOUT,
    WRITES,
    make_user,
    send_json,
    session_client,
    text,
    token_client,
)

TYPED = {"title": "My <typed> title", "content": "Words I typed\nand must not lose", "category": "work"}


@pytest.fixture
def alice(served):
    return make_user("alice")


@pytest.fixture
def note(alice):
    return services.note_create(user_id=alice.id, data={"title": "Stored", "content": "stored text"})


@pytest.fixture
def page(alice):
    return session_client(alice)


@pytest.fixture
def api(alice):
    client = token_client(alice)
    assert client.get("/api/notes?limit=1").status_code == 200  # the token's first use is recorded now
    return client


def assert_page_503(response) -> str:
    assert response.status_code == 503, response.status_code
    page = text(response)
    match = REFERENCE_RE.search(page)
    assert match, page[:500]
    assert match.group(1) == response["X-Correlation-Id"]  # the reference finds the request's log lines
    assert "Traceback" not in page and "botocore" not in page
    return page


def assert_api_unavailable(response, kind: str) -> dict:
    # Throttling is the API's documented 429 (DynamoDB said "slow down"); every other fault is a 503.
    status, code = (429, "throttled") if kind == THROTTLE else (503, "unavailable")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) >= 1
    error = response.json()["error"]
    assert error["code"] == code and error["reference"] == response["X-Correlation-Id"]
    return error


def served_items(served) -> list[dict]:
    return served.client.scan(TableName=served.table, ConsistentRead=True)["Items"]


def assert_every_attempt_failed(rule, operation: str) -> None:
    """The client tried the failing call as often as it is configured to, and no more."""
    assert rule.hits == [operation] * settings.AWS_MAX_ATTEMPTS, rule.hits


# --- pages: reads ----------------------------------------------------------------------------------

PAGE_READS = [
    ("/notes/", "Query"),
    ("/notes/{id}/", "GetItem"),
    ("/notes/{id}/edit", "GetItem"),
    ("/notes/{id}/delete", "GetItem"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("path", "operation"), PAGE_READS)
def test_a_failing_read_is_a_503_page_with_a_reference(kind, path, operation, page, note, faults, served, caplog):
    before = served.user_data()
    rule = faults.inject(kind, operations=READS)
    response = page.get(path.format(id=note.id))
    assert_page_503(response)
    assert_every_attempt_failed(rule, operation)
    assert response["X-Correlation-Id"] in caplog.text
    assert served.user_data() == before


# --- pages: writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_failing_create_keeps_the_typed_text_and_stores_nothing(kind, page, alice, faults, served):
    before = served.user_data()
    rule = faults.inject(kind, operations=WRITES)
    response = page.post("/notes/new", {**TYPED, "client_token": "c" * 32})
    body = assert_page_503(response)
    assert_every_attempt_failed(rule, "PutItem")
    assert html.escape(TYPED["title"]) in body and html.escape(TYPED["content"]) in body
    assert 'value="cccccccccccccccccccccccccccccccc"' in body  # resubmitting still makes one note
    assert served.user_data() == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_failing_edit_keeps_the_typed_text_and_changes_nothing(kind, page, note, faults, served):
    before = served.user_data()
    rule = faults.inject(kind, operations=WRITES)
    response = page.post(f"/notes/{note.id}/edit", {**TYPED, "version": note.version})
    body = assert_page_503(response)
    assert_every_attempt_failed(rule, "UpdateItem")
    assert html.escape(TYPED["title"]) in body and html.escape(TYPED["content"]) in body
    assert re.search(r'name="version" value="1"', body)
    assert served.user_data() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("path", "data"),
    [("/delete", {"version": 1}), ("/toggle/important", {"version": 1, "value": "1"})],
)
def test_a_failing_delete_or_toggle_is_a_503_and_changes_nothing(kind, path, data, page, note, faults, served):
    before = served.user_data()
    rule = faults.inject(kind, operations=WRITES)
    assert_page_503(page.post(f"/notes/{note.id}{path}", data))
    assert_every_attempt_failed(rule, "UpdateItem")
    assert served.user_data() == before


@pytest.mark.parametrize("kind", KINDS)
def test_when_the_session_cannot_be_read_the_page_is_a_503(kind, page, note, faults, served):
    rule = faults.inject(kind, operations=READS, auth=True)
    response = page.get("/notes/")
    assert_page_503(response)
    assert_every_attempt_failed(rule, "GetItem")


@pytest.mark.parametrize("kind", KINDS)
def test_a_failing_sign_up_keeps_the_username_and_creates_no_half_account(kind, faults, served):
    from django.test import Client

    name = f"carol-{kind}"
    rule = faults.inject(kind, operations={"TransactWriteItems"})  # the profile and the username claim, together
    response = Client().post("/accounts/signup/", {"username": name, "password": PASSWORD, "password2": PASSWORD})
    body = assert_page_503(response)
    assert_every_attempt_failed(rule, "TransactWriteItems")
    assert f'value="{name}"' in body
    keys = {item["pk"]["S"] for item in served_items(served)}
    assert f"USERNAME#{name}" not in keys


# --- API: reads and writes -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("path", "operation"), [("/api/notes", "Query"), ("/api/notes/{id}", "GetItem")])
def test_a_failing_api_read_asks_to_retry_later(kind, path, operation, api, note, faults, served):
    rule = faults.inject(kind, operations=READS)
    assert_api_unavailable(api.get(path.format(id=note.id)), kind)
    assert_every_attempt_failed(rule, operation)


API_WRITES = [
    ("POST", "/api/notes", TYPED, {}, "PutItem"),
    ("POST", "/api/notes", TYPED, {"HTTP_IDEMPOTENCY_KEY": "key-1"}, "TransactWriteItems"),
    ("PUT", "/api/notes/{id}", {**TYPED, "version": 1}, {}, "UpdateItem"),
    ("PATCH", "/api/notes/{id}", {"title": "patched"}, {"HTTP_IF_MATCH": '"1"'}, "UpdateItem"),
    ("DELETE", "/api/notes/{id}?version=1", None, {}, "UpdateItem"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("method", "path", "body", "headers", "operation"), API_WRITES)
def test_a_failing_api_write_asks_to_retry_later_and_writes_nothing(
    kind, method, path, body, headers, operation, api, note, faults, served
):
    before = served.user_data()
    rule = faults.inject(kind, operations=WRITES)
    assert_api_unavailable(send_json(api, method, path.format(id=note.id), body, **headers), kind)
    assert_every_attempt_failed(rule, operation)
    assert served.user_data() == before


@pytest.mark.parametrize("kind", KINDS)
def test_when_the_token_cannot_be_checked_the_api_asks_to_retry_later(kind, api, faults):
    rule = faults.inject(kind, operations=WRITES, auth=True)  # a token is checked (and touched) by one UpdateItem
    assert_api_unavailable(api.get("/api/notes"), kind)
    assert_every_attempt_failed(rule, "UpdateItem")


# --- a single transient fault is retried, and the request succeeds --------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_one_transient_fault_on_a_read_is_retried(kind, page, api, note, faults):
    rule = faults.inject(kind, operations=READS, times=1)
    assert page.get("/notes/").status_code == 200
    assert rule.hits == ["Query"]
    rule = faults.inject(kind, operations=READS, times=1)
    assert api.get(f"/api/notes/{note.id}").json()["title"] == "Stored"
    assert rule.hits == ["GetItem"]


@pytest.mark.parametrize("kind", KINDS)
def test_one_transient_fault_on_a_write_is_retried_and_writes_once(kind, page, api, alice, note, faults, served):
    rule = faults.inject(kind, operations=WRITES, times=1)
    response = page.post(f"/notes/{note.id}/edit", {**TYPED, "version": 1})
    assert response.status_code == 302 and rule.hits == ["UpdateItem"]
    rule = faults.inject(kind, operations=WRITES, times=1)
    response = send_json(api, "POST", "/api/notes", {"title": "Once"})
    assert response.status_code == 201 and rule.hits == ["PutItem"]
    notes = services.note_list(user_id=alice.id).notes
    assert sorted((n.title, n.version) for n in notes) == [("My <typed> title", 2), ("Once", 1)]


# --- a write that landed, but its answer was lost: the retry must not make it a failure or a copy ----


def test_a_page_create_whose_answer_was_lost_makes_one_note(page, alice, faults, served):
    rule = faults.inject(LOST_ANSWER, operations={"PutItem"}, times=1)
    response = page.post("/notes/new", {**TYPED, "client_token": "d" * 32})
    assert response.status_code == 302 and rule.hits == ["PutItem"]
    assert [n.title for n in services.note_list(user_id=alice.id).notes] == [TYPED["title"]]


@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "lost-1"}], ids=["plain", "idempotency-key"])
def test_an_api_create_whose_answer_was_lost_is_a_201_for_one_note(headers, api, alice, faults, served):
    rule = faults.inject(LOST_ANSWER, operations={"PutItem", "TransactWriteItems"}, times=1)
    response = send_json(api, "POST", "/api/notes", TYPED, **headers)
    assert response.status_code == 201, response.content
    assert len(rule.hits) == 1
    assert [n.id for n in services.note_list(user_id=alice.id).notes] == [response.json()["id"]]


def test_an_edit_whose_answer_was_lost_is_saved_not_a_conflict(page, api, note, faults, served):
    rule = faults.inject(LOST_ANSWER, operations={"UpdateItem"}, times=1)
    response = page.post(f"/notes/{note.id}/edit", {**TYPED, "version": 1})
    assert response.status_code == 302, text(response)[:300]
    assert rule.hits == ["UpdateItem"]
    rule = faults.inject(LOST_ANSWER, operations={"UpdateItem"}, times=1)
    response = send_json(api, "PATCH", f"/api/notes/{note.id}", {"completed": True}, HTTP_IF_MATCH='"2"')
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3 and response["ETag"] == '"3"'
    stored = services.note_get(user_id=note.user_id, note_id=note.id)
    assert (stored.title, stored.completed, stored.version) == (TYPED["title"], True, 3)


def test_a_delete_whose_answer_was_lost_is_done_not_a_404(page, api, alice, faults, served):
    first = services.note_create(user_id=alice.id, data={"title": "one"})
    second = services.note_create(user_id=alice.id, data={"title": "two"})
    faults.inject(LOST_ANSWER, operations={"UpdateItem"}, times=1)
    response = page.post(f"/notes/{first.id}/delete", {"version": 1})
    assert response.status_code == 302 and response["Location"] == f"/notes/?deleted={first.id}"
    faults.inject(LOST_ANSWER, operations={"UpdateItem"}, times=1)
    assert api.delete(f"/api/notes/{second.id}?version=1").status_code == 204
    assert services.note_list(user_id=alice.id).notes == []
    assert {t.note.id for t in services.trash_list(user_id=alice.id)} == {first.id, second.id}


def test_a_restore_whose_answer_was_lost_is_done_not_a_404(alice, note, faults):
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=1)
    faults.inject(LOST_ANSWER, operations={"UpdateItem"}, times=1)
    restored = services.note_restore(user_id=alice.id, note_id=note.id)
    assert (restored.title, restored.version) == ("Stored", 2)
    assert [n.id for n in services.note_list(user_id=alice.id).notes] == [note.id]


def test_a_stale_edit_is_still_a_conflict_after_a_retry(page, note, alice, faults):
    """The other side of the lost-answer rule: a retried write that finds someone else's change conflicts."""
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "elsewhere"})
    faults.inject(TIMEOUT, operations={"UpdateItem"}, times=1)
    response = page.post(f"/notes/{note.id}/edit", {**TYPED, "version": 1})
    assert response.status_code == 409
    assert services.note_get(user_id=alice.id, note_id=note.id).title == "elsewhere"


def test_an_internal_error_on_every_attempt_of_a_create_leaves_no_trace(api, faults, served):
    before = served.user_data()
    faults.inject(INTERNAL, operations={"TransactWriteItems"})
    response = send_json(api, "POST", "/api/notes", TYPED, HTTP_IDEMPOTENCY_KEY="k-2")
    assert_api_unavailable(response, INTERNAL)
    assert served.user_data() == before
    # The key was not used up: the same request succeeds once the store is back.
    faults.clear()
    response = send_json(api, "POST", "/api/notes", TYPED, HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
