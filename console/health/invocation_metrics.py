"""The function's invocation metrics over a window: CloudWatch's AWS/Lambda series on AWS (the queries live
here: one GetMetricData for every series of a page), the process's own request records locally. Both build
the same `Metrics`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.health.gateway import HealthGateway
from console.health.metrics import DURATION_STATS, Metrics, Window, fill_buckets, summarize
from console.observability import RequestRecord


def read(gateway: HealthGateway, window: Window) -> Metrics:
    if gateway.kind == "local":
        return from_records(gateway.requests(window), window)
    data = gateway.metric_data(metric_queries(gateway, window), window.start, window.end)
    points = data.points

    def series(qid: str, combine: str = "sum") -> list[float]:
        return fill_buckets(window, points.get(qid, []), combine=combine)

    overall = {}
    for key in DURATION_STATS:
        values = [v for _, v in points.get(f"o_{key}", [])]
        overall[key] = (max(values) if key == "max" else values[0]) if values else None
    return Metrics(
        window=window,
        invocations=series("invocations"),
        errors=series("errors"),
        throttles=series("throttles"),
        concurrency=series("concurrency", "max"),
        duration={
            key: series(f"d_{key}", "max")
            for key in DURATION_STATS
            if key in {"avg", "max"} or key in _percentiles(gateway)
        },
        overall_duration=overall,
        source="aws",
        warnings=data.warnings,
    )


def _percentiles(gateway: HealthGateway) -> tuple[str, ...]:
    """The percentiles asked for that the console shows (HEALTH_PERCENTILES may drop them: moto cannot
    compute percentiles; Stubber tests cover them)."""
    return tuple(p for p in gateway.percentiles if p in DURATION_STATS)


def _query(function_name: str, qid: str, metric: str, stat: str, period: int) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": function_name}],
            },
            "Period": period,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def metric_queries(gateway: HealthGateway, window: Window) -> list[dict[str, Any]]:
    name = gateway.function_name
    stats = {"avg": "Average", "max": "Maximum", **{p: p for p in _percentiles(gateway)}}
    queries = [
        _query(name, "invocations", "Invocations", "Sum", window.period),
        _query(name, "errors", "Errors", "Sum", window.period),
        _query(name, "throttles", "Throttles", "Sum", window.period),
        _query(name, "concurrency", "ConcurrentExecutions", "Maximum", window.period),
    ]
    for key, stat in stats.items():
        queries.append(_query(name, f"d_{key}", "Duration", stat, window.period))
        # One period covering the whole window: the range's real percentiles, not an average of them.
        queries.append(_query(name, f"o_{key}", "Duration", stat, window.seconds))
    return queries


def from_records(records: list[RequestRecord], window: Window) -> Metrics:
    """The process's requests as Lambda's metrics would count them: a 5xx is an error, never a throttle."""
    times = [datetime.fromtimestamp(r.started_at, tz=UTC) for r in records]  # once per record, not per series
    per_bucket: list[list[float]] = [[] for _ in window.buckets]
    for r, at in zip(records, times, strict=True):
        index = window.bucket_index(at)
        if index is not None:
            per_bucket[index].append(r.duration_ms)
    duration: dict[str, list[float]] = {key: [] for key in DURATION_STATS}
    for samples in per_bucket:
        stats = summarize(samples)
        for key in DURATION_STATS:
            duration[key].append(stats[key] or 0.0)
    return Metrics(
        window=window,
        invocations=fill_buckets(window, [(at, 1.0) for at in times]),
        errors=fill_buckets(window, [(at, 1.0) for r, at in zip(records, times, strict=True) if r.status >= 500]),
        throttles=[0.0] * len(window.buckets),
        concurrency=fill_buckets(
            window, [(at, float(r.concurrent)) for r, at in zip(records, times, strict=True)], combine="max"
        ),
        duration=duration,
        overall_duration=summarize([r.duration_ms for r in records]),
        source="local",
    )
