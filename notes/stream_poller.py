"""Local mode's stand-in for Lambda's stream trigger: polls the embedded endpoint's table stream in a
background thread and feeds each batch to the same handler Lambda calls (notes.events.handle_stream).

moto as it is rolls a failed TransactWriteItems back by swapping in a copy of the table, stream included
(FACTS.md): a shard iterator kept from an earlier poll would read the orphaned stream from then on. So every
poll asks for a fresh iterator at the last sequence number seen, rewinds a little (a swapped-in stream may
reuse positions read from the orphaned one) and skips records it has handled. Records of writes that were
rolled back can still be read there; real DynamoDB never streams those, so a note's version is recorded only
while the stored note (or its trash item) is at that version or later. The embedded endpoint of make run
changes moto so that none of this happens (console/aws/local_moto.py), and trims its stream at what this
poller reports handled; the checks stay for moto as it is (tests, a moto server of your own).

How the poller is doing goes to a status file beside the local data, because the console page that shows
it is served by runserver's child process, not the process that polls.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from botocore.config import Config
from django.conf import settings

from console.aws import dynamodb
from console.aws import session as aws_session
from notes.events import handle_stream

log = logging.getLogger(__name__)

_started = threading.Event()
# What the admin console's triggers page shows for this stand-in (local mode).
POLL_INTERVAL_S = 0.5
BATCH_LIMIT = 100
# Batches read per shard in one poll; more waiting than that means the poller is falling behind.
MAX_BATCHES_PER_POLL = 20
# Positions re-read each poll, in case a swapped-in stream reused them (see the module docstring).
REWIND = 50
_SEEN_KEEP = 2_000
# A status older than this means the polling thread has stopped (or its process has gone).
STALE_AFTER_S = 15.0
STATUS_FILE = "stream-poller.json"


@dataclass(frozen=True)
class PollerStatus:
    healthy: bool
    checked_at: float  # epoch seconds of the last poll, successful or not
    last_ok_at: float | None = None
    problem: str = ""
    backlog: bool = False  # more records were waiting than one poll reads
    dropped_rolled_back: int = 0
    batches: int = 0  # batches handed to the stream handler since the poller started (the console shows them)
    records: int = 0


def status_path() -> Path:
    return Path(settings.LOCAL_DATA_DIR) / STATUS_FILE


def read_status(*, now: float | None = None) -> PollerStatus | None:
    """The polling process's last status, as the console sees it; None if no poller ever wrote one. A
    status not refreshed for STALE_AFTER_S is reported as stopped."""
    try:
        raw = json.loads(status_path().read_text())
        status = PollerStatus(**raw)
    except (OSError, ValueError, TypeError):
        return None
    now = time.time() if now is None else now
    if now - status.checked_at > STALE_AFTER_S:
        ago = int(now - status.checked_at)
        return PollerStatus(
            **{**asdict(status), "healthy": False, "problem": f"the poller has not polled for {ago} s: it has stopped"}
        )
    return status


class StreamPoller:
    def __init__(
        self,
        *,
        endpoint_url: str,
        table_name: str,
        interval: float = POLL_INTERVAL_S,
        status_file: Path | None = None,
        on_consumed: Callable[[int | None], None] | None = None,
        streams_rolled_back_writes: bool = True,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.table_name = table_name
        self.interval = interval
        self.status_file = status_file
        # Told the last sequence number handled (None: none yet) after every read, idle ones included, so the
        # embedded endpoint can trim its stream there and drop the shard iterators each poll leaves behind.
        self.on_consumed = on_consumed
        # moto as it is streams the writes of a cancelled transaction; this process's embedded endpoint does not
        # (console/aws/local_moto.py), so its records need no look at the table.
        self.streams_rolled_back_writes = streams_rolled_back_writes
        self._stop = threading.Event()
        self._last_sequence: dict[str, int] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._status = PollerStatus(healthy=True, checked_at=time.time())
        self._dropped = 0
        self._batches = self._records = 0
        self._client = aws_session.session().create_client(
            "dynamodbstreams",
            endpoint_url=endpoint_url,
            region_name=settings.AWS_REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 2}),
        )

    def _stream_arn(self) -> str:
        return dynamodb.client().describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]

    def _iterator(self, arn: str, shard: dict[str, Any]) -> str:
        shard_id = shard["ShardId"]
        last = self._last_sequence.get(shard_id)
        first = int(shard.get("SequenceNumberRange", {}).get("StartingSequenceNumber", 0))
        if last is None or last - REWIND <= first:
            kwargs: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        else:
            kwargs = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": str(last - REWIND)}
        return self._client.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **kwargs)["ShardIterator"]

    def _read_new(self, arn: str, shard: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        """Records on the shard not handled yet, and whether more were left for the next poll."""
        iterator = self._iterator(arn, shard)
        fresh: list[dict[str, Any]] = []
        batches = 0  # batches with new records: the rewound ones already handled don't count
        while batches < MAX_BATCHES_PER_POLL:
            resp = self._client.get_records(ShardIterator=iterator, Limit=BATCH_LIMIT)
            records = resp.get("Records", [])
            new = [r for r in records if r["eventID"] not in self._seen]
            fresh.extend(new)
            batches += bool(new)
            if len(records) < BATCH_LIMIT or not resp.get("NextShardIterator"):
                return fresh, False
            iterator = resp["NextShardIterator"]
        return fresh, True

    def _remember(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        for record in records:
            self._seen[record["eventID"]] = None
            sequence = int(record["dynamodb"]["SequenceNumber"])
            self._last_sequence[shard_id] = max(self._last_sequence.get(shard_id, 0), sequence)
        while len(self._seen) > _SEEN_KEEP:
            self._seen.popitem(last=False)

    def _report_consumed(self, shard_id: str) -> None:
        if self.on_consumed is not None:
            self.on_consumed(self._last_sequence.get(shard_id))

    def _still_stored(self, record: dict[str, Any]) -> bool:
        """False for a note version whose write is not in the table: a rolled-back transaction's record."""
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            return True
        image = record["dynamodb"].get("NewImage") or {}
        if image.get("type", {}).get("S") != "note":
            return True
        item = (
            dynamodb.client()
            .get_item(TableName=self.table_name, Key=record["dynamodb"]["Keys"], ConsistentRead=True)
            .get("Item")
        )
        if not item:
            return False
        stored, version = int(item["version"]["N"]), int(image["version"]["N"])
        return stored > version or (stored == version and item.get("updated_at") == image.get("updated_at"))

    def skip_to_end(self) -> None:
        """Mark everything on the stream now as handled: what the snapshot restored is history already."""
        arn = self._stream_arn()
        for shard in self._client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            while True:
                records, more = self._read_new(arn, shard)
                self._remember(shard["ShardId"], records)
                self._report_consumed(shard["ShardId"])
                if not more:
                    break

    def poll_once(self) -> int:
        """Read what is new on every shard and hand it to the stream handler. Returns records handled."""
        arn = self._stream_arn()
        handled = 0
        backlog = False
        for shard in self._client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            records, more = self._read_new(arn, shard)
            backlog = backlog or more
            for start in range(0, len(records), BATCH_LIMIT):
                # One handler call per Lambda-sized batch: however long the backlog (an import), each call
                # ends well within the handler's deadline, and what it handled is remembered (and trimmed).
                batch = records[start : start + BATCH_LIMIT]
                kept = []
                for record in batch:
                    if not self.streams_rolled_back_writes or self._still_stored(record):
                        record["eventSourceARN"] = arn
                        kept.append(record)
                    else:
                        self._dropped += 1
                        log.info(
                            "local stream poller: skipped the record of a rolled-back write",
                            extra={"fields": {"keys": record["dynamodb"]["Keys"]}},
                        )
                if kept:
                    result = handle_stream({"Records": kept})
                    self._batches, self._records = self._batches + 1, self._records + len(kept)
                    failures = {f["itemIdentifier"] for f in result["batchItemFailures"]}
                    if failures:
                        # As Lambda does: retry from the first failed record on the next poll.
                        first = min(int(s) for s in failures)
                        self._remember(shard_id, [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) < first])
                        raise RuntimeError(f"the stream handler failed at sequence number {first}")
                self._remember(shard_id, batch)
                handled += len(kept)
            self._report_consumed(shard_id)
        if backlog:
            log.warning(
                "local stream poller is falling behind: more than %d records were waiting; version "
                "history lags behind the notes",
                MAX_BATCHES_PER_POLL * BATCH_LIMIT,
            )
        self._set_status(
            PollerStatus(
                healthy=not backlog,
                checked_at=time.time(),
                last_ok_at=time.time(),
                backlog=backlog,
                problem="falling behind: more records were waiting than one poll reads" if backlog else "",
                dropped_rolled_back=self._dropped,
                batches=self._batches,
                records=self._records,
            )
        )
        return handled

    def poll_safely(self) -> int:
        """One poll (records seen); a failure is logged loudly and kept in the status, and the next poll
        tries again."""
        try:
            return self.poll_once()
        except Exception as exc:  # noqa: BLE001 - keep polling; a dev server must not lose its history thread
            log.exception("local stream poller: poll failed; version history is not being recorded until it recovers")
            self._set_status(
                PollerStatus(
                    healthy=False,
                    checked_at=time.time(),
                    last_ok_at=self._status.last_ok_at,
                    problem=f"polling failed: {exc}",
                    dropped_rolled_back=self._dropped,
                )
            )
            return 0

    def status(self) -> PollerStatus:
        return self._status

    def _set_status(self, status: PollerStatus) -> None:
        if status.healthy and not self._status.healthy:
            log.warning("local stream poller recovered; version history is being recorded again")
        self._status = status
        if self.status_file is not None:
            try:
                self.status_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.status_file.with_suffix(".tmp")
                tmp.write_text(json.dumps(asdict(status)))
                tmp.replace(self.status_file)
            except OSError:
                log.exception("local stream poller could not write its status file %s", self.status_file)

    def run(self) -> None:
        try:
            while not self._stop.is_set():
                if self.poll_safely() >= BATCH_LIMIT:
                    continue  # behind (a long note's index writes are records too): read on without waiting
                self._stop.wait(self.interval if self._status.healthy else 5)
        except BaseException:
            log.critical("local stream poller stopped; version history will not update until a restart")
            raise

    def start(self) -> threading.Thread:
        self.skip_to_end()
        self._set_status(PollerStatus(healthy=True, checked_at=time.time(), last_ok_at=time.time()))
        thread = threading.Thread(target=self.run, name="local-stream-poller", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def start_local_poller() -> StreamPoller | None:
    """Start once per process that owns the embedded endpoint (not in runserver's reloaded children)."""
    if _started.is_set() or not settings.DYNAMODB_ENDPOINT_URL:
        return None
    _started.set()
    from console.aws.local_endpoint import serving_endpoint

    endpoint = serving_endpoint(settings.DYNAMODB_TABLE)
    poller = StreamPoller(
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        table_name=settings.DYNAMODB_TABLE,
        status_file=status_path(),
        on_consumed=endpoint.stream_consumed if endpoint is not None else None,
        streams_rolled_back_writes=endpoint is None,
    )
    try:
        poller.start()
    except Exception as exc:  # noqa: BLE001 - history is a convenience locally; the app runs without it
        log.exception("local stream poller could not start; version history will not update")
        poller._set_status(PollerStatus(healthy=False, checked_at=time.time(), problem=f"could not start: {exc}"))
        return None
    return poller
