"""The JSON API's HTTP layer: one endpoint per resource dispatching on the method, authentication (a
personal API token, or the browser session with CSRF), and every failure as a JSON error.

Error shape, everywhere under /api/: {"error": {"code", "message", "fields", "reference"}}, where
`reference` is the request's correlation id (the one in the logs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from accounts.services import token_authenticate, user_current_for_token
from accounts.users import User
from console.aws.errors import StoreUnavailable
from console.errors import json_error, reference_for, store_failure_response
from console.web.lambda_http import drop_body
from notes.api.input import RequestProblem
from notes.domain import InvalidCursor, NoteNotFound, ValidationError
from notes.idempotency import IdempotencyKeyReused

log = logging.getLogger(__name__)

Handler = Callable[..., HttpResponse]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Private to the user; a client may keep a copy but must revalidate it (ETag / If-None-Match).
CACHE_CONTROL = "private, no-cache"


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check (Origin/Referer and token), answering with the reason instead of a page."""

    def _reject(self, request: HttpRequest, reason: str) -> Any:  # type: ignore[override]
        return reason


def _csrf_protected_view(request: HttpRequest) -> HttpResponse:  # only its lack of `csrf_exempt` matters
    raise NotImplementedError


def csrf_failure_reason(request: HttpRequest) -> str | None:
    return _CsrfCheck(lambda r: HttpResponse()).process_view(request, _csrf_protected_view, (), {})


def unauthorized(code: str, message: str, *, error: str | None = None) -> RequestProblem:
    challenge = 'Bearer realm="notes"' + (f', error="{error}"' if error else "")
    return RequestProblem(401, code, message, headers={"WWW-Authenticate": challenge})


def authenticate(request: HttpRequest) -> None:
    """Set request.user from `Authorization: Bearer <token>`, else from the session (checking CSRF on
    unsafe methods: a cookie is sent by the browser whoever asks it to, a token is not)."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise unauthorized(
                "invalid_token",
                "Send a personal API token as `Authorization: Bearer <token>`.",
                error="invalid_request",
            )
        owner = token_authenticate(secret=credentials.strip())
        if owner is None:
            raise unauthorized("invalid_token", "The API token is unknown or was revoked.", error="invalid_token")
        # The token carries its owner's name and admin flag: the stored profile decides (a deleted account's
        # token, or one made before the last password change, stops working), one read per request.
        account = user_current_for_token(owner=owner)
        if account is None:
            raise unauthorized(
                "invalid_token", "The API token was revoked, or its account no longer exists.", error="invalid_token"
            )
        request.user = User(id=account.id, username=account.username, is_admin=account.is_admin)
        request.auth_method = "token"
        return
    if not request.user.is_authenticated:
        raise unauthorized(
            "not_authenticated", "Sign in, or send a personal API token as `Authorization: Bearer <token>`."
        )
    request.auth_method = "session"
    if request.method not in SAFE_METHODS:
        reason = csrf_failure_reason(request)
        if reason:
            raise RequestProblem(
                403,
                "csrf_failed",
                f"CSRF check failed ({reason}). Session-authenticated requests that change data need the "
                "X-CSRFToken header; scripts should use an API token instead.",
            )


def _check_declared_size(request: HttpRequest, limit: int | None = None) -> None:
    """413 before anything reads the body (CSRF checking may parse a form body)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise RequestProblem(400, "bad_request", "Content-Length is not a number.") from None
    limit = settings.API_MAX_BODY_BYTES if limit is None else limit
    if length > limit:
        raise RequestProblem(
            413, "body_too_large", f"The request body is {length:,} bytes; the limit is {limit:,} bytes."
        )


def allow_header(methods: list[str]) -> str:
    allowed: list[str] = []
    for method in methods:
        allowed += [method, "HEAD"] if method == "GET" else [method]
    return ", ".join([*allowed, "OPTIONS"])


def method_not_allowed(request: HttpRequest, methods: list[str]) -> HttpResponse:
    allow = allow_header(methods)
    return json_error(
        request,
        405,
        code="method_not_allowed",
        message=f"{request.method} is not allowed here; use {allow}.",
        headers={"Allow": allow},
    )


def options_response(methods: list[str]) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = allow_header(methods)
    return response


def problem_response(request: HttpRequest, problem: RequestProblem) -> HttpResponse:
    return json_error(
        request,
        problem.status,
        code=problem.code,
        message=problem.message,
        fields=problem.fields,
        headers=problem.headers,
        extra=problem.extra,
    )


def error_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Map what a handler or service raised to its JSON error."""
    if isinstance(exc, RequestProblem):
        return problem_response(request, exc)
    if isinstance(exc, NoteNotFound):
        return json_error(request, 404, code="not_found", message="There is no such note.")
    if isinstance(exc, ValidationError):
        return json_error(
            request, 422, code="validation_failed", message="The note is not valid; see fields.", fields=exc.errors
        )
    if isinstance(exc, InvalidCursor):
        return json_error(request, 400, code="invalid_parameter", message=str(exc), fields={"cursor": str(exc)})
    if isinstance(exc, IdempotencyKeyReused):
        return json_error(
            request, 422, code="idempotency_key_reused", message=str(exc), fields={"Idempotency-Key": "reused"}
        )
    if isinstance(exc, RequestDataTooBig):
        return json_error(request, 413, code="body_too_large", message="The request body is too large.")
    if isinstance(exc, SuspiciousOperation):
        return json_error(request, 400, code="bad_request", message="The request could not be understood.")
    if isinstance(exc, StoreUnavailable):
        return store_failure_response(request, exc)
    log.exception("api error reference=%s", reference_for(request), exc_info=exc)
    return json_error(request, 500, code="internal_error", message="Something went wrong on our side.")


def api_endpoint(handlers: dict[str, Handler], *, max_body_bytes: int | None = None) -> Callable[..., HttpResponse]:
    """A view serving one resource: `handlers` maps methods to functions taking (request, **url_kwargs).
    Every request is authenticated; HEAD runs GET without its body; OPTIONS answers with Allow.
    A body may be up to `max_body_bytes` (default API_MAX_BODY_BYTES)."""
    methods = list(handlers)

    @csrf_exempt  # checked in authenticate(), and only for session-authenticated requests
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        reference_for(request)
        if request.method == "OPTIONS":
            return options_response(methods)
        handler = handlers.get("GET" if request.method == "HEAD" else request.method or "")
        if handler is None:
            return method_not_allowed(request, methods)
        try:
            if request.method not in SAFE_METHODS:
                _check_declared_size(request, max_body_bytes)
            authenticate(request)
            response = handler(request, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error with a reference
            response = error_response(request, exc)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = CACHE_CONTROL
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if request.method == "HEAD":
            drop_body(response)
        return response

    view.api_methods = methods  # type: ignore[attr-defined]
    return view


def public_endpoint(handler: Handler) -> Callable[..., HttpResponse]:
    """A GET-only view that needs no sign-in (the OpenAPI document, the API's page)."""

    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return options_response(["GET"])
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(request, ["GET"])
        try:
            response = handler(request, **kwargs)
        except Exception as exc:  # noqa: BLE001
            response = error_response(request, exc)
        if request.method == "HEAD":
            drop_body(response)
        return response

    view.csrf_exempt = True  # GET only and signed-in or not alike: nothing for CSRF to protect (urls.py says more)
    return view
