from __future__ import annotations

import pytest

from console.health.invocation_lines import (
    OUTCOME_CRASH,
    OUTCOME_ERROR,
    OUTCOME_OK,
    OUTCOME_TIMEOUT,
    invocations_from_events,
)
from console.health.logparse import LogEvent, parse_line, parse_report
from tests import health_samples as s

T0 = 1_795_000_000_000


def events():
    return [
        LogEvent(timestamp=T0 + offset, message=msg, stream=stream, event_id=str(i))
        for i, (stream, offset, msg) in enumerate(s.invocation_lines())
    ]


def test_it_parses_a_warm_report_line():
    report = parse_report(s.WARM_REPORT)
    assert report.request_id == s.WARM_ID
    assert (report.duration_ms, report.billed_ms, report.memory_mb, report.max_memory_mb) == (23.08, 24, 512, 121)
    assert report.init_ms is None and not report.cold_start


def test_it_reads_init_duration_only_on_cold_starts():
    report = parse_report(s.COLD_REPORT)
    assert report.init_ms == 886.12 and report.cold_start


def test_it_reads_the_xray_line_that_follows():
    report = parse_report(s.XRAY_REPORT)
    assert report.trace_id == "1-6566f1a2-3b4c5d6e7f8091a2b3c4d5e6"
    assert report.max_memory_mb == 122 and report.init_ms == 901.40


def test_it_reads_snapstart_restore_duration():
    report = parse_report(s.SNAPSTART_REPORT)
    assert report.restore_ms == 267.04 and report.billed_restore_ms == 267 and report.init_ms is None
    assert report.cold_start and report.billed_ms == 292


def test_it_reads_the_status_of_newer_runtimes():
    line = (
        "REPORT RequestId: abc-1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 50 MB\tStatus: timeout\n"
    )
    assert parse_report(line).status == "timeout"


def test_it_tolerates_spaces_instead_of_tabs():
    line = (
        "REPORT RequestId: abc-2 Duration: 2.50 ms Billed Duration: 3 ms Memory Size: 128 MB "
        "Max Memory Used: 40 MB Init Duration: 100.00 ms"
    )
    report = parse_report(line)
    assert (report.duration_ms, report.billed_ms, report.init_ms) == (2.5, 3, 100.0)


def test_it_parses_the_json_log_format_platform_report():
    line = (
        '{"time":"2026-11-27T10:00:00.000Z","type":"platform.report","record":{"requestId":"r-1",'
        '"metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":256,"maxMemoryUsedMB":70,'
        '"initDurationMs":300.1},"status":"timeout"}}'
    )
    report = parse_report(line)
    assert (report.request_id, report.billed_ms, report.memory_mb, report.init_ms, report.status) == (
        "r-1",
        13,
        256,
        300.1,
        "timeout",
    )


@pytest.mark.parametrize("line", ["START RequestId: x Version: $LATEST", "hello REPORT", "REPORT RequestId: x", "{}"])
def test_it_rejects_what_is_not_a_report(line):
    assert parse_report(line) is None


def test_it_assembles_invocations_with_outcomes_newest_first():
    invocations = invocations_from_events(events())
    assert [i.request_id for i in invocations] == [s.EXIT_ID, s.ERROR_ID, s.TIMEOUT_ID, s.XRAY_ID, s.WARM_ID, s.COLD_ID]
    by_id = {i.request_id: i for i in invocations}
    assert by_id[s.COLD_ID].outcome == OUTCOME_OK and by_id[s.COLD_ID].cold_start
    assert by_id[s.WARM_ID].outcome == OUTCOME_OK and not by_id[s.WARM_ID].cold_start
    assert by_id[s.XRAY_ID].cold_start and by_id[s.XRAY_ID].trace_id
    assert by_id[s.TIMEOUT_ID].outcome == OUTCOME_TIMEOUT and "timed out" in by_id[s.TIMEOUT_ID].detail
    assert by_id[s.ERROR_ID].outcome == OUTCOME_ERROR and by_id[s.ERROR_ID].detail == "ValueError: boom"
    assert by_id[s.EXIT_ID].outcome == OUTCOME_CRASH


def test_a_line_without_request_id_belongs_to_the_request_running_in_its_stream():
    stream = "s1"
    lines = [
        LogEvent(T0, s.START.format(id="req-a"), stream),
        LogEvent(T0 + 1, "Traceback (most recent call last):\n  File ...", stream),
        LogEvent(
            T0 + 2,
            "REPORT RequestId: req-a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\t"
            "Max Memory Used: 30 MB\t",
            stream,
        ),
        LogEvent(T0 + 3, s.START.format(id="req-b"), "s2"),
        LogEvent(
            T0 + 4,
            "REPORT RequestId: req-b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\t"
            "Max Memory Used: 30 MB\t",
            "s2",
        ),
    ]
    outcomes = {i.request_id: i.outcome for i in invocations_from_events(lines)}
    assert outcomes == {"req-a": OUTCOME_ERROR, "req-b": OUTCOME_OK}


def test_json_lines_become_columns():
    line = parse_line(LogEvent(T0, s.APP_LINE.format(id="cid-1")))
    assert (line.kind, line.level, line.message, line.request_id) == ("json", "INFO", "GET /notes/ 200 12.0ms", "cid-1")
    assert line.fields["status"] == 200


def test_runtime_text_lines_give_level_and_request_id():
    line = parse_line(LogEvent(T0, s.ERROR_LINE))
    assert (line.kind, line.level, line.request_id, line.message) == ("text", "ERROR", s.ERROR_ID, "ValueError: boom")


def test_report_lines_become_a_summary():
    line = parse_line(LogEvent(T0, s.COLD_REPORT))
    assert line.kind == "report" and line.request_id == s.COLD_ID
    assert "cold start" in line.message and "118/512 MB" in line.message
