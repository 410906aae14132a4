"""Defects of the console seen by admins (issue 15), each with the test that failed before its fix."""

from __future__ import annotations

import json
import re

import pytest

from console import observability
from console.health import aws as health_aws
from console.health.metrics import utcnow
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def fresh_buffers(settings, tmp_path):
    observability.reset_buffers()
    path = tmp_path / "zappa_settings.json"
    path.write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "aws_region": "us-east-1",
                    "memory_size": 512,
                    "aws_environment_variables": {"DYNAMODB_TABLE": "notes-console-dev", "LOG_LEVEL": "INFO"},
                }
            }
        )
    )
    settings.HEALTH_ZAPPA_SETTINGS = path
    yield
    observability.reset_buffers()


@pytest.fixture
def aws_mode(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    yield
    health_aws.reset_clients()


def href(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found, pattern
    return found.group(1).replace("&amp;", "&")


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


# --- overview, invocations -------------------------------------------------------------------------------


def test_the_cold_start_tile_says_it_is_a_sample(client_for, admin, client):
    for _ in range(3):
        client.get("/healthz")
    page = client_for(admin).get("/console/?range=24h").content.decode()
    tile = page[page.index("Cold starts") :]
    tile = tile[: tile.index("</div>")]
    assert "sample" in tile and "not the whole 24h" in tile and "the 3 latest invocations" in tile


def app_request_line(request_id: str, status: int, *, user: str = "u-1", username: str = "alice") -> str:
    level = "ERROR" if status >= 500 else "INFO"
    return (
        json.dumps(
            {
                "time": "2026-11-27T10:00:02.100Z",
                "level": level,
                "logger": "console.request",
                "message": f"GET /notes/ {status} 12.0ms",
                "correlation_id": request_id,
                "method": "GET",
                "path": "/notes/",
                "status": status,
                "duration_ms": 12.0,
                "user": user,
                "username": username,
                "cold_start": False,
                "route": "/notes/",
            }
        )
        + "\n"
    )


def test_aws_invocations_show_the_apps_status_next_to_lambdas_outcome(client_for, admin, aws_mode):
    lines = s.invocation_lines()
    stream = lines[0][0]
    lines.insert(6, (stream, 2010, app_request_line(s.WARM_ID, 500)))  # Lambda: ok; the app: a 500
    s.seed_moto_function(FUNCTION, lines=lines)
    page = client_for(admin).get("/console/invocations/?range=1h").content.decode()
    row = next(r for r in page.split("<tr>") if s.WARM_ID[:11] in r)
    assert 'pill-ok">ok<' in row and 'pill-bad" title="the app answered HTTP 500">HTTP 500<' in row
    assert "alice" in row  # the username the request line carries, no lookup
    overview = client_for(admin).get("/console/?range=1h").content.decode()
    assert "1 HTTP 5xx in the 6 latest" in overview


def test_local_invocations_show_the_http_status_and_the_user(client_for, alice, admin):
    client_for(alice).get("/notes/")
    page = client_for(admin).get("/console/invocations/?range=1h").content.decode()
    row = next(r for r in page.split("<tr>") if "GET /notes/ 200" in r)
    assert "HTTP 200" in row and "alice" in row


def test_logs_show_usernames_where_the_app_knows_them(client_for, alice, admin):
    client_for(alice).get("/notes/")
    page = client_for(admin).get("/console/logs/?range=1h").content.decode()
    row = next(r for r in page.split("<tr class=") if "GET /notes/ 200" in r)
    assert "username <b>alice</b>" in row


# --- configuration -----------------------------------------------------------------------------------------


def test_local_configuration_says_which_values_the_process_really_uses(client_for, admin, settings):
    assert settings.DYNAMODB_TABLE != "notes-console-dev"  # the stage's table, which local mode does not use
    page = client_for(admin).get("/console/configuration/").content.decode()
    section = page[page.index("Stage values and this process") :]
    row = next(r for r in section.split("<tr>") if "DYNAMODB_TABLE" in r)
    assert "notes-console-dev" in row and settings.DYNAMODB_TABLE in row and "differs locally" in row
    assert "This process (really used)" in section


# --- logs: bad input, missing requests -----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["{ $.status >= }", "{ $.status = }", "{ $.status < }"])
def test_an_invalid_filter_pattern_is_called_invalid_and_why(client_for, admin, pattern):
    from urllib.parse import quote

    page = client_for(admin).get(f"/console/logs/?q={quote(pattern)}").content.decode()
    assert "Invalid filter pattern" in page and "has no value" in page
    assert "No lines match" not in page
    assert 'value="{ $.status' in page  # what the admin typed is kept


def test_an_invalid_filter_pattern_is_refused_before_aws_sees_it(client_for, admin, aws_mode):
    s.seed_moto_function(FUNCTION)
    page = client_for(admin).get("/console/logs/?q=%7B+%24.status+%3E%3D+%7D").content.decode()
    assert "Invalid filter pattern" in page and "has no value" in page


def test_a_request_id_with_no_lines_is_a_404(client_for, admin, client, aws_mode):
    s.seed_moto_function(FUNCTION)
    admin_client = client_for(admin)
    missing = admin_client.get("/console/requests/no-such-request/")
    assert missing.status_code == 404 and b"No lines carry this id" in missing.content
    assert admin_client.get(f"/console/requests/{s.COLD_ID}/").status_code == 200


def test_a_local_request_id_with_no_lines_is_a_404(client_for, admin, client):
    client.get("/healthz", HTTP_X_CORRELATION_ID="seen-here")
    admin_client = client_for(admin)
    assert admin_client.get("/console/requests/seen-here/").status_code == 200
    assert admin_client.get("/console/requests/never-seen/").status_code == 404


def test_a_non_admins_403_page_has_a_way_back(client_for, alice):
    response = client_for(alice).get("/console/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'href="/notes/"' in body and "Back to your notes" in body
    assert 'action="/accounts/signout/"' in body  # or sign in as someone else


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
