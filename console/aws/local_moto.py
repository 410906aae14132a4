"""What the embedded endpoint changes in moto's DynamoDB so that it keeps what DynamoDB keeps (issue 19).

moto 5.2.5 rolls a failed TransactWriteItems back by swapping in a deep copy of each whole table taken
before it, stream included (FACTS.md). Served to concurrent requests, that undoes every write other
requests made meanwhile (8 of 30 acknowledged notes lost), and every transaction copies the whole table
and its ever-growing stream (the server grew to 12.9 GB). For requests the embedded endpoint serves, and
only while `serving()` is active on the serving thread:

- the endpoint serves every DynamoDB request one at a time under `WRITE_LOCK` (DynamoDB serializes writes to
  an item; moto checks a condition and writes with no lock, so two requests could both pass one condition, and a
  Query iterating a partition while another request writes to it can fail or read a half-done transaction);
- a transaction keeps a copy of only the items it names, and a failed one puts those items back and drops
  the stream records it added (DynamoDB never streams a cancelled transaction); no table is copied;
- `trim_stream` keeps what DynamoDB keeps: records younger than 24 hours, and locally only those the
  local poller has not consumed yet.

moto's own behaviour is unchanged for everything else in the process (tests' mock_aws and moto servers).
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

STREAM_RETENTION = timedelta(hours=24)
# Shard iterators moto keeps (one per GetShardIterator and per GetRecords, forever): the newest are enough,
# as the local poller asks a fresh one each poll. DynamoDB's expire after 15 minutes.
SHARD_ITERATORS_KEPT = 1_000

WRITE_LOCK = threading.RLock()
_serving = threading.local()
_installed = False


@contextlib.contextmanager
def serving() -> Iterator[None]:
    """Mark the current thread as serving an embedded endpoint's request."""
    _serving.active = True
    try:
        yield
    finally:
        _serving.active = False


def _active() -> bool:
    return getattr(_serving, "active", False)


class _CopyWithoutTables:
    """moto.dynamodb.models' `copy` module, except that a Table is not deep-copied while serving: moto's
    whole-table copy (its rollback) is replaced by `_Undo`, which copies only the items a transaction names."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(obj: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if isinstance(obj, Table) and _active():
            return obj  # moto's rollback then swaps the table with itself: a no-op
        return copy.deepcopy(obj, memo)


class _Undo:
    """The items a transaction names as they were before it, and the length of each table's stream."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        self.items: list[tuple[Any, Any, Any, Any]] = []  # (table, hash key, range key, item or None)
        self.streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            try:
                _, op = next(iter(entry.items()))
                table = backend.tables[op["TableName"]]
                attrs = op["Item"] if "Item" in op else op["Key"]
                hash_key = DynamoType(attrs[table.hash_key_attr])
                range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
                current = table.get_item(hash_key, range_key)
            except Exception:  # noqa: BLE001, S112 - a malformed op: moto refuses it before writing anything
                continue
            self.items.append((table, hash_key, range_key, copy.deepcopy(current)))
            if table.stream_shard is not None:
                self.streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))

    def restore(self) -> None:
        for table, hash_key, range_key, item in reversed(self.items):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        for shard, length in self.streams.values():
            del shard.items[length:]


def install() -> None:
    """Patch moto's DynamoDB backend once per process (idempotent)."""
    global _installed
    with WRITE_LOCK:
        if _installed:
            return
        from moto.dynamodb import models

        original = models.DynamoDBBackend.transact_write_items

        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            if not _active():
                return original(self, transact_items)
            with WRITE_LOCK:
                undo = _Undo(self, transact_items)
                try:
                    return original(self, transact_items)
                except Exception:
                    undo.restore()
                    raise

        models.copy = _CopyWithoutTables()  # type: ignore[assignment]
        models.DynamoDBBackend.transact_write_items = transact_write_items
        _installed = True


def _tables(table_name: str) -> Iterator[tuple[Any, Any]]:
    """(table, its region's streams backend) for every region of every account holding `table_name`."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    for account_id, regions in list(dynamodb_backends.items()):
        for region, backend in list(regions.items()):
            table = backend.tables.get(table_name)
            if table is not None:
                yield table, dynamodbstreams_backends[account_id][region]


def _created_at(record: Any) -> datetime:
    created = record.record["dynamodb"]["ApproximateCreationDateTime"]
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(created), tz=UTC)


def trim_stream(table_name: str, *, consumed_through: int | None = None, now: datetime | None = None) -> int:
    """Drop the stream records of `table_name` older than 24 hours or at sequence numbers up to
    `consumed_through`, as DynamoDB trims a shard; returns the records dropped. A reader then finds the
    shard starting at the oldest record kept (its TRIM_HORIZON)."""
    now = now or datetime.now(UTC)
    cutoff = now - STREAM_RETENTION
    dropped = 0
    with WRITE_LOCK:
        for table, streams in _tables(table_name):
            shard = table.stream_shard
            if shard is None:
                continue
            keep_from = 0
            if consumed_through is not None:
                keep_from = max(0, min(len(shard.items), consumed_through - shard.starting_sequence_number + 1))
            while keep_from < len(shard.items) and _created_at(shard.items[keep_from]) < cutoff:
                keep_from += 1
            if keep_from:
                del shard.items[:keep_from]
                shard.starting_sequence_number += keep_from
                dropped += keep_from
            extra = len(streams.shard_iterators) - SHARD_ITERATORS_KEPT
            for arn in list(streams.shard_iterators)[: max(extra, 0)]:
                del streams.shard_iterators[arn]
    return dropped


def table_items(table_name: str) -> list[dict[str, Any]] | None:
    """Every item of the table, as DynamoDB JSON (what a Scan answers), read in this process under the lock;
    None if no such table."""
    import json

    from moto.dynamodb.models.utilities import dynamo_json_dump

    with WRITE_LOCK:
        for table, _ in _tables(table_name):
            return json.loads(dynamo_json_dump([item.to_json()["Attributes"] for item in table.all_items()]))
    return None


def stream_length(table_name: str) -> int:
    """Records held on the table's stream shard(s), for tests and the soak figures."""
    with WRITE_LOCK:
        return sum(len(t.stream_shard.items) for t, _ in _tables(table_name) if t.stream_shard is not None)
