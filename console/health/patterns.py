"""CloudWatch Logs filter patterns: the pattern sent for a log query (levels, failures, invocations, one
request), and the check applied to the lines that come back for what one pattern can't express.

The questions send these through either gateway's `log_events`: FilterLogEvents on AWS, the same syntax
matched by `log_filter.compile_pattern()` locally, so a pattern means the same thing in both modes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from console.health.gateway import InvalidQuery, LogQuery, level_at_least
from console.health.log_filter import LOG_FORMAT_JSON as LOG_FORMAT_JSON
from console.health.log_filter import LOG_FORMAT_TEXT as LOG_FORMAT_TEXT
from console.health.log_filter import compile_pattern as compile_pattern
from console.health.log_filter import normalize_format as normalize_format
from console.health.logparse import LogLine

REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")

# Level words as they appear in both formats' lines ([ERROR], "level":"ERROR").
_LEVEL_TERMS = {
    "DEBUG": "?DEBUG",
    "INFO": "?INFO",
    "WARNING": "?WARNING ?WARN",
    "ERROR": "?ERROR",
    "CRITICAL": "?CRITICAL ?FATAL",
}
# Failures Lambda writes without a level word: timeouts, runtime exits, failed inits and restores, the runtime's
# unhandled-error object, REPORT lines of newer runtimes that end with Status: timeout|error, and the pre-3.7
# Python runtime's unhandled exception (`'key': KeyError` and its Traceback).
_FAILURE_TERMS = {
    LOG_FORMAT_TEXT: (
        '?"Task timed out" ?"Runtime exited" ?"Runtime.ExitError" ?"Process exited before completing" '
        '?"Status: error" ?"Status: timeout" ?"Status: failure" ?errorType ?"Runtime.Unknown" ?Traceback'
    ),
    # JSON records say "status":"timeout" (runtimeDone, report, initReport) or carry an errorType.
    LOG_FORMAT_JSON: '?errorType ?timeout ?failure ?"Task timed out" ?"Runtime exited" ?"Runtime.ExitError"',
}
# The app's request lines, which say what the app answered (the HTTP status next to Lambda's outcome).
APP_REQUEST_TERM = '?"console.request"'
# Lines that mark an invocation: its REPORT and START, and the init report it may carry.
_INVOCATION_TERMS = {
    LOG_FORMAT_TEXT: '?"REPORT RequestId" ?"START RequestId" ?INIT_REPORT',
    LOG_FORMAT_JSON: '?"platform.report" ?"platform.start" ?"platform.initReport" ?"platform.runtimeDone"',
}


def _formats(log_format: str) -> list[str]:
    known = normalize_format(log_format)
    return [known] if known else [LOG_FORMAT_TEXT, LOG_FORMAT_JSON]


def _terms(*parts: str) -> str:
    return " ".join(dict.fromkeys(term for part in parts for term in _split_terms(part)))


def _split_terms(part: str) -> list[str]:
    return [m.group(0).strip() for m in re.finditer(r'\?"[^"]*"|\S+', part)]


def invocation_pattern(log_format: str = LOG_FORMAT_TEXT) -> str:
    """The FilterLogEvents pattern for the lines invocations are built from, in the function's log format."""
    parts = [_INVOCATION_TERMS[f] for f in _formats(log_format)]
    return _terms(
        *parts, "?ERROR ?CRITICAL ?FATAL", *[_FAILURE_TERMS[f] for f in _formats(log_format)], APP_REQUEST_TERM
    )


def level_pattern(level: str, log_format: str = LOG_FORMAT_TEXT) -> str:
    """Lines at `level` and above; from ERROR up, also Lambda's failures that carry no level word."""
    parts = [_LEVEL_TERMS[name] for name in _LEVEL_TERMS if level_at_least(name, level)]
    if level_at_least("ERROR", level):
        parts.extend(_FAILURE_TERMS[f] for f in _formats(log_format))
    return _terms(*parts)


INVOCATION_PATTERN = invocation_pattern(LOG_FORMAT_TEXT)


def is_plain_terms(text: str) -> bool:
    """Only AND-ed terms and phrases: can be combined with another term in one pattern."""
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith(("{", "[")) and not re.search(r"(^|\s)[?\-]|%", stripped)


def plan(query: LogQuery, *, log_format: str = LOG_FORMAT_TEXT) -> tuple[str, Callable[[LogLine], bool]]:
    """The pattern to send, and the check applied to what comes back (what one pattern can't express)."""
    text, level = query.text.strip(), query.level
    checks: list[Callable[[LogLine], bool]] = []
    if query.request_id:
        if not REQUEST_ID.match(query.request_id):
            raise InvalidQuery("A request id has only letters, digits and . _ : - (at most 128).")
        pattern = f'"{query.request_id}"'
        if text and is_plain_terms(text):
            pattern = f"{pattern} {text}"
        elif text:
            compiled = compile_pattern(text)
            checks.append(lambda line: compiled(line.event.message))
    elif text:
        compile_pattern(text)  # refuse what CloudWatch would refuse, with a readable message
        pattern = text
    elif level:
        pattern = level_pattern(level, log_format)
    else:
        pattern = ""
    if level:
        checks.append(lambda line: level_at_least(line.level, level))
    return pattern, lambda line: all(check(line) for check in checks)


# --- matching ----------------------------------------------------------------------------------------
