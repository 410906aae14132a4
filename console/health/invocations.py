"""Invocations, memory and cost over a range: the Logs Insights aggregates of every REPORT line (both log
formats) on AWS, the process's own requests locally. The query texts live here."""

from __future__ import annotations

from console.health import patterns
from console.health.gateway import Aggregates, HealthGateway, InsightsResult, InvalidQuery
from console.health.invocation_lines import Invocation
from console.health.metrics import Window, percentile, summarize

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
        return from_invocations(gateway.invocations_of(records), memory)
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
