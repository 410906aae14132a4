"""The bad input catalogue, for the pages and the API: every case is a 4xx with a message that says what is
wrong, never a 500, and nothing of it is stored.

HTML and script are not bad input in a note's title or content (a note may be about HTML): they are stored
as typed and must come back escaped on every page, and as JSON text (never HTML) from the API. Where a field
does not allow them (category, the cursor), they are refused like any other bad character.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from console.aws import dynamodb
from notes import services
from notes.cursor import encode_cursor, updated_sort_key
from tests.reliability.support import text, token_client, user_data

TOO_LONG_TITLE = "x" * 10_000
CONTENT_LIMIT = 100 * 1024
SCRIPT = "<script>alert('owned')</script>"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # may name {note} (alice's note), {unknown} (no such note), {tampered} and {foreign} cursors
    status: int
    says: str  # a phrase the answer must contain (escaped as HTML would escape it, for pages)
    data: object = None  # pages: a dict (sent as a browser sends a form) or raw bytes; API: JSON-able or raw
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    client: str = "alice"  # "alice" (session for pages, token for the API), "alice-csrf" (session, CSRF enforced)

    def __str__(self) -> str:
        return self.name


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


PAGE_CASES = [
    # titles
    Case("empty title", "POST", "/notes/new", 400, "Title is required", form(title="")),
    Case("whitespace title", "POST", "/notes/new", 400, "Title is required", form(title=" \t\r\n\u3000\u00a0 ")),
    Case(
        "10,000-character title",
        "POST",
        "/notes/new",
        400,
        "at most 200 characters (it has 10000)",
        form(title=TOO_LONG_TITLE),
    ),
    Case("title with NUL", "POST", "/notes/new", 400, "cannot be stored", form(title="a\x00b")),
    Case(
        "title not UTF-8 (an encoded surrogate)", "POST", "/notes/new", 400, "not sent as UTF-8", b"title=ok%ED%A0%80"
    ),
    Case("title not UTF-8 (stray byte)", "POST", "/notes/new", 400, "not sent as UTF-8", b"title=%FFok"),
    # content
    Case(
        "content over 100 KB",
        "POST",
        "/notes/new",
        400,
        "at most 100 KB",
        form(title="t", content="a" * (CONTENT_LIMIT + 1)),
    ),
    Case(
        "content over 100 KB of UTF-8, under 100 K characters",
        "POST",
        "/notes/new",
        400,
        "at most 100 KB",
        form(title="t", content="é" * (CONTENT_LIMIT // 2 + 1)),
    ),
    Case("content with NUL", "POST", "/notes/new", 400, "cannot be stored", form(title="t", content="a\x00")),
    Case("content not UTF-8", "POST", "/notes/new", 400, "not sent as UTF-8", b"title=t&content=%C3%28"),
    # labels (the deprecated category is one label: the same rules)
    Case("label with a control character", "POST", "/notes/new", 400, "control", form(title="t", category="a\x07")),
    Case("label with NUL", "POST", "/notes/new", 400, "control", form(title="t", new_labels="a\x00")),
    Case(
        "10,000-character label",
        "POST",
        "/notes/new",
        400,
        "at most 50 characters",
        form(title="t", new_labels="c" * 10_000),
    ),
    Case(
        "21 labels",
        "POST",
        "/notes/new",
        400,
        "at most 20 labels",
        form(title="t", new_labels=",".join(f"l{i}" for i in range(21))),
    ),
    Case("unknown search operator", "GET", "/notes/?q=colour:red", 400, "Unknown operator", None),
    # edits: the same rules, and the version
    Case("edit: empty title", "POST", "/notes/{note}/edit", 400, "Title is required", form(title="", version="1")),
    Case(
        "edit: content with NUL",
        "POST",
        "/notes/{note}/edit",
        400,
        "cannot be stored",
        form(title="t", content="\x00", version="1"),
    ),
    Case("edit: title not UTF-8", "POST", "/notes/{note}/edit", 400, "not sent as UTF-8", b"title=%ED%B0%80&version=1"),
    Case("edit: no version", "POST", "/notes/{note}/edit", 400, "missing the note", form(title="t")),
    Case(
        "edit: version not a number",
        "POST",
        "/notes/{note}/edit",
        400,
        "missing the note",
        form(title="t", version="one"),
    ),
    Case(
        "edit: negative version", "POST", "/notes/{note}/edit", 400, "missing the note", form(title="t", version="-1")
    ),
    Case(
        "edit: huge version", "POST", "/notes/{note}/edit", 400, "missing the note", form(title="t", version="9" * 40)
    ),
    # more digits than Python converts (4,300)
    Case(
        "edit: 5,000-digit version",
        "POST",
        "/notes/{note}/edit",
        400,
        "missing the note",
        form(title="t", version="9" * 5000),
    ),
    Case("edit: unknown note", "POST", "/notes/{unknown}/edit", 404, "Not found", form(title="t", version="1")),
    Case("edit: malformed id", "POST", "/notes/not-an-id/edit", 404, "Not found", form(title="t", version="1")),
    Case(
        "toggle: value not 0 or 1",
        "POST",
        "/notes/{note}/toggle/important",
        400,
        "could not be read",
        form(value="maybe", version="1"),
    ),
    Case("toggle: unknown field", "POST", "/notes/{note}/toggle/title", 404, "Not found", form(value="1", version="1")),
    Case("delete: no version", "POST", "/notes/{note}/delete", 400, "missing the note", form()),
    Case("view: unknown note", "GET", "/notes/{unknown}/", 404, "Not found"),
    # list: cursors (pages take no limit)
    Case("list: tampered cursor", "GET", "/notes/?cursor={tampered}", 400, "cursor is invalid"),
    Case("list: another user's cursor", "GET", "/notes/?cursor={foreign}", 400, "cursor is invalid"),
    Case("list: 5,000-character cursor", "GET", "/notes/?cursor=" + "A" * 5000, 400, "cursor is invalid"),
    Case("list: cursor with script", "GET", "/notes/?cursor=" + quote(SCRIPT), 400, "cursor is invalid"),
    # the request itself
    Case("no CSRF token", "POST", "/notes/new", 403, "This form has expired", form(title="t"), client="alice-csrf"),
    Case(
        "edit without CSRF token",
        "POST",
        "/notes/{note}/edit",
        403,
        "This form has expired",
        form(title="t", version="1"),
        client="alice-csrf",
    ),
    Case(
        "body over 2.5 MB",
        "POST",
        "/notes/new",
        413,
        "larger than this site accepts",
        form(title="t", content="a" * 3_000_000),
    ),
]

API_CASES = [
    # JSON itself
    Case("invalid JSON", "POST", "/api/notes", 400, "not valid JSON", '{"title": '),
    Case("empty body", "POST", "/api/notes", 400, "not valid JSON", ""),
    Case("NaN", "POST", "/api/notes", 400, "not valid JSON", '{"title": NaN}'),
    Case("body not UTF-8", "POST", "/api/notes", 400, "not valid JSON", b'{"title": "\xff"}'),
    Case("JSON nested 100,000 deep", "POST", "/api/notes", 400, "nested too deeply", "[" * 100_000 + "]" * 100_000),
    Case("a list, not an object", "POST", "/api/notes", 422, "must be a JSON object", [{"title": "t"}]),
    Case("not JSON at all", "POST", "/api/notes", 415, "Content-Type: application/json", "title=t", content_type=FORM),
    # titles
    Case("no title", "POST", "/api/notes", 422, "Title is required", {"content": "c"}),
    Case("empty title", "POST", "/api/notes", 422, "Title is required", {"title": ""}),
    Case("whitespace title", "POST", "/api/notes", 422, "Title is required", {"title": " \t\n\u3000"}),
    Case("10,000-character title", "POST", "/api/notes", 422, "it has 10000", {"title": TOO_LONG_TITLE}),
    Case("title with NUL", "POST", "/api/notes", 422, "cannot be stored", {"title": "a\x00b"}),
    Case("title with a lone surrogate", "POST", "/api/notes", 422, "cannot be stored", '{"title": "a\\ud800b"}'),
    Case(
        "title with a reversed surrogate pair",
        "POST",
        "/api/notes",
        422,
        "cannot be stored",
        '{"title": "\\udc00\\ud800"}',
    ),
    # content and category
    Case(
        "content over 100 KB",
        "POST",
        "/api/notes",
        422,
        "at most 100 KB",
        {"title": "t", "content": "a" * (CONTENT_LIMIT + 1)},
    ),
    Case(
        "content over 100 KB of UTF-8",
        "POST",
        "/api/notes",
        422,
        "at most 100 KB",
        {"title": "t", "content": "é" * (CONTENT_LIMIT // 2 + 1)},
    ),
    Case("content with NUL", "POST", "/api/notes", 422, "NUL", {"title": "t", "content": "\x00"}),
    Case(
        "content with a lone surrogate",
        "POST",
        "/api/notes",
        422,
        "cannot be stored",
        '{"title": "t", "content": "\\udfff"}',
    ),
    Case("label with a control character", "POST", "/api/notes", 422, "control", {"title": "t", "labels": ["a\x07"]}),
    Case("21 labels", "POST", "/api/notes", 422, "at most 20", {"title": "t", "labels": [f"l{i}" for i in range(21)]}),
    Case("unclosed quote in q", "GET", "/api/notes?q=%22open", 400, "not closed", None),
    # types and fields
    Case(
        "wrong types",
        "POST",
        "/api/notes",
        422,
        "Title must be a string",
        {"title": 5, "content": ["c"], "category": {}, "important": "yes", "completed": 1},
    ),
    Case("null content", "POST", "/api/notes", 422, "Content must be a string", {"title": "t", "content": None}),
    Case("unknown field", "POST", "/api/notes", 422, "Unknown field", {"title": "t", "owner": "bob"}),
    Case("a version on create", "POST", "/api/notes", 422, "Unknown field", {"title": "t", "version": 1}),
    # versions and preconditions
    Case("negative version", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": -1}),
    Case("version zero", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": 0}),
    Case("version as text", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": "1"}),
    Case("version true", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": True}),
    Case("version 2**64", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": 2**64}),
    Case("version 1.5", "PATCH", "/api/notes/{note}", 422, "Version must be a whole number", {"version": 1.5}),
    Case("no version", "PATCH", "/api/notes/{note}", 428, "Say which version", {"title": "t"}),
    Case(
        "If-Match garbage",
        "PATCH",
        "/api/notes/{note}",
        412,
        "If-Match does not match",
        {"title": "t"},
        headers={"If-Match": "garbage"},
    ),
    Case(
        "delete with a negative version",
        "DELETE",
        "/api/notes/{note}?version=-1",
        400,
        "version must be a whole number",
    ),
    Case(
        "Idempotency-Key not ASCII",
        "POST",
        "/api/notes",
        400,
        "Idempotency-Key must be",
        {"title": "t"},
        headers={"Idempotency-Key": "clé"},
    ),
    Case(
        "Idempotency-Key of 10,000 characters",
        "POST",
        "/api/notes",
        400,
        "Idempotency-Key must be",
        {"title": "t"},
        headers={"Idempotency-Key": "k" * 10_000},
    ),
    # list parameters
    *[
        Case(
            f"limit {raw!r}", "GET", f"/api/notes?limit={quote(raw)}", 400, "limit must be a whole number from 1 to 100"
        )
        for raw in ("-1", "0", "101", "1" + "0" * 30, "abc", "1.5", "1e3", "", " 5")
    ],
    # integers of more digits than Python converts (4,300) were a 500
    Case("limit of 5,000 digits", "GET", "/api/notes?limit=" + "9" * 5000, 400, "limit must be a whole number"),
    Case("limit of 4,301 digits", "GET", "/api/notes?limit=" + "1" * 4301, 400, "limit must be a whole number"),
    Case(
        "delete with a 5,000-digit version",
        "DELETE",
        "/api/notes/{note}?version=" + "9" * 5000,
        400,
        "version must be a whole number",
    ),
    Case(
        "a 5,000-digit version in the body",
        "PATCH",
        "/api/notes/{note}",
        400,
        "more than 20 digits",
        '{"version": ' + "9" * 5000 + "}",
    ),
    Case(
        "If-Match of 5,000 digits",
        "PATCH",
        "/api/notes/{note}",
        412,
        "If-Match does not match",
        {"title": "t"},
        headers={"If-Match": '"' + "9" * 5000 + '"'},
    ),
    Case("flag not true or false", "GET", "/api/notes?important=yes", 400, "important must be true or false"),
    Case("q of 10,000 characters", "GET", "/api/notes?q=" + "q" * 10_000, 400, "q must be at most 200 characters"),
    Case("tampered cursor", "GET", "/api/notes?cursor={tampered}", 400, "cursor is invalid"),
    Case("another user's cursor", "GET", "/api/notes?cursor={foreign}", 400, "cursor is invalid"),
    Case("5,000-character cursor", "GET", "/api/notes?cursor=" + "A" * 5000, 400, "cursor must be at most 1024"),
    # ids
    Case("unknown note", "GET", "/api/notes/{unknown}", 404, "no such note"),
    Case(
        "unknown note, PATCH",
        "PATCH",
        "/api/notes/{unknown}",
        404,
        "no such note",
        {"title": "t"},
        headers={"If-Match": '"1"'},
    ),
    Case("unknown note, DELETE", "DELETE", "/api/notes/{unknown}?version=1", 404, "no such note"),
    Case("malformed id", "GET", "/api/notes/..%2F..%2Fadmin", 404, "no such"),
    Case("id with script", "GET", "/api/notes/" + quote(SCRIPT, safe=""), 404, "no such"),
    # the request itself
    Case(
        "session without CSRF token",
        "POST",
        "/api/notes",
        403,
        "CSRF check failed",
        {"title": "t"},
        client="alice-csrf",
    ),
    Case(
        "body over 1 MiB",
        "POST",
        "/api/notes",
        413,
        "the limit is 1,048,576 bytes",
        {"title": "t", "content": "a" * (1024 * 1024)},
    ),
]


@pytest.fixture
def world(alice, client_for):
    """Alice with one note, a foreign and a tampered cursor, and the clients the cases name."""
    note = services.note_create(user_id=alice.id, data={"title": "Kept", "content": "kept text"})
    real = encode_cursor(user_id=alice.id, updated_sk=updated_sort_key(note.updated_at, note.id), note_id=note.id)
    tampered = real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB")
    return {
        "note": note,
        "unknown": uuid.uuid4().hex,
        "tampered": quote(tampered),
        "foreign": quote(encode_cursor(user_id=uuid.uuid4().hex, updated_sk=real, note_id=note.id)),
        "clients": {
            "page:alice": client_for(alice),
            "page:alice-csrf": client_for(alice, enforce_csrf_checks=True),
            "api:alice": token_client(alice),
            "api:alice-csrf": client_for(alice, enforce_csrf_checks=True),
        },
    }


def send(case: Case, world: dict, surface: str):
    client: Client = world["clients"][f"{surface}:{case.client}"]
    path = case.path.format(
        note=world["note"].id, unknown=world["unknown"], tampered=world["tampered"], foreign=world["foreign"]
    )
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in case.headers.items()}
    if case.method == "GET":
        return client.get(path, **headers)
    data = case.data
    if surface == "page":
        content_type = case.content_type or FORM
    else:
        content_type = case.content_type or "application/json"
        if data is not None and not isinstance(data, (str, bytes)):
            data = json.dumps(data)
    # CONTENT_TYPE too: the test client leaves it out of a request without a body.
    return client.generic(
        case.method, path, data or b"", content_type=content_type, CONTENT_TYPE=content_type, **headers
    )


def stored() -> dict:
    return user_data(dynamodb.client(), dynamodb.table_name())


@pytest.mark.parametrize("case", PAGE_CASES, ids=str)
def test_pages_refuse_bad_input_with_a_4xx_that_says_why_and_store_nothing(case, world):
    before = stored()
    response = send(case, world, "page")
    assert response.status_code == case.status, (case.name, response.status_code, text(response)[:800])
    assert case.says in text(response), text(response)[:3000]
    assert "Traceback" not in text(response)
    assert stored() == before


@pytest.mark.parametrize("case", API_CASES, ids=str)
def test_the_api_refuses_bad_input_with_a_json_4xx_that_says_why_and_stores_nothing(case, world):
    before = stored()
    response = send(case, world, "api")
    assert response.status_code == case.status, (case.name, response.status_code, response.content[:800])
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    said = " ".join([error["message"], *map(str, error["fields"].values())])
    assert case.says in said, error
    assert error["reference"] == response["X-Correlation-Id"]
    assert stored() == before


# --- HTML and script in text fields: kept as typed, never markup --------------------------------------


def test_html_in_a_note_is_escaped_on_every_page_that_shows_it(alice, client_for):
    client = client_for(alice)
    data = {"title": f"t {SCRIPT}", "content": f"<img src=x onerror=alert(1)> {SCRIPT}"}
    assert client.post("/notes/new", data).status_code == 302
    (note,) = services.note_list(user_id=alice.id).notes
    assert (note.title, note.content) == (data["title"], data["content"])  # stored exactly as typed
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"important": True})
    pages = {
        "list": client.get("/notes/"),
        "search": client.get("/notes/", {"q": SCRIPT}),
        "detail": client.get(f"/notes/{note.id}/"),
        "edit": client.get(f"/notes/{note.id}/edit"),
        "delete": client.get(f"/notes/{note.id}/delete"),
        "invalid edit": client.post(f"/notes/{note.id}/edit", {**data, "new_labels": SCRIPT + "x" * 50, "version": 2}),
        "conflict": client.post(f"/notes/{note.id}/edit", {**data, "version": 1}),
        "new with a bad label": client.post("/notes/new", {**data, "new_labels": SCRIPT + "x" * 50}),
        "labelled": client.get("/notes/", {"label": SCRIPT}),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400, 409), (name, response.status_code)
        page = text(response)
        assert "<script>alert" not in page and "<img src=x" not in page, name
        assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in page, name


def test_html_in_a_note_comes_back_from_the_api_as_json_text(alice):
    api = token_client(alice)
    body = {"title": SCRIPT, "content": f"<b>{SCRIPT}</b>"}
    created = api.post("/api/notes", json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    for response in (created, api.get(f"/api/notes/{created.json()['id']}"), api.get("/api/notes")):
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed into HTML
    assert api.get(f"/api/notes/{created.json()['id']}").json()["title"] == SCRIPT


def test_a_script_in_a_query_parameter_is_escaped_in_the_page(alice, client_for):
    page = text(client_for(alice).get("/notes/", {"q": SCRIPT, "category": SCRIPT}))
    assert "<script>alert" not in page


# --- the console's custom time range and the sign-up form ------------------------------------------
CONSOLE_RANGES = [
    ("0001-01-01T00:00+14:00", "0001-01-02T00:00+14:00", "between the years 1 and 9999"),  # before year 1 in UTC
    ("9999-12-31T00:00-14:00", "9999-12-31T23:59-14:00", "between the years 1 and 9999"),  # past 9999 in UTC
    ("0001-01-01T00:00", "0001-01-02T00:00", "between 2014 and tomorrow"),
    ("9999-12-30T00:00", "9999-12-31T23:59", "between 2014 and tomorrow"),
    ("2026-13-01T00:00", "2026-13-02T00:00", "dates and times like"),
]


@pytest.mark.parametrize(("start", "end", "says"), CONSOLE_RANGES)
def test_the_consoles_custom_time_range_refuses_dates_out_of_range_on_the_page(admin, client_for, start, end, says):
    response = client_for(admin).get("/console/logs/", {"range": "custom", "from": start, "to": end})
    assert response.status_code == 200  # the page, with its default range and the problem said
    assert says in text(response)


def test_the_console_tail_ignores_a_5000_digit_cursor(admin, client_for):
    response = client_for(admin).get("/console/logs/tail/", {"after": "9" * 5000}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


@pytest.mark.parametrize("password", ["johnsmith1", "JohnSmith", "smithjohn"])
def test_sign_up_with_a_password_like_the_username_is_a_field_error(aws, password):
    response = Client().post(
        "/accounts/signup/", {"username": "johnsmith", "password": password, "password2": password}
    )
    assert response.status_code == 400
    assert "too similar to the username" in text(response)


# --- imports treat every value of a file as hostile ----------------------------------------------
def _simplenote(**fields: object) -> bytes:
    note = {"id": "sn-1", "content": "Title\r\nBody", "creationDate": "2020-01-01T00:00:00.000Z"}
    note.update(fields)
    return json.dumps({"activeNotes": [note], "trashedNotes": []}).encode()


def _own(**fields: object) -> bytes:
    note = {"id": "a" * 32, "title": "t", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}
    note.update(fields)
    return json.dumps({"format": "notes-console", "version": 1, "notes": [note]}).encode()


IMPORT_CASES = [
    # (name, file, what the answer says): the file, the note and the field are named
    ("Simplenote date as words", _simplenote(lastModified="last Tuesday"), '"lastModified" must be an ISO-8601'),
    ("Simplenote date as a number", _simplenote(creationDate=1700000000), '"creationDate" must be an ISO-8601'),
    ("Simplenote systemTags of numbers", _simplenote(systemTags=[1, 2]), '"systemTags" must be a list of text'),
    ("Simplenote systemTags a number", _simplenote(systemTags=7), '"systemTags" must be a list of text'),
    ("Simplenote pinned not a flag", _simplenote(pinned="yes"), '"pinned" must be true or false'),
    ("JSON nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (
        "JSON nested 100,000 deep in a note",
        b'{"format": "notes-console", "notes": [{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]}",
        "nested too deeply",
    ),
    (
        "a 5,000-digit integer",
        b'{"format": "notes-console", "notes": [{"version": ' + b"9" * 5000 + b"}]}",
        "20 digits",
    ),
    ("NaN", b'{"format": "notes-console", "notes": [{"version": NaN}]}', "NaN is not a JSON number"),
    ("a date past year 9999", _own(created_at="10000-01-01T00:00:00Z"), '"created_at" outside the dates'),
    ("9999-12-31 west of UTC", _own(updated_at="9999-12-31T23:00:00-05:00"), '"updated_at" outside the dates'),
    ("year 1 east of UTC", _own(created_at="0001-01-01T00:30:00+01:00"), '"created_at" outside the dates'),
    ("a date that is not one", _own(created_at="2024-02-30T00:00:00Z"), '"created_at" must be an ISO-8601'),
    (
        "Keep time of 30 digits",
        json.dumps({"textContent": "x", "userEditedTimestampUsec": "9" * 30}).encode(),
        '"userEditedTimestampUsec" must be a whole number',
    ),
    (
        "Keep time before year 1",
        json.dumps({"textContent": "x", "createdTimestampUsec": -(10**17)}).encode(),
        '"createdTimestampUsec" outside the dates',
    ),
    ("Keep isPinned not a flag", json.dumps({"textContent": "x", "isPinned": [1]}).encode(), '"isPinned" must be'),
]


@pytest.mark.parametrize(("name", "data", "says"), IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_the_import_page_refuses_a_hostile_file_with_a_422_that_names_the_problem(world, name, data, says):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.html import escape

    before = stored()
    response = world["clients"]["page:alice"].post("/notes/import/", {"file": SimpleUploadedFile("f.json", data)})
    assert response.status_code == 422, (name, text(response)[:800])
    assert "f.json" in text(response) and escape(says) in text(response), text(response)[:3000]
    assert "Nothing was imported" in text(response) and "<form" in text(response)  # the form, to choose again
    assert stored() == before


@pytest.mark.parametrize(("name", "data", "says"), IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_the_import_api_refuses_a_hostile_file_with_a_422_that_names_the_problem(world, name, data, says):
    before = stored()
    response = world["clients"]["api:alice"].post("/api/import", data, content_type="application/json")
    assert response.status_code == 422, (name, response.content[:800])
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    assert any("upload.json" in problem and says in problem for problem in error["problems"]), error
    assert stored() == before
