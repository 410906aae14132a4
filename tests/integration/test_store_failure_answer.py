"""A store failure has one answer (console/errors.py), wherever it is raised: inside a view or an API handler,
or outside any view (a middleware, e.g. saving the session, which Django hands to handler500). The API answers
the same JSON error, status and Retry-After both ways; pages are 503 (507 when full) with the reference and
Retry-After both ways."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.services import token_create
from console.aws.errors import StorageFull, StoreUnavailable
from notes import services

REFERENCE = re.compile(r"Reference: <code>([0-9a-f]{32})</code>")

# (the exception, the API's status and code, a page's status, Retry-After)
CASES = [
    (StoreUnavailable("down", code="EndpointConnectionError"), 503, "unavailable", 503, "2"),
    (StoreUnavailable("slow down", code="ProvisionedThroughputExceededException"), 429, "throttled", 503, "1"),
    (StorageFull("full", code="ItemCollectionSizeLimitExceededException"), 507, "storage_full", 507, None),
]
IDS = ["outage", "throttled", "full"]


class FailAfterTheView:
    """Raises `failure` once the view has answered, as saving the session would (installed in MIDDLEWARE)."""

    failure: Exception | None = None

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if FailAfterTheView.failure is not None:
            raise FailAfterTheView.failure
        return response


@pytest.fixture
def fail_outside_views(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(1, f"{__name__}.FailAfterTheView")  # after the request log, which sets the reference
    settings.MIDDLEWARE = middleware

    def fail(exc: Exception) -> None:
        FailAfterTheView.failure = exc

    yield fail
    FailAfterTheView.failure = None


def fail_inside_views(monkeypatch, exc: Exception) -> None:
    def down(**kwargs):
        raise exc

    monkeypatch.setattr(services, "note_list", down)


def api_answer(response) -> tuple:
    assert response["Content-Type"] == "application/json", response.content
    error = response.json()["error"]
    assert error["reference"] == response["X-Correlation-Id"]
    return response.status_code, error["code"], error["message"], response.get("Retry-After")


@pytest.mark.parametrize(("exc", "status", "code", "page_status", "retry_after"), CASES, ids=IDS)
def test_the_api_answers_a_store_failure_alike_inside_and_outside_its_handlers(
    alice, monkeypatch, fail_outside_views, exc, status, code, page_status, retry_after
):
    _, secret = token_create(user=alice, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)
    with monkeypatch.context() as patched:
        fail_inside_views(patched, exc)
        inside = api_answer(client.get("/api/notes"))
    fail_outside_views(exc)
    outside = api_answer(client.get("/api/notes"))
    assert inside == outside
    assert inside[:2] == (status, code) and inside[3] == retry_after


@pytest.mark.parametrize(("exc", "status", "code", "page_status", "retry_after"), CASES, ids=IDS)
def test_a_page_answers_a_store_failure_with_its_reference_and_retry_after_both_ways(
    alice, client_for, monkeypatch, fail_outside_views, exc, status, code, page_status, retry_after
):
    client = client_for(alice)
    client.raise_request_exception = False
    with monkeypatch.context() as patched:
        fail_inside_views(patched, exc)
        inside = client.get("/notes/")
    fail_outside_views(exc)
    outside = client.get("/notes/")
    for response in (inside, outside):
        assert response.status_code == page_status
        assert response["Content-Type"].startswith("text/html")
        assert response.get("Retry-After") == retry_after
        assert REFERENCE.search(response.content.decode()).group(1) == response["X-Correlation-Id"]
