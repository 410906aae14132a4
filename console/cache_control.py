"""Cache headers of the site's HTML pages, in one place.

A signed-in page shows the user's own notes or the function's health: no shared cache may keep it, and the
browser must not show it again from its cache (Back after signing out on a shared computer), so it is sent
`Cache-Control: private, no-store` unless the view chose its own; an anonymous page `no-cache` (revalidated).
Every HTML answer also varies on
`HX-Request`: a URL answers a whole page to a browser and a fragment to htmx, and a cache (the browser's own,
for Back/Forward) must never give one for the other. JSON answers are the API's business (notes/api/http.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

SIGNED_IN_CACHE_CONTROL = {"private": True, "no_store": True}


class CacheControlMiddleware:
    """Goes after the authentication middleware (it reads request.user) and before the store-unavailable one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        patch_vary_headers(response, ["HX-Request"])
        if not response.has_header("Cache-Control"):
            if _signed_in(request):
                patch_cache_control(response, **SIGNED_IN_CACHE_CONTROL)
            else:
                patch_cache_control(response, no_cache=True)  # anonymous pages: revalidated, never stale
        return response


def _signed_in(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None or not session.accessed:
        return False  # the page never looked at the session, so it shows nothing of a user
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        # Not loaded (or its load failed: a 503): never read the store again just for a header.
        return session.session_key is not None
    return bool(getattr(user, "is_authenticated", False))
