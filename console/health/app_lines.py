"""What the app's own structured lines say (written by console.observability): the request line of each
request (status, route, user, DynamoDB calls) and the fields of its error lines.

Both gateways read the same lines (CloudWatch events on AWS, the in-memory log locally), so what a page
learns from them is decided here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from console.health.invocation_lines import Invocation
from console.health.logparse import LogEvent, LogLine, parse_line

REQUEST_LOGGER = "console.request"  # console.observability.REQUEST_LOGGER, without importing Django's side


def is_request_line(line: LogLine) -> bool:
    return line.kind == "json" and line.fields.get("logger") == REQUEST_LOGGER and "status" in line.fields


def status_of(line: LogLine) -> int | None:
    try:
        return int(line.fields["status"])
    except (KeyError, TypeError, ValueError):
        return None


def request_ids(line: LogLine) -> set[str]:
    """Every id the request line can be found by: its correlation id and the Lambda request id."""
    ids = {line.request_id, str(line.fields.get("lambda_request_id") or "")}
    return {i for i in ids if i and i != "-"}


def without_console_polling(
    lines: list[LogLine], tail_path: str, *, also: Iterable[str] = ()
) -> tuple[list[LogLine], int]:
    """The lines minus those of the console's own live-tail polls (their request lines and every line that
    carries one of their ids: START/END/REPORT on Lambda), and how many were left out. `also`: ids of earlier
    polls, whose REPORT line Lambda writes after their answer, so a later poll reads it."""
    polls: set[str] = {i for i in also if i}
    for line in lines:
        path = str(line.fields.get("path", "")) if is_request_line(line) else ""
        if path and (path == tail_path or path.endswith(tail_path)):
            polls |= request_ids(line)
    if not polls:
        return lines, 0
    kept = [line for line in lines if line.request_id not in polls]
    return kept, len(lines) - len(kept)


def with_usernames(lines: list[LogLine]) -> list[LogLine]:
    """Every line that names a user id gets its username when a request line in the same page knows it:
    no lookup, no AWS call. A line of a request whose request line says who it was gets that user too."""
    by_user: dict[str, str] = {}
    by_request: dict[str, tuple[str, str]] = {}
    for line in lines:
        user, name = str(line.fields.get("user") or ""), str(line.fields.get("username") or "")
        if user and name:
            by_user[user] = name
            for rid in request_ids(line):
                by_request[rid] = (user, name)
    if not by_user:
        return lines
    out = []
    for line in lines:
        fields = line.fields
        user = str(fields.get("user") or "")
        if user and not fields.get("username") and user in by_user:
            line = replace(line, fields={**fields, "username": by_user[user]})
        elif not user and line.kind == "json" and line.request_id in by_request:
            known_user, name = by_request[line.request_id]
            line = replace(line, fields={**fields, "user": known_user, "username": name})
        out.append(line)
    return out


def with_http_status(invocations: Iterable[Invocation], events: Iterable[LogEvent]) -> list[Invocation]:
    """Each invocation with what the app answered (status, method, path, user), read from its request line
    among `events`: Lambda says "ok" for a 500 the app returned; the admin wants both."""
    answers: dict[str, LogLine] = {}
    for event in events:
        line = parse_line(event)
        if is_request_line(line):
            for rid in request_ids(line):
                answers[rid] = line
    out = []
    for inv in invocations:
        line = answers.get(inv.request_id)
        if line is None:
            out.append(inv)
            continue
        who = line.fields.get("username") or line.fields.get("user") or ""
        label = f"{line.fields.get('method', '')} {line.fields.get('path', '')} {status_of(line)}".strip()
        out.append(replace(inv, http_status=status_of(line), label=label, user=str(who)))
    return out
