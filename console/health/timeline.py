"""A request's timeline: its AWS calls as a waterfall, read from the request's own JSON line.

`console/observability.py` logs each request once with `aws_calls` (operation, table or index, start offset from
the request's start, duration, retries, throttled, error). Both gateways hand the request page that line among the
request's lines, in either Lambda log format (the app writes the line itself, so its fields are the same), and no
tracer or layer is needed. The line is the app's, but a log group is read by anyone who can write to it: every
value is checked before it is drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from console.health.logparse import LogLine

REQUEST_LOGGER = "console.request"
MIN_BAR_PERCENT = 0.6  # a 0.1 ms call still shows as a sliver


@dataclass(frozen=True)
class TimelineCall:
    op: str
    resource: str
    start_ms: float
    ms: float
    retries: int
    throttled: bool
    error: str
    left: float  # percent of the timeline's span
    width: float

    @property
    def label(self) -> str:
        """What the bar says to a screen reader."""
        extra = f", {self.retries} retr{'y' if self.retries == 1 else 'ies'}" if self.retries else ""
        extra += ", throttled" if self.throttled else ""
        extra += f", failed: {self.error}" if self.error else ""
        return (
            f"{self.op} on {self.resource or 'no table'}: starts at {self.start_ms:g} ms, takes {self.ms:g} ms{extra}"
        )


@dataclass(frozen=True)
class Timeline:
    calls: list[TimelineCall]
    span_ms: float  # the request's duration, or the calls' end if later
    request_ms: float | None
    aws_ms: float

    @property
    def throttled(self) -> int:
        return sum(1 for c in self.calls if c.throttled)

    @property
    def retries(self) -> int:
        return sum(c.retries for c in self.calls)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _raw_call(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    start, ms = _number(item.get("start_ms")), _number(item.get("ms"))
    if start is None or ms is None:
        return None
    retries = _number(item.get("retries")) or 0
    return {
        "op": str(item.get("op") or "?")[:64],
        "resource": str(item.get("resource") or "")[:200],
        "start_ms": start,
        "ms": ms,
        "retries": int(retries),
        "throttled": item.get("throttled") is True,
        "error": str(item.get("error") or "")[:120],
    }


def _request_line(lines: list[LogLine]) -> LogLine | None:
    found = [line for line in lines if isinstance(line.fields.get("aws_calls"), list)]
    own = [line for line in found if line.fields.get("logger") == REQUEST_LOGGER]
    return (own or found or [None])[-1]


def timeline_of(lines: list[LogLine]) -> Timeline | None:
    """The waterfall of the request whose lines these are; None when its line lists no calls."""
    line = _request_line(lines)
    if line is None:
        return None
    raw = [c for c in (_raw_call(item) for item in line.fields["aws_calls"]) if c]
    if not raw:
        return None
    request_ms = _number(line.fields.get("duration_ms"))
    span = max([request_ms or 0.0, *(c["start_ms"] + c["ms"] for c in raw)]) or 1.0
    calls = []
    for c in sorted(raw, key=lambda c: c["start_ms"]):
        left = min(100.0, c["start_ms"] / span * 100)
        width = min(100.0 - left, max(MIN_BAR_PERCENT, c["ms"] / span * 100))
        calls.append(TimelineCall(**c, left=round(left, 2), width=round(max(width, MIN_BAR_PERCENT), 2)))
    return Timeline(calls=calls, span_ms=span, request_ms=request_ms, aws_ms=round(sum(c.ms for c in calls), 2))
