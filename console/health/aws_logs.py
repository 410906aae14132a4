"""The AWS gateway's reads of CloudWatch Logs: recent invocations from REPORT lines, pages of lines read
newest first, live tail, one request's lines, and Logs Insights queries started and read by id.

`LogReads` is mixed into `aws.AwsGateway`, which gives it `_call` (counted AWS calls), `log_group` and
`log_format()`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from console.health import app_lines, patterns
from console.health.gateway import (
    InsightsResult,
    InvalidQuery,
    InvocationSample,
    LogPage,
    LogQuery,
    Metrics,
    RequestDetail,
    TailPage,
    Throttled,
    Unavailable,
)
from console.health.invocation_lines import invocations_from_events
from console.health.log_pages import merge_events, request_detail_from, tail_page
from console.health.logparse import LogEvent, parse_line
from console.health.metrics import Window

MAX_CALLS_PER_READ = 3
LOG_PAGE_LINES = 100
RECENT_EVENTS_LIMIT = 10_000  # FilterLogEvents' maximum; a response also stops at 1 MB
INIT_LOOKBACK_MS = 15_000  # Lambda's init phase is cut at 10 s; its lines end just before the START line


class LogReads:
    log_group: str
    calls: int

    def _call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    def log_format(self) -> str:
        raise NotImplementedError

    # -- invocations from REPORT lines ----------------------------------------------------------------
    def recent_invocations(
        self, window: Window, *, limit: int = 20, metrics: Metrics | None = None
    ) -> InvocationSample:
        start_ms = window.start_ms
        if metrics is not None and metrics.total_invocations > limit:
            # Read only the newest buckets that hold about `limit` invocations (plus the latest buckets,
            # whose metrics may lag the logs): one call, and not a week of lines to find twenty.
            needed, index = limit * 1.5, len(metrics.invocations)
            count = 0.0
            while index > 0 and count < needed:
                index -= 1
                count += metrics.invocations[index]
            start_ms = int(window.buckets[index].timestamp() * 1000)
        resp = self._call(
            "logs",
            "FilterLogEvents",
            logGroupName=self.log_group,
            startTime=start_ms,
            endTime=window.end_ms,
            filterPattern=patterns.invocation_pattern(self.log_format()),
            limit=RECENT_EVENTS_LIMIT,
        )
        events = [_event(e) for e in resp.get("events", [])]
        invocations = app_lines.with_http_status(invocations_from_events(events), events)
        complete = not resp.get("nextToken")
        warnings = (
            [] if complete else ["More lines than one read returns: these are the oldest invocations of the span read."]
        )
        return InvocationSample(
            invocations=invocations[:limit] if complete else invocations[-limit:],
            since=datetime.fromtimestamp(start_ms / 1000, tz=UTC),
            until=window.end,
            complete=complete,
            warnings=warnings,
        )

    # -- logs -----------------------------------------------------------------------------------------
    def _filter(
        self,
        *,
        start_ms: int,
        end_ms: int,
        pattern: str,
        limit: int,
        token: str | None = None,
        streams: list[str] | None = None,
    ) -> tuple[list[LogEvent], str | None]:
        kwargs: dict[str, Any] = {
            "logGroupName": self.log_group,
            "startTime": start_ms,
            "endTime": end_ms,
            "limit": limit,
        }
        if pattern:
            kwargs["filterPattern"] = pattern
        if token:
            kwargs["nextToken"] = token
        if streams:
            kwargs["logStreamNames"] = streams
        resp = self._call("logs", "FilterLogEvents", **kwargs)
        events = sorted((_event(e) for e in resp.get("events", [])), key=lambda e: (e.timestamp, e.event_id))
        return events, resp.get("nextToken")

    def log_events(self, *, start_ms: int, end_ms: int, pattern: str, limit: int) -> tuple[list[LogEvent], bool]:
        """One FilterLogEvents: the oldest `limit` events of the span matching the pattern, and whether more
        matched."""
        events, token = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=pattern, limit=limit)
        return events, bool(token)

    def logs(self, query: LogQuery, *, before_ms: int | None = None, token: str | None = None) -> LogPage:
        """The newest lines of the window first, across every stream.

        FilterLogEvents returns the oldest lines of a time range first, so a page reads backwards: it asks
        for a span ending at `before_ms`; a span holding more than a page of lines is narrowed (from the
        density seen) and asked again, up to three calls. Pages never overlap and never skip a line: the
        next page ends just before the oldest complete span. A single dense second that still holds more
        than a page is read forwards with nextToken (`token`)."""
        pattern, keep = patterns.plan(query, log_format=self.log_format())
        lo = int(query.start.timestamp() * 1000)
        hi = min(before_ms if before_ms is not None else 2**62, int(query.end.timestamp() * 1000))
        if token:
            return self._continue(token, pattern, keep, lo)
        collected: list[LogEvent] = []  # complete spans read so far, [hi + 1, first hi]
        warnings: list[str] = []
        partial: tuple[list[LogEvent], str, int, int] | None = None  # the last dense span's oldest lines
        span = hi - lo
        calls = 0
        while hi >= lo:
            win_lo = max(lo, hi - span)
            try:
                events, next_token = self._filter(start_ms=win_lo, end_ms=hi, pattern=pattern, limit=LOG_PAGE_LINES)
            except (Throttled, Unavailable) as exc:
                if collected:
                    warnings.append(f"{exc.message} Showing the lines read before it.")
                    return self._page(collected, keep, older=hi, warnings=warnings, calls=calls + 1)
                if partial:
                    warnings.append(f"{exc.message} Showing the lines read before it.")
                    return self._dense_page(*partial, keep=keep, lo=lo, warnings=warnings, calls=calls + 1)
                raise
            calls += 1
            if not next_token:
                collected = events + collected
                if len(collected) >= LOG_PAGE_LINES // 2 or win_lo <= lo or calls >= MAX_CALLS_PER_READ:
                    return self._page(
                        collected, keep, older=win_lo - 1 if win_lo > lo else None, warnings=warnings, calls=calls
                    )
                hi, span = win_lo - 1, span * 8
                continue
            if collected:  # what is older than the complete spans waits for the next page
                return self._page(collected, keep, older=hi, warnings=warnings, calls=calls)
            # More than a page in this span: estimate the density and narrow it to about a page.
            partial = (events, next_token, win_lo, hi)
            seen_ms = max(1, events[-1].timestamp - win_lo + 1) if events else span
            narrowed = int(seen_ms * 0.8)
            if calls >= MAX_CALLS_PER_READ or narrowed < 1000:
                return self._dense_page(*partial, keep=keep, lo=lo, warnings=warnings, calls=calls)
            span = narrowed
        return self._page(collected, keep, older=None, warnings=warnings, calls=calls)

    def _dense_page(
        self,
        events: list[LogEvent],
        next_token: str,
        win_lo: int,
        hi: int,
        *,
        keep,
        lo: int,
        warnings: list[str],
        calls: int,
    ) -> LogPage:
        """The oldest lines of a span too dense for a page; `token` reads the rest of it forwards."""
        page = self._page(events, keep, older=win_lo - 1 if win_lo > lo else None, warnings=warnings, calls=calls)
        page.token = _encode_token(next_token, win_lo, hi)
        page.warnings.append(
            "This span holds more lines than a page: these are its oldest; \u201cnewer in this span\u201d reads on."
        )
        return page

    def _continue(self, token: str, pattern: str, keep, lo: int) -> LogPage:
        next_token, win_lo, hi = _decode_token(token)
        events, following = self._filter(
            start_ms=win_lo, end_ms=hi, pattern=pattern, limit=LOG_PAGE_LINES, token=next_token
        )
        page = self._page(events, keep, older=win_lo - 1 if win_lo > lo else None, warnings=[], calls=1)
        page.token = _encode_token(following, win_lo, hi) if following else None
        return page

    @staticmethod
    def _page(events: list[LogEvent], keep, *, older: int | None, warnings: list[str], calls: int) -> LogPage:
        lines = [line for line in (parse_line(e) for e in reversed(events)) if keep(line)]
        return LogPage(lines=lines, older_before_ms=older, warnings=warnings, calls=calls)

    def tail(self, query: LogQuery, *, after_ms: int, seen: tuple[str, ...] = ()) -> TailPage:
        pattern, keep = patterns.plan(query, log_format=self.log_format())
        end_ms = int(datetime.now(tz=UTC).timestamp() * 1000)
        events: list[LogEvent] = []
        warnings: list[str] = []
        token = None
        for _ in range(MAX_CALLS_PER_READ):
            try:
                batch, token = self._filter(
                    start_ms=after_ms, end_ms=end_ms, pattern=pattern, limit=LOG_PAGE_LINES, token=token
                )
            except (Throttled, Unavailable) as exc:
                if not events:
                    raise
                warnings.append(exc.message)
                break
            events.extend(batch)
            if not token:
                break
        return tail_page(events, keep, after_ms=after_ms, seen=seen, warnings=warnings)

    # -- one request ----------------------------------------------------------------------------------
    def request_detail(self, request_id: str, *, start: datetime, end: datetime) -> RequestDetail:
        """Every line of one request: find its START/REPORT lines by id (via the app's request line when the
        id is a correlation id), then read its stream between them: one execution environment serves one
        request at a time, so those are exactly its lines, including any that do not carry the id."""
        if not patterns.REQUEST_ID.match(request_id):
            raise InvalidQuery("A request id has only letters, digits and . _ : - (at most 128).")
        start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
        events, _ = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=f'"{request_id}"', limit=1000)
        lambda_id = _lambda_request_id(events, request_id)
        if lambda_id and lambda_id != request_id:
            more, _ = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=f'"{lambda_id}"', limit=1000)
            events = merge_events(events, more)
        bounds = _request_bounds(events, lambda_id or request_id)
        warnings: list[str] = []
        if bounds and self.calls < MAX_CALLS_PER_READ:
            stream, first_ms, last_ms = bounds
            try:
                # From a little before START: an init that failed and re-ran inside this invoke reports (and
                # logs its errors) just before the START line, without the request id.
                around, _ = self._filter(
                    start_ms=first_ms - INIT_LOOKBACK_MS, end_ms=last_ms, pattern="", limit=1000, streams=[stream]
                )
                events = merge_events(events, _since_previous_request(around, first_ms))
            except (Throttled, Unavailable) as exc:
                warnings.append(f"{exc.message} Lines without the id may be missing.")
        return request_detail_from(request_id, lambda_id, events, warnings)

    # -- failures and routes (one Logs Insights query each: start, then read by id) ---------------------
    def start_insights(self, window: Window, query: str, limit: int) -> str:
        resp = self._call(
            "logs",
            "StartQuery",
            logGroupName=self.log_group,
            startTime=window.start_ms // 1000,
            endTime=window.end_ms // 1000,
            queryString=query,
            limit=limit,
        )
        return resp["queryId"]

    def insights_results(self, handle: str) -> InsightsResult:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,256}", handle or ""):
            raise InvalidQuery("Not a Logs Insights query id.")
        resp = self._call("logs", "GetQueryResults", queryId=handle)
        return InsightsResult(
            status=resp.get("status", "Unknown"),
            rows=resp.get("results") or [],
            bytes_scanned=(resp.get("statistics") or {}).get("bytesScanned"),
        )


def _event(raw: dict[str, Any]) -> LogEvent:
    return LogEvent(
        timestamp=int(raw["timestamp"]),
        message=raw.get("message", ""),
        stream=raw.get("logStreamName", ""),
        event_id=raw.get("eventId", ""),
    )


def _lambda_request_id(events: list[LogEvent], request_id: str) -> str:
    for event in events:
        line = parse_line(event)
        if line.kind in {"report", "platform"} and line.request_id == request_id:
            return request_id
    for event in events:
        line = parse_line(event)
        if line.kind == "json" and line.fields.get("lambda_request_id"):
            return str(line.fields["lambda_request_id"])
    return ""


def _request_bounds(events: list[LogEvent], lambda_id: str) -> tuple[str, int, int] | None:
    if not lambda_id:
        return None
    mine = [e for e in events if lambda_id in e.message and e.stream]
    starts = [e for e in mine if parse_line(e).tag in {"START", "platform.start"}]
    reports = [e for e in mine if parse_line(e).kind == "report"]
    if not starts and not reports:
        return None
    stream = (starts or reports)[0].stream
    first = starts[0].timestamp if starts else min(e.timestamp for e in mine)
    last = reports[-1].timestamp if reports else max(e.timestamp for e in mine)
    return stream, first, last


def _since_previous_request(events: list[LogEvent], start_ms: int) -> list[LogEvent]:
    """The stream's events of this request: from START on, plus the init that re-ran inside this invoke (its
    lines and its INIT_REPORT ... Phase: invoke come just before START, without the request id). An ordinary
    init before START stays out: its duration is on the REPORT line."""
    ordered = sorted(events, key=lambda e: (e.timestamp, e.event_id))
    before = [e for e in ordered if e.timestamp < start_ms]
    keep_from, invoke_init = len(before), False
    for index, event in enumerate(before):
        line = parse_line(event)
        if (
            line.kind == "report"
            or line.tag in {"END", "platform.end", "platform.runtimeDone"}
            or (line.init is not None and line.init.phase != "invoke")
        ):
            keep_from, invoke_init = index + 1, False
        elif line.init is not None:
            invoke_init = True
    return (before[keep_from:] if invoke_init else []) + ordered[len(before) :]


def _encode_token(next_token: str, win_lo: int, hi: int) -> str:
    return json.dumps([next_token, win_lo, hi], separators=(",", ":"))


def _decode_token(token: str) -> tuple[str, int, int]:
    try:
        next_token, win_lo, hi = json.loads(token)
        return str(next_token), int(win_lo), int(hi)
    except (ValueError, TypeError) as exc:
        raise InvalidQuery("That page link has expired; start again from the newest lines.") from exc
