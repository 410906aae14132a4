"""Invocations with the app's HTTP status next to Lambda's outcome, the user where the app knows it, and the
cold-start tile said to be a sample."""

from __future__ import annotations

import json

from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers


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
