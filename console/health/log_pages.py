"""Log lines as pages, for both gateways: reads merged without repeats, one request's lines, and the live
tail's next page and cursor."""

from __future__ import annotations

from collections.abc import Callable

from console.health.gateway import RequestDetail, TailPage
from console.health.invocation_lines import invocations_from_events
from console.health.logparse import LogEvent, LogLine, parse_line


def merge_events(a: list[LogEvent], b: list[LogEvent]) -> list[LogEvent]:
    seen: dict[tuple[str, str, int, str], LogEvent] = {}
    for event in [*a, *b]:
        seen.setdefault((event.event_id, event.stream, event.timestamp, event.message), event)
    return sorted(seen.values(), key=lambda e: (e.timestamp, e.event_id))


def request_detail_from(request_id: str, lambda_id: str, events: list[LogEvent], warnings: list[str]) -> RequestDetail:
    lines = [parse_line(e) for e in sorted(events, key=lambda e: (e.timestamp, e.event_id))]
    invocations = [i for i in invocations_from_events(events) if i.request_id == (lambda_id or request_id)]
    return RequestDetail(
        request_id=request_id,
        lines=lines,
        lambda_request_id=lambda_id,
        invocation=invocations[0] if invocations else None,
        warnings=warnings,
    )


def tail_page(
    events: list[LogEvent],
    keep: Callable[[LogLine], bool],
    *,
    after_ms: int,
    seen: tuple[str, ...],
    warnings: list[str],
) -> TailPage:
    """Lines not shown yet, newest first, and the cursor for the next poll: the newest time read, with the
    ids already shown at that millisecond (the next read starts there, inclusive)."""
    fresh = [e for e in events if e.event_id not in seen and e.timestamp >= after_ms]
    if not events:
        return TailPage(lines=[], after_ms=after_ms, seen=seen, warnings=warnings)
    newest = max(e.timestamp for e in events)
    at_newest = {e.event_id for e in events if e.timestamp == newest}
    if newest == after_ms:
        at_newest |= set(seen)
    lines = [line for line in (parse_line(e) for e in reversed(fresh)) if keep(line)]
    return TailPage(lines=lines, after_ms=newest, seen=tuple(sorted(at_newest)), warnings=warnings)
