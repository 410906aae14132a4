"""The address of the client that sent a request, as far as it can be trusted.

Locally (runserver) REMOTE_ADDR is the socket's peer. On Lambda, Zappa derives REMOTE_ADDR from
X-Forwarded-For, whose leading entries the client writes itself (a regional API Gateway only appends the
real address), so the address comes from the API Gateway event Zappa keeps in the environ
(`requestContext.identity.sourceIp` for REST APIs and payload v1, `requestContext.http.sourceIp` for v2).
A request header can't forge that: headers only reach the environ as HTTP_* keys.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

UNKNOWN = "unknown"


def _valid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _event_source_ip(event: object) -> str | None:
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    if not isinstance(context, dict):
        return None
    for part in ("identity", "http"):
        section = context.get(part)
        if isinstance(section, dict):
            found = _valid(section.get("sourceIp"))
            if found:
                return found
    return None


def client_address(request: HttpRequest) -> str:
    return _event_source_ip(request.META.get("lambda.event")) or _valid(request.META.get("REMOTE_ADDR")) or UNKNOWN
