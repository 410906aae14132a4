"""What moto cannot do, against botocore's Stubber with the response shapes AWS documents:
percentile statistics, Logs Insights aggregates, OR filter patterns, and AWS's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from console.health import aws as health_aws
from console.health import invocation_metrics, invocations, log_pages, patterns
from console.health import invocations as invocations_question
from console.health.gateway import AccessDenied, LogQuery, Throttled, Unavailable
from console.health.metrics import Window
from tests import health_samples as s

FUNCTION = "notes-console-dev"
GROUP = f"/aws/lambda/{FUNCTION}"
NOW = datetime(2026, 11, 27, 10, 7, 30, tzinfo=UTC)


@pytest.fixture
def stub():
    health_aws.reset_clients()
    stubbers = {}

    def get(service: str) -> Stubber:
        if service not in stubbers:
            stubbers[service] = Stubber(health_aws.client(service))
            stubbers[service].activate()
        return stubbers[service]

    yield get
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()
    health_aws.reset_clients()


@pytest.fixture
def gateway():
    return health_aws.AwsGateway(FUNCTION, log_format="Text")


def test_percentiles_per_bucket_and_over_the_whole_range(stub, gateway):
    window = Window.for_range("3h", now=NOW)
    b0, b1 = window.buckets[0], window.buckets[-1]
    results = [
        {
            "Id": "invocations",
            "Label": "Invocations",
            "Timestamps": [b0, b1],
            "Values": [100.0, 50.0],
            "StatusCode": "Complete",
        },
        {"Id": "errors", "Label": "Errors", "Timestamps": [b1], "Values": [3.0], "StatusCode": "Complete"},
        {"Id": "throttles", "Label": "Throttles", "Timestamps": [], "Values": [], "StatusCode": "Complete"},
        {
            "Id": "concurrency",
            "Label": "ConcurrentExecutions",
            "Timestamps": [b1],
            "Values": [4.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "d_p50",
            "Label": "Duration p50",
            "Timestamps": [b0, b1],
            "Values": [20.0, 25.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "d_p99",
            "Label": "Duration p99",
            "Timestamps": [b0, b1],
            "Values": [180.0, 420.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "o_p50",
            "Label": "Duration p50",
            "Timestamps": [window.start],
            "Values": [22.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "o_p90",
            "Label": "Duration p90",
            "Timestamps": [window.start],
            "Values": [95.0],
            "StatusCode": "Complete",
        },
        {
            "Id": "o_p99",
            "Label": "Duration p99",
            "Timestamps": [window.start],
            "Values": [390.5],
            "StatusCode": "Complete",
        },
    ]
    stub("cloudwatch").add_response(
        "get_metric_data",
        {"MetricDataResults": results, "Messages": []},
        {
            "MetricDataQueries": invocation_metrics.metric_queries(gateway, window),
            "StartTime": window.start,
            "EndTime": window.end,
            "ScanBy": "TimestampAscending",
        },
    )
    metrics = invocation_metrics.read(gateway, window)
    stats = {q["MetricStat"]["Stat"] for q in invocation_metrics.metric_queries(gateway, window)}
    assert {"p50", "p90", "p99", "Average", "Maximum", "Sum"} <= stats
    assert metrics.total_invocations == 150 and metrics.total_errors == 3 and metrics.error_rate == 0.02
    assert metrics.duration["p99"][0] == 180.0 and metrics.duration["p99"][-1] == 420.0
    assert metrics.duration["p90"] == [0.0] * len(window.buckets)  # empty buckets are zeros
    assert metrics.overall_duration == {"avg": None, "p50": 22.0, "p90": 95.0, "p99": 390.5, "max": None}
    assert gateway.calls == 1


def test_partial_data_is_a_warning_not_a_failure(stub, gateway):
    window = Window.for_range("1h", now=NOW)
    stub("cloudwatch").add_response(
        "get_metric_data",
        {
            "MetricDataResults": [
                {
                    "Id": "invocations",
                    "Label": "Invocations",
                    "Timestamps": [window.start],
                    "Values": [1.0],
                    "StatusCode": "PartialData",
                }
            ]
        },
    )
    metrics = invocation_metrics.read(gateway, window)
    assert metrics.total_invocations == 1 and "partial data" in metrics.warnings[0]


def test_insights_aggregates_give_cold_starts_init_percentiles_and_gb_seconds(stub, gateway):
    window = Window.for_range("24h", now=NOW)
    stub("logs").add_response(
        "start_query",
        {"queryId": "12ab3456-12ab-123a-789e-1234567890ab"},
        {
            "logGroupName": GROUP,
            "startTime": window.start_ms // 1000,
            "endTime": window.end_ms // 1000,
            "queryString": invocations.INSIGHTS_QUERY,
            "limit": 1,
        },
    )
    stub("logs").add_response(
        "get_query_results",
        {
            "status": "Running",
            "results": [],
            "statistics": {"recordsMatched": 0.0, "recordsScanned": 10.0, "bytesScanned": 1024.0},
        },
        {"queryId": "12ab3456-12ab-123a-789e-1234567890ab"},
    )
    stub("logs").add_response(
        "get_query_results",
        {
            "status": "Complete",
            "results": [
                [
                    {"field": "invocations", "value": "1200"},
                    {"field": "coldStarts", "value": "14"},
                    {"field": "billedMs", "value": "96000"},
                    # Insights gives @memorySize in bytes (512 MB = 512000000): the query divides by 1e6
                    {"field": "billedMbMs", "value": "49152000"},
                    {"field": "initAvg", "value": "870.2"},
                    {"field": "initP50", "value": "861.0"},
                    {"field": "initP90", "value": "940.5"},
                    {"field": "initP99", "value": "1203.7"},
                    {"field": "initMax", "value": "1250.0"},
                    {"field": "maxMemoryUsedMB", "value": "131"},
                    {"field": "memoryMB", "value": "512"},
                ]
            ],
            "statistics": {"recordsMatched": 1200.0, "recordsScanned": 4000.0, "bytesScanned": 812345.0},
        },
        {"queryId": "12ab3456-12ab-123a-789e-1234567890ab"},
    )
    handle = invocations.start_aggregates(gateway, window)
    assert not invocations.aggregates(gateway, handle).done
    result = invocations.aggregates(gateway, handle)
    assert result.done and (result.invocations, result.cold_starts) == (1200, 14)
    assert result.gb_seconds == pytest.approx(96 * 0.5)  # 96 s billed at 512 MB
    assert result.init_ms["p99"] == 1203.7 and result.memory_mb == 512 and result.max_memory_used_mb == 131
    assert (
        "pct(@initDuration, 99)" in invocations.INSIGHTS_QUERY and "count(@initDuration)" in invocations.INSIGHTS_QUERY
    )


def _event(stream, ts, message, n):
    return {"logStreamName": stream, "timestamp": ts, "message": message, "ingestionTime": ts + 50, "eventId": str(n)}


def test_recent_invocations_send_an_or_pattern_and_keep_only_what_matters(stub, gateway):
    window = Window.for_range("1h", now=NOW)
    base = window.start_ms + 60_000
    # What CloudWatch returns for the OR pattern: START/REPORT lines and error lines, not the app's INFO lines.
    events = [
        _event(st, base + off, msg, i)
        for i, (st, off, msg) in enumerate(s.invocation_lines())
        if msg.startswith(("START", "REPORT")) or "ERROR" in msg or "timed out" in msg or "Runtime" in msg
    ]
    stub("logs").add_response(
        "filter_log_events",
        {"events": events, "searchedLogStreams": []},
        {
            "logGroupName": GROUP,
            "startTime": window.start_ms,
            "endTime": window.end_ms,
            "filterPattern": patterns.INVOCATION_PATTERN,
            "limit": invocations_question.RECENT_EVENTS_LIMIT,
        },
    )
    sample = invocations_question.recent(gateway, window, limit=4)
    assert [i.request_id for i in sample.invocations] == [s.EXIT_ID, s.ERROR_ID, s.TIMEOUT_ID, s.XRAY_ID]
    assert [i.outcome for i in sample.invocations] == ["runtime exit", "error", "timeout", "ok"]
    assert patterns.INVOCATION_PATTERN.startswith('?"REPORT RequestId"')


def test_metrics_narrow_the_log_read_to_the_newest_buckets(stub, gateway):
    from console.health.metrics import Metrics

    window = Window.for_range("1h", now=NOW)
    invocations = [0.0] * 60
    invocations[10], invocations[57] = 500.0, 40.0
    metrics = Metrics(
        window=window,
        invocations=invocations,
        errors=[0.0] * 60,
        throttles=[0.0] * 60,
        concurrency=[0.0] * 60,
        duration={},
    )
    stub("logs").add_response(
        "filter_log_events",
        {"events": []},
        {
            "logGroupName": GROUP,
            "startTime": int(window.buckets[57].timestamp() * 1000),
            "endTime": window.end_ms,
            "filterPattern": patterns.INVOCATION_PATTERN,
            "limit": invocations_question.RECENT_EVENTS_LIMIT,
        },
    )
    invocations_question.recent(gateway, window, limit=20, metrics=metrics)


def test_a_level_filter_is_an_or_pattern(stub, gateway):
    start, end = NOW - timedelta(hours=1), NOW
    stub("logs").add_response(
        "filter_log_events",
        {
            "events": [
                _event("s", int(NOW.timestamp() * 1000) - 5000, s.ERROR_LINE, 1),
                _event("s", int(NOW.timestamp() * 1000) - 4000, '{"level":"INFO","message":"ERROR in text"}', 2),
            ]
        },
        {
            "logGroupName": GROUP,
            "startTime": int(start.timestamp() * 1000),
            "endTime": int(end.timestamp() * 1000),
            "limit": log_pages.LOG_PAGE_LINES,
            "filterPattern": patterns.level_pattern("ERROR", "Text"),
        },
    )
    page = log_pages.page(gateway, LogQuery(start=start, end=end, level="ERROR"))
    assert [line.message for line in page.lines] == ["ValueError: boom"]  # the INFO line is dropped
    assert patterns.level_pattern("ERROR", "Text").startswith("?ERROR ?CRITICAL ?FATAL ")


def test_access_denied_names_the_missing_action(stub, gateway):
    stub("lambda").add_client_error(
        "get_function",
        service_error_code="AccessDeniedException",
        http_status_code=403,
        service_message="User: arn:aws:sts::123456789012:assumed-role/notes-console-dev-ZappaLambdaExecutionRole/"
        "notes-console-dev is not authorized to perform: lambda:GetFunction on resource: "
        f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}",
    )
    with pytest.raises(AccessDenied) as info:
        gateway.configuration()
    assert info.value.action == "lambda:GetFunction" and "lambda:GetFunction" in info.value.message


def test_access_denied_without_a_named_action_uses_the_operation(stub, gateway):
    stub("logs").add_client_error(
        "start_query", service_error_code="AccessDeniedException", http_status_code=400, service_message="Access denied"
    )
    with pytest.raises(AccessDenied) as info:
        invocations.start_aggregates(gateway, Window.for_range("1h", now=NOW))
    assert info.value.action == "logs:StartQuery"


def test_throttling_midway_keeps_what_was_read(stub, gateway):
    start, end = NOW - timedelta(hours=1), NOW
    end_ms = int(end.timestamp() * 1000)
    old = [_event("s", end_ms - 3_000_000 + i, f"old {i}", i) for i in range(100)]
    # 1: the whole hour holds more than a page; 2: the narrowed span is complete but sparse; 3: throttled
    stub("logs").add_response("filter_log_events", {"events": old, "nextToken": "t-1"})
    stub("logs").add_response("filter_log_events", {"events": [_event("s", end_ms - 1000, "newest", 200)]})
    stub("logs").add_client_error(
        "filter_log_events",
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    page = log_pages.page(gateway, LogQuery(start=start, end=end))
    assert [line.message for line in page.lines] == ["newest"]
    assert page.warnings and "throttled" in page.warnings[0] and page.older_before_ms is not None
    assert gateway.calls == 3


def test_throttled_after_a_dense_read_shows_that_read_with_a_token(stub, gateway):
    start, end = NOW - timedelta(hours=1), NOW
    end_ms = int(end.timestamp() * 1000)
    old = [_event("s", end_ms - 3_000_000 + i, f"old {i}", i) for i in range(100)]
    stub("logs").add_response("filter_log_events", {"events": old, "nextToken": "t-1"})
    stub("logs").add_client_error(
        "filter_log_events",
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    page = log_pages.page(gateway, LogQuery(start=start, end=end))
    assert len(page.lines) == 100 and page.lines[0].message == "old 99" and page.token
    assert "throttled" in page.warnings[0]


def test_throttling_on_the_first_read_is_explained(stub, gateway):
    stub("cloudwatch").add_client_error(
        "get_metric_data", service_error_code="Throttling", service_message="Rate exceeded", http_status_code=400
    )
    with pytest.raises(Throttled):
        invocation_metrics.read(gateway, Window.for_range("1h", now=NOW))


def test_a_timeout_is_unavailable(gateway, monkeypatch):
    def slow(**_):
        raise ReadTimeoutError(endpoint_url="https://lambda.us-east-1.amazonaws.com")

    monkeypatch.setattr(health_aws.client("lambda"), "get_function", slow)
    with pytest.raises(Unavailable) as info:
        gateway.configuration()
    assert "timed out" in info.value.message
    health_aws.reset_clients()


# --- the function's log format: read from GetFunction, picked for patterns and queries -------------------


def _get_function(log_format: str) -> dict:
    """GetFunction's documented shape, with LoggingConfig as Lambda returns it since the JSON format."""
    return {
        "Configuration": {
            "FunctionName": FUNCTION,
            "FunctionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}",
            "Runtime": "python3.12",
            "Handler": "handler.lambda_handler",
            "MemorySize": 512,
            "Timeout": 30,
            "LoggingConfig": {
                "LogFormat": log_format,
                "ApplicationLogLevel": "INFO",
                "SystemLogLevel": "INFO",
                "LogGroup": GROUP,
            },
        }
    }


def test_a_json_format_function_gets_json_patterns_and_queries_after_one_get_function(stub):
    window = Window.for_range("1h", now=NOW)
    stub("lambda").add_response("get_function", _get_function("JSON"), {"FunctionName": FUNCTION})
    first = health_aws.AwsGateway(FUNCTION)
    assert first.configuration().log_format == "JSON" and first.log_format() == "JSON"
    # a later page's gateway makes no GetFunction of its own: the format is remembered for the process
    later = health_aws.AwsGateway(FUNCTION)
    stub("logs").add_response(
        "filter_log_events",
        {"events": []},
        {
            "logGroupName": GROUP,
            "startTime": window.start_ms,
            "endTime": window.end_ms,
            "filterPattern": patterns.invocation_pattern("JSON"),
            "limit": invocations_question.RECENT_EVENTS_LIMIT,
        },
    )
    stub("logs").add_response(
        "start_query",
        {"queryId": "q-json"},
        {
            "logGroupName": GROUP,
            "startTime": window.start_ms // 1000,
            "endTime": window.end_ms // 1000,
            "queryString": invocations.INSIGHTS_QUERY_JSON,
            "limit": 1,
        },
    )
    invocations_question.recent(later, window)
    assert invocations.start_aggregates(later, window) == "q-json" and later.calls == 2
    assert 'filter type = "platform.report"' in invocations.INSIGHTS_QUERY_JSON
    assert "record.metrics.initDurationMs" in invocations.INSIGHTS_QUERY_JSON
    assert "@initDuration" not in invocations.INSIGHTS_QUERY_JSON and "@duration" not in invocations.INSIGHTS_QUERY_JSON


def test_json_aggregates_read_megabytes_as_they_are(stub):
    """platform.report's metrics are in MB (Insights' @memorySize of text REPORTs is in bytes)."""
    stub("logs").add_response(
        "get_query_results",
        {
            "status": "Complete",
            "results": [
                [
                    {"field": "invocations", "value": "10"},
                    {"field": "coldStarts", "value": "2"},
                    {"field": "billedMs", "value": "2000"},
                    {"field": "billedMbMs", "value": "1024000"},
                    {"field": "initAvg", "value": "174.0"},
                    {"field": "maxMemoryUsedMB", "value": "67"},
                    {"field": "memoryMB", "value": "512"},
                ]
            ],
        },
        {"queryId": "q-json"},
    )
    result = invocations.aggregates(health_aws.AwsGateway(FUNCTION, log_format="JSON"), "q-json")
    assert (result.invocations, result.cold_starts, result.memory_mb) == (10, 2, 512)
    assert result.gb_seconds == pytest.approx(2 * 0.5)


def test_a_text_format_function_keeps_the_report_query(stub):
    stub("lambda").add_response("get_function", _get_function("Text"), {"FunctionName": FUNCTION})
    gateway = health_aws.AwsGateway(FUNCTION)
    gateway.configuration()
    assert gateway.log_format() == "Text"
    assert invocations.insights_query(gateway.log_format()) == invocations.INSIGHTS_QUERY


def test_on_lambda_the_function_reads_its_own_format_without_a_call(stub, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", FUNCTION)
    monkeypatch.setenv("AWS_LAMBDA_LOG_FORMAT", "JSON")
    assert health_aws.AwsGateway(FUNCTION).log_format() == "JSON"
    assert health_aws.AwsGateway("another-function").log_format() == ""  # another function's is not ours


def test_an_unknown_format_reads_both(stub):
    gateway = health_aws.AwsGateway(FUNCTION)
    assert gateway.log_format() == ""
    assert invocations.insights_query("") == invocations.INSIGHTS_QUERY_ANY
    assert '@type = "REPORT" or type = "platform.report"' in invocations.INSIGHTS_QUERY_ANY
    assert '?"REPORT RequestId"' in patterns.invocation_pattern(
        ""
    ) and '?"platform.report"' in patterns.invocation_pattern("")
