"""The live tail: on and off, its own polling left out, its line count."""

from __future__ import annotations

import re

from console.health.metrics import utcnow
from tests import health_console
from tests import health_samples as s
from tests.health_console import href

fresh_buffers = health_console.fresh_buffers


# --- live tail ----------------------------------------------------------------------------------------


def test_the_live_tail_button_turns_the_tail_on_and_off(client_for, admin):
    client = client_for(admin)
    page = client.get("/console/logs/?range=1h").content.decode()
    # A link, not a toggle button: no aria-pressed (axe: aria-allowed-attr); its text says on or off.
    on = href(page, r'href="([^"]+)">\s*<span class="live-dot" aria-hidden="true"></span>Live tail off')
    assert "live=1" in on and "live=True" not in on
    live = client.get(on).content.decode()
    assert 'id="tail-poller"' in live and "Live tail on" in live
    off = href(live, r'href="([^"]+)">\s*<span class="live-dot" aria-hidden="true"></span>Live tail on')
    assert "live" not in off and 'id="tail-poller"' not in client.get(off).content.decode()


def test_the_tail_leaves_out_its_own_polling(client_for, admin, client):
    admin_client = client_for(admin)
    after = int(utcnow().timestamp() * 1000)
    first = admin_client.get(f"/console/logs/tail/?range=1h&after={after}", HTTP_HX_REQUEST="true").content.decode()
    client.get("/healthz", HTTP_X_CORRELATION_ID="real-traffic")
    second = admin_client.get(href(first, r'hx-get="([^"]+)"'), HTTP_HX_REQUEST="true").content.decode()
    assert "real-traffic" in second
    assert "/console/logs/tail/" not in second.split('id="tail-poller"')[0]  # the first poll's own line
    logs = admin_client.get("/console/logs/?range=1h").content.decode()
    assert "GET /console/logs/tail/" not in logs and "live-tail polling left out" in logs


def test_the_tail_updates_the_line_count(client_for, admin, client):
    client.get("/healthz")
    admin_client = client_for(admin)
    page = admin_client.get("/console/logs/?range=1h&live=1").content.decode()
    shown = int(re.search(r'<span id="log-count">(\d+) lines?</span>', page).group(1))
    client.get("/healthz", HTTP_X_CORRELATION_ID="one-more")
    tail = admin_client.get(href(page, r'hx-get="([^"]+)"'), HTTP_HX_REQUEST="true").content.decode()
    new = len(re.findall(r"<tr class=", tail))
    assert new >= 1 and f'<span id="log-count" hx-swap-oob="true">{shown + new} lines</span>' in tail
    # the next poll carries the new total
    assert f"shown={shown + new}" in href(tail, r'hx-get="([^"]+)"')


def test_a_later_poll_leaves_out_an_earlier_polls_report_line(client_for, admin):
    """On Lambda a poll's REPORT line is written after its answer: the next poll knows the earlier ids."""
    from console.health.app_lines import without_console_polling
    from console.health.logparse import LogEvent, parse_line

    admin_client = client_for(admin)
    after = int(utcnow().timestamp() * 1000)
    first = admin_client.get(f"/console/logs/tail/?range=1h&after={after}", HTTP_HX_REQUEST="true")
    own = first["X-Correlation-Id"]
    assert f"own={own}" in href(first.content.decode(), r'hx-get="([^"]+)"')
    report = parse_line(
        LogEvent(
            timestamp=after,
            message=(
                f"REPORT RequestId: {own}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 512 MB\t"
                "Max Memory Used: 120 MB\t"
            ),
        )
    )
    other = parse_line(LogEvent(timestamp=after, message=s.WARM_REPORT))
    kept, hidden = without_console_polling([report, other], "/console/logs/tail/", also=[own])
    assert kept == [other] and hidden == 1


def test_turning_the_tail_on_does_not_repeat_the_newest_line_shown(client_for, admin, client):
    client.get("/healthz", HTTP_X_CORRELATION_ID="newest-1")
    admin_client = client_for(admin)
    page = admin_client.get("/console/logs/?range=1h&live=1").content.decode()
    assert "newest-1" in page.split('id="log-rows"')[1]
    tail = admin_client.get(href(page, r'hx-get="([^"]+)"'), HTTP_HX_REQUEST="true").content.decode()
    assert "newest-1" not in tail.split('id="tail-poller"')[0]
