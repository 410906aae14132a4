"""One request's lines, oldest first, and its invocation, on both gateways.

On AWS: its START/REPORT lines found by id (via the app's request line when the id is a correlation id), then
its stream read between them. Locally: the lines the process logged in that request, and its record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.health import patterns
from console.health.gateway import HealthGateway, InvalidQuery, Throttled, Unavailable
from console.health.invocation_lines import Invocation, invocations_from_events
from console.health.invocations import from_record
from console.health.log_pages import LOCAL_ALL, MAX_CALLS_PER_READ, merge_events
from console.health.logparse import LogEvent, LogLine, parse_line

REQUEST_LINES_LIMIT = 1000
INIT_LOOKBACK_MS = 15_000  # Lambda's init phase is cut at 10 s; its lines end just before the START line


@dataclass
class RequestDetail:
    """Every line of one request, oldest first, and its invocation when its REPORT line was found."""

    request_id: str  # what was asked for: a Lambda request id or an app correlation id
    lines: list[LogLine]
    lambda_request_id: str = ""
    invocation: Invocation | None = None
    warnings: list[str] = field(default_factory=list)


def request_detail(gateway: HealthGateway, request_id: str, *, start: datetime, end: datetime) -> RequestDetail:
    if not patterns.REQUEST_ID.match(request_id):
        raise InvalidQuery("A request id has only letters, digits and . _ : - (at most 128).")
    if gateway.kind == "local":
        return _local_detail(gateway, request_id)
    return _aws_detail(gateway, request_id, int(start.timestamp() * 1000), int(end.timestamp() * 1000))


def _local_detail(gateway: HealthGateway, request_id: str) -> RequestDetail:
    everything = gateway.log_events(start_ms=0, end_ms=2**62, pattern="", limit=LOCAL_ALL).events
    records = [r for r in gateway.requests() if r.correlation_id == request_id]
    invocation = None
    if records:
        invocation = from_record(records[-1], gateway.configuration().memory_mb, gateway.process_init_ms())
    return RequestDetail(
        request_id=request_id,
        lines=[parse_line(e) for e in everything if e.correlation_id == request_id],
        lambda_request_id="",
        invocation=invocation,
    )


def _aws_detail(gateway: HealthGateway, request_id: str, start_ms: int, end_ms: int) -> RequestDetail:
    """One execution environment serves one request at a time, so the lines of its stream between START and
    REPORT are exactly the request's, including any that do not carry the id."""

    def by_id(wanted: str) -> list[LogEvent]:
        return gateway.log_events(
            start_ms=start_ms, end_ms=end_ms, pattern=f'"{wanted}"', limit=REQUEST_LINES_LIMIT
        ).events

    events = by_id(request_id)
    lambda_id = _lambda_request_id(events, request_id)
    if lambda_id and lambda_id != request_id:
        events = merge_events(events, by_id(lambda_id))
    bounds = _request_bounds(events, lambda_id or request_id)
    warnings: list[str] = []
    if bounds and gateway.calls < MAX_CALLS_PER_READ:
        stream, first_ms, last_ms = bounds
        try:
            # From a little before START: an init that failed and re-ran inside this invoke reports (and
            # logs its errors) just before the START line, without the request id.
            around = gateway.log_events(
                start_ms=first_ms - INIT_LOOKBACK_MS,
                end_ms=last_ms,
                pattern="",
                limit=REQUEST_LINES_LIMIT,
                streams=[stream],
            ).events
            events = merge_events(events, _since_previous_request(around, first_ms))
        except (Throttled, Unavailable) as exc:
            warnings.append(f"{exc.message} Lines without the id may be missing.")
    return request_detail_from(request_id, lambda_id, events, warnings)


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
