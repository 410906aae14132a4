"""What the console's FilterLogEvents patterns fetch, judged by CloudWatch's documented filter-pattern rules
(tests/cloudwatch_filter.py, not moto, which fetches everything for these patterns), over the real-line corpus."""

from __future__ import annotations

import pytest

from console.health import patterns
from console.health.gateway import LogQuery
from console.health.invocation_lines import line_outcome
from console.health.logparse import LogEvent, parse_line
from console.health.metrics import utcnow
from tests import cloudwatch_filter as cw
from tests.lambda_corpus import corpus

LINES = corpus()
FORMATS = {"text": patterns.LOG_FORMAT_TEXT, "json": patterns.LOG_FORMAT_JSON}


# --- the matcher itself, on the examples of AWS's "Filter pattern syntax" page -----------------------------


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("ERROR", "[ERROR] 401 Unauthorized", True),
        ("ERROR", "[error] lower case", False),  # case sensitive
        ("ERROR Exception", "ERROR with an Exception", True),
        ("ERROR Exception", "ERROR alone", False),
        ("?ERROR ?Exception", "an Exception", True),
        ("?ERROR ?Exception", "INFO fine", False),
        ("ERROR -Exception", "ERROR with an Exception", False),
        ('"Internal Server Error"', "500 Internal Server Error", True),
        ('?"Task timed out" ?ERROR', "x Task timed out after 3.00 seconds", True),
        ("%ERROR [0-9]+%", "ERROR 404", True),
        ('{ $.eventType = "UpdateTrail" }', '{"eventType": "UpdateTrail"}', True),
        ("{ $.sourceIPAddress != 123.123.* }", '{"sourceIPAddress": "10.0.0.1"}', True),
        ('{ $.level = "ERR*" }', '{"level": "ERROR"}', True),
        ('{ $.record.status = "timeout" || $.level = "ERROR" }', '{"record": {"status": "timeout"}}', True),
        (
            '{ $.user.id = 1 && $.users[0].email = "John.Doe@example.com" }',
            '{"user": {"id": 1}, "users": [{"email": "John.Doe@example.com"}]}',
            True,
        ),
        ('{ $.level = "ERROR" }', "[ERROR] not JSON", False),
        ("", "anything", True),
    ],
)
def test_the_matcher_follows_the_documented_examples(pattern, message, expected):
    assert cw.matches(pattern, message) is expected


@pytest.mark.parametrize("pattern", ["Runtime.ExitError", '"unclosed', "x" * 1025, "%a(b)%"])
def test_the_matcher_refuses_what_cloudwatch_refuses(pattern):
    with pytest.raises(cw.PatternRefused):
        cw.matcher(pattern)


# --- the console's patterns ------------------------------------------------------------------------------


def _parsed(line):
    return parse_line(LogEvent(timestamp=0, message=line["message"], stream="s", event_id="1"))


def _is_failure(line) -> bool:
    parsed = _parsed(line)
    return parsed.is_error or line_outcome(parsed) != "ok" or bool(parsed.init and parsed.init.failed)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_error_filter_fetches_every_failure_lambda_writes(fmt):
    pattern = patterns.level_pattern("ERROR", FORMATS[fmt])
    check = cw.matcher(pattern)
    failures = [line for line in LINES if line["format"] == fmt and _is_failure(line)]
    assert len(failures) >= 5
    missed = [line["id"] for line in failures if not check(line["message"])]
    assert missed == []


def test_the_failures_include_lines_without_an_error_word():
    """Why `?ERROR ?CRITICAL ?FATAL` was not enough: these failures say neither."""
    old = cw.matcher("?ERROR ?CRITICAL ?FATAL")
    silent = {line["id"] for line in LINES if _is_failure(line) and not old(line["message"])}
    assert {
        "azul-task-timed-out",
        "azul-report-status-timeout",
        "cloudwithgagan-runtime-exit",
        "sam-init-report-invoke-error",
        "init-timeout",
        "docs-python-error-object",
        "json-runtimedone-timeout",
        "json-report-timeout",
    } <= silent


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_error_filter_leaves_info_lines_on_aws(fmt):
    check = cw.matcher(patterns.level_pattern("ERROR", FORMATS[fmt]))
    info = [line for line in LINES if line["format"] == fmt and line["expect"].get("level") == "INFO"]
    assert info and not [line["id"] for line in info if check(line["message"])]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
def test_each_level_filter_fetches_that_level_and_above(fmt, level):
    check = cw.matcher(patterns.level_pattern(level, FORMATS[fmt]))
    wanted = [
        line
        for line in LINES
        if line["format"] == fmt and _parsed(line).level and patterns.level_at_least(_parsed(line).level, level)
    ]
    assert [line["id"] for line in wanted if not check(line["message"])] == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_invocation_pattern_fetches_every_line_an_invocation_is_built_from(fmt):
    check = cw.matcher(patterns.invocation_pattern(FORMATS[fmt]))
    needed = [
        line
        for line in LINES
        if line["format"] == fmt
        and (
            _parsed(line).report
            or _parsed(line).init
            or _parsed(line).tag in {"START", "platform.start"}
            or _is_failure(line)
        )
    ]
    assert len(needed) >= 10
    assert [line["id"] for line in needed if not check(line["message"])] == []


def test_the_text_pattern_misses_json_invocations_and_so_the_format_matters():
    """The defect behind "a JSON-format function shows no invocations": text REPORT terms match no JSON record."""
    text = cw.matcher(
        patterns.invocation_pattern(patterns.LOG_FORMAT_TEXT).replace(
            patterns.level_pattern("ERROR", patterns.LOG_FORMAT_TEXT), ""
        )
    )
    json_reports = [line for line in LINES if line["format"] == "json" and _parsed(line).report]
    assert json_reports and not any(text(line["message"]) for line in json_reports)


def test_an_unknown_format_fetches_both_formats():
    check = cw.matcher(patterns.invocation_pattern(""))
    needed = [line for line in LINES if _parsed(line).report or _parsed(line).tag in {"START", "platform.start"}]
    assert [line["id"] for line in needed if not check(line["message"])] == []


@pytest.mark.parametrize("log_format", ["Text", "JSON", ""])
def test_every_pattern_the_console_sends_is_one_cloudwatch_accepts(log_format):
    now = utcnow()
    sent = [patterns.invocation_pattern(log_format)]
    for level in ["", "DEBUG", "INFO", "WARNING", "ERROR"]:
        for text, request_id in [
            ("", ""),
            ("boom", ""),
            ("", "8f507cfc-xmpl-4697-b07a-ac58fc914c95"),
            ('?boom ?"bang bang"', "req-1"),
        ]:
            pattern, _ = patterns.plan(
                LogQuery(start=now, end=now, text=text, level=level, request_id=request_id), log_format=log_format
            )
            sent.append(pattern)
    for pattern in sent:
        cw.matcher(pattern)  # raises PatternRefused for what CloudWatch would refuse
