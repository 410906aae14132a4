"""Streams watched: is each stream trigger keeping up (IteratorAge) and are its batches failing?

Lag from Lambda's `IteratorAge` metric (maximum over the range); failed batches and records from the app's
own stream-handler lines (notes.events.handle_stream logs one "stream batch processed" line per batch);
records sent to the on-failure destination from that queue's or topic's own metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from console.aws.errors import AwsError
from console.health.gateway import EventSourceMapping, HealthGateway, MetricData
from console.health.logparse import LogEvent, parse_line
from console.health.metrics import Window, fill_buckets
from console.health.stream_lag import FALLBACK_NOTE, lag_queries, mapping_lag
from console.health.triggers import stream_mappings

BATCH_MESSAGE = "stream batch processed"  # notes.events.handle_stream's line
LAG_WARN_MS = 60_000  # a minute behind: records wait longer than users expect their history to take


@dataclass(frozen=True)
class BatchCounts:
    batches: int = 0
    records: int = 0
    failed_batches: int = 0
    failed_records: int = 0  # records Lambda retries (the partial-batch answer's failures)
    last_failure: datetime | None = None


@dataclass
class StreamHealth:
    """One event source mapping's health over the range."""

    source: str
    uuid: str = ""
    iterator_age_max_ms: float | None = None  # None: no datapoint (no traffic, or not a stream)
    iterator_age: list[float] = field(default_factory=list)  # maximum per bucket
    counts: BatchCounts = field(default_factory=BatchCounts)
    on_failure: str = ""
    sent_to_destination: int | None = None  # None: not known (no destination, or its metric unread)
    last_result: str = ""
    detail: str = ""

    @property
    def lagging(self) -> bool:
        return (self.iterator_age_max_ms or 0) >= LAG_WARN_MS

    @property
    def failing(self) -> bool:
        return (
            self.counts.failed_batches > 0
            or bool(self.sent_to_destination)
            or self.last_result.upper().startswith("PROBLEM")
        )

    @property
    def flags(self) -> list[str]:
        out = []
        if self.lagging:
            out.append(f"falling behind: records waited up to {self.iterator_age_max_ms / 1000:,.0f} s")
        if self.counts.failed_batches:
            out.append(
                f"{self.counts.failed_batches} failed batch{'es' if self.counts.failed_batches != 1 else ''}, "
                f"{self.counts.failed_records} record{'s' if self.counts.failed_records != 1 else ''} retried"
            )
        if self.sent_to_destination:
            out.append(
                f"{self.sent_to_destination} batch{'es' if self.sent_to_destination != 1 else ''} given up "
                "and sent to the on-failure destination"
            )
        if self.last_result.upper().startswith("PROBLEM"):
            out.append(f"Lambda reports: {self.last_result}")
        return out


@dataclass
class StreamReport:
    streams: list[StreamHealth] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def troubled(self) -> list[StreamHealth]:
        return [s for s in self.streams if s.lagging or s.failing]


def batch_counts(events: Iterable[LogEvent]) -> BatchCounts:
    """Totals of the handler's batch lines: `records`, and `failed` (the batchItemFailures it answered)."""
    batches = records = failed_batches = failed_records = 0
    last: datetime | None = None
    for event in events:
        line = parse_line(event)
        if line.kind != "json" or line.message != BATCH_MESSAGE:
            continue
        batches += 1
        records += _int(line.fields.get("records"))
        failed = _int(line.fields.get("failed"))
        if failed:
            failed_batches += 1
            failed_records += failed
            last = event.time if last is None or event.time > last else last
    return BatchCounts(batches, records, failed_batches, failed_records, last)


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def destination_metric(arn: str) -> tuple[str, str, str, str] | None:
    """(namespace, metric, dimension, value) counting what arrives at an on-failure destination."""
    parts = arn.split(":")
    if len(parts) < 6:
        return None
    if parts[2] == "sqs":
        return "AWS/SQS", "NumberOfMessagesSent", "QueueName", parts[5]
    if parts[2] == "sns":
        return "AWS/SNS", "NumberOfMessagesPublished", "TopicName", parts[5]
    return None


# --- the question: lag, failed batches, what went to the on-failure destination (three calls) ----------


def report(gateway: HealthGateway, window: Window) -> StreamReport:
    found = StreamReport()
    mappings = stream_mappings(gateway)
    if not mappings:
        return found
    data = MetricData()
    if gateway.kind != "local":
        try:
            data = gateway.metric_data(
                metric_queries(gateway.function_name, mappings, window), window.start, window.end
            )
        except AwsError as exc:
            found.warnings.append(f"Stream lag (GetMetricData): {exc.message}")
    try:
        events = gateway.log_events(
            start_ms=window.start_ms, end_ms=window.end_ms, pattern=f'"{BATCH_MESSAGE}"', limit=10_000
        ).events
        counts = batch_counts(events)
    except AwsError as exc:
        found.warnings.append(f"Stream handler lines (FilterLogEvents): {exc.message}")
        counts = BatchCounts()
    found.streams = [_health(m, i, len(mappings), data, counts, window) for i, m in enumerate(mappings)]
    return found


def _health(
    m: EventSourceMapping, index: int, of: int, data: MetricData, counts: BatchCounts, window: Window
) -> StreamHealth:
    if m.origin == "local":
        # The poller runs in manage.py's own process: its handler lines are not in this process's buffer,
        # so its status file's counts (since it started) stand for them.
        if m.batches_handled is not None and m.batches_handled > counts.batches:
            counts = BatchCounts(batches=m.batches_handled, records=m.records_handled or 0)
            return StreamHealth(source=m.source, counts=counts, detail="local poller, since it started")
        return StreamHealth(
            source=m.source, counts=counts, detail="local poller: lag (IteratorAge) is measured by Lambda only"
        )
    own = mapping_lag(data, index, window)
    age = own.per_bucket if own else fill_buckets(window, data.points.get("age", []), combine="max")
    age_all = [v for _, v in data.points.get("age_all", [])]
    shared = age_all or [v for v in age if v]
    sent = data.points.get(f"dest{index}")
    return StreamHealth(
        source=m.source,
        uuid=m.uuid,
        iterator_age_max_ms=own.max_ms if own else (max(shared) if shared else None),
        iterator_age=age,
        counts=counts,
        on_failure=m.on_failure,
        sent_to_destination=int(sum(v for _, v in sent)) if sent is not None else None,
        last_result=m.last_result,
        detail=_detail(own is not None, shared != [], of),
    )


def _detail(own_lag: bool, shared_lag: bool, of: int) -> str:
    notes = [] if own_lag or not shared_lag else [FALLBACK_NOTE]
    if of > 1:
        notes.append(f"the handler's lines are the function's: shared by its {of} stream triggers")
    return "; ".join(notes)


def _stat(qid: str, namespace: str, metric: str, dimension: tuple[str, str], period: int, stat: str) -> dict:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
            },
            "Period": period,
            "Stat": stat,
        },
    }


def metric_queries(function_name: str, mappings: list[EventSourceMapping], window: Window) -> list[dict]:
    """IteratorAge per bucket and over the range (each mapping's, and the function's as the fallback), and what
    reached each on-failure destination."""
    function = ("FunctionName", function_name)
    queries = [
        _stat("age", "AWS/Lambda", "IteratorAge", function, window.period, "Maximum"),
        _stat("age_all", "AWS/Lambda", "IteratorAge", function, window.seconds, "Maximum"),
    ]
    queries.extend(lag_queries(function_name, mappings, window))  # each mapping's own IteratorAge
    for i, m in enumerate(mappings):
        target = destination_metric(m.on_failure)
        if target:
            namespace, metric, dimension, value = target
            queries.append(_stat(f"dest{i}", namespace, metric, (dimension, value), window.seconds, "Sum"))
    return queries


# --- what a mapping's settings risk ------------------------------------------------------------------


def mapping_risks(mapping: EventSourceMapping) -> list[str]:
    """What can lose or block a mapping's records, in words an admin can act on (the triggers page)."""
    if mapping.origin == "local":
        return (
            [f"Local stream poller: {mapping.last_result[len('PROBLEM: ') :]}"]
            if mapping.last_result.startswith("PROBLEM")
            else []
        )
    if mapping.origin != "aws":
        return []
    out = []
    if mapping.routed_to == ():
        out.append(
            "The deployed package does not route this ARN: Zappa's handler finds no function, returns "
            "nothing, and Lambda counts the batch as processed. Route it in the stage's events "
            "(manage.py wire_stream does it for the table's stream) and deploy."
        )
    if mapping.is_stream and mapping.max_retries in (None, -1) and mapping.max_record_age_s in (None, -1):
        out.append("Retries until a record expires: one failing record blocks its shard for up to 24 hours.")
    if mapping.is_stream and not mapping.report_item_failures:
        out.append("No ReportBatchItemFailures: the handler's partial-batch answer is ignored.")
    if mapping.last_result.upper().startswith("PROBLEM"):
        out.append(f"Lambda reports: {mapping.last_result}")
    return out
