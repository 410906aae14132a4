"""Site-wide error handlers (handler400/403/404/500 in console/urls.py): JSON under /api/, HTML elsewhere.

API clients must never have to parse an HTML page, so anything under /api/ answers with the API's error
shape: {"error": {"code", "message", "fields", "reference"}}.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from console.dynamodb import StorageFull, StoreUnavailable
from console.errors import RETRY_AFTER_SECONDS, STORAGE_FULL_MESSAGE, reference_for, store_unavailable_response

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    path = request.path_info or ""
    return path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)


# The correlation id of the request (set by the request-logging middleware), or a new one.
request_reference = reference_for


def error_body(request: HttpRequest, *, code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, "reference": request_reference(request)}}


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
    return render(request, template, {"reference": request_reference(request)}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE: say so, as a 413
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:.1f} MB"
        message = f"What you sent is larger than this site accepts ({limit}); a note holds up to 100 KB of text."
        if is_api_request(request):
            return json_error(request, 413, code="body_too_large", message=message)
        return render(request, "400.html", {"reference": request_reference(request), "message": message}, status=413)
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
        body = loader.get_template("500.html").render({"reference": request_reference(request)})
    except Exception:  # noqa: BLE001 - the last resort must not raise
        body = "<h1>Server error</h1>"
    return HttpResponse(body, status=500)
