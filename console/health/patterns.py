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
_LEVEL_TERMS = {"DEBUG": "?DEBUG", "INFO": "?INFO", "WARNING": "?WARNING ?WARN", "ERROR": "?ERROR",
                "CRITICAL": "?CRITICAL ?FATAL"}
# Lines that tell an invocation's outcome: REPORT/START lines, timeouts, runtime exits, error levels.
INVOCATION_PATTERN = ('?"REPORT RequestId" ?"START RequestId" ?"Task timed out" ?"Runtime exited" '
                      '?"Runtime.ExitError" ?ERROR ?CRITICAL')


def is_plain_terms(text: str) -> bool:
    """Only AND-ed terms and phrases: can be combined with another term in one pattern."""
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith(("{", "[")) and not re.search(r"(^|\s)[?\-]|%", stripped)


def plan(query: LogQuery) -> tuple[str, Callable[[LogLine], bool]]:
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
        pattern = " ".join(_LEVEL_TERMS[name] for name in _LEVEL_TERMS if level_at_least(name, level))
    else:
        pattern = ""
    if level:
        checks.append(lambda line: level_at_least(line.level, level))
    return pattern, lambda line: all(check(line) for check in checks)


# --- matching ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))')
_JSON_COND = re.compile(r'^\s*\$\.([\w.\[\]]+)\s*(=|!=|>=|<=|>|<)\s*(.+?)\s*$')


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
        quoted, bare = match.group(1), match.group(2)
        raw = quoted if quoted is not None else bare
        if raw is None:
            continue
        if quoted is not None:
            required.append(quoted.replace('\\"', '"'))
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
        raise InvalidQuery("A JSON filter pattern looks like { $.level = \"ERROR\" }.")
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
        return {"=": number == value, "!=": number != value, ">": number > value, "<": number < value,
                ">=": number >= value, "<=": number <= value}[op]

    return condition
