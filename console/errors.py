"""What a failure looks like, in one place: the site's error handlers (handler400/403/404/500 in
console/urls.py), the store-unavailable answer, the API's JSON error shape and the CSRF failure page.

- Anything under /api/ answers with the API's error shape, {"error": {"code", "message", "fields",
  "reference"}}: API clients never have to parse an HTML page.
- A store failure (StoreUnavailable) has one answer, `store_failure_response`, wherever it is raised: in a view
  (StoreUnavailableMiddleware), in an API handler (notes/api/http.py), outside any view such as saving the
  session (`server_error`, handler500). The API answers 503 "unavailable", 429 "throttled" or 507
  "storage_full"; a page is 503 (507) with the reference; both send Retry-After. A view that keeps what the
  user typed catches StoreUnavailable and answers through `store_failure_keeping_input` with its form, the one
  allowed catch (tests/unit/test_store_failure_answered_once.py checks it).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django_htmx.http import reswap, retarget

from console.aws.errors import StorageFull, StoreUnavailable

log = logging.getLogger(__name__)

STORAGE_FULL_MESSAGE = (
    "This is more than the notes store can keep for you: a note holds up to 100 KB of text, and your account's "
    "notes, history and trash together up to 10 GB. Nothing was changed; shorten the text, or empty the trash."
)
# Seconds a client should wait before retrying: DynamoDB's "slow down", and any other outage.
RETRY_AFTER_THROTTLED = 1
RETRY_AFTER_UNAVAILABLE = 2


def reference_for(request: HttpRequest) -> str:
    """The request's correlation id (set by the request-logging middleware), or a new one."""
    reference = getattr(request, "correlation_id", "") or ""
    if not reference:
        reference = uuid.uuid4().hex
        request.correlation_id = reference
    return reference


class StoreFailure(NamedTuple):  # a named tuple: built at import on every first page, cheaper than a dataclass
    """How a StoreUnavailable is answered: the status, the API's error code and message, and Retry-After."""

    status: int
    code: str
    message: str
    retry_after: int | None


def store_failure(exc: StoreUnavailable, *, api: bool) -> StoreFailure:
    """The one rule. A full store is a 507 (retrying won't help); DynamoDB's "slow down" is the API's 429 (so
    clients back off) and a page's 503 (a person did not send too many requests); anything else is a 503."""
    if isinstance(exc, StorageFull):
        return StoreFailure(507, "storage_full", STORAGE_FULL_MESSAGE, None)
    if exc.throttled:
        status = 429 if api else 503
        return StoreFailure(status, "throttled", "Too many requests right now; retry shortly.", RETRY_AFTER_THROTTLED)
    return StoreFailure(503, "unavailable", "The notes store is unavailable; retry shortly.", RETRY_AFTER_UNAVAILABLE)


def store_failure_response(request: HttpRequest, exc: StoreUnavailable) -> HttpResponse:
    """The answer to a store failure that no view answered (StoreUnavailableMiddleware, handler500, the API's
    handlers): the API's JSON error under /api/, else the page set by `answer_outages_with` (an htmx request
    gets its fragment) or templates/503.html, each with the reference and Retry-After."""
    if is_api_request(request):
        failure = _logged(request, exc, api=True)
        response = json_error(request, failure.status, code=failure.code, message=failure.message)
        return _with_retry_after(response, failure)
    page, fragment = getattr(request, _OUTAGE_TEMPLATES, ("503.html", None))
    if fragment and getattr(request, "htmx", False):
        response = store_failure_keeping_input(request, exc, template=fragment[0], context={"flash_error": True})
        return reswap(retarget(response, fragment[1]), "innerHTML")
    return store_failure_keeping_input(request, exc, template=page)


def store_failure_keeping_input(
    request: HttpRequest,
    exc: StoreUnavailable,
    *,
    template: str = "503.html",
    context: dict[str, Any] | None = None,
    form: Callable[[dict[str, Any], int], HttpResponse] | None = None,
) -> HttpResponse:
    """The one way a view answers a store failure itself: to show again what the user typed. `template` is
    rendered with `context` plus the failure's (`store_unavailable`, which makes base.html skip the account
    area, `reference`, `storage_full`), or `form(failure_context, status)` renders it."""
    failure = _logged(request, exc, api=False)
    extra = {"store_unavailable": True, "reference": reference_for(request)}
    if isinstance(exc, StorageFull):
        extra["storage_full"] = STORAGE_FULL_MESSAGE
    if form is not None:
        response = form(extra, failure.status)
    else:
        response = render(request, template, {**(context or {}), **extra}, status=failure.status)
    return _with_retry_after(response, failure)


_OUTAGE_TEMPLATES = "outage_templates"


def answer_outages_with(request: HttpRequest, *, page: str, htmx_fragment: tuple[str, str] | None = None) -> None:
    """For the rest of this request, a store failure is answered with `page`, or for htmx with the fragment
    template `htmx_fragment[0]` swapped into the element `htmx_fragment[1]` (e.g. the notes' flash region)."""
    setattr(request, _OUTAGE_TEMPLATES, (page, htmx_fragment))


def _logged(request: HttpRequest, exc: StoreUnavailable, *, api: bool) -> StoreFailure:
    log.warning(
        "store unavailable (%s) on %s %s, reference %s: %s",
        exc.code or type(exc).__name__,
        request.method,
        request.path,
        reference_for(request),
        exc,
    )
    return store_failure(exc, api=api)


def _with_retry_after(response: HttpResponse, failure: StoreFailure) -> HttpResponse:
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    return response


class StoreUnavailableMiddleware:
    """Answers a StoreUnavailable raised by a view (store_failure_response). Put it last in MIDDLEWARE so it sees
    the view's exception first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StoreUnavailable):
            return store_failure_response(request, exception)
        return None


class SiteNotFoundMiddleware:
    """Under DEBUG (`make run`), a missing page is still the site's own 404, not Django's debug page listing
    every URL pattern; DJANGO_DEBUG_404=1 brings that page back. Without DEBUG, Django does this itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _ours(self) -> bool:
        return settings.DEBUG and not settings.DEBUG_404_DETAILS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._ours():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                return page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and self._ours():
            return page_not_found(request, exception)
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
    if isinstance(exc, StoreUnavailable):
        return store_failure_response(request, exc)
    if is_api_request(request):
        return json_error(request, 500, code="internal_error", message="Something went wrong on our side.")
    # No context processors or template inheritance that could fail a second time.
    from django.template import loader

    try:
        body = loader.get_template("500.html").render({"reference": reference_for(request)})
    except Exception:  # noqa: BLE001 - the last resort must not raise
        body = "<h1>Server error</h1>"
    return HttpResponse(body, status=500)
