"""Deploys marked: the function's versions (when each was published, its code hash) and whether the latest
deploy made things worse, comparing the hour before it with the hour after (error rate, p99, cold starts)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from console.aws.errors import AwsError
from console.health.gateway import Deploy, HealthGateway
from console.health.logparse import parse_line
from console.health.metrics import percentile
from console.observability import PROCESS_STARTED_AT, RequestRecord

__all__ = ["Deploy", "DeployReport", "Side", "report"]

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Side:
    """One hour's figures: the hour before the deploy, or the (possibly still running) hour after it."""

    invocations: int = 0
    errors: int = 0
    p99_ms: float | None = None
    cold_starts: int | None = None  # None: not read
    minutes: float = 60.0  # how much of the hour has passed (the hour after may not be over)

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.invocations if self.invocations else None

    @property
    def cold_share(self) -> float | None:
        return self.cold_starts / self.invocations if self.invocations and self.cold_starts is not None else None


@dataclass
class DeployReport:
    deploys: list[Deploy] = field(default_factory=list)  # newest first
    latest: Deploy | None = None
    before: Side | None = None
    after: Side | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def worse(self) -> list[str]:
        """What got worse after the latest deploy, in plain words; empty when nothing did (or no before)."""
        b, a = self.before, self.after
        if not b or not a or not a.invocations:
            return []
        out = []
        if (
            a.error_rate is not None
            and (a.error_rate - (b.error_rate or 0)) >= 0.01
            and a.error_rate > 1.5 * (b.error_rate or 0)
        ):
            out.append(f"error rate rose from {_pct(b.error_rate)} to {_pct(a.error_rate)}")
        if a.p99_ms is not None and b.p99_ms and a.p99_ms > 1.25 * b.p99_ms and a.p99_ms - b.p99_ms >= 20:
            out.append(f"p99 duration rose from {b.p99_ms:,.0f} ms to {a.p99_ms:,.0f} ms")
        if a.cold_share is not None and b.cold_share is not None and a.cold_share > 2 * b.cold_share + 0.02:
            out.append(
                f"cold starts rose from {_pct(b.cold_share)} to {_pct(a.cold_share)} of invocations "
                "(a deploy starts new environments: expect some)"
            )
        return out


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _pct(value: float | None) -> str:
    return "0%" if not value else f"{value * 100:.1f}%"


def markers_in(deploys: list[Deploy], start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """(time, label) of each deploy inside a chart's range."""
    return [(d.at, f"deploy {d.version} {d.short_hash}".strip()) for d in deploys if start <= d.at < end]


# --- the question: versions, and the hour before vs after the latest (three calls) ----------------------


def with_recorded(found: list[Deploy], recorded: list[Deploy]) -> list[Deploy]:
    """Lambda's versions and the deploys recorded at cold start, newest first. A record after $LATEST's last
    change is that same deploy's first cold start (LastModified is the exacter time): left out."""
    latest = max((d.at for d in found if d.version == "$LATEST"), default=None)
    earlier = [d for d in recorded if latest is None or d.at < latest]
    return sorted([*found, *earlier], key=lambda d: d.at, reverse=True)


def _recorded(gateway: HealthGateway, warnings: list[str]) -> list[Deploy]:
    try:
        return gateway.recorded_deploys()
    except AwsError as exc:
        warnings.append(f"Deploys recorded at cold start (DynamoDB Query): {exc.message}")
        return []


def report(gateway: HealthGateway, *, p99: bool = True, chosen_ms: int | None = None) -> DeployReport:
    """`chosen_ms`: compare the hours around that deploy (its time in ms, as the list links it), not the latest."""
    warnings: list[str] = []
    recorded = _recorded(gateway, warnings)
    if gateway.kind == "local":
        local = from_process(gateway.requests())
        local.deploys = with_recorded(local.deploys, recorded)
        local.warnings += warnings
        return local
    found, more = gateway.versions()
    found = with_recorded(found, recorded)
    # $LATEST's LastModified is the latest change (code or configuration); a published version's is when
    # it was published. The newest of them is the latest deploy.
    out = DeployReport(
        deploys=found,
        latest=next(
            (d for d in found if chosen_ms is not None and _ms(d.at) == chosen_ms), found[0] if found else None
        ),
        detail="lambda:ListVersionsByFunction, and the deploys recorded at cold start",
        warnings=warnings,
    )
    if more:
        out.warnings.append("More than 50 versions: the newest are among the first 50 AWS returned.")
    if out.latest is None:
        return out
    at = out.latest.at.replace(second=0, microsecond=0)  # CloudWatch starts periods on whole minutes
    sides = _metric_sides(gateway, at, out.warnings, p99=p99)
    cold = _cold_starts(gateway, at, out.warnings)
    after_minutes = max(0.0, min(60.0, (datetime.now(tz=UTC) - at).total_seconds() / 60))
    for name in ("before", "after"):
        values = sides[name]
        side = Side(
            invocations=int(values.get("inv", 0)),
            errors=int(values.get("err", 0)),
            p99_ms=values.get("p99"),
            cold_starts=cold[name] if cold is not None else None,
            minutes=60.0 if name == "before" else after_minutes,
        )
        setattr(out, name, side)
    return out


def _query(function_name: str, qid: str, metric: str, stat: str) -> dict:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": function_name}],
            },
            "Period": 3600,
            "Stat": stat,
        },
    }


def _metric_sides(gateway: HealthGateway, at: datetime, warnings: list[str], *, p99: bool) -> dict[str, dict]:
    name = gateway.function_name
    queries = [_query(name, "inv", "Invocations", "Sum"), _query(name, "err", "Errors", "Sum")]
    if p99:
        queries.append(_query(name, "p99", "Duration", "p99"))
    sides: dict[str, dict[str, float]] = {"before": {}, "after": {}}
    try:
        data = gateway.metric_data(queries, at - HOUR, at + HOUR)
    except AwsError as exc:
        warnings.append(f"Before/after metrics: {exc.message}")
        return sides
    for qid, points in data.points.items():
        for when, value in points:
            sides["after" if when >= at else "before"][qid] = value
    return sides


def _cold_starts(gateway: HealthGateway, at: datetime, warnings: list[str]) -> dict[str, int] | None:
    cold = {"before": 0, "after": 0}
    try:
        read = gateway.log_events(
            start_ms=int((at - HOUR).timestamp() * 1000),
            end_ms=int((at + HOUR).timestamp() * 1000),
            pattern='?"Init Duration" ?initDurationMs',
            limit=10_000,
        )
        events, more = read.events, read.more
    except AwsError as exc:
        warnings.append(f"Cold starts around the deploy: {exc.message}")
        return None
    for event in events:
        report_line = parse_line(event).report
        if report_line is not None and report_line.cold_start:
            cold["after" if event.time >= at else "before"] += 1
    if more:
        warnings.append("More cold starts around the deploy than one read returns: counts are partial.")
    return cold


def from_process(records: list[RequestRecord]) -> DeployReport:
    """Locally the "deploy" is this process's start: the hour after it from the records; no hour before."""
    started = datetime.fromtimestamp(PROCESS_STARTED_AT, tz=UTC)
    latest = Deploy(version="this process", at=started, description=f"pid {os.getpid()}")
    records = [r for r in records if r.started_at < started.timestamp() + 3600]
    durations = sorted(r.duration_ms for r in records)
    after = Side(
        invocations=len(records),
        errors=sum(1 for r in records if r.status >= 500),
        p99_ms=percentile(durations, 99),
        cold_starts=sum(1 for r in records if r.cold_start),
        minutes=min(60.0, (datetime.now(tz=UTC) - started).total_seconds() / 60),
    )
    return DeployReport(
        deploys=[latest],
        latest=latest,
        before=None,
        after=after,
        detail="local: the process start stands in for a deploy; nothing ran before it",
    )
