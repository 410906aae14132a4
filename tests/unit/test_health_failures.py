"""Failures grouped into issues from Lambda's and the app's lines, in both log formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.health import failure_lines as f
from console.health import failures
from console.health.logparse import LogEvent
from console.health.metrics import Window
from tests import failure_samples as fs

NOW = datetime(2026, 11, 27, 11, 0, 0, tzinfo=UTC)
BASE = NOW - timedelta(minutes=40)
PACKAGES = ("accounts", "console", "notes")


def events(lines):
    return [
        LogEvent(timestamp=int(when.timestamp() * 1000), message=message, stream=stream, event_id=str(i))
        for i, (when, stream, message) in enumerate(lines)
    ]


def grouped(lines, *, deployed_at=None, throttles=()):
    window = Window.for_range("1h", now=NOW)
    found = f.failures_from_events(events(lines), PACKAGES) + failures.throttle_failures(window, list(throttles))
    return {g.label: g for g in failures.group(found, window, deployed_at=deployed_at)}


def test_text_format_failures_group_by_exception_and_lambda_kind():
    groups = grouped(fs.text_format_lines(BASE))
    assert set(groups) == {
        "StoreUnavailable in notes/repository_dynamodb.py:get",
        "KeyError in notes/events.py:handle_stream",
        "Task timed out",
        "Runtime exit (out of memory?)",
        "Init failure",
        "HTTP 503",
    }
    store = groups["StoreUnavailable in notes/repository_dynamodb.py:get"]
    # Django's line and the request line tell of the same request once each: two requests, two occurrences
    assert store.count == 2 and store.requests_affected == 2 and store.request_ids == [fs.DB_ID_2, fs.DB_ID_1]
    assert store.first_seen == BASE and store.last_seen == BASE + timedelta(seconds=60)
    assert store.routes == [("/notes/<note_id>/", 2)] and "notes/views.py" in store.latest_traceback
    assert sum(store.per_bucket) == 2 and store.kind == f.KIND_EXCEPTION and not store.lambda_level
    keyerror = groups["KeyError in notes/events.py:handle_stream"]  # the runtime's [ERROR] line, nbsp-indented
    assert (
        keyerror.count == 1
        and keyerror.request_ids == [fs.RUNTIME_KEYERROR_ID]
        and keyerror.latest_message == "'NewImage'"
    )
    timeout = groups["Task timed out"]  # the runtime's line and the REPORT's Status: timeout are one failure
    assert timeout.count == 1 and timeout.request_ids == [fs.TIMEOUT_ID] and timeout.lambda_level
    assert groups["Runtime exit (out of memory?)"].request_ids == [fs.EXIT_ID]
    assert groups["Init failure"].count == 1 and groups["Init failure"].request_ids == []
    http = groups["HTTP 503"]
    assert http.routes == [("/notes/new", 1)] and http.request_ids == [fs.HTTP503_ID] and http.kind == f.KIND_HTTP


def test_json_format_failures_group_the_same_way():
    groups = grouped(fs.json_format_lines(BASE))
    assert set(groups) == {
        "Task timed out",
        "ValueError in notes/services.py:note_create",
        "KeyError in notes/events.py:handle_stream",
        "Init failure",
        "Runtime exit",
    }
    assert groups["Task timed out"].count == 1 and groups["Task timed out"].request_ids == [fs.JSON_TIMEOUT_ID]
    value_error = groups["ValueError in notes/services.py:note_create"]
    assert value_error.latest_message == "title too long" and value_error.request_ids == [fs.JSON_ERROR_ID]
    assert groups["KeyError in notes/events.py:handle_stream"].request_ids == [fs.JSON_UNHANDLED_ID]
    assert groups["Init failure"].first_seen == BASE + timedelta(seconds=580)


def test_both_formats_together_merge_into_the_same_groups():
    groups = grouped(fs.text_format_lines(BASE) + fs.json_format_lines(BASE))
    assert groups["Task timed out"].count == 2
    assert groups["Task timed out"].first_seen == BASE + timedelta(seconds=180)
    assert groups["Task timed out"].last_seen == BASE + timedelta(seconds=400)
    assert groups["KeyError in notes/events.py:handle_stream"].count == 2
    assert groups["Init failure"].count == 2


def test_throttles_come_from_the_metric_per_bucket():
    window = Window.for_range("1h", now=NOW)
    throttles = [0.0] * len(window.buckets)
    throttles[10], throttles[12] = 4.0, 1.0
    groups = grouped([], throttles=throttles)
    throttled = groups["Throttled"]
    assert throttled.count == 5 and throttled.requests_affected == 0 and throttled.lambda_level
    assert throttled.first_seen == window.buckets[10] and throttled.last_seen == window.buckets[12]
    assert throttled.per_bucket[10] == 4.0 and throttled.per_bucket[12] == 1.0


def test_new_since_the_last_deploy_only_when_the_deploy_is_in_the_range():
    lines = fs.text_format_lines(BASE)
    deployed = BASE + timedelta(seconds=150)  # after the StoreUnavailable failures, before the timeout
    groups = grouped(lines, deployed_at=deployed)
    assert not groups["StoreUnavailable in notes/repository_dynamodb.py:get"].new_since_deploy
    assert groups["Task timed out"].new_since_deploy and groups["HTTP 503"].new_since_deploy
    earlier = grouped(lines, deployed_at=NOW - timedelta(days=3))  # before the range: cannot tell
    assert not any(g.new_since_deploy for g in earlier.values())


def test_a_frame_is_the_innermost_in_the_projects_own_packages():
    frames = [
        ("/var/task/django/core/handlers/base.py", "_get_response"),
        ("/var/task/notes/views.py", "note_detail"),
        ("/var/task/notes/services.py", "note_get"),
        ("/var/task/botocore/client.py", "_make_api_call"),
        ("/opt/python/lib/python3.11/site-packages/notes/x.py", "y"),
    ]
    assert f.project_frame(frames, PACKAGES) == "notes/services.py:note_get"
    assert f.project_frame([("/var/task/django/x.py", "y")], PACKAGES) == ""


# --- the real-line corpus (tests/data/lambda_log_lines.json: each line with its public source) ------------

CORPUS_KIND = {  # line id -> the group kind its failure belongs to (lines not named tell of no failure)
    "docs-python-error-object": f.KIND_EXCEPTION,
    "docs-python-import-error-object": f.KIND_INIT,
    "ric-error-traceback-nbsp": f.KIND_EXCEPTION,
    "ric-error-no-trace": f.KIND_EXCEPTION,
    "ric-json-exception": f.KIND_EXCEPTION,
    "azul-task-timed-out": f.KIND_TIMEOUT,
    "azul-report-status-timeout": f.KIND_TIMEOUT,
    "otel-report-cold-timeout": f.KIND_TIMEOUT,
    "k8s-task-timed-out": f.KIND_TIMEOUT,
    "redshift-task-timed-out": f.KIND_TIMEOUT,
    "up-task-timed-out": f.KIND_TIMEOUT,
    "cloudwithgagan-runtime-exit": f.KIND_EXIT,
    "pipe-exit-error-message": f.KIND_EXIT,
    "sam-import-error": f.KIND_INIT,
    "sam-init-report-init-error": f.KIND_INIT,
    "sam-init-report-invoke-error": f.KIND_INIT,
    "sam-unknown-error": f.KIND_EXIT,
    "init-timeout": f.KIND_INIT,
    "glibc-init-report-exit": f.KIND_INIT,
    "glibc-init-report-invoke-exit": f.KIND_INIT,
    "node-init-report-syntax": f.KIND_INIT,
    "json-runtimedone-timeout": f.KIND_TIMEOUT,
    "json-report-timeout": f.KIND_TIMEOUT,
    "numpy-import-error": f.KIND_INIT,
    "numpy-init-report-error": f.KIND_INIT,
    "docs-restore-report-timeout": f.KIND_INIT,
    "docs-restore-report-hook-error": f.KIND_INIT,
    "oom-report-out-of-memory": f.KIND_EXIT,
    "oom-report-timeout": f.KIND_TIMEOUT,
    "oom-report-cold-timeout": f.KIND_TIMEOUT,
    "oom-report-cold-out-of-memory": f.KIND_EXIT,
    "py27-unhandled-keyerror": f.KIND_EXCEPTION,
    "py27-go-shim-panic": f.KIND_EXCEPTION,
    "py27-alexa-keyerror": f.KIND_EXCEPTION,
    "handler-not-found": f.KIND_INIT,
}


def corpus():
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parents[1] / "data" / "lambda_log_lines.json").read_text())["lines"]


def test_every_real_line_tells_its_failure_kind_or_none():
    from console.health.logparse import parse_line

    wrong = []
    for i, item in enumerate(corpus()):
        event = LogEvent(timestamp=1_700_000_000_000 + i, message=item["message"], stream="s", event_id=str(i))
        found = f.failure_of_line(parse_line(event), PACKAGES)
        got = found.kind if found else None
        if got != CORPUS_KIND.get(item["id"]):
            wrong.append((item["id"], item["format"], got, CORPUS_KIND.get(item["id"])))
    assert not wrong


def test_a_json_format_timeout_told_twice_is_one_failure():
    lines = [item for item in corpus() if item["id"] in {"json-runtimedone-timeout", "json-report-timeout"}]
    found = f.failures_from_events(
        [
            LogEvent(timestamp=1_700_000_000_000 + i, message=item["message"], stream="s", event_id=str(i))
            for i, item in enumerate(lines)
        ],
        PACKAGES,
    )
    assert [(x.kind, x.title) for x in found] == [(f.KIND_TIMEOUT, "Task timed out")]


def test_the_group_names_the_frame_that_called_the_aws_plumbing_not_the_plumbing():
    from console.health.failure_lines import project_frame

    frames = [
        ("/var/task/notes/views.py", "note_list"),
        ("/var/task/notes/dynamodb_repository.py", "list"),
        ("/var/task/console/aws/dynamodb.py", "call"),
        ("/var/runtime/botocore/client.py", "_make_api_call"),
    ]
    assert project_frame(frames, ("console", "notes", "accounts")) == "notes/dynamodb_repository.py:list"
    # A failure inside the plumbing itself still names it.
    assert project_frame(frames[2:], ("console", "notes", "accounts")) == "console/aws/dynamodb.py:call"
