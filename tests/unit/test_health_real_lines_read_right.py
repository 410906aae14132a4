"""Lines the console once read wrong, each on real lines of the corpus (tests/data/lambda_log_lines.json, sources there):
what Lambda, its extensions and older runtimes write is read as what it is."""

from __future__ import annotations

from datetime import UTC, datetime

from django.template.loader import render_to_string

from console.health import failure_lines, failures, patterns
from console.health.gateway import LogQuery
from console.health.invocation_lines import OUTCOME_OK, invocations_from_events
from console.health.logparse import LogEvent, parse_line
from console.health.metrics import Window
from console.health.request_lines import request_detail_from
from tests import cloudwatch_filter as cw
from tests.lambda_corpus import by_id, corpus

T0 = 1_795_000_000_000
NOW = datetime.fromtimestamp(T0 / 1000 + 60, tz=UTC)


def sequence(name: str) -> list[LogEvent]:
    lines = [line for line in corpus() if line["sequence"] == name]
    return [LogEvent(T0 + i, line["message"], f"2026/12/01/[$LATEST]{name}", str(i)) for i, line in enumerate(lines)]


def event(line_id: str) -> LogEvent:
    return LogEvent(T0, by_id(line_id)["message"], "s", "1")


def test_a_handled_http_error_and_an_extension_error_leave_the_outcome_to_lambda_on_both_pages():
    """The request page reads every line of the request; the invocations page only what the invocation
    pattern fetches. Both say "ok" for an invocation whose REPORT says so."""
    events = sequence("ssm-ext-denied")
    request_id = "e2a94706-2b18-48eb-9999-41200c64afc8"
    request_page = request_detail_from(request_id, "", events, [])
    fetched = cw.matcher(patterns.invocation_pattern("Text"))
    invocations_page = invocations_from_events([e for e in events if fetched(e.message)])
    assert request_page.invocation is not None and request_page.invocation.outcome == OUTCOME_OK
    assert [i.outcome for i in invocations_page] == [OUTCOME_OK]


def test_the_word_error_inside_a_line_is_no_level():
    assert parse_line(event("ssm-http-error-handled")).level == ""
    assert parse_line(event("ssm-print-failed")).level == ""


def test_an_extensions_level_past_the_start_is_its_level_and_the_error_filter_keeps_it():
    line = parse_line(event("ssm-ext-error-getparameter"))
    assert line.level == "ERROR" and "GetParameter request encountered an error" in line.message
    pattern, keep = patterns.plan(LogQuery(start=NOW, end=NOW, level="ERROR"), log_format="Text")
    assert cw.matcher(pattern)(line.event.message) and keep(line)
    assert parse_line(event("appconfig-info-retrieved")).level == "INFO"


def test_telemetry_and_extension_lines_are_platform_lines_with_their_tag():
    assert parse_line(event("dd-telemetry-subscribed")).tag == "TELEMETRY"
    assert parse_line(event("ssm-extension-ready")).tag == "EXTENSION"


def test_a_failed_snapstart_restore_is_a_failure_fetched_by_the_error_filter():
    check = cw.matcher(patterns.level_pattern("ERROR", "Text"))
    for line_id, status in (("docs-restore-report-timeout", "timeout"), ("docs-restore-report-hook-error", "error")):
        line = parse_line(event(line_id))
        assert (line.level, line.status) == ("ERROR", status) and check(line.event.message)
        found = failure_lines.failure_of_line(line, ("notes",))
        assert found is not None and found.title == "Restore failure"
    ok = parse_line(event("snapstart-restore-report-ok"))
    assert ok.level == "" and failure_lines.failure_of_line(ok, ("notes",)) is None


def test_the_out_of_memory_reports_error_type_is_on_the_logs_row():
    line = parse_line(event("oom-report-out-of-memory"))
    html = render_to_string("console/health/_log_rows.html", {"lines": [line]})
    assert "Runtime.OutOfMemory" in html and "log-error" in html


def test_powertools_lines_carry_lambdas_request_id():
    line = parse_line(event("pt-py-submit-user"))
    assert line.request_id == "d683b1f7-ac35-4066-ae77-b6ab12a6fb32"
    assert "function_request_id" not in line.fields  # a column, not a chip as well
    events = [LogEvent(T0 + i, e.message, "s", str(i)) for i, e in enumerate(sequence("pt-py"))]
    detail = request_detail_from("d683b1f7-ac35-4066-ae77-b6ab12a6fb32", "", events, [])
    assert {line.request_id for line in detail.lines} == {"d683b1f7-ac35-4066-ae77-b6ab12a6fb32"}


def test_the_pre_37_runtimes_unhandled_exception_is_fetched_read_and_grouped():
    check = cw.matcher(patterns.level_pattern("ERROR", "Text"))
    events = sequence("py27-keyerror")
    unhandled = [e for e in events if "KeyError" in e.message]
    assert unhandled and all(check(e.message) for e in unhandled)
    assert cw.matcher(patterns.invocation_pattern("Text"))(unhandled[0].message)
    [invocation] = invocations_from_events(events)
    assert invocation.outcome == "error" and "KeyError" in invocation.detail
    window = Window.for_range("1h", now=NOW)
    groups = failures.group(failure_lines.failures_from_events(events, ("notes",)), window, deployed_at=None)
    assert [(g.kind, g.label) for g in groups] == [("exception", "KeyError")]
