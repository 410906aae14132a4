"""Response headers that Django 5.2 doesn't set itself: the Content-Security-Policy.

X-Frame-Options, X-Content-Type-Options and Referrer-Policy come from Django's SecurityMiddleware and
XFrameOptionsMiddleware (configured in settings). The policy allows no inline script or style: templates
use only static files, and base.html turns off htmx's injected indicator <style>.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
