"""CloudWatch Logs filter patterns: the pattern sent for a log query, and a matcher for local lines.

The AWS gateway sends the pattern to FilterLogEvents; the local gateway matches its in-memory lines with
`compile_pattern()`, which implements the same syntax (terms, "phrases", ?or, -exclude, %regex%, and JSON
`{ $.field = value && ... }` selectors), so a pattern means the same thing in both modes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from console.health.gateway import InvalidQuery, LogQuery, level_at_least
from console.health.logparse import LogLine

REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")

LOG_FORMAT_TEXT = "Text"
LOG_FORMAT_JSON = "JSON"
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


def normalize_format(log_format: str) -> str:
    """ "Text", "JSON", or "" (not known: patterns then cover both formats)."""
    value = (log_format or "").strip().lower()
    return {"text": LOG_FORMAT_TEXT, "json": LOG_FORMAT_JSON}.get(value, "")


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

_TOKEN = re.compile(r'\s*(?:([?\-]?)"((?:[^"\\]|\\.)*)"|(\S+))')
_JSON_COND = re.compile(r"^\s*\$\.([\w.\[\]]+)\s*(=|!=|>=|<=|>|<)\s*(.+?)\s*$")


def compile_pattern(pattern: str) -> Callable[[str], bool]:
    """A predicate on a raw log message; raises InvalidQuery for a pattern CloudWatch would refuse."""
    pattern = pattern.strip()
    if not pattern or pattern == '""':
        return lambda message: True
    if pattern.startswith("{"):
        return _json_pattern(pattern)
    if pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 1:
        try:
            regex = re.compile(pattern[1:-1])
        except re.error as exc:
            raise InvalidQuery(f"Invalid regular expression in filter pattern: {exc}") from exc
        return lambda message: bool(regex.search(message))
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(pattern):
        sign, quoted, bare = match.group(1), match.group(2), match.group(3)
        raw = quoted if quoted is not None else bare
        if raw is None:
            continue
        if quoted is not None:
            phrase = quoted.replace('\\"', '"')
            {"?": optional, "-": excluded}.get(sign, required).append(phrase)
        elif raw.startswith("?") and len(raw) > 1:
            optional.append(raw[1:].strip('"'))
        elif raw.startswith("-") and len(raw) > 1:
            excluded.append(raw[1:].strip('"'))
        else:
            required.append(raw)

    def check(message: str) -> bool:
        if optional and not any(term in message for term in optional):
            return False
        return all(term in message for term in required) and not any(term in message for term in excluded)

    return check


def _json_pattern(pattern: str) -> Callable[[str], bool]:
    if not pattern.endswith("}"):
        raise InvalidQuery('A JSON filter pattern looks like { $.level = "ERROR" }.')
    body = pattern[1:-1].strip()
    alternatives = [[_json_condition(part) for part in group.split("&&")] for group in body.split("||")]

    def check(message: str) -> bool:
        try:
            data = json.loads(message)
        except ValueError:
            return False
        return isinstance(data, dict) and any(all(cond(data) for cond in group) for group in alternatives)

    return check


def _json_condition(text: str) -> Callable[[dict[str, Any]], bool]:
    ends_bare = re.search(r"(!=|>=|<=|=|>|<)\s*$", text.strip().strip("()"))
    if ends_bare:  # "$.status >=" (also read by a greedy match as "> '='"): nothing to compare with
        raise InvalidQuery(
            f"Invalid JSON filter condition {text.strip()!r}: the comparison has no value after "
            f'{ends_bare.group(1)!r}; write it like {{ $.status >= 500 }} or {{ $.level = "ERROR" }}.'
        )
    match = _JSON_COND.match(text.strip().strip("()"))
    if not match:
        raise InvalidQuery(f"Invalid JSON filter condition: {text.strip()!r}")
    path, op, raw_value = match.group(1).split("."), match.group(2), match.group(3)
    if raw_value.startswith('"') and raw_value.endswith('"'):
        value: Any = raw_value[1:-1]
    else:
        try:
            value = float(raw_value)
        except ValueError:
            value = raw_value

    def condition(data: dict[str, Any]) -> bool:
        current: Any = data
        for key in path:
            if not isinstance(current, dict) or key not in current:
                return False
            current = current[key]
        if isinstance(value, str):
            if op not in {"=", "!="}:
                return False
            equal = re.fullmatch(re.escape(value).replace(r"\*", ".*"), str(current)) is not None
            return equal if op == "=" else not equal
        try:
            number = float(current)
        except (TypeError, ValueError):
            return False
        return {
            "=": number == value,
            "!=": number != value,
            ">": number > value,
            "<": number < value,
            ">=": number >= value,
            "<=": number <= value,
        }[op]

    return condition
