"""What a page shows when the store is down or a form's CSRF token is stale.

`StoreUnavailableMiddleware` turns a `StoreUnavailable` raised by any view (or by the lazy session load
inside one) into a 503 page with a reference id. A view that wants to keep what the user typed catches
`StoreUnavailable` itself and calls `store_unavailable_response` with its own form template; the
`store_unavailable` context flag makes base.html skip the account area, which would read the session.
`server_error` (handler500) covers a StoreUnavailable raised outside any view.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from console.dynamodb import StorageFull, StoreUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
STORAGE_FULL_MESSAGE = (
    "This is more than the notes store can keep for you: a note holds up to 100 KB of text, and your account's "
    "notes, history and trash together up to 10 GB. Nothing was changed; shorten the text, or empty the trash."
)


def store_error_status(exc: StoreUnavailable) -> int:
    """507 when DynamoDB will not store this much (retrying won't help), else 503."""
    return 507 if isinstance(exc, StorageFull) else 503


def store_error_context(exc: StoreUnavailable) -> dict[str, Any]:
    """What the unavailable notices need to tell a full store from an outage."""
    return {"storage_full": STORAGE_FULL_MESSAGE} if isinstance(exc, StorageFull) else {}


def reference_for(request: HttpRequest) -> str:
    """The request's correlation id (set by the request-logging middleware), or a new one."""
    reference = getattr(request, "correlation_id", "") or ""
    if not reference:
        reference = uuid.uuid4().hex
        request.correlation_id = reference
    return reference


def store_unavailable_response(
    request: HttpRequest,
    exc: StoreUnavailable,
    *,
    template: str = "503.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    reference = reference_for(request)
    log.warning("store unavailable (%s) on %s %s, reference %s", exc.code or exc, request.method, request.path, reference)
    context = {**(context or {}), **store_error_context(exc), "store_unavailable": True, "reference": reference}
    status = store_error_status(exc)
    response = render(request, template, context, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StoreUnavailableMiddleware:
    """Maps StoreUnavailable from HTML views to templates/503.html. Put it last in MIDDLEWARE so it sees the
    view's exception first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StoreUnavailable):
            return store_unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a StoreUnavailable that escaped the views (raised by a middleware, e.g. while saving the
    session on the way out) is still a 503 with a reference, not a bare 500. Called inside Django's except
    block, so the exception is in sys.exc_info()."""
    exc = sys.exc_info()[1]
    if isinstance(exc, StoreUnavailable):
        return store_unavailable_response(request, exc)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a plain explanation instead of Django's page (which relies on inline styles)."""
    log.info("CSRF check failed on %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
