"""Invocations, memory and cost over a range: the most recent invocations (REPORT lines on AWS, the process's
own requests locally), and the Logs Insights aggregates of every REPORT line (both log formats) on AWS. The
query texts and filter patterns live here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from console.health import app_lines, patterns
from console.health.gateway import LOCAL_STREAM, HealthGateway, InsightsResult, InvalidQuery
from console.health.invocation_lines import OUTCOME_ERROR, OUTCOME_OK, Invocation, invocations_from_events
from console.health.metrics import Metrics, Window, percentile, summarize
from console.observability import RequestRecord

RECENT_EVENTS_LIMIT = 10_000  # FilterLogEvents' maximum; a response also stops at 1 MB


@dataclass
class InvocationSample:
    """The most recent invocations read from REPORT lines, newest first."""

    invocations: list[Invocation]
    since: datetime | None  # the lines read cover [since, until]
    until: datetime | None
    complete: bool = True  # False when the window held more lines than one read returns
    warnings: list[str] = field(default_factory=list)

    @property
    def cold_starts(self) -> list[Invocation]:
        return [i for i in self.invocations if i.cold_start]


@dataclass
class Aggregates:
    """Range-wide figures from every REPORT line of the window (Logs Insights on AWS)."""

    status: str  # "Complete", "Running", "Scheduled", "Failed", "Cancelled", "Timeout"
    invocations: int = 0
    cold_starts: int = 0
    billed_ms: float = 0.0
    gb_seconds: float = 0.0
    init_ms: dict[str, float | None] = field(default_factory=dict)  # avg, p50, p90, p99, max
    max_memory_used_mb: float | None = None
    memory_mb: float | None = None
    memory_p50_mb: float | None = None  # of each invocation's Max Memory Used
    memory_p99_mb: float | None = None
    bytes_scanned: float | None = None

    @property
    def done(self) -> bool:
        return self.status not in {"Running", "Scheduled"}


# --- the most recent invocations ---------------------------------------------------------------------


def recent(
    gateway: HealthGateway, window: Window, *, limit: int = 20, metrics: Metrics | None = None
) -> InvocationSample:
    """The newest `limit` invocations of the window: one FilterLogEvents of REPORT lines on AWS (only the
    newest buckets when the metrics say the window holds many more), the process's records locally."""
    if gateway.kind == "local":
        records = gateway.requests(window)[-limit:] if limit > 0 else []  # only the rows shown are built
        memory = gateway.configuration().memory_mb
        init = gateway.process_init_ms()
        invocations = [from_record(r, memory, init) for r in reversed(records)]
        return InvocationSample(invocations=invocations, since=window.start, until=window.end)
    start_ms = _recent_start_ms(window, limit, metrics)
    read = gateway.log_events(
        start_ms=start_ms,
        end_ms=window.end_ms,
        pattern=patterns.invocation_pattern(gateway.log_format()),
        limit=RECENT_EVENTS_LIMIT,
    )
    invocations = app_lines.with_http_status(invocations_from_events(read.events), read.events)
    complete = not read.next_token
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


def _recent_start_ms(window: Window, limit: int, metrics: Metrics | None) -> int:
    """Read only the newest buckets that hold about `limit` invocations (plus the latest buckets, whose
    metrics may lag the logs): one call, and not a week of lines to find twenty."""
    if metrics is None or metrics.total_invocations <= limit:
        return window.start_ms
    needed, index = limit * 1.5, len(metrics.invocations)
    count = 0.0
    while index > 0 and count < needed:
        index -= 1
        count += metrics.invocations[index]
    return int(window.buckets[index].timestamp() * 1000)


def from_record(r: RequestRecord, memory_mb: int, process_init_ms: float | None) -> Invocation:
    """A request this process served, as the invocation Lambda would have reported."""
    return Invocation(
        request_id=r.correlation_id,
        time=datetime.fromtimestamp(r.started_at + r.duration_ms / 1000, tz=UTC),
        duration_ms=r.duration_ms,
        billed_ms=float(math.ceil(r.duration_ms)),
        memory_mb=memory_mb,
        max_memory_mb=int(math.ceil(r.max_rss_mb)),
        init_ms=process_init_ms if r.cold_start else None,
        restore_ms=None,
        outcome=OUTCOME_ERROR if r.status >= 500 else OUTCOME_OK,
        detail=(f"{r.exc_type}: {r.exc_message}" if r.exc_type else f"HTTP {r.status}") if r.status >= 500 else "",
        stream=LOCAL_STREAM,
        label=f"{r.method} {r.path} {r.status}",
        http_status=r.status,
        user=r.username or r.user_id,
    )


# --- aggregates over the range -----------------------------------------------------------------------


# Text format: Logs Insights extracts @duration, @initDuration, ... from REPORT lines (@memorySize in bytes).
INSIGHTS_QUERY = """filter @type = "REPORT"
| stats count(*) as invocations,
  count(@initDuration) as coldStarts,
  sum(@billedDuration) as billedMs,
  sum(@billedDuration * @memorySize / 1000000) as billedMbMs,
  avg(@initDuration) as initAvg,
  pct(@initDuration, 50) as initP50,
  pct(@initDuration, 90) as initP90,
  pct(@initDuration, 99) as initP99,
  max(@initDuration) as initMax,
  max(@maxMemoryUsed / 1000000) as maxMemoryUsedMB,
  pct(@maxMemoryUsed / 1000000, 50) as memP50,
  pct(@maxMemoryUsed / 1000000, 99) as memP99,
  max(@memorySize / 1000000) as memoryMB"""

# JSON format: no REPORT lines, so no @duration/@initDuration; Insights discovers the platform.report record's
# JSON fields instead (its metrics are already in MB).
INSIGHTS_QUERY_JSON = """filter type = "platform.report"
| stats count(*) as invocations,
  count(record.metrics.initDurationMs) as coldStarts,
  sum(record.metrics.billedDurationMs) as billedMs,
  sum(record.metrics.billedDurationMs * record.metrics.memorySizeMB) as billedMbMs,
  avg(record.metrics.initDurationMs) as initAvg,
  pct(record.metrics.initDurationMs, 50) as initP50,
  pct(record.metrics.initDurationMs, 90) as initP90,
  pct(record.metrics.initDurationMs, 99) as initP99,
  max(record.metrics.initDurationMs) as initMax,
  max(record.metrics.maxMemoryUsedMB) as maxMemoryUsedMB,
  pct(record.metrics.maxMemoryUsedMB, 50) as memP50,
  pct(record.metrics.maxMemoryUsedMB, 99) as memP99,
  max(record.metrics.memorySizeMB) as memoryMB"""

# Format not known (no GetFunction this process, not running on the function): both record kinds; Insights'
# coalesce() takes the first field that is present, so each row contributes whichever format it is in.
INSIGHTS_QUERY_ANY = """filter @type = "REPORT" or type = "platform.report"
| fields coalesce(@initDuration, record.metrics.initDurationMs) as initMs,
  coalesce(@billedDuration, record.metrics.billedDurationMs) as billedOne,
  coalesce(@memorySize / 1000000, record.metrics.memorySizeMB) as memoryOne,
  coalesce(@maxMemoryUsed / 1000000, record.metrics.maxMemoryUsedMB) as usedOne
| stats count(*) as invocations,
  count(initMs) as coldStarts,
  sum(billedOne) as billedMs,
  sum(billedOne * memoryOne) as billedMbMs,
  avg(initMs) as initAvg,
  pct(initMs, 50) as initP50,
  pct(initMs, 90) as initP90,
  pct(initMs, 99) as initP99,
  max(initMs) as initMax,
  max(usedOne) as maxMemoryUsedMB,
  pct(usedOne, 50) as memP50,
  pct(usedOne, 99) as memP99,
  max(memoryOne) as memoryMB"""


def insights_query(log_format: str) -> str:
    """The aggregates query for the function's log format; both formats' fields when it is not known."""
    known = patterns.normalize_format(log_format)
    return {patterns.LOG_FORMAT_TEXT: INSIGHTS_QUERY, patterns.LOG_FORMAT_JSON: INSIGHTS_QUERY_JSON}.get(
        known, INSIGHTS_QUERY_ANY
    )


def start_aggregates(gateway: HealthGateway, window: Window) -> str:
    return gateway.start_insights(window, insights_query(gateway.log_format()), 1)


def aggregates(gateway: HealthGateway, handle: str) -> Aggregates:
    if gateway.kind == "local":
        if not (handle or "").startswith("local-"):
            raise InvalidQuery("Not a local query.")
        records = gateway.requests(Window.for_range(handle.removeprefix("local-")))
        memory = gateway.configuration().memory_mb
        init = gateway.process_init_ms()
        return from_invocations([from_record(r, memory, init) for r in records], memory)
    return from_insights(gateway.insights_results(handle))


def from_insights(result: InsightsResult) -> Aggregates:
    values: dict[str, float | None] = {}
    for cell in result.rows[0] if result.rows else []:
        try:
            values[cell["field"]] = float(cell["value"])
        except (KeyError, TypeError, ValueError):
            continue
    billed_mb_ms = values.get("billedMbMs") or 0.0
    return Aggregates(
        status=result.status,
        invocations=int(values.get("invocations") or 0),
        cold_starts=int(values.get("coldStarts") or 0),
        billed_ms=values.get("billedMs") or 0.0,
        gb_seconds=billed_mb_ms / 1000 / 1024,
        init_ms={
            "avg": values.get("initAvg"),
            "p50": values.get("initP50"),
            "p90": values.get("initP90"),
            "p99": values.get("initP99"),
            "max": values.get("initMax"),
        },
        max_memory_used_mb=values.get("maxMemoryUsedMB"),
        memory_mb=values.get("memoryMB"),
        memory_p50_mb=values.get("memP50"),
        memory_p99_mb=values.get("memP99"),
        bytes_scanned=result.bytes_scanned,
    )


def from_invocations(invocations: list[Invocation], memory_mb: int) -> Aggregates:
    billed = sum(i.billed_ms for i in invocations)
    inits = [i.init_ms for i in invocations if i.init_ms is not None]
    return Aggregates(
        status="Complete",
        invocations=len(invocations),
        cold_starts=sum(1 for i in invocations if i.cold_start),
        billed_ms=billed,
        gb_seconds=billed / 1000 * memory_mb / 1024,
        init_ms=summarize(inits),
        max_memory_used_mb=max((i.max_memory_mb for i in invocations), default=None),
        memory_mb=memory_mb,
        memory_p50_mb=percentile([i.max_memory_mb for i in invocations], 50),
        memory_p99_mb=percentile([i.max_memory_mb for i in invocations], 99),
    )
