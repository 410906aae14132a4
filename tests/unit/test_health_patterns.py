from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.health.gateway import InvalidQuery, LogQuery
from console.health.logparse import LogEvent, parse_line
from console.health.patterns import compile_pattern, is_plain_terms, plan

NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("ERROR", "[ERROR] boom", True),
        ("ERROR", "[INFO] fine", False),
        ("ERROR boom", "[ERROR] boom", True),
        ("ERROR boom", "[ERROR] bang", False),
        ('"Task timed out"', "x Task timed out after 3.00 seconds", True),
        ("?ERROR ?WARN", "WARN low disk", True),
        ("?ERROR ?WARN", "INFO ok", False),
        ("ERROR -healthz", "ERROR in /healthz", False),
        ("%status=5\\d\\d%", "status=503", True),
        ('{ $.level = "ERROR" }', '{"level":"ERROR","message":"x"}', True),
        ('{ $.level = "ERR*" }', '{"level":"ERROR"}', True),
        ("{ $.status >= 500 }", '{"status":503}', True),
        ("{ $.status >= 500 }", '{"status":200}', False),
        ('{ $.status >= 500 || $.level = "WARNING" }', '{"status":200,"level":"WARNING"}', True),
        ('{ $.http.method = "GET" && $.status = 200 }', '{"http":{"method":"GET"},"status":200}', True),
        ('{ $.level = "ERROR" }', "not json", False),
        ("", "anything", True),
        ('?"Task timed out" ?ERROR', "x Task timed out after 3.00 seconds", True),  # a quoted OR phrase is one term
        ('?"Task timed out" ?ERROR', "Task finished", False),
        ('ERROR -"GET /healthz"', "ERROR in GET /healthz", False),
    ],
)
def test_patterns_match_like_cloudwatch(pattern, message, expected):
    assert compile_pattern(pattern)(message) is expected


@pytest.mark.parametrize("pattern", ["{ $.level = ", "{ level }", "%[unclosed%"])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(InvalidQuery):
        compile_pattern(pattern)


def test_plain_terms_combine_with_a_request_id():
    assert is_plain_terms('boom "two words"') and not is_plain_terms("?a ?b") and not is_plain_terms("{ $.a = 1 }")
    pattern, _ = plan(LogQuery(start=NOW, end=NOW, text="boom", request_id="req-1"))
    assert pattern == '"req-1" boom'


def test_an_or_pattern_with_a_request_id_is_checked_after_reading():
    pattern, keep = plan(LogQuery(start=NOW, end=NOW, text="?boom ?bang", request_id="req-1"))
    assert pattern == '"req-1"'
    assert keep(parse_line(LogEvent(0, "[ERROR]\tt\treq-1\tbang")))
    assert not keep(parse_line(LogEvent(0, "[INFO]\tt\treq-1\tother")))


def test_a_level_alone_becomes_an_or_pattern_of_that_level_and_above():
    pattern, keep = plan(LogQuery(start=NOW, end=NOW, level="WARNING"))
    # the level words, then Lambda's failures that carry none (timeouts, runtime exits, failed inits, ...)
    assert pattern.startswith("?WARNING ?WARN ?ERROR ?CRITICAL ?FATAL ")
    assert '?"Task timed out"' in pattern and '?"Status: timeout"' in pattern
    assert keep(parse_line(LogEvent(0, '{"level":"ERROR","message":"x"}')))
    assert not keep(parse_line(LogEvent(0, '{"level":"INFO","message":"WARNING in text"}')))


def test_a_request_id_is_validated_before_it_goes_into_a_pattern():
    with pytest.raises(InvalidQuery):
        plan(LogQuery(start=NOW, end=NOW, request_id='x" ?y'))
