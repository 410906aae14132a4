"""Asynchronous invocations (S3's ObjectCreated events, for attachments): are events dropped, how old do they
get, and where does a failed one go?

The configuration from GetFunctionEventInvokeConfig (retries, maximum age, on-failure destination); Lambda's
`AsyncEventsReceived`, `AsyncEventAge` and `AsyncEventsDropped` (the asynchronous-invocation metrics, published
per FunctionName), `DestinationDeliveryFailures`, and what reached an SQS or SNS on-failure destination, in one
GetMetricData: two calls. Flagged when events were dropped or no on-failure destination is set (a dropped
event is then gone without a trace).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.aws.errors import AwsError
from console.health.async_facts import AsyncConfig
from console.health.gateway import HealthGateway, MetricData
from console.health.metrics import Window, fill_buckets
from console.health.streams import destination_metric

METRICS = {  # query id -> (metric, statistic)
    "received": ("AsyncEventsReceived", "Sum"),
    "age": ("AsyncEventAge", "Maximum"),
    "dropped": ("AsyncEventsDropped", "Sum"),
    "undelivered": ("DestinationDeliveryFailures", "Sum"),
}


@dataclass
class AsyncReport:
    config: AsyncConfig | None = None
    received: int | None = None  # None: not read (locally, or the read failed)
    age_max_ms: float | None = None
    dropped: int | None = None
    undelivered: int | None = None
    sent_to_destination: int | None = None
    received_series: list[float] = field(default_factory=list)
    dropped_series: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def no_destination(self) -> bool:
        return self.config is not None and self.config.origin != "local" and not self.config.on_failure

    @property
    def flags(self) -> list[str]:
        out = []
        if self.dropped:
            out.append(
                f"{self.dropped} event{'s' if self.dropped != 1 else ''} dropped (retries or maximum age "
                "used up" + (", and no on-failure destination kept them)" if self.no_destination else ")")
            )
        elif self.no_destination:
            out.append("no on-failure destination: an event that fails every retry is dropped without a trace")
        if self.undelivered:
            out.append(
                f"{self.undelivered} failed event{'s' if self.undelivered != 1 else ''} could not be "
                "delivered to the destination"
            )
        return out

    @property
    def troubled(self) -> bool:
        return bool(self.flags)

    @property
    def bad(self) -> bool:
        return bool(self.dropped or self.undelivered)


def _stat(qid: str, namespace: str, metric: str, dims: tuple[str, str], period: int, stat: str) -> dict:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": dims[0], "Value": dims[1]}],
            },
            "Period": period,
            "Stat": stat,
        },
    }


def metric_queries(function_name: str, config: AsyncConfig | None, window: Window) -> list[dict]:
    """Each metric per bucket and over the range; what reached an SQS or SNS on-failure destination."""
    fn = ("FunctionName", function_name)
    queries = []
    for qid, (metric, stat) in METRICS.items():
        queries.append(_stat(qid, "AWS/Lambda", metric, fn, window.period, stat))
        queries.append(_stat(f"{qid}_all", "AWS/Lambda", metric, fn, window.seconds, stat))
    target = destination_metric(config.on_failure) if config and config.on_failure else None
    if target:
        namespace, metric, dimension, value = target
        queries.append(_stat("dest", namespace, metric, (dimension, value), window.seconds, "Sum"))
    return queries


def _total(data: MetricData, qid: str, combine: str = "sum") -> float | None:
    values = [v for _, v in data.points.get(f"{qid}_all", [])] or [v for _, v in data.points.get(qid, [])]
    if not values:
        return None
    return max(values) if combine == "max" else sum(values)


def _count(value: float | None) -> int | None:
    return None if value is None else int(value)


def report(gateway: HealthGateway, window: Window) -> AsyncReport:
    found = AsyncReport()
    try:
        found.config = gateway.async_config()
    except AwsError as exc:
        found.warnings.append(f"Asynchronous configuration (GetFunctionEventInvokeConfig): {exc.message}")
    if gateway.kind == "local":
        return found
    try:
        data = gateway.metric_data(
            metric_queries(gateway.function_name, found.config, window), window.start, window.end
        )
    except AwsError as exc:
        found.warnings.append(f"Asynchronous invocation metrics (GetMetricData): {exc.message}")
        return found
    # CloudWatch omits a metric with no datapoint: no event received is 0, not unknown.
    found.received = _count(_total(data, "received")) or 0
    found.dropped = _count(_total(data, "dropped")) or 0
    found.undelivered = _count(_total(data, "undelivered")) or 0
    found.age_max_ms = _total(data, "age", "max")
    found.received_series = fill_buckets(window, data.points.get("received", []))
    found.dropped_series = fill_buckets(window, data.points.get("dropped", []))
    if "dest" in data.points:
        found.sent_to_destination = int(sum(v for _, v in data.points["dest"]))
    return found
