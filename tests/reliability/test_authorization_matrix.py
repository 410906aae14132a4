"""Who may do what: every route of the site (read from Django's resolver) x every method x four personas,
checked against the table below.

Personas: anonymous; alice, who owns the note, the token and the request the sample URLs name; bob, another
user; an admin (who is not alice either: an admin sees the console, never another user's notes). Pages are
requested with the persona's session, the API with the persona's token.

Outcomes: ok (2xx, 304, or a redirect that is not to sign-in), signin (a redirect to sign-in), 400 (allowed
to try, but the sample input was refused), 401, 403, 404, 405, 422 (the API's answer to a sample body it
cannot use, e.g. a note's fields sent as an import file).

A route with no row fails `test_every_route_has_a_row` with the row to add. A row is
    "route as the resolver spells it": Row("/sample/path/{note}", GET="anon alice bob admin", other="...")
where each method names four outcomes in persona order, `other` covers the methods not named, and {note},
{token} and {request} in the sample path stand for alice's note, alice's API token and a request id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.services import token_create
from notes import services, wiring

PERSONAS = ("anon", "alice", "bob", "admin")
METHODS = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE")  # destructive ones last: alice's note lives till then
OUTCOMES = {"ok", "signin", "400", "401", "403", "404", "405", "422"}


@dataclass(frozen=True)
class Row:
    path: str
    GET: str = ""  # noqa: N815 - named after the methods
    HEAD: str = ""  # noqa: N815
    POST: str = ""  # noqa: N815
    PUT: str = ""  # noqa: N815
    PATCH: str = ""  # noqa: N815
    DELETE: str = ""  # noqa: N815
    other: str = "405 405 405 405"
    expected: dict[str, dict[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        expected = {}
        for method in METHODS:
            outcomes = (getattr(self, method) or self.other).split()
            assert len(outcomes) == len(PERSONAS) and set(outcomes) <= OUTCOMES, (self.path, method, outcomes)
            expected[method] = dict(zip(PERSONAS, outcomes, strict=True))
        object.__setattr__(self, "expected", expected)


ALL_OK = "ok ok ok ok"
SIGNED_IN = "signin ok ok ok"  # any signed-in user, for what is theirs
OWNER = "signin ok 404 404"  # alice's note: another user's is a 404, for admins too
ADMIN = "signin 403 403 ok"
API_OWNER = "401 ok 404 404"

ROWS: dict[str, Row] = {
    # site and accounts
    "": Row("/", GET=ALL_OK, HEAD=ALL_OK),
    "healthz": Row("/healthz", GET=ALL_OK, HEAD=ALL_OK),
    "accounts/signin/": Row("/accounts/signin/", GET=ALL_OK, HEAD=ALL_OK, POST="400 400 400 400"),
    "accounts/signup/": Row("/accounts/signup/", GET=ALL_OK, HEAD=ALL_OK, POST="400 400 400 400"),
    "accounts/signout/": Row("/accounts/signout/", POST="signin signin signin signin"),
    "accounts/password/": Row(
        "/accounts/password/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST="signin 400 400 400", other="signin 405 405 405"
    ),
    "accounts/password/done/": Row(
        "/accounts/password/done/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"
    ),
    "accounts/delete/": Row(
        "/accounts/delete/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST="signin 400 400 400", other="signin 405 405 405"
    ),
    # continues a confirmed deletion with the signed ticket its page carries (the sample has none)
    "accounts/delete/continue/": Row("/accounts/delete/continue/", POST="400 400 400 400"),
    "accounts/delete/done/": Row("/accounts/delete/done/", GET=ALL_OK, HEAD=ALL_OK),
    # a reset link's page: anyone holding a valid link; the sample has none (GET 404, POST refused)
    "accounts/reset/": Row("/accounts/reset/", GET="404 404 404 404", HEAD="404 404 404 404", POST="400 400 400 400"),
    "accounts/reset/done/": Row("/accounts/reset/done/", GET=ALL_OK, HEAD=ALL_OK),
    # "Forgot password?": anyone; the sample posts no address (400)
    "accounts/reset/forgot/": Row("/accounts/reset/forgot/", GET=ALL_OK, HEAD=ALL_OK, POST="400 400 400 400"),
    "accounts/email/": Row(
        "/accounts/email/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST="signin 400 400 400", other="signin 405 405 405"
    ),
    # an address check link's page: its own account's, the sample has no link (POST refused)
    "accounts/email/verify/": Row(
        "/accounts/email/verify/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST="signin 400 400 400", other="signin 405 405 405"
    ),
    "accounts/tokens/": Row(
        "/accounts/tokens/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST=SIGNED_IN, other="signin 405 405 405"
    ),
    "accounts/tokens/<str:token_id>/revoke/": Row(
        "/accounts/tokens/{token}/revoke/", POST=OWNER, other="signin 405 405 405"
    ),
    # the function-health console: admins only
    "console/": Row("/console/", GET=ADMIN, HEAD=ADMIN),
    "console/configuration/": Row("/console/configuration/", GET=ADMIN, HEAD=ADMIN),
    "console/invocations/": Row("/console/invocations/", GET=ADMIN, HEAD=ADMIN),
    "console/invocations/aggregates/": Row("/console/invocations/aggregates/", GET=ADMIN, HEAD=ADMIN),
    "console/logs/": Row("/console/logs/", GET=ADMIN, HEAD=ADMIN),
    "console/logs/tail/": Row("/console/logs/tail/", GET=ADMIN, HEAD=ADMIN),
    # a request id no line carries is a 404, for admins too (non-admins never learn whether it exists)
    "console/requests/<str:request_id>/": Row(
        "/console/requests/{request}/", GET="signin 403 403 404", HEAD="signin 403 403 404"
    ),
    "console/triggers/": Row("/console/triggers/", GET=ADMIN, HEAD=ADMIN),
    "console/errors/": Row("/console/errors/", GET=ADMIN, HEAD=ADMIN),
    "console/errors/panel/": Row("/console/errors/panel/", GET=ADMIN, HEAD=ADMIN),  # no htmx: a redirect to the page
    "console/routes/": Row("/console/routes/", GET=ADMIN, HEAD=ADMIN),
    "console/deploys/": Row("/console/deploys/", GET=ADMIN, HEAD=ADMIN),
    "console/alarms/": Row("/console/alarms/", GET=ADMIN, HEAD=ADMIN),
    "console/checks/": Row("/console/checks/", GET=ADMIN, HEAD=ADMIN),
    "console/triggers/streams/": Row("/console/triggers/streams/", GET=ADMIN, HEAD=ADMIN),
    "console/triggers/async/": Row("/console/triggers/async/", GET=ADMIN, HEAD=ADMIN),
    # notes pages
    "notes/": Row("/notes/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/new": Row("/notes/new", GET=SIGNED_IN, HEAD=SIGNED_IN, POST=SIGNED_IN, other="signin 405 405 405"),
    "notes/<note_id:note_id>/": Row("/notes/{note}/", GET=OWNER, HEAD=OWNER, other="signin 405 405 405"),
    "notes/<note_id:note_id>/edit": Row(
        "/notes/{note}/edit", GET=OWNER, HEAD=OWNER, POST=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/delete": Row(
        "/notes/{note}/delete", GET=OWNER, HEAD=OWNER, POST=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/toggle/<str:field>": Row(
        "/notes/{note}/toggle/important", POST=OWNER, other="signin 405 405 405"
    ),
    # The writing routes: the matrix's form has no task index or autosave visit, so the owner's answer is
    # a 400 (checked after the owner check: another user's note is a 404 as everywhere).
    "notes/quick": Row("/notes/quick", POST=SIGNED_IN, other="signin 405 405 405"),
    "notes/<note_id:note_id>/task": Row("/notes/{note}/task", POST="signin 400 404 404", other="signin 405 405 405"),
    "notes/<note_id:note_id>/autosave": Row(
        "/notes/{note}/autosave", POST="signin 400 404 404", other="signin 405 405 405"
    ),
    "notes/trash/": Row("/notes/trash/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/trash/empty": Row(
        "/notes/trash/empty", GET=SIGNED_IN, HEAD=SIGNED_IN, POST=SIGNED_IN, other="signin 405 405 405"
    ),
    "notes/categories": Row("/notes/categories", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/archive/": Row("/notes/archive/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/labels/": Row("/notes/labels/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    # No label named: nothing to rename or delete (each user's own labels only; keys from the session).
    "notes/labels/rename": Row("/notes/labels/rename", POST="signin 400 400 400", other="signin 405 405 405"),
    "notes/labels/delete": Row("/notes/labels/delete", POST="signin 400 400 400", other="signin 405 405 405"),
    "notes/<note_id:note_id>/restore/": Row("/notes/{trashed}/restore/", POST=OWNER, other="signin 405 405 405"),
    "notes/<note_id:note_id>/delete-forever/": Row(
        "/notes/{trashed}/delete-forever/", POST=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/history/": Row(
        "/notes/{note}/history/", GET=OWNER, HEAD=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/history/<int:version>/restore/": Row(
        "/notes/{note}/history/1/restore/", POST=OWNER, other="signin 405 405 405"
    ),
    "notes/export/": Row("/notes/export/", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/export/notes.json": Row(
        "/notes/export/notes.json", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"
    ),
    "notes/export/notes.zip": Row("/notes/export/notes.zip", GET=SIGNED_IN, HEAD=SIGNED_IN, other="signin 405 405 405"),
    "notes/import/": Row(
        "/notes/import/", GET=SIGNED_IN, HEAD=SIGNED_IN, POST="signin 400 400 400", other="signin 405 405 405"
    ),
    # JSON API
    "api/": Row("/api/", GET=ALL_OK, HEAD=ALL_OK),
    "api/openapi.json": Row("/api/openapi.json", GET=ALL_OK, HEAD=ALL_OK),
    "api/notes": Row("/api/notes", GET="401 ok ok ok", HEAD="401 ok ok ok", POST="401 ok ok ok"),
    "api/notes/<str:note_id>": Row(
        "/api/notes/{note}", GET=API_OWNER, HEAD=API_OWNER, PUT=API_OWNER, PATCH=API_OWNER, DELETE=API_OWNER
    ),
    "api/notes/<str:note_id>/history": Row("/api/notes/{note}/history", GET=API_OWNER, HEAD=API_OWNER),
    "api/notes/<str:note_id>/history/<str:version>/restore": Row("/api/notes/{note}/history/1/restore", POST=API_OWNER),
    "api/trash": Row("/api/trash", GET="401 ok ok ok", HEAD="401 ok ok ok", DELETE="401 ok ok ok"),
    "api/trash/<str:note_id>": Row("/api/trash/{trashed}", DELETE=API_OWNER),
    "api/trash/<str:note_id>/restore": Row("/api/trash/{trashed}/restore", POST=API_OWNER),
    "api/export": Row("/api/export", GET="401 ok ok ok", HEAD="401 ok ok ok"),
    "api/export/notes.json": Row("/api/export/notes.json", GET="401 ok ok ok", HEAD="401 ok ok ok"),
    "api/export/notes.zip": Row("/api/export/notes.zip", GET="401 ok ok ok", HEAD="401 ok ok ok"),
    "api/import": Row("/api/import", POST="401 422 422 422"),
    # A note's fields are no label change: a 422 for anyone signed in (tests/integration/test_api_label_changes.py).
    "api/labels": Row("/api/labels", GET="401 ok ok ok", HEAD="401 ok ok ok"),
    "api/labels/rename": Row("/api/labels/rename", POST="401 422 422 422"),
    "api/labels/delete": Row("/api/labels/delete", POST="401 422 422 422"),
    # Bulk actions: the matrix's form ticks no note, so a signed-in user is sent back with the refusal (pages) or
    # gets a 422 (the API); an undo with no id is a 400 page or a 422.
    "notes/bulk": Row("/notes/bulk", POST="signin 400 400 400", other="signin 405 405 405"),
    "notes/bulk/undo": Row("/notes/bulk/undo", POST="signin 400 400 400", other="signin 405 405 405"),
    "api/notes/bulk": Row("/api/notes/bulk", POST="401 422 422 422"),
    "api/notes/bulk/undo": Row("/api/notes/bulk/undo", POST="401 422 422 422"),
    "api/^(?P<rest>.*)$": Row("/api/no/such/thing", other="404 404 404 404"),
    # Attachments: {attachment} is a ready file of alice's note (an image).
    "notes/<note_id:note_id>/attachments/": Row(
        "/notes/{note}/attachments/", GET=OWNER, HEAD=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/attachments/new": Row(
        "/notes/{note}/attachments/new", POST=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/attachments/<str:attachment_id>": Row(
        "/notes/{note}/attachments/{attachment}", GET=OWNER, HEAD=OWNER, other="signin 405 405 405"
    ),
    "notes/<note_id:note_id>/attachments/<str:attachment_id>/remove": Row(
        "/notes/{note}/attachments/{attachment}/remove", POST=OWNER, other="signin 405 405 405"
    ),
    # A note's fields are no attachment: alice's POST is a 422 (the API's test posts real ones).
    "api/notes/<str:note_id>/attachments": Row(
        "/api/notes/{note}/attachments", GET=API_OWNER, HEAD=API_OWNER, POST="401 422 404 404"
    ),
    "api/notes/<str:note_id>/attachments/<str:attachment_id>": Row(
        "/api/notes/{note}/attachments/{attachment}", GET=API_OWNER, HEAD=API_OWNER, DELETE=API_OWNER
    ),
}


def site_routes() -> dict[str, str]:
    """Every URL pattern of the site, as "route": "name" (the route spelled as the resolver joins it)."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else "(unnamed)"

    return dict(walk(get_resolver().url_patterns, "", ""))


def test_every_route_has_a_row():
    routes = site_routes()
    missing = [
        f'    "{route}": Row("/sample/path", GET="...", other="..."),  # {name}'
        for route, name in routes.items()
        if route not in ROWS
    ]
    assert not missing, (
        "These routes have no row in ROWS (tests/reliability/test_authorization_matrix.py); add what each persona "
        "(anon alice bob admin) gets for each method:\n" + "\n".join(missing)
    )
    stale = sorted(set(ROWS) - set(routes))
    assert not stale, f"These rows of ROWS name no route of the site any more: {stale}"


# --- running the matrix --------------------------------------------------------------------------------


def outcome(response) -> str:
    status = response.status_code
    if 300 <= status < 400 and status != 304:
        return "signin" if response["Location"].startswith("/accounts/signin/") else "ok"
    if 200 <= status < 300 or status == 304:
        return "ok"
    return str(status)


PAGE_FORM = {"title": "from the matrix", "version": "1", "value": "1", "name": "matrix"}
API_BODY = json.dumps({"title": "from the matrix"})


def request(client: Client, method: str, path: str):
    if path.startswith("/api/"):
        # If-Match: * makes every write a valid one for the note's owner, whatever its version by then.
        # A note's fields go to creates and updates; restores take no body (If-Match names the version).
        with_body = method in ("POST", "PUT", "PATCH") and not path.endswith("/restore")
        return client.generic(
            method, path, API_BODY if with_body else b"", content_type="application/json", HTTP_IF_MATCH="*"
        )
    if method == "POST":
        return client.post(path, PAGE_FORM)
    return client.generic(method, path)


@pytest.fixture
def personas(alice, bob, admin, client_for):
    def api(user):
        _, secret = token_create(user=user, name="matrix")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return {
        "page": {"anon": Client(), "alice": client_for(alice), "bob": client_for(bob), "admin": client_for(admin)},
        "api": {"anon": Client(), "alice": api(alice), "bob": api(bob), "admin": api(admin)},
    }


@pytest.fixture
def ready_attachment(bucket):
    """ready_attachment(user, note) -> the id of a checked image attached to the note."""
    from console.aws import s3
    from notes import attachment_services, upload_events
    from tests.attachment_samples import png_bytes
    from tests.integration.attachments_support import s3_event

    def make(user, note) -> str:
        body = png_bytes()
        started = attachment_services.attachment_start(
            user_id=user.id, note_id=note.id, data={"name": "a.png", "content_type": "image/png", "size": len(body)}
        )
        s3.client().put_object(Bucket=s3.bucket_name(), Key=started.fields["key"], Body=body, ContentType="image/png")
        upload_events.handle_upload(s3_event(started.fields["key"]))
        return started.attachment.id

    return make


@pytest.mark.parametrize("route", sorted(ROWS))
def test_each_persona_gets_what_the_table_says(route, alice, personas, ready_attachment):
    row = ROWS[route]
    note = services.note_create(user_id=alice.id, data={"title": "Alice's note", "content": "only hers"})
    wiring.note_repository().add_history(note)  # what the stream handler records; version 1 can be restored
    trashed = services.note_create(user_id=alice.id, data={"title": "Alice's old note", "content": "only hers"})
    services.note_delete(user_id=alice.id, note_id=trashed.id, expected_version=1)
    token, _ = token_create(user=alice, name="to revoke")
    attachment = ready_attachment(alice, note) if "{attachment}" in row.path else ""
    path = row.path.format(
        note=note.id, trashed=trashed.id, token=token.id, request="0123456789abcdef", attachment=attachment
    )
    clients = personas["api" if path.startswith("/api/") else "page"]
    mismatches = []
    for method in METHODS:
        for persona in ("anon", "bob", "admin", "alice"):  # alice last: her writes change the note
            response = request(clients[persona], method, path)
            got, expected = outcome(response), row.expected[method][persona]
            if got != expected:
                mismatches.append(
                    f"{method} {path} as {persona}: expected {expected}, got {got} ({response.status_code})"
                )
            if persona != "alice" and response.status_code < 400:
                content = b"".join(response.streaming_content) if response.streaming else response.content
                assert b"only hers" not in content, (method, path, persona)
    assert not mismatches, "\n".join(mismatches)
