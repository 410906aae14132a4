"""Failure lines as Lambda and the app write them, in both log formats, for the failure-grouping tests.

Sources (shapes, not copies): Lambda's text-format platform lines and the Python runtime's `[ERROR]` lines
with no-break-space indented tracebacks, `INIT_REPORT ... Status: timeout`, `Runtime exited with error:
signal: killed` + `Runtime.ExitError` and the unhandled-error object are the ones measured in
/work/shared/FACTS.md ("Measured 2026-12-01 with real material from outside the project"); the JSON-format
`platform.*` records follow the Lambda Telemetry API schema (type, time, record.requestId, record.status,
record.errorType, record.metrics) as AWS documents it; the app's lines are what console.observability writes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

STREAM_A = "2026/11/27/[$LATEST]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
STREAM_B = "2026/11/27/[$LATEST]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
NBSP = "\u00a0"

DB_ID_1 = "11111111-aaaa-4bbb-8ccc-000000000001"
DB_ID_2 = "11111111-aaaa-4bbb-8ccc-000000000002"
RUNTIME_KEYERROR_ID = "22222222-aaaa-4bbb-8ccc-000000000001"
TIMEOUT_ID = "33333333-aaaa-4bbb-8ccc-000000000001"
EXIT_ID = "44444444-aaaa-4bbb-8ccc-000000000001"
HTTP503_ID = "55555555-aaaa-4bbb-8ccc-000000000001"
JSON_TIMEOUT_ID = "66666666-aaaa-4bbb-8ccc-000000000001"
JSON_ERROR_ID = "77777777-aaaa-4bbb-8ccc-000000000001"
JSON_UNHANDLED_ID = "88888888-aaaa-4bbb-8ccc-000000000001"

DJANGO_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/var/task/django/core/handlers/exception.py", line 55, in inner\n    response = get_response(request)\n'
    '  File "/var/task/notes/views.py", line 88, in note_detail\n    note = services.note_get(user_id=u, note_id=n)\n'
    '  File "/var/task/notes/repository_dynamodb.py", line 141, in get\n    raise StoreUnavailable("DynamoDB timed out")\n'
    '  File "/var/task/botocore/client.py", line 1023, in _make_api_call\n    raise error_class(parsed_response, operation_name)\n'
    "console.aws.dynamodb.StoreUnavailable: DynamoDB timed out\n"
)


def _app(when: datetime, data: dict) -> str:
    return json.dumps({"time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"), **data})


def text_format_lines(base: datetime) -> list[tuple[datetime, str, str]]:
    """(time, stream, message): failures of every kind as a text-format function logs them."""
    t = lambda seconds: base + timedelta(seconds=seconds)  # noqa: E731
    lines = []
    for offset, rid in ((0, DB_ID_1), (60, DB_ID_2)):
        # Django logs the exception (django.request), then the request line says 500 with its type and frame.
        lines.append(
            (
                t(offset),
                STREAM_A,
                _app(
                    t(offset),
                    {
                        "level": "ERROR",
                        "logger": "django.request",
                        "message": "Internal Server Error: /notes/abc/",
                        "correlation_id": rid,
                        "exception": DJANGO_TRACEBACK,
                        "exc_type": "StoreUnavailable",
                        "exc_frame": "notes/repository_dynamodb.py:get",
                        "exc_message": "DynamoDB timed out",
                        "route": "/notes/<note_id>/",
                    },
                ),
            )
        )
        lines.append(
            (
                t(offset + 0.01),
                STREAM_A,
                _app(
                    t(offset + 0.01),
                    {
                        "level": "ERROR",
                        "logger": "console.request",
                        "message": "GET /notes/abc/ 500 1002.0ms",
                        "correlation_id": rid,
                        "method": "GET",
                        "path": "/notes/abc/",
                        "status": 500,
                        "duration_ms": 1002.0,
                        "user": "u1",
                        "username": "alice",
                        "cold_start": False,
                        "route": "/notes/<note_id>/",
                        "db_calls": 1,
                        "db_ms": 1000.0,
                        "exc_type": "StoreUnavailable",
                        "exc_frame": "notes/repository_dynamodb.py:get",
                    },
                ),
            )
        )
    # The Python runtime's own line for an exception escaping the handler (the stream handler here).
    lines.append(
        (
            t(120),
            STREAM_B,
            (
                f"[ERROR]\t{t(120).isoformat()}\t{RUNTIME_KEYERROR_ID}\tKeyError: 'NewImage'\n"
                "Traceback (most recent call last):\n"
                f'{NBSP}{NBSP}File "/var/task/handler.py", line 660, in lambda_handler\n'
                f"{NBSP}{NBSP}{NBSP}{NBSP}return LambdaHandler.lambda_handler(event, context)\n"
                f'{NBSP}{NBSP}File "/var/task/notes/events.py", line 40, in handle_stream\n'
                f"{NBSP}{NBSP}{NBSP}{NBSP}image = record['dynamodb']['NewImage']\n"
            ),
        )
    )
    lines.append((t(180), STREAM_B, f"{t(180).isoformat()} {TIMEOUT_ID} Task timed out after 30.03 seconds\n"))
    lines.append(
        (
            t(180.01),
            STREAM_B,
            (
                f"REPORT RequestId: {TIMEOUT_ID}\tDuration: 30030.41 ms\tBilled Duration: 30000 ms\tMemory Size: 512 MB\t"
                "Max Memory Used: 130 MB\tStatus: timeout\n"
            ),
        )
    )
    lines.append(
        (
            t(240),
            STREAM_A,
            f"RequestId: {EXIT_ID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n",
        )
    )
    lines.append((t(300), STREAM_B, "INIT_REPORT Init Duration: 9999.77 ms\tPhase: init\tStatus: timeout\n"))
    lines.append(
        (
            t(360),
            STREAM_A,
            _app(
                t(360),
                {
                    "level": "ERROR",
                    "logger": "console.request",
                    "message": "POST /notes/new 503 12.0ms",
                    "correlation_id": HTTP503_ID,
                    "method": "POST",
                    "path": "/notes/new",
                    "status": 503,
                    "duration_ms": 12.0,
                    "user": "u2",
                    "username": "bob",
                    "cold_start": True,
                    "route": "/notes/new",
                    "db_calls": 3,
                    "db_ms": 9.5,
                },
            ),
        )
    )
    return lines


def json_format_lines(base: datetime) -> list[tuple[datetime, str, str]]:
    """The same kinds of failure as a JSON-format function logs them (no START/REPORT text lines)."""
    t = lambda seconds: base + timedelta(seconds=seconds)  # noqa: E731

    def platform(seconds: float, kind: str, record: dict) -> tuple[datetime, str, str]:
        return (t(seconds), STREAM_B, json.dumps({"time": t(seconds).isoformat(), "type": kind, "record": record}))

    return [
        platform(
            400,
            "platform.runtimeDone",
            {"requestId": JSON_TIMEOUT_ID, "status": "timeout", "metrics": {"durationMs": 3000.0}},
        ),
        platform(
            400.01,
            "platform.report",
            {
                "requestId": JSON_TIMEOUT_ID,
                "status": "timeout",
                "metrics": {"durationMs": 3000.0, "billedDurationMs": 3000, "memorySizeMB": 512, "maxMemoryUsedMB": 90},
            },
        ),
        (
            t(460),
            STREAM_B,
            json.dumps(
                {
                    "timestamp": t(460).isoformat(),
                    "level": "ERROR",
                    "message": "could not save",
                    "logger": "notes.services",
                    "requestId": JSON_ERROR_ID,
                    "errorType": "ValueError",
                    "errorMessage": "title too long",
                    "stackTrace": [
                        '  File "/var/task/notes/services.py", line 61, in note_create\n    raise ValueError("title too long")\n'
                    ],
                }
            ),
        ),
        (
            t(520),
            STREAM_B,
            json.dumps(
                {
                    "errorMessage": "'pk'",
                    "errorType": "KeyError",
                    "requestId": JSON_UNHANDLED_ID,
                    "stackTrace": [
                        '  File "/var/task/handler.py", line 660, in lambda_handler\n    return handle(event)\n',
                        '  File "/var/task/notes/events.py", line 40, in handle_stream\n    key = keys["pk"]\n',
                    ],
                }
            ),
        ),
        platform(
            580,
            "platform.initReport",
            {
                "initializationType": "on-demand",
                "phase": "init",
                "status": "error",
                "errorType": "Runtime.ImportModuleError",
                "metrics": {"durationMs": 120.5},
            },
        ),
        platform(
            640,
            "platform.runtimeDone",
            {"requestId": "99999999-aaaa-4bbb-8ccc-000000000001", "status": "error", "errorType": "Runtime.ExitError"},
        ),
    ]


def insights_rows(lines: list[tuple[datetime, str, str]]) -> list[list[dict[str, str]]]:
    """As GetQueryResults returns `fields @timestamp, @message, @logStream` (newest first; @ptr added by AWS)."""
    rows = []
    for i, (when, stream, message) in enumerate(sorted(lines, key=lambda x: x[0], reverse=True)):
        rows.append(
            [
                {
                    "field": "@timestamp",
                    "value": when.strftime("%Y-%m-%d %H:%M:%S.") + f"{when.microsecond // 1000:03d}",
                },
                {"field": "@message", "value": message},
                {"field": "@logStream", "value": stream},
                {"field": "@ptr", "value": f"CmAKJgoiMTIzNDU2Nzg5MDEyOi9hd3MvbGFtYmRhL25vdGVz{i:04d}"},
            ]
        )
    return rows
