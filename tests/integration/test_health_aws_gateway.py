"""The AWS health gateway against moto: a real function, metrics in AWS/Lambda and Lambda's log lines."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import boto3
import pytest

from console.health import aws as health_aws
from console.health import invocation_metrics, log_pages, request_lines
from console.health import invocations as invocations_question
from console.health.gateway import InvalidQuery, LogQuery, NotFound
from console.health.invocation_lines import OUTCOME_CRASH, OUTCOME_ERROR, OUTCOME_OK, OUTCOME_TIMEOUT
from console.health.metrics import Window, utcnow
from tests import health_samples as s

pytestmark = pytest.mark.usefixtures("cloudwatch_patterns")

FUNCTION = "notes-console-dev"
GROUP = f"/aws/lambda/{FUNCTION}"


@pytest.fixture
def function(aws):
    health_aws.reset_clients()
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="notes-console-dev-ZappaLambdaExecutionRole", AssumeRolePolicyDocument="{}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.lambda_handler",
        Code={"ZipFile": buf.getvalue()},
        MemorySize=512,
        Timeout=30,
        Architectures=["arm64"],
        EphemeralStorage={"Size": 1024},
        Environment={
            "Variables": {
                "DJANGO_SECRET_KEY": "s3cr3t-value",
                "DYNAMODB_TABLE": "notes-dev",
                "SENTRY_DSN": "https://abc@o1.ingest.example/1",
            }
        },
    )
    lam.put_function_concurrency(FunctionName=FUNCTION, ReservedConcurrentExecutions=10)
    yield
    health_aws.reset_clients()


@pytest.fixture
def gateway(function):
    return health_aws.AwsGateway(FUNCTION, percentiles=())  # moto cannot compute percentiles


def put_lines(lines, *, base_ms):
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName=GROUP)
    streams = {}
    for stream, offset, message in lines:
        if stream not in streams:
            logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
            streams[stream] = []
        streams[stream].append({"timestamp": base_ms + offset, "message": message})
    for stream, events in streams.items():
        logs.put_log_events(
            logGroupName=GROUP, logStreamName=stream, logEvents=sorted(events, key=lambda e: e["timestamp"])
        )


def test_it_reads_the_configuration_with_secrets_redacted(gateway):
    config = gateway.configuration()
    assert (config.name, config.runtime, config.handler, config.architecture) == (
        FUNCTION,
        "python3.11",
        "handler.lambda_handler",
        "arm64",
    )
    assert (config.memory_mb, config.timeout_s, config.ephemeral_mb, config.reserved_concurrency) == (512, 30, 1024, 10)
    assert config.arn.endswith(f":function:{FUNCTION}") and config.role.endswith("ZappaLambdaExecutionRole")
    assert config.state == "Active" and config.last_update_status == "Successful" and config.last_modified
    assert config.code_size and config.log_group == GROUP
    env = {v.name: v for v in config.environment}
    assert env["DYNAMODB_TABLE"].shown == "notes-dev"
    assert env["DJANGO_SECRET_KEY"].redacted and "s3cr3t" not in env["DJANGO_SECRET_KEY"].shown
    assert env["SENTRY_DSN"].redacted
    assert gateway.calls == 1


def test_a_missing_function_is_not_found(function):
    with pytest.raises(NotFound):
        health_aws.AwsGateway("no-such-function").configuration()


def test_metrics_sum_every_datapoint_and_fill_empty_buckets(gateway):
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    window = Window.for_range("1h")
    dims = [{"Name": "FunctionName", "Value": FUNCTION}]
    t1, t2 = window.end - timedelta(minutes=50), window.end - timedelta(minutes=5)
    cw.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t1, "Value": 7, "Unit": "Count"},
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t2, "Value": 5, "Unit": "Count"},
            {"MetricName": "Errors", "Dimensions": dims, "Timestamp": t2, "Value": 2, "Unit": "Count"},
            {"MetricName": "Throttles", "Dimensions": dims, "Timestamp": t1, "Value": 1, "Unit": "Count"},
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": t1, "Value": 120.0, "Unit": "Milliseconds"},
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": t2, "Value": 30.0, "Unit": "Milliseconds"},
            {"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": t2, "Value": 3, "Unit": "Count"},
            # another function's datapoints are not ours
            {
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": "other"}],
                "Timestamp": t2,
                "Value": 1000,
                "Unit": "Count",
            },
        ],
    )
    metrics = invocation_metrics.read(gateway, window)
    assert len(metrics.invocations) == 60 and metrics.invocations.count(0.0) == 58
    assert (metrics.total_invocations, metrics.total_errors, metrics.total_throttles) == (12, 2, 1)
    assert metrics.error_rate == pytest.approx(2 / 12)
    assert metrics.peak_concurrency == 3
    assert max(metrics.duration["max"]) == 120.0
    assert metrics.overall_duration["max"] == 120.0 and metrics.overall_duration["avg"] == pytest.approx(75.0)
    assert gateway.calls == 1


def test_recent_invocations_come_from_report_lines_with_outcomes(gateway):
    base = int((utcnow() - timedelta(minutes=20)).timestamp() * 1000)
    put_lines(s.invocation_lines(), base_ms=base)
    sample = invocations_question.recent(gateway, Window.for_range("1h"), limit=20)
    assert sample.complete and gateway.calls == 1
    by_id = {i.request_id: i for i in sample.invocations}
    assert set(by_id) == {s.COLD_ID, s.WARM_ID, s.XRAY_ID, s.TIMEOUT_ID, s.ERROR_ID, s.EXIT_ID}
    cold = by_id[s.COLD_ID]
    assert (cold.duration_ms, cold.billed_ms, cold.memory_mb, cold.max_memory_mb, cold.init_ms) == (
        412.57,
        413,
        512,
        118,
        886.12,
    )
    assert by_id[s.XRAY_ID].cold_start and by_id[s.XRAY_ID].init_ms == 901.40
    assert not by_id[s.WARM_ID].cold_start and by_id[s.WARM_ID].outcome == OUTCOME_OK
    assert by_id[s.TIMEOUT_ID].outcome == OUTCOME_TIMEOUT
    assert by_id[s.ERROR_ID].outcome == OUTCOME_ERROR
    assert by_id[s.EXIT_ID].outcome == OUTCOME_CRASH
    assert [c.request_id for c in sample.cold_starts] == [s.XRAY_ID, s.COLD_ID]


def test_logs_are_newest_first_across_streams(gateway):
    base = int((utcnow() - timedelta(minutes=20)).timestamp() * 1000)
    put_lines(s.invocation_lines(), base_ms=base)
    now = utcnow()
    page = log_pages.page(gateway, LogQuery(start=now - timedelta(hours=1), end=now))
    times = [line.event.timestamp for line in page.lines]
    assert len(page.lines) == len(s.invocation_lines()) and times == sorted(times, reverse=True)
    assert {line.event.stream for line in page.lines} == {s.invocation_lines()[0][0], s.invocation_lines()[8][0]}
    assert page.older_before_ms is None and page.token is None
    kinds = {line.kind for line in page.lines}
    assert {"report", "platform", "json", "text"} <= kinds


def test_logs_filter_by_quoted_term_and_request_id(gateway):
    base = int((utcnow() - timedelta(minutes=20)).timestamp() * 1000)
    put_lines(s.invocation_lines(), base_ms=base)
    now = utcnow()
    timed_out = log_pages.page(gateway, LogQuery(start=now - timedelta(hours=1), end=now, text='"Task timed out"'))
    assert [line.request_id for line in timed_out.lines] == [s.TIMEOUT_ID]
    one = log_pages.page(gateway, LogQuery(start=now - timedelta(hours=1), end=now, request_id=s.ERROR_ID))
    assert {line.request_id for line in one.lines} == {s.ERROR_ID} and len(one.lines) == 4
    errors = log_pages.page(
        gateway, LogQuery(start=now - timedelta(hours=1), end=now, request_id=s.ERROR_ID, level="ERROR")
    )
    assert [line.message for line in errors.lines] == ["ValueError: boom"]


def test_logs_page_backwards_without_gaps_or_overlap(gateway):
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    base = int((utcnow() - timedelta(minutes=50)).timestamp() * 1000)
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="s",
        logEvents=[{"timestamp": base + i * 10_000, "message": f"line {i:03d}"} for i in range(250)],
    )
    now = utcnow()
    query = LogQuery(start=now - timedelta(hours=1), end=now)
    shown, before, token, pages = [], None, None, 0
    while True:
        gateway.calls = 0
        page = log_pages.page(gateway, query, before_ms=before, token=token)
        assert gateway.calls <= 3
        shown.extend(line.message for line in page.lines)
        pages += 1
        if page.token:
            token = page.token
        elif page.older_before_ms is not None:
            before, token = page.older_before_ms, None
        else:
            break
        assert pages < 20
    assert sorted(shown) == [f"line {i:03d}" for i in range(250)]  # every line once
    assert shown[0] == "line 249"  # the first page starts with the newest


def test_request_detail_reads_every_line_of_one_request(gateway):
    base = int((utcnow() - timedelta(minutes=20)).timestamp() * 1000)
    lines = s.invocation_lines()
    stream = lines[0][0]
    lines.append((stream, 1100, "a print() without any request id\n"))
    put_lines(lines, base_ms=base)
    now = utcnow()
    detail = request_lines.request_detail(gateway, s.COLD_ID, start=now - timedelta(hours=1), end=now)
    messages = [line.event.message for line in detail.lines]
    assert messages[0].startswith("START") and messages[-1].startswith("REPORT")
    assert "a print() without any request id\n" in messages
    assert detail.invocation and detail.invocation.cold_start
    assert gateway.calls <= 3


def test_request_detail_follows_a_correlation_id_to_the_lambda_request(gateway):
    base = int((utcnow() - timedelta(minutes=20)).timestamp() * 1000)
    stream = "2026/11/27/[$LATEST]cccc"
    app = (
        '{"time":"t","level":"INFO","logger":"console.request","message":"GET / 200",'
        f'"correlation_id":"client-ref-42","lambda_request_id":"{s.WARM_ID}"}}'
    )
    put_lines([(stream, 0, s.START.format(id=s.WARM_ID)), (stream, 5, app), (stream, 10, s.WARM_REPORT)], base_ms=base)
    now = utcnow()
    detail = request_lines.request_detail(gateway, "client-ref-42", start=now - timedelta(hours=1), end=now)
    assert detail.lambda_request_id == s.WARM_ID and len(detail.lines) == 3
    assert detail.invocation and detail.invocation.request_id == s.WARM_ID
    assert gateway.calls == 3


def test_a_bad_request_id_is_refused_before_any_call(gateway):
    now = utcnow()
    with pytest.raises(InvalidQuery):
        request_lines.request_detail(gateway, 'x" ?y', start=now - timedelta(hours=1), end=now)
    assert gateway.calls == 0


def test_tail_returns_only_new_lines(gateway):
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    base = int((utcnow() - timedelta(minutes=5)).timestamp() * 1000)
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="s",
        logEvents=[{"timestamp": base, "message": "one"}, {"timestamp": base + 1000, "message": "two"}],
    )
    now = utcnow()
    query = LogQuery(start=now - timedelta(hours=1), end=now)
    first = log_pages.tail(gateway, query, after_ms=base)
    assert [line.message for line in first.lines] == ["two", "one"]
    again = log_pages.tail(gateway, query, after_ms=first.after_ms, seen=first.seen)
    assert again.lines == [] and again.after_ms == first.after_ms
    logs.put_log_events(
        logGroupName=GROUP, logStreamName="s", logEvents=[{"timestamp": base + 2000, "message": "three"}]
    )
    third = log_pages.tail(gateway, query, after_ms=again.after_ms, seen=again.seen)
    assert [line.message for line in third.lines] == ["three"]
