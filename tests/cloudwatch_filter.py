"""CloudWatch Logs filter patterns as AWS documents them, for tests only.

moto's FilterLogEvents treats `?term`, `-term`, `%regex%` and JSON patterns as match-everything
(../shared/FACTS.md), so a test of what a pattern fetches would pass whatever the pattern said. This matcher
follows "Filter pattern syntax for metric filters, subscription filters, filter log events, and Live Tail"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):

- terms are case sensitive; an event matches a term that it contains; space-separated terms must all match;
- a term with characters other than letters, digits and _ must be inside double quotes ("exact phrase");
- `?term` terms: at least one of them must match (OR); `-term`: the event must not contain it;
- `%regex%`: a regular expression (only letters, digits, the symbols _ # = @ / ; , - : and the operators
  ^ $ ? [ ] { } | \\ * + .; no parentheses);
- `{ ... }`: selectors `$.a.b` / `$.a[0]` compared with = != < > <= >=, strings in quotes (with `*` wildcards),
  numbers, `IS TRUE|FALSE|NULL`, `NOT EXISTS`, joined by && and || with parentheses; it only ever matches
  events that are JSON objects;
- FilterLogEvents' filterPattern is at most 1024 characters.

It is written apart from console/health/patterns.py on purpose: a pattern is checked against AWS's rules, not
against the code that wrote it. `moto_follows_cloudwatch` makes moto's FilterLogEvents use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

MAX_PATTERN_LENGTH = 1024
_BARE_TERM = re.compile(r"^[A-Za-z0-9_]+$")
_REGEX_ALLOWED = re.compile(r"^[A-Za-z0-9_#=@/;,\-:^$?\[\]{}|\\*+. ]*$")


class PatternRefused(ValueError):
    """CloudWatch would answer InvalidParameterException."""


def matcher(pattern: str) -> Callable[[str], bool]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternRefused(f"filterPattern is {len(pattern)} characters; at most {MAX_PATTERN_LENGTH}")
    pattern = pattern.strip()
    if not pattern:
        return lambda message: True
    if pattern.startswith("{"):
        return _json_matcher(pattern)
    if pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 2:
        body = pattern[1:-1]
        if not _REGEX_ALLOWED.match(body) or "(" in body:
            raise PatternRefused(f"regex with unsupported characters: {body!r}")
        regex = re.compile(body)
        return lambda message: regex.search(message) is not None
    if pattern.startswith("["):
        raise NotImplementedError("space-delimited patterns are not used by the console")
    return _terms_matcher(pattern)


def matches(pattern: str, message: str) -> bool:
    return matcher(pattern)(message)


# --- unstructured terms ------------------------------------------------------------------------------

_TERM = re.compile(r'([?\-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def _terms_matcher(pattern: str) -> Callable[[str], bool]:
    required: list[str] = []
    any_of: list[str] = []
    excluded: list[str] = []
    position = 0
    for match in _TERM.finditer(pattern):
        if pattern[position : match.start()].strip():
            raise PatternRefused(f"cannot read {pattern[position : match.start()]!r}")
        position = match.end()
        sign, quoted, bare = match.groups()
        if quoted is None:
            if not _BARE_TERM.match(bare):
                raise PatternRefused(f"{bare!r} has characters that need double quotes")
            term = bare
        else:
            term = quoted.replace('\\"', '"')
        {"?": any_of, "-": excluded}.get(sign, required).append(term)

    def check(message: str) -> bool:
        if any_of and not any(term in message for term in any_of):
            return False
        return all(term in message for term in required) and not any(term in message for term in excluded)

    return check


# --- JSON -----------------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||"(?:[^"\\]|\\.)*"|!=|<=|>=|=|<|>|[^\s()=!<>&|"]+)')
_MISSING = object()


def _json_matcher(pattern: str) -> Callable[[str], bool]:
    if not pattern.endswith("}"):
        raise PatternRefused("a JSON pattern ends with }")
    tokens = [t for t in _JSON_TOKEN.findall(pattern[1:-1])]
    if not tokens:
        raise PatternRefused("empty JSON pattern")
    expression, rest = _or(tokens)
    if rest:
        raise PatternRefused(f"unexpected {' '.join(rest)!r}")

    def check(message: str) -> bool:
        try:
            data = json.loads(message)
        except ValueError:
            return False
        return isinstance(data, dict) and expression(data)

    return check


def _or(tokens: list[str]):
    left, tokens = _and(tokens)
    while tokens and tokens[0] == "||":
        right, tokens = _and(tokens[1:])
        left = (lambda a, b: lambda d: a(d) or b(d))(left, right)
    return left, tokens


def _and(tokens: list[str]):
    left, tokens = _atom(tokens)
    while tokens and tokens[0] == "&&":
        right, tokens = _atom(tokens[1:])
        left = (lambda a, b: lambda d: a(d) and b(d))(left, right)
    return left, tokens


def _atom(tokens: list[str]):
    if not tokens:
        raise PatternRefused("a condition is missing")
    if tokens[0] == "(":
        inner, rest = _or(tokens[1:])
        if not rest or rest[0] != ")":
            raise PatternRefused("unbalanced parentheses")
        return inner, rest[1:]
    selector = tokens[0]
    if not selector.startswith("$."):
        raise PatternRefused(f"a selector starts with $.: {selector!r}")
    path = _path(selector)
    if len(tokens) >= 3 and tokens[1] == "IS":
        word = tokens[2]
        expected = {"TRUE": True, "FALSE": False, "NULL": None}
        if word not in expected:
            raise PatternRefused(f"IS {word}?")
        return (lambda p, v: lambda d: (lambda x: x is not _MISSING and x is v)(_select(d, p)))(
            path, expected[word]
        ), tokens[3:]
    if len(tokens) >= 3 and tokens[1] == "NOT" and tokens[2] == "EXISTS":
        return (lambda p: lambda d: _select(d, p) is _MISSING)(path), tokens[3:]
    if len(tokens) < 3 or tokens[1] not in {"=", "!=", "<", ">", "<=", ">="}:
        raise PatternRefused(f"a comparison is expected after {selector}")
    return _comparison(path, tokens[1], tokens[2]), tokens[3:]


def _path(selector: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z0-9_\-@$]+)|\[(\d+)\]", selector[1:]):
        parts.append(int(index) if index else name)
    if not parts:
        raise PatternRefused(f"bad selector {selector!r}")
    return parts


def _select(data: Any, path: list[str | int]) -> Any:
    current = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return _MISSING
            current = current[part]
        else:
            if not isinstance(current, dict) or part not in current:
                return _MISSING
            current = current[part]
    return current


def _comparison(path: list[str | int], op: str, raw: str):
    if raw.startswith('"'):
        text = raw[1:-1].replace('\\"', '"')
        if op not in {"=", "!="}:
            raise PatternRefused("strings compare with = or != only")
        regex = re.compile("^" + ".*".join(re.escape(part) for part in text.split("*")) + "$", re.S)

        def string_check(data: Any) -> bool:
            value = _select(data, path)
            if value is _MISSING or isinstance(value, dict | list):
                return False
            equal = regex.match(str(value).lower() if isinstance(value, bool) else str(value)) is not None
            return equal if op == "=" else not equal

        return string_check
    try:
        number = float(raw)
    except ValueError:
        # an unquoted word is compared as a string (CloudWatch accepts { $.level = ERROR })
        return _comparison(path, op, f'"{raw}"') if op in {"=", "!="} else _refuse(raw)

    def number_check(data: Any) -> bool:
        value = _select(data, path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return {
            "=": value == number,
            "!=": value != number,
            "<": value < number,
            ">": value > number,
            "<=": value <= number,
            ">=": value >= number,
        }[op]

    return number_check


def _refuse(raw: str):
    raise PatternRefused(f"not a number: {raw!r}")


# --- moto -------------------------------------------------------------------------------------------------


class _CloudWatchEventFilter:
    def __init__(self, pattern: str) -> None:
        self._check = matcher(pattern or "")

    def matches(self, message: str) -> bool:
        return self._check(message)


def moto_follows_cloudwatch(monkeypatch) -> None:
    """moto's FilterLogEvents applies CloudWatch's filter pattern rules instead of matching everything."""
    import moto.logs.models

    monkeypatch.setattr(moto.logs.models, "EventMessageFilter", _CloudWatchEventFilter)
