"""CloudWatch Logs' filter-pattern syntax, matched as FilterLogEvents matches it (terms, "phrases", ?or,
-exclude, %regex%, and JSON `{ $.field = value && ... }` selectors): the local gateway's stand-in for the
service. And the names of Lambda's two log formats (LoggingConfig.LogFormat).

No line is interpreted here: a pattern is matched against a raw message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from console.health.gateway import InvalidQuery

LOG_FORMAT_TEXT = "Text"
LOG_FORMAT_JSON = "JSON"


def normalize_format(log_format: str) -> str:
    """ "Text", "JSON", or "" (not known: patterns then cover both formats)."""
    value = (log_format or "").strip().lower()
    return {"text": LOG_FORMAT_TEXT, "json": LOG_FORMAT_JSON}.get(value, "")


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
