"""Every real log line of the corpus parses to the fields stored next to it (tests/data/lambda_log_lines.json)."""

from __future__ import annotations

import pytest

from console.health.invocation_lines import line_outcome
from console.health.logparse import LogEvent, parse_line
from tests.lambda_corpus import corpus

LINES = corpus()
REPORT_FIELDS = {
    "duration_ms",
    "billed_ms",
    "memory_mb",
    "max_memory_mb",
    "init_ms",
    "restore_ms",
    "billed_restore_ms",
    "status",
    "error_type",
    "trace_id",
    "cold_start",
}


def test_the_corpus_is_big_enough_and_every_line_names_its_source():
    assert len(LINES) >= 40
    formats = {line["format"] for line in LINES}
    assert formats == {"text", "json"} and sum(line["format"] == "json" for line in LINES) >= 15
    for line in LINES:
        source = line["source"]
        assert (
            source.get("url", "").startswith("https://")
            or (source.get("repo") and source.get("path") and len(source.get("commit", "")) == 40)
            or (source.get("index") == "find_string" and source.get("file_id") and source.get("what"))
        ), line["id"]


def test_the_corpus_covers_what_lambda_writes():
    def having(pred):
        return [line["id"] for line in LINES if pred(line["expect"])]

    assert having(lambda e: (e.get("report") or {}).get("init_ms")), "cold REPORT"
    assert having(lambda e: "report" in e and (e["report"].get("cold_start") is False)), "warm REPORT"
    assert having(lambda e: (e.get("report") or {}).get("restore_ms")), "SnapStart restore"
    assert having(lambda e: (e.get("report") or {}).get("trace_id")) and having(lambda e: e.get("trace_id")), "X-Ray"
    assert having(lambda e: e.get("outcome") == "timeout"), "timeouts"
    assert having(lambda e: e.get("outcome") == "runtime exit"), "runtime exits / out of memory"
    assert having(lambda e: (e.get("init") or {}).get("status") in {"error", "timeout"}), "init failures"
    assert having(lambda e: e.get("exception_contains")), "tracebacks"


@pytest.mark.parametrize("line", LINES, ids=[line["id"] for line in LINES])
def test_each_real_line_parses_to_its_expected_fields(line):
    parsed = parse_line(LogEvent(timestamp=1_795_000_000_000, message=line["message"], stream="s", event_id="1"))
    expect = line["expect"]
    assert parsed.kind == expect["kind"]
    for name in ("level", "request_id", "status", "error_type", "error_message", "trace_id", "tag"):
        if name in expect:
            assert getattr(parsed, name) == expect[name], name
    if "message" in expect:
        assert parsed.message == expect["message"]
    if "exception_contains" in expect:
        assert expect["exception_contains"] in parsed.fields["exception"]
    for key, value in (expect.get("fields") or {}).items():
        assert parsed.fields[key] == value
    if "report" in expect:
        assert parsed.report is not None
        for key, value in expect["report"].items():
            assert key in REPORT_FIELDS
            actual = getattr(parsed.report, key)
            assert actual == (pytest.approx(value) if isinstance(value, float) else value), key
    else:
        assert parsed.report is None
    if "init" in expect:
        assert parsed.init is not None
        for key, value in expect["init"].items():
            assert getattr(parsed.init, key) == value, key
    else:
        assert parsed.init is None
    if "outcome" in expect:
        assert line_outcome(parsed) == expect["outcome"]
