"""A request's timeline: the request page draws the request's AWS calls as a waterfall from its own JSON line,
on the AWS gateway (the function's log in the Text and the JSON format, on moto) and the local one (the
process's own line), with a table of the same numbers underneath."""

from __future__ import annotations

import html
import json
import re

import pytest

from console.health import aws as health_aws
from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers

RID = "5d7f3a10-2b4c-4e6d-8f90-a1b2c3d4e5f6"
STREAM = "2026/12/07/[$LATEST]dddddddddddddddddddddddddddddddd"
CALLS = [
    {
        "op": "Query",
        "resource": "notes-dev / by_updated",
        "start_ms": 2.5,
        "ms": 30.1,
        "retries": 0,
        "throttled": False,
    },
    {"op": "GetItem", "resource": "notes-dev", "start_ms": 33.0, "ms": 61.0, "retries": 1, "throttled": True},
    {"op": "Bogus", "resource": "x", "start_ms": "soon", "ms": 1},  # not a number: left out, not drawn
]
REQUEST = {
    "message": "GET /notes/ 200 100.0ms",
    "logger": "console.request",
    "method": "GET",
    "path": "/notes/",
    "status": 200,
    "duration_ms": 100.0,
    "db_calls": 2,
    "db_ms": 91.1,
    "aws_calls": CALLS,
}


def text_lines():
    """Text format: Lambda's START/END/REPORT lines around the app's own JSON line."""
    app = {"time": "2026-12-07T10:00:00.100Z", "level": "INFO", "correlation_id": RID, **REQUEST}
    report = (
        f"REPORT RequestId: {RID}\tDuration: 104.20 ms\tBilled Duration: 105 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 98 MB\t\n"
    )
    return [
        (STREAM, 0, f"START RequestId: {RID} Version: $LATEST\n"),
        (STREAM, 101, json.dumps(app) + "\n"),
        (STREAM, 103, f"END RequestId: {RID}\n"),
        (STREAM, 104, report),
    ]


def json_lines():
    """JSON format: platform records, and the app's line as the runtime's JSON logger writes it (requestId)."""
    app = {"timestamp": "2026-12-07T10:00:00.100Z", "level": "INFO", "requestId": RID, **REQUEST}
    start = {
        "time": "2026-12-07T10:00:00.000Z",
        "type": "platform.start",
        "record": {"requestId": RID, "version": "$LATEST"},
    }
    report = {
        "time": "2026-12-07T10:00:00.104Z",
        "type": "platform.report",
        "record": {
            "requestId": RID,
            "metrics": {"durationMs": 104.2, "billedDurationMs": 105, "memorySizeMB": 512, "maxMemoryUsedMB": 98},
            "status": "success",
        },
    }
    return [(STREAM, 0, json.dumps(start)), (STREAM, 101, json.dumps(app)), (STREAM, 104, json.dumps(report))]


@pytest.fixture(params=["Text", "JSON"])
def function_log(request, aws_mode, monkeypatch):
    import moto.awslambda.models

    original = moto.awslambda.models.LambdaFunction.get_configuration

    def with_logging_config(self, *args, **kwargs):
        config = original(self, *args, **kwargs)
        config["LoggingConfig"] = {"LogFormat": request.param, "LogGroup": f"/aws/lambda/{self.function_name}"}
        return config

    monkeypatch.setattr(moto.awslambda.models.LambdaFunction, "get_configuration", with_logging_config)
    s.seed_moto_function(FUNCTION, lines=text_lines() if request.param == "Text" else json_lines(), minutes_ago=10)
    return request.param


def _bars(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'aria-label="([^"]+)"[^>]*><rect class="waterfall-bar" x="([\d.]+)" y="1" width="([\d.]+)"', page
    )


def test_the_request_page_draws_its_aws_calls_as_a_waterfall(client_for, admin, function_log):
    made: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register("before-call", lambda event_name, **_: made.append(event_name))
    response = client_for(admin).get(f"/console/requests/{RID}/")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and 1 <= len(made) <= 3, made
    assert _bars(page) == [
        ("Query on notes-dev / by_updated: starts at 2.5 ms, takes 30.1 ms", "2.50", "30.10"),
        ("GetItem on notes-dev: starts at 33 ms, takes 61 ms, 1 retry, throttled", "33.00", "61.00"),
    ]
    timeline = page[page.index('id="timeline-title"') : page.index("The request's lines")]
    assert "Bogus" not in timeline and "2 calls, 91.1 ms waiting of 100 ms, 1 retry, 1 throttled" in page
    lines = page[page.index("The request's lines") :]
    assert "aws calls <b>3</b>" in lines and "'op'" not in lines  # a count in the line's row, drawn above
    table = timeline[timeline.index("The request's AWS calls") :]
    assert re.search(
        r"<td>GetItem</td><td class=\"mono\">notes-dev</td><td class=\"num\">33 ms</td>"
        r"<td class=\"num\">61 ms</td><td class=\"num\">1</td><td>yes</td>",
        table,
    )


def test_a_request_without_calls_draws_no_timeline(client_for, admin, aws_mode):
    s.seed_moto_function(FUNCTION, minutes_ago=10)
    page = client_for(admin).get(f"/console/requests/{s.COLD_ID}/").content.decode()
    assert "GET /notes/ 200" in page and "waterfall" not in page


def test_the_local_request_page_draws_the_process_own_calls(client_for, admin, client):
    admin_client = client_for(admin)
    assert admin_client.get("/notes/", HTTP_X_CORRELATION_ID="timeline-local-1").status_code == 200
    page = html.unescape(admin_client.get("/console/requests/timeline-local-1/").content.decode())
    bars = _bars(page)
    # the session's GetItem, then the notes list's Queries: the pinned block (the index partition) and the page on
    # its index
    labels = [label.split(":")[0] for label, _, _ in bars]
    assert labels[0] == "GetItem on notes-test" and "Query on notes-test / by_updated" in labels
    assert set(labels) == {"GetItem on notes-test", "Query on notes-test", "Query on notes-test / by_updated"}
    starts = [float(x) for _, x, _ in bars]
    assert starts == sorted(starts) and all(0 <= x <= 100 for x in starts)


def test_a_console_page_line_lists_its_own_aws_calls_apart_from_dynamodb(client_for, admin, aws_mode):
    from console import observability

    s.seed_moto_function(FUNCTION, minutes_ago=10)
    client = client_for(admin)
    assert client.get("/console/alarms/", HTTP_X_CORRELATION_ID="console-own-calls").status_code == 200
    (line,) = [json.loads(r.line) for r in observability.recent_log_lines() if r.correlation_id == "console-own-calls"]
    ops = [(c["op"], c["resource"]) for c in line["aws_calls"]]
    assert ("DescribeAlarms", "") in ops and ("GetFunction", FUNCTION) in ops
    dynamodb_calls = [op for op, resource in ops if resource == "notes-test"]
    assert line["db_calls"] == len(dynamodb_calls)  # db_calls stays DynamoDB's
