"""A DynamoDB that answers in 30 s still gets the user the app's own 503, before Lambda's timeout.

Through Zappa's real handler, with a Lambda context whose remaining time runs out for real, in front of
moto's server behind a proxy that holds chosen operations (tests/slow_endpoint.py). Each test measures how
long before the Lambda deadline the answer came: the margin must be at least a second.
"""

from __future__ import annotations

import html
import re
import time
import uuid

import pytest

from console.aws import dynamodb
from tests.slow_endpoint import SlowEndpoint

PASSWORD = "correct horse battery staple"
REFERENCE = re.compile(r"Reference: <code>([0-9a-f-]{32,36})</code>")
SLOW = 30.0
MARGINS: list[tuple[str, float]] = []  # (what, seconds before the Lambda deadline): the figures of the report


class ShortLambdaContext:
    """Lambda's context with `seconds` left when the invocation starts, counting down on the clock."""

    function_name = "notes-console-dev"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notes-console-dev"

    def __init__(self, seconds: float) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.ends_at = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.ends_at - time.monotonic()) * 1000))


@pytest.fixture
def slow_dynamodb(moto_server, settings):
    proxy = SlowEndpoint(moto_server)
    settings.DYNAMODB_ENDPOINT_URL = proxy.url
    settings.DYNAMODB_TABLE = f"deadline-{uuid.uuid4().hex[:8]}"
    dynamodb.reset_client()
    dynamodb.create_table()
    yield proxy
    proxy.close()
    dynamodb.reset_client()


@pytest.fixture
def app(slow_dynamodb, lambda_runtime_factory, settings, monkeypatch):
    from accounts.services import user_create

    with lambda_runtime_factory(settings, monkeypatch) as gateway:
        settings.DYNAMODB_ENDPOINT_URL = slow_dynamodb.url  # Lambda's settings have none
        user_create(username="dora", password=PASSWORD)
        assert gateway.sign_in("dora", PASSWORD).status == 302
        yield gateway


def timed(app, seconds: float, send):
    """Send one request with `seconds` of Lambda time left; returns the response and the margin it left."""
    from zappa.handler import lambda_handler

    context = ShortLambdaContext(seconds)
    app.invoke = lambda event: lambda_handler(event, context)
    response = send()
    return response, context.ends_at - time.monotonic()


def record(what: str, margin: float) -> None:
    MARGINS.append((what, round(margin, 2)))
    print(f"deadline margin {what}: {margin:.2f} s before Lambda's timeout")


@pytest.mark.slow
@pytest.mark.parametrize("seconds", [6.0, 12.0])
def test_a_page_is_the_apps_503_with_a_reference_before_the_deadline(app, slow_dynamodb, seconds):
    slow_dynamodb.delays["*"] = SLOW

    page, margin = timed(app, seconds, lambda: app.get("/dev/notes/"))

    record(f"page, {seconds:.0f} s left", margin)
    assert page.status == 503
    assert "Temporarily unavailable" in page.text and REFERENCE.search(page.text)
    assert page.header("Retry-After")
    assert margin >= 1.0


@pytest.mark.slow
def test_a_new_note_keeps_the_typed_text_when_the_write_is_slow(app, slow_dynamodb):
    token = app.csrf_token("/dev/notes/new")
    slow_dynamodb.delays["PutItem"] = SLOW
    data = {
        "title": "Typed under pressure",
        "content": "words I must not lose",
        "client_token": "b" * 32,
        "csrfmiddlewaretoken": token,
    }

    page, margin = timed(app, 8.0, lambda: app.post("/dev/notes/new", form=data))

    record("new note form, 8 s left", margin)
    assert page.status == 503
    assert "Your note was not saved" in page.text and REFERENCE.search(page.text)
    assert html.escape(data["content"]) in page.text and 'value="' + "b" * 32 + '"' in page.text
    assert margin >= 1.0
    # Nothing lost: once the store answers again, the kept form saves the note, once.
    slow_dynamodb.delays.clear()
    app.invoke = type(app).invoke.__get__(app)
    assert app.post("/dev/notes/new", form=data).status in (302, 303)
    from accounts.services import user_authenticate
    from notes import services

    dora = user_authenticate(username="dora", password=PASSWORD)
    assert [n.title for n in services.note_list(user_id=dora.id).notes] == ["Typed under pressure"]


@pytest.mark.slow
@pytest.mark.parametrize("seconds", [6.0, 12.0])
def test_the_api_answers_its_json_503_before_the_deadline(app, slow_dynamodb, seconds):
    from accounts.services import token_create, user_authenticate

    _, secret = token_create(user=user_authenticate(username="dora", password=PASSWORD), name="script")
    slow_dynamodb.delays["*"] = SLOW

    response, margin = timed(
        app,
        seconds,
        lambda: app.post(
            "/dev/api/notes", json_body={"title": "from a script"}, headers={"Authorization": f"Bearer {secret}"}
        ),
    )

    record(f"API, {seconds:.0f} s left", margin)
    assert response.status == 503
    error = response.json()["error"]
    assert error["code"] == "unavailable" and error["reference"]
    assert margin >= 1.0


@pytest.mark.slow
def test_a_retry_that_would_pass_the_deadline_is_not_made(app, slow_dynamodb):
    slow_dynamodb.delays["*"] = SLOW
    before = len(slow_dynamodb.seen)

    page, margin = timed(app, 6.0, lambda: app.get("/dev/notes/"))

    assert page.status == 503 and margin >= 1.0
    # 6 s less the 1.5 s reserve leave one attempt (2 s of connect budget + a cut read), not the three
    # attempts of 5 s that botocore would make.
    assert slow_dynamodb.seen[before:] == ["GetItem"]


def test_with_a_healthy_store_the_deadline_changes_nothing(app, slow_dynamodb):
    page, margin = timed(app, 6.0, lambda: app.get("/dev/notes/"))

    assert page.status == 200
    assert margin > 5.0
