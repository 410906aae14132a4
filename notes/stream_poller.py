"""Local mode's stand-in for Lambda's stream trigger: polls the embedded endpoint's table stream in a
background thread and feeds each batch to the same handler Lambda calls (notes.events.handle_stream)."""

from __future__ import annotations

import logging
import threading
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


class StreamPoller:
    def __init__(self, *, endpoint_url: str, table_name: str, interval: float = POLL_INTERVAL_S) -> None:
        self.endpoint_url = endpoint_url
        self.table_name = table_name
        self.interval = interval
        self._stop = threading.Event()
        self._iterators: dict[str, str] = {}
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

    def poll_once(self) -> int:
        """Read what is new on every shard and hand it to the stream handler. Returns records seen."""
        arn = self._stream_arn()
        seen = 0
        for shard in self._client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            iterator = self._iterators.get(shard_id)
            if iterator is None:  # start at the end: what was restored from the snapshot is history already
                iterator = self._client.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST"
                )["ShardIterator"]
            resp = self._client.get_records(ShardIterator=iterator, Limit=BATCH_LIMIT)
            self._iterators[shard_id] = resp["NextShardIterator"]
            records: list[dict[str, Any]] = resp.get("Records", [])
            if records:
                for record in records:
                    record["eventSourceARN"] = arn
                handle_stream({"Records": records})
                seen += len(records)
        return seen

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.poll_once() >= BATCH_LIMIT:
                    continue  # behind (a long note's index writes are records too): read on without waiting
            except Exception:  # noqa: BLE001 - keep polling; a dev server must not lose its history thread
                log.exception("local stream poller: poll failed")
                self._stop.wait(5)
            self._stop.wait(self.interval)

    def start(self) -> threading.Thread:
        self.poll_once()  # take the LATEST positions now, so nothing written from here on is missed
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
    poller = StreamPoller(endpoint_url=settings.DYNAMODB_ENDPOINT_URL, table_name=settings.DYNAMODB_TABLE)
    try:
        poller.start()
    except Exception:  # noqa: BLE001 - history is a convenience locally; the app runs without it
        log.exception("local stream poller could not start; version history will not update")
        return None
    return poller
