"""The request type of views that read `request.htmx`, as django-htmx's documentation types it: an HttpRequest
that HtmxMiddleware (console/settings.py) has given its HtmxDetails, so the type checker and the reader both know
the attribute is there."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
