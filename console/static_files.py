"""Static file URLs that follow the request's stage prefix.

Zappa sets SCRIPT_NAME to /<stage> for requests on an execute-api host and to "" on a custom domain,
and Django keeps it as the script prefix of the request being served. `{% url %}` follows it, but
STATIC_URL is read once per process, so `{% static %}` would not: this storage prefixes static URLs
with the current script prefix instead, so one deployed stage is right on both kinds of host.
WhiteNoise needs nothing: it matches PATH_INFO, which never includes the stage.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
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
