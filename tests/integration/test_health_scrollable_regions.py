"""Every region of the console that scrolls sideways on a phone (a wide table, the facts of an error) can be
reached and scrolled from the keyboard, and says what it holds (axe: scrollable-region-focusable)."""

from __future__ import annotations

import re

import pytest

from tests import health_console

fresh_buffers = health_console.fresh_buffers

SCROLLING = re.compile(r'<(?:div|dl|pre)\b[^>]*class="(?:table-wrap|issue-facts)[^"]*"[^>]*>')
PAGES = [
    "/console/?range=1h",
    "/console/configuration/",
    "/console/invocations/?range=1h",
    "/console/logs/",
    "/console/triggers/",
    "/console/triggers/streams/?range=1h",
    "/console/alarms/",
    "/console/deploys/",
    "/console/errors/?range=1h",
    "/console/routes/?range=1h",
    "/console/requests/axe-01/",
]


@pytest.mark.parametrize("path", PAGES)
def test_scrollable_regions_are_focusable_and_named(client, client_for, admin, path):
    client.get("/healthz", HTTP_X_CORRELATION_ID="axe-01")
    client.get("/no-such-page/")
    page = client_for(admin).get(path).content.decode()
    regions = SCROLLING.findall(page)
    assert regions or path in {"/console/alarms/", "/console/deploys/", "/console/errors/?range=1h"}
    for tag in regions:
        assert 'tabindex="0"' in tag and re.search(r'aria-label="[^"]+"', tag), tag
