"""Django's SessionMiddleware, with the session store made when a request first uses its session.

Django imports the session engine when it builds the middleware and makes a store for every request; ours
(accounts/sessions.py) brings the DynamoDB plumbing with it. A visitor without a session cookie needs none of
it to see the home page or the sign-in form: accounts/auth.py answers "anonymous" for them without opening the
session. Measured with bench_cold_start under callgrind: the anonymous `GET /` cold start 1,256.4 -> 1,249.3 M
instructions (the same package with Django's SessionMiddleware put back).

A request without a session cookie whose session was never opened gets exactly what Django's middleware gives
it (Vary: Cookie when its user was looked at, nothing else); every other request goes through Django's own
process_response.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject, cached_property, empty

# Set on a request whose user was found anonymous from the missing cookie alone (accounts/auth.py).
USER_FROM_MISSING_COOKIE = "_user_from_missing_session_cookie"


def session_opened(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and not (isinstance(session, SimpleLazyObject) and session._wrapped is empty)


def has_session_cookie(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class SessionMiddleware(DjangoSessionMiddleware):
    def __init__(self, get_response) -> None:
        MiddlewareMixin.__init__(self, get_response)  # not Django's __init__, which imports the engine

    @cached_property
    def SessionStore(self):  # noqa: N802 (Django's attribute name)
        return import_module(settings.SESSION_ENGINE).SessionStore

    def process_request(self, request: HttpRequest) -> None:
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        request.session = SimpleLazyObject(lambda: self.SessionStore(session_key))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if hasattr(request, "session") and not session_opened(request) and not has_session_cookie(request):
            # Django's answer for an empty, unmodified session without a cookie: Vary: Cookie if it was read.
            if getattr(request, USER_FROM_MISSING_COOKIE, False):
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
