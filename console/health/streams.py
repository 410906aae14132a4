"""Streams watched: is each stream trigger keeping up (IteratorAge) and are its batches failing?

Lag from Lambda's `IteratorAge` metric (maximum over the range); failed batches and records from the app's
own stream-handler lines (notes.events.handle_stream logs one "stream batch processed" line per batch);
records sent to the on-failure destination from that queue's or topic's own metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from console.health.logparse import LogEvent, parse_line

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
