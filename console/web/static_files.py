"""Static file URLs that follow the request's stage prefix.

Zappa sets SCRIPT_NAME to /<stage> for requests on an execute-api host and to "" on a custom domain,
and Django keeps it as the script prefix of the request being served. `{% url %}` follows it, but
STATIC_URL is read once per process, so `{% static %}` would not: this storage prefixes static URLs
with the current script prefix instead, so one deployed stage is right on both kinds of host.
WhiteNoise needs nothing: it matches PATH_INFO, which never includes the stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.files.storage import FileSystemStorage
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
