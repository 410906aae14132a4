"""What a failure looks like, in one place: the site's error handlers (handler400/403/404/500 in
console/urls.py), the store-unavailable answer, the API's JSON error shape and the CSRF failure page.

- Anything under /api/ answers with the API's error shape, {"error": {"code", "message", "fields",
  "reference"}}: API clients never have to parse an HTML page.
- `StoreUnavailableMiddleware` turns a `StoreUnavailable` raised by any view (or by the lazy session load
  inside one) into a 503 page with a reference id. A view that wants to keep what the user typed catches
  `StoreUnavailable` itself and calls `store_unavailable_response` with its own form template; the
  `store_unavailable` context flag makes base.html skip the account area, which would read the session.
- `server_error` (handler500) covers a StoreUnavailable raised outside any view.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from console.aws.errors import StorageFull, StoreUnavailable

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
    log.warning(
        "store unavailable (%s) on %s %s, reference %s", exc.code or exc, request.method, request.path, reference
    )
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a plain explanation instead of Django's page (which relies on inline styles)."""
    log.info("CSRF check failed on %s %s: %s", request.method, request.path, reason)
    if is_api_request(request):
        return json_error(
            request,
            403,
            code="csrf_failed",
            message="A request signed in with the session cookie needs the CSRF token; API clients send a token "
            "in the Authorization header instead.",
        )
    return render(request, "403_csrf.html", status=403)


# --- the site's error handlers: JSON under /api/, HTML elsewhere ----------------------------------------

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    path = request.path_info or ""
    return path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)


def error_body(request: HttpRequest, *, code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, "reference": reference_for(request)}}


def json_error(
    request: HttpRequest,
    status: int,
    *,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict | None = None,
) -> JsonResponse:
    body = error_body(request, code=code, message=message, fields=fields)
    if extra:
        body["error"].update(extra)
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, {"reference": reference_for(request)}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE: say so, as a 413
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:.1f} MB"
        message = f"What you sent is larger than this site accepts ({limit}); a note holds up to 100 KB of text."
        if is_api_request(request):
            return json_error(request, 413, code="body_too_large", message=message)
        return render(request, "400.html", {"reference": reference_for(request), "message": message}, status=413)
    if is_api_request(request):
        return json_error(request, 400, code="bad_request", message="The request could not be understood.")
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error(request, 403, code="forbidden", message="You may not do this.")
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error(request, 404, code="not_found", message="There is no such API resource.")
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called inside Django's except block: a StoreUnavailable that escaped the views (raised by a
    # middleware, e.g. loading or saving the session) is a 503 with a reference, not a bare 500.
    exc = sys.exc_info()[1]
    if is_api_request(request):
        if isinstance(exc, StorageFull):
            return json_error(request, 507, code="storage_full", message=STORAGE_FULL_MESSAGE)
        if isinstance(exc, StoreUnavailable):
            response = json_error(
                request, 503, code="store_unavailable", message="The notes store is unavailable; try again shortly."
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return json_error(request, 500, code="internal_error", message="Something went wrong on our side.")
    if isinstance(exc, StoreUnavailable):
        return store_unavailable_response(request, exc)
    # No context processors or template inheritance that could fail a second time.
    from django.template import loader

    try:
        body = loader.get_template("500.html").render({"reference": reference_for(request)})
    except Exception:  # noqa: BLE001 - the last resort must not raise
        body = "<h1>Server error</h1>"
    return HttpResponse(body, status=500)
