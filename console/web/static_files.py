"""Static file URLs that follow the request's stage prefix.

Zappa sets SCRIPT_NAME to /<stage> for requests on an execute-api host and to "" on a custom domain,
and Django keeps it as the script prefix of the request being served. `{% url %}` follows it, but
STATIC_URL is read once per process, so `{% static %}` would not: this storage prefixes static URLs
with the current script prefix instead, so one deployed stage is right on both kinds of host.
WhiteNoise needs nothing: it matches PATH_INFO, which never includes the stage. It is built on the first
request for a static file (StaticFilesMiddleware), not at every cold start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix


class StagePrefixedStaticFilesStorage(StaticFilesStorage):
    def url(self, name: str | None) -> str:
        url = super().url(name)
        prefix = get_script_prefix().rstrip("/")
        # Only site-relative URLs (not //cdn...), and not twice (STATIC_URL may carry FORCE_SCRIPT_NAME).
        site_relative = url.startswith("/") and not url.startswith("//")
        if prefix and site_relative and not url.startswith(f"{prefix}/"):
            return f"{prefix}{url}"
        return url


class HtmxFinder(BaseFinder):
    """django-htmx's static folder holds 39 files (htmx in every build, its extensions, a debug script); the
    site uses one, htmx-2.min.js (base.html). WhiteNoise reads every file the finders list at each cold start
    (WHITENOISE_USE_FINDERS), so this finder lists that one file instead of the whole app folder
    (STATICFILES_FINDERS in settings, instead of AppDirectoriesFinder)."""

    FILES = ("django_htmx/htmx-2.min.js",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        import django_htmx

        self.storage = FileSystemStorage(location=Path(django_htmx.__file__).parent / "static")
        self.storage.prefix = ""

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        found = self.storage.path(path) if path in self.FILES and self.storage.exists(path) else None
        if find_all:
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        for path in self.FILES:
            if self.storage.exists(path):
                yield path, self.storage


def static_prefix() -> str:
    """The path under which WhiteNoise serves files: its own rule (WhiteNoiseMiddleware.__init__), which a test
    holds to WhiteNoise's answer."""
    prefix = getattr(settings, "WHITENOISE_STATIC_PREFIX", None)
    if prefix is None:
        prefix = urlparse(settings.STATIC_URL or "").path
        script_name = (settings.FORCE_SCRIPT_NAME or "").rstrip("/")
        if script_name and prefix.startswith(script_name):
            prefix = prefix[len(script_name) :]
    return "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


class StaticFilesMiddleware:
    """WhiteNoise, built on the first request for a static file.

    WhiteNoiseMiddleware reads every file the finders list, and imports its own modules, when it is
    constructed, which Django does at every cold start: 13 M instructions of the anonymous `GET /` cold start
    (bench/bench_cold_start.py under callgrind), for a page that serves no static file (the browser fetches
    those later, mostly from its cache). Every other request passes straight on; WhiteNoise would find nothing
    for a path outside its prefix (no WHITENOISE_ROOT here, which would serve from the site's root).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = static_prefix()
        self.whitenoise: Callable[[HttpRequest], HttpResponse] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        if self.whitenoise is None:
            from whitenoise.middleware import WhiteNoiseMiddleware

            self.whitenoise = WhiteNoiseMiddleware(self.get_response)
        return self.whitenoise(request)
