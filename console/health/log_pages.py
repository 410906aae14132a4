"""Log lines as pages, newest first, and the live tail's next page and cursor, on both gateways.

On AWS a page is read from FilterLogEvents, which returns the oldest lines of a time range first; locally
from the process's own lines. Reads are merged without repeats (`merge_events`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from console.health import patterns
from console.health.gateway import HealthGateway, InvalidQuery, LogQuery, Throttled, Unavailable
from console.health.logparse import LogEvent, LogLine, parse_line

MAX_CALLS_PER_READ = 3
LOG_PAGE_LINES = 100
LOCAL_ALL = 2**31  # the process keeps a bounded buffer: a local read returns all of it that matches

Keep = Callable[[LogLine], bool]


@dataclass
class LogPage:
    lines: list[LogLine]  # newest first
    older_before_ms: int | None = None  # next page: lines before this time; None at the window's start
    token: str | None = None  # when one second held more lines than a page: continue this read
    warnings: list[str] = field(default_factory=list)
    calls: int = 0


@dataclass
class TailPage:
    lines: list[LogLine]  # new lines, newest first
    after_ms: int  # cursor for the next poll
    seen: tuple[str, ...] = ()  # event ids already shown at after_ms
    warnings: list[str] = field(default_factory=list)


def merge_events(a: list[LogEvent], b: list[LogEvent]) -> list[LogEvent]:
    seen: dict[tuple[str, str, int, str], LogEvent] = {}
    for event in [*a, *b]:
        seen.setdefault((event.event_id, event.stream, event.timestamp, event.message), event)
    return sorted(seen.values(), key=lambda e: (e.timestamp, e.event_id))


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


# --- pages, newest first ---------------------------------------------------------------------------


def page(gateway: HealthGateway, query: LogQuery, *, before_ms: int | None = None, token: str | None = None) -> LogPage:
    if gateway.kind == "local":
        return _local_page(gateway, query, before_ms=before_ms, token=token)
    return _Reader(gateway, query).page(before_ms=before_ms, token=token)


def _local_page(gateway: HealthGateway, query: LogQuery, *, before_ms: int | None, token: str | None) -> LogPage:
    if token:
        raise InvalidQuery("Local logs have no continuation tokens.")
    lo, hi = _ms(query.start), _ms(query.end)
    if before_ms is not None:
        hi = min(hi, before_ms)
    pattern, keep = patterns.plan(query)
    events = gateway.log_events(start_ms=lo, end_ms=hi + 1, pattern=pattern, limit=LOCAL_ALL).events
    shown = events[-LOG_PAGE_LINES:]
    older = None
    if len(shown) < len(events):
        # keep every line of the boundary millisecond on one page, so the next page starts cleanly
        boundary = shown[0].timestamp
        shown = [e for e in events if e.timestamp >= boundary]
        older = boundary - 1 if any(e.timestamp < boundary for e in events) else None
    lines = [line for line in (parse_line(e) for e in reversed(shown)) if keep(line)]
    return LogPage(lines=lines, older_before_ms=older)


class _Reader:
    """One AWS page: the newest lines of the window first, across every stream.

    FilterLogEvents returns the oldest lines of a time range first, so a page reads backwards: it asks for a
    span ending at `before_ms`; a span holding more than a page of lines is narrowed (from the density seen)
    and asked again, up to three calls. Pages never overlap and never skip a line: the next page ends just
    before the oldest complete span. A single dense second that still holds more than a page is read
    forwards with nextToken (`token`)."""

    def __init__(self, gateway: HealthGateway, query: LogQuery) -> None:
        self.gateway = gateway
        self.pattern, self.keep = patterns.plan(query, log_format=gateway.log_format())
        self.lo, self.end = _ms(query.start), _ms(query.end)

    def _read(self, start_ms: int, end_ms: int, token: str | None = None):
        read = self.gateway.log_events(
            start_ms=start_ms, end_ms=end_ms, pattern=self.pattern, limit=LOG_PAGE_LINES, token=token
        )
        return read.events, read.next_token

    def page(self, *, before_ms: int | None, token: str | None) -> LogPage:
        if token:
            return self._continue(token)
        lo, hi = self.lo, min(before_ms if before_ms is not None else 2**62, self.end)
        collected: list[LogEvent] = []  # complete spans read so far, [hi + 1, first hi]
        warnings: list[str] = []
        partial: tuple[list[LogEvent], str, int, int] | None = None  # the last dense span's oldest lines
        span = hi - lo
        calls = 0
        while hi >= lo:
            win_lo = max(lo, hi - span)
            try:
                events, next_token = self._read(win_lo, hi)
            except (Throttled, Unavailable) as exc:
                if not collected and not partial:
                    raise
                warnings.append(f"{exc.message} Showing the lines read before it.")
                if collected:
                    return self._page(collected, older=hi, warnings=warnings, calls=calls + 1)
                return self._dense_page(*partial, warnings=warnings, calls=calls + 1)
            calls += 1
            if not next_token:
                collected = events + collected
                if len(collected) >= LOG_PAGE_LINES // 2 or win_lo <= lo or calls >= MAX_CALLS_PER_READ:
                    older = win_lo - 1 if win_lo > lo else None
                    return self._page(collected, older=older, warnings=warnings, calls=calls)
                hi, span = win_lo - 1, span * 8
                continue
            if collected:  # what is older than the complete spans waits for the next page
                return self._page(collected, older=hi, warnings=warnings, calls=calls)
            # More than a page in this span: estimate the density and narrow it to about a page.
            partial = (events, next_token, win_lo, hi)
            seen_ms = max(1, events[-1].timestamp - win_lo + 1) if events else span
            narrowed = int(seen_ms * 0.8)
            if calls >= MAX_CALLS_PER_READ or narrowed < 1000:
                return self._dense_page(*partial, warnings=warnings, calls=calls)
            span = narrowed
        return self._page(collected, older=None, warnings=warnings, calls=calls)

    def _dense_page(
        self, events: list[LogEvent], next_token: str, win_lo: int, hi: int, *, warnings: list[str], calls: int
    ) -> LogPage:
        """The oldest lines of a span too dense for a page; `token` reads the rest of it forwards."""
        found = self._page(events, older=win_lo - 1 if win_lo > self.lo else None, warnings=warnings, calls=calls)
        found.token = _encode_token(next_token, win_lo, hi)
        found.warnings.append(
            "This span holds more lines than a page: these are its oldest; \u201cnewer in this span\u201d reads on."
        )
        return found

    def _continue(self, token: str) -> LogPage:
        next_token, win_lo, hi = _decode_token(token)
        events, following = self._read(win_lo, hi, token=next_token)
        found = self._page(events, older=win_lo - 1 if win_lo > self.lo else None, warnings=[], calls=1)
        found.token = _encode_token(following, win_lo, hi) if following else None
        return found

    def _page(self, events: list[LogEvent], *, older: int | None, warnings: list[str], calls: int) -> LogPage:
        lines = [line for line in (parse_line(e) for e in reversed(events)) if self.keep(line)]
        return LogPage(lines=lines, older_before_ms=older, warnings=warnings, calls=calls)


def _encode_token(next_token: str, win_lo: int, hi: int) -> str:
    return json.dumps([next_token, win_lo, hi], separators=(",", ":"))


def _decode_token(token: str) -> tuple[str, int, int]:
    try:
        next_token, win_lo, hi = json.loads(token)
        return str(next_token), int(win_lo), int(hi)
    except (ValueError, TypeError) as exc:
        raise InvalidQuery("That page link has expired; start again from the newest lines.") from exc


# --- the live tail ---------------------------------------------------------------------------------


def tail(gateway: HealthGateway, query: LogQuery, *, after_ms: int, seen: tuple[str, ...] = ()) -> TailPage:
    """What arrived since the last poll: up to three reads of a page each on AWS, every new line locally."""
    if gateway.kind == "local":
        pattern, keep = patterns.plan(query)
        events = gateway.log_events(start_ms=after_ms, end_ms=2**62, pattern=pattern, limit=LOCAL_ALL).events
        return tail_page(events, keep, after_ms=after_ms, seen=seen, warnings=[])
    pattern, keep = patterns.plan(query, log_format=gateway.log_format())
    end_ms = _ms(datetime.now(tz=UTC))
    events: list[LogEvent] = []
    warnings: list[str] = []
    token = None
    for _ in range(MAX_CALLS_PER_READ):
        try:
            read = gateway.log_events(
                start_ms=after_ms, end_ms=end_ms, pattern=pattern, limit=LOG_PAGE_LINES, token=token
            )
        except (Throttled, Unavailable) as exc:
            if not events:
                raise
            warnings.append(exc.message)
            break
        events.extend(read.events)
        token = read.next_token
        if not token:
            break
    return tail_page(events, keep, after_ms=after_ms, seen=seen, warnings=warnings)


def tail_page(
    events: list[LogEvent],
    keep: Keep,
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
