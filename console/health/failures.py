"""Failures grouped into issues: what is broken, since when, for whom, and whether the last deploy did it.

A failure is a Python exception (grouped by its type and the innermost frame in the project's own code,
file:function) or a Lambda-level failure (grouped by kind: timeout, runtime exit / out of memory, init
failure, throttle), or an HTTP 5xx answer with no exception behind it (grouped by status and route).
Both gateways build the same `Failure`s: the AWS one from the lines one Logs Insights query returns (text
and JSON log formats), the local one from the process's own records; `group()` does the rest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from console.health.failure_lines import (
    KIND_EXCEPTION,
    KIND_HTTP,
    KIND_THROTTLE,
    LAMBDA_KINDS,
    Failure,
    failures_from_events,
)
from console.health.gateway import HealthGateway, InsightsResult, LogEvent, parse_time
from console.health.metrics import Window
from console.observability import PROCESS_STARTED_AT, RequestRecord

MAX_LINKS = 8  # links to a group's newest requests
# Every line that can tell of a failure, for the one Logs Insights query (both log formats): the newest
# 10,000 such lines of the range, grouped by `failures_from_events` as the local records are.
INSIGHTS_QUERY = r"""fields @timestamp, @message, @logStream
| filter @message like /Task timed out|Runtime exited|Runtime\.|INIT_REPORT|platform\.initReport|platform\.runtimeDone|"level": ?"(ERROR|CRITICAL)"|\[ERROR\]|errorType|Status: (error|timeout)|"status": ?"(error|timeout|failure)"/
| sort @timestamp desc
| limit 10000"""
INSIGHTS_LIMIT = 10_000


@dataclass
class FailureGroup:
    kind: str
    title: str
    frame: str
    count: int = 0
    request_ids: list[str] = field(default_factory=list)  # newest first
    request_links: list[tuple[str, int]] = field(default_factory=list)  # (id, epoch ms): the newest few
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    per_bucket: list[float] = field(default_factory=list)
    routes: list[tuple[str, int]] = field(default_factory=list)  # (route, occurrences), most first
    latest_message: str = ""
    latest_traceback: str = ""
    new_since_deploy: bool = False

    @property
    def lambda_level(self) -> bool:
        return self.kind in LAMBDA_KINDS

    @property
    def requests_affected(self) -> int:
        return len(self.request_ids)

    @property
    def label(self) -> str:
        if self.kind == KIND_EXCEPTION:
            return f"{self.title} in {self.frame}" if self.frame else self.title
        return self.title


@dataclass
class FailureReport:
    status: str  # Logs Insights' status; "Complete" locally
    groups: list[FailureGroup] = field(default_factory=list)
    deployed_at: datetime | None = None
    deploy_in_range: bool = False
    lines_read: int = 0
    truncated: bool = False  # the query's line limit was reached: the oldest failures are not counted
    warnings: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # what the groups were made of (throttles apart)

    def regroup(self, window: Window, *, deployed_at: datetime | None, throttles: Sequence[float] = ()) -> None:
        """Groups again with the deploy time and the Throttles metric, read once the query is done."""
        self.deployed_at = deployed_at
        self.deploy_in_range = bool(deployed_at and window.start <= deployed_at < window.end)
        self.groups = group(
            [*self.failures, *throttle_failures(window, list(throttles))], window, deployed_at=deployed_at
        )

    @property
    def done(self) -> bool:
        return self.status not in {"Running", "Scheduled"}

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def new_groups(self) -> list[FailureGroup]:
        return [g for g in self.groups if g.new_since_deploy]


# --- the question: start the query, read it, group ---------------------------------------------------


def start(gateway: HealthGateway, window: Window) -> str:
    return gateway.start_insights(window, INSIGHTS_QUERY, INSIGHTS_LIMIT)


def report(
    gateway: HealthGateway,
    handle: str,
    window: Window,
    *,
    deployed_at: datetime | None = None,
    throttles: Sequence[float] = (),
) -> FailureReport:
    if gateway.kind == "local":
        return from_requests(gateway.requests(window), window, deployed_at=deployed_at)
    result = gateway.insights_results(handle)
    found = FailureReport(
        status=result.status,
        deployed_at=deployed_at,
        deploy_in_range=bool(deployed_at and window.start <= deployed_at < window.end),
    )
    if not found.done:
        return found
    if result.status != "Complete":
        found.warnings.append(f"The Logs Insights query ended {result.status}: the failures shown may be incomplete.")
    events = insights_events(result)
    found.lines_read = len(events)
    found.truncated = len(events) >= INSIGHTS_LIMIT
    if found.truncated:
        found.warnings.append(
            "The range holds more failure lines than one query returns (10,000): "
            "the oldest are not counted; choose a shorter range."
        )
    found.failures = failures_from_events(events, project_packages())
    found.regroup(window, deployed_at=deployed_at, throttles=throttles)
    return found


def from_requests(
    records: Iterable[RequestRecord], window: Window, *, deployed_at: datetime | None = None
) -> FailureReport:
    """Each 5xx the process answered: by its exception (type and project frame) when one escaped the
    view, else by status and route. No Lambda-level failures happen to a local process."""
    found = []
    for r in records:
        if r.status < 500:
            continue
        when = datetime.fromtimestamp(r.started_at, tz=UTC)
        if r.exc_type:
            found.append(
                Failure(
                    when, KIND_EXCEPTION, r.exc_type, r.exc_frame, r.exc_message, r.traceback, r.correlation_id, r.route
                )
            )
        else:
            found.append(
                Failure(
                    when,
                    KIND_HTTP,
                    f"HTTP {r.status}",
                    message=f"{r.method} {r.path} {r.status}",
                    request_id=r.correlation_id,
                    route=r.route,
                )
            )
    deployed = deployed_at or datetime.fromtimestamp(PROCESS_STARTED_AT, tz=UTC)
    out = FailureReport(status="Complete", lines_read=len(found), failures=found)
    out.regroup(window, deployed_at=deployed)
    return out


# --- grouping (both gateways) ------------------------------------------------------------------------


def group(failures: Iterable[Failure], window: Window, *, deployed_at: datetime | None = None) -> list[FailureGroup]:
    """Issues, most occurrences first; `new_since_deploy` when every occurrence is after a deploy inside
    the range (before it, the range cannot say whether the group is new)."""
    by_key: dict[tuple[str, str, str], list[Failure]] = defaultdict(list)
    for failure in failures:
        if window.start <= failure.time < window.end:
            by_key[failure.key].append(failure)
    groups = []
    deploy_in_range = deployed_at is not None and window.start <= deployed_at < window.end
    for (kind, title, _), items in by_key.items():
        items.sort(key=lambda f: f.time)
        latest = items[-1]
        with_trace = next((f for f in reversed(items) if f.traceback), latest)
        per_bucket = [0.0] * len(window.buckets)
        for f in items:
            index = window.bucket_index(f.time)
            if index is not None:
                per_bucket[index] += f.count
        route_counts = Counter(f.route for f in items if f.route)
        ids = list(dict.fromkeys(f.request_id for f in reversed(items) if f.request_id))
        when_of = {f.request_id: int(f.time.timestamp() * 1000) for f in items if f.request_id}
        first = items[0].time
        groups.append(
            FailureGroup(
                kind=kind,
                title=title,
                frame=items[0].frame if kind == KIND_EXCEPTION else "",
                count=sum(f.count for f in items),
                request_ids=ids,
                first_seen=first,
                last_seen=latest.time,
                request_links=[(rid, when_of[rid]) for rid in ids[:MAX_LINKS]],
                per_bucket=per_bucket,
                routes=route_counts.most_common(),
                latest_message=latest.message,
                latest_traceback=with_trace.traceback,
                new_since_deploy=bool(deploy_in_range and first >= deployed_at),
            )
        )
    groups.sort(key=lambda g: (-g.count, g.label))
    return groups


def throttle_failures(window: Window, throttles: Sequence[float]) -> list[Failure]:
    """Throttled invocations never run, so no line tells of them: the Throttles metric does, per bucket."""
    return [
        Failure(
            when, KIND_THROTTLE, "Throttled", message=f"{int(value)} invocations throttled", count=int(round(value))
        )
        for when, value in zip(window.buckets, throttles, strict=False)
        if value > 0
    ]


def utc_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def project_packages() -> tuple[str, ...]:
    """The project's own top-level packages (console, notes, accounts, ...): a traceback's frame in one of
    them is the project's code; anything else in /var/task is a dependency Zappa packaged beside it."""
    root = Path(settings.BASE_DIR)
    return tuple(
        sorted(
            p.name
            for p in root.iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"tests", "bench"}
        )
    )


def insights_events(result: InsightsResult) -> list[LogEvent]:
    """Rows of `fields @timestamp, @message, @logStream` as log events. Insights gives the time as
    "2026-11-27 10:00:33.012" (UTC)."""
    found = []
    for row in result.rows:
        cells = {cell.get("field"): cell.get("value", "") for cell in row}
        when = parse_time(str(cells.get("@timestamp", "")).replace(" ", "T", 1))
        if when is None or "@message" not in cells:
            continue
        found.append(
            LogEvent(
                timestamp=int(when.timestamp() * 1000),
                message=cells["@message"],
                stream=cells.get("@logStream", ""),
                event_id=cells.get("@ptr", ""),
            )
        )
    return found
