"""Response headers that Django 5.2 doesn't set itself: the Content-Security-Policy, and pages' cache headers.

X-Frame-Options, X-Content-Type-Options and Referrer-Policy come from Django's SecurityMiddleware and
XFrameOptionsMiddleware (configured in settings). The policy allows no inline script or style: templates
use only static files, and base.html turns off htmx's injected indicator <style>.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's DEBUG error pages are built on inline <script>/<style>; leave them readable.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PageCacheMiddleware:
    """Cache headers for HTML pages that set none: a page of someone's notes is never stored (Back and
    Forward then show the notes as they are now, not a starred note unstarred or a deleted one back), an
    anonymous page is revalidated; both vary on HX-Request, as the same URL answers htmx with a fragment.
    Whether someone is signed in is read from the session cookie, so this costs no store read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        patch_vary_headers(response, ("HX-Request",))
        if not response.has_header("Cache-Control"):
            signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
            response["Cache-Control"] = "private, no-store" if signed_in else "no-cache"
        return response
