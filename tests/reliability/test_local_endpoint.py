"""make run's embedded DynamoDB endpoint under load: concurrent writers through
the app's API plus failing transactions lose no acknowledged write, the server's memory stays bounded, the
stream is trimmed as DynamoDB trims it while the local poller keeps the history, and an acknowledged write
survives a kill of the process."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.aws import dynamodb, local_moto
from console.aws.local_endpoint import EmbeddedDynamoDB
from notes.stream_poller import StreamPoller
from tests.reliability.support import make_user, send_json, token_client, user_data

ROOT = Path(__file__).resolve().parents[2]

WRITERS = 6  # API clients creating notes, each with a fresh Idempotency-Key
REPLAYERS = 2  # API clients replaying one Idempotency-Key with another body: a failed transaction each time
SOAK_SECONDS = 15.0
MAX_CREATES_PER_WRITER = 150  # bounds the requests too, whatever the machine's speed
WARM_UP_CREATES = 5  # per writer, before memory is first measured
# The process's RSS may grow by at most this over the soak after warm-up (the notes themselves, their history
# and index items are a few MB). moto's whole-table copies of table and stream grew a server to 12.9 GB.
RSS_GROWTH_BOUND_MB = 150
CATCH_UP_SECONDS = 120.0  # an upper bound for a busy machine; 20-35 s measured at a load of 8-12 on 2 cores


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.fixture
def endpoint(tmp_path, settings, monkeypatch):
    """The embedded endpoint (as make run starts it) on a table of the test's own, with the app pointed at it."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    server = EmbeddedDynamoDB(data_dir=tmp_path / "data", table_name=f"endpoint-{uuid.uuid4().hex[:12]}")
    server.start()
    settings.DYNAMODB_ENDPOINT_URL = server.url
    settings.DYNAMODB_TABLE = server.table_name
    dynamodb.reset_client()
    yield server
    dynamodb.reset_client()
    server._client().delete_table(TableName=server.table_name)  # moto's backends live as long as the process
    server.stop()


def poller_for(server: EmbeddedDynamoDB) -> StreamPoller:
    return StreamPoller(  # as start_local_poller makes it for the endpoint of its process
        endpoint_url=server.url,
        table_name=server.table_name,
        interval=0.1,
        on_consumed=server.stream_consumed,
        streams_rolled_back_writes=False,
    )


def stored_keys(server: EmbeddedDynamoDB) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(user id, note id) of every note stored, and of every note with a recorded version."""
    notes, versions = set(), set()
    for pk, sk in user_data(server._client(), server.table_name):
        user_id = pk.removeprefix("USER#")
        if sk.startswith("NOTE#"):
            notes.add((user_id, sk.removeprefix("NOTE#")))
        elif sk.startswith("HIST#"):
            versions.add((user_id, sk.split("#")[1]))
    return notes, versions


@dataclass
class Tally:
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (user id, note id) answered 201
    refused: int = 0  # replays answered 422
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def create(api, key: str, title: str):
    return send_json(api, "POST", "/api/notes", {"title": title, "content": "soak"}, HTTP_IDEMPOTENCY_KEY=key)


def writer(api, user_id: str, tally: Tally, stop: threading.Event, creates: int) -> None:
    for i in range(creates):
        if stop.is_set():
            return
        response = create(api, uuid.uuid4().hex, f"note {i}")
        with tally.lock:
            if response.status_code == 201:
                tally.acknowledged.append((user_id, response.json()["id"]))
            else:
                tally.unexpected.append(f"create: {response.status_code} {response.content[:200]!r}")


def replayer(api, user_id: str, tally: Tally, stop: threading.Event) -> None:
    key = uuid.uuid4().hex
    first = create(api, key, "the key's own note")
    with tally.lock:
        if first.status_code == 201:
            tally.acknowledged.append((user_id, first.json()["id"]))
        else:
            tally.unexpected.append(f"replayer's first create: {first.status_code}")
    n = 0
    while not stop.is_set() and n < MAX_CREATES_PER_WRITER:
        n += 1
        response = create(api, key, f"another body {n}")  # same key, other body: a transaction that fails
        with tally.lock:
            if response.status_code == 422:
                tally.refused += 1
            else:
                tally.unexpected.append(f"replay: {response.status_code} {response.content[:200]!r}")


def run_threads(targets: list[tuple]) -> None:
    threads = [threading.Thread(target=t, args=a, daemon=True) for t, *a in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SOAK_SECONDS + 120)
        assert not thread.is_alive(), "a writer hung"


@pytest.mark.slow
def test_soak_every_acknowledged_write_is_kept_and_memory_stays_bounded(endpoint):
    users = [make_user(f"writer{i}") for i in range(WRITERS + REPLAYERS)]
    clients = [token_client(user) for user in users]
    poller = poller_for(endpoint)
    poller.skip_to_end()
    poll_stop = threading.Event()

    def poll() -> None:  # as StreamPoller.run does, with a stop of the test's own
        while not poll_stop.is_set():
            if poller.poll_safely() < 100:
                poll_stop.wait(0.1)

    polling = threading.Thread(target=poll, daemon=True)
    polling.start()

    tally = Tally()
    never = threading.Event()
    run_threads([(writer, clients[i], users[i].id, tally, never, WARM_UP_CREATES) for i in range(WRITERS)])
    gc.collect()
    rss_start = rss_mb()

    stop = threading.Event()
    timer = threading.Timer(SOAK_SECONDS, stop.set)
    started = time.monotonic()
    timer.start()
    run_threads(
        [(writer, clients[i], users[i].id, tally, stop, MAX_CREATES_PER_WRITER) for i in range(WRITERS)]
        + [(replayer, clients[i], users[i].id, tally, stop) for i in range(WRITERS, WRITERS + REPLAYERS)]
    )
    timer.cancel()
    duration = time.monotonic() - started
    caught_up_at = time.monotonic()

    # The poller catches up with everything written (history and indexes), and trims what it consumed.
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while time.monotonic() < deadline and local_moto.stream_length(endpoint.table_name) > 0:
        time.sleep(0.2)
    caught_up = time.monotonic() - caught_up_at
    poll_stop.set()
    polling.join(timeout=30)
    gc.collect()
    rss_end = rss_mb()

    notes, versions = stored_keys(endpoint)
    found = [ack for ack in tally.acknowledged if ack in notes]
    without_history = [ack for ack in tally.acknowledged if ack not in versions]
    print(
        f"\nsoak: {WRITERS} writers + {REPLAYERS} replayers for {duration:.1f} s; "
        f"{len(tally.acknowledged)} creates acknowledged, {len(found)} found; {tally.refused} replays refused (422); "
        f"RSS {rss_start:.0f} MB after warm-up, {rss_end:.0f} MB at the end; "
        f"poller caught up {caught_up:.1f} s after the writers stopped, "
        f"stream {local_moto.stream_length(endpoint.table_name)} records left; poller {poller.status()}"
    )
    assert tally.unexpected == []
    assert tally.refused > 0 and len(tally.acknowledged) > WRITERS * WARM_UP_CREATES
    assert len(found) == len(tally.acknowledged), f"lost {len(tally.acknowledged) - len(found)} acknowledged notes"
    assert without_history == [], f"{len(without_history)} notes have no recorded version"
    assert local_moto.stream_length(endpoint.table_name) == 0, "the poller did not catch up (or nothing trimmed)"
    assert rss_end - rss_start < RSS_GROWTH_BOUND_MB


def test_a_failed_transaction_keeps_the_writes_made_meanwhile_and_streams_nothing(endpoint):
    """Deterministic form of the soak's race: a write lands while a transaction is between moto's copy and
    its rollback (the transaction's condition fails on its second item)."""
    client = endpoint._client()
    table = endpoint.table_name
    item = lambda sk: {"pk": {"S": "T"}, "sk": {"S": sk}}  # noqa: E731
    client.put_item(TableName=table, Item=item("exists"))
    before = local_moto.stream_length(table)

    from moto.dynamodb.models import DynamoDBBackend

    original_get_item = DynamoDBBackend.get_item
    landed = threading.Event()

    def get_item_then_let_another_write_land(self, table_name, keys, *args, **kwargs):
        if keys.get("sk", {}).get("S") == "exists" and not landed.is_set():
            # Another request's write, acknowledged while the transaction runs.
            threading.Thread(target=client.put_item, kwargs={"TableName": table, "Item": item("other")}).start()
            time.sleep(0.5)
            landed.set()
        return original_get_item(self, table_name, keys, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DynamoDBBackend, "get_item", get_item_then_let_another_write_land)
        with pytest.raises(client.exceptions.TransactionCanceledException):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": item("new")}},
                    {
                        "Put": {
                            "TableName": table,
                            "Item": item("exists"),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Item" not in client.get_item(TableName=table, Key=item("other")):
        time.sleep(0.05)
    assert "Item" in client.get_item(TableName=table, Key=item("other"))
    assert "Item" not in client.get_item(TableName=table, Key=item("new"))
    assert local_moto.stream_length(table) == before + 1  # the other write's record; none of the cancelled one


def test_the_stream_is_trimmed_at_what_the_poller_consumed_and_after_24_hours(endpoint, monkeypatch):
    monkeypatch.setattr(local_moto, "SHARD_ITERATORS_KEPT", 3)
    client = endpoint._client()
    table = endpoint.table_name
    for i in range(30):
        client.put_item(TableName=table, Item={"pk": {"S": "TRIM"}, "sk": {"S": f"{i:03d}"}})
    assert local_moto.stream_length(table) == 30

    poller = poller_for(endpoint)
    poller.poll_once()
    assert local_moto.stream_length(table) == 0  # consumed, so dropped

    for i in range(30, 35):
        client.put_item(TableName=table, Item={"pk": {"S": "TRIM"}, "sk": {"S": f"{i:03d}"}})
    assert local_moto.stream_length(table) == 5
    assert local_moto.trim_stream(table, now=datetime.now(UTC) + timedelta(hours=23)) == 0
    assert local_moto.trim_stream(table, now=datetime.now(UTC) + timedelta(hours=25)) == 5  # DynamoDB keeps 24 h

    # A poller finds the shard starting after what was trimmed and reads on.
    client.put_item(TableName=table, Item={"pk": {"S": "TRIM"}, "sk": {"S": "after"}})
    arn = poller._stream_arn()
    shard = poller._client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    read, _ = poller._read_new(arn, shard)
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in read] == ["after"]
    # moto keeps every shard iterator it hands out (one per GetShardIterator and GetRecords): polls with nothing
    # new leave only the newest.
    for _ in range(5):
        poller.poll_once()
    assert sum(len(streams.shard_iterators) for _, streams in local_moto._tables(table)) == 3


KILLED = """
import sys, time
from pathlib import Path
from console.aws.local_endpoint import EmbeddedDynamoDB
server = EmbeddedDynamoDB(data_dir=Path(sys.argv[1]), table_name=sys.argv[2])
server.start()
client = server._client()
key = lambda i: {"pk": {"S": "KILL"}, "sk": {"S": f"{i:03d}"}}
for i in range(40):
    client.put_item(TableName=sys.argv[2], Item={**key(i), "n": {"N": str(i)}})
for i in range(0, 40, 2):
    client.delete_item(TableName=sys.argv[2], Key=key(i))
client.update_item(TableName=sys.argv[2], Key=key(1), UpdateExpression="ADD n :one",
                   ExpressionAttributeValues={":one": {"N": "100"}})
put = lambda sk, n: {"Put": {"TableName": sys.argv[2], "Item": {"pk": {"S": "KILL"}, "sk": {"S": sk}, "n": {"N": n}}}}
client.transact_write_items(TransactItems=[put("tx-ok", "1")])
try:  # cancelled: its Put and its Delete must not come back with the replay
    client.transact_write_items(TransactItems=[
        put("tx-no", "2"),
        {"Delete": {"TableName": sys.argv[2], "Key": key(3)}},
        {"ConditionCheck": {"TableName": sys.argv[2], "Key": key(0), "ConditionExpression": "attribute_exists(pk)"}},
    ])
except client.exceptions.TransactionCanceledException:
    pass
print("ACKNOWLEDGED", flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_acknowledged_writes_survive_a_kill_of_the_endpoint(tmp_path):
    data_dir, table = tmp_path / "data", f"killed-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(data_dir), table], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ACKNOWLEDGED"
        proc.send_signal(signal.SIGKILL)  # no clean shutdown: no snapshot saved at exit
    finally:
        proc.kill()
        proc.wait(timeout=10)

    server = EmbeddedDynamoDB(data_dir=data_dir, table_name=table)
    server.start()
    try:
        client = server._client()
        items = client.query(
            TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "KILL"}}
        )["Items"]
        assert {item["sk"]["S"]: int(item["n"]["N"]) for item in items} == {
            **{f"{i:03d}": i + (100 if i == 1 else 0) for i in range(1, 40, 2)},
            "tx-ok": 1,
        }
        # The replayed journal is folded into a snapshot: a second start reads the same without replaying.
        server.stop()
        assert sorted(p.name for p in data_dir.iterdir() if "journal" in p.name) == [
            f"dynamodb-{table}.journal-{server._generation}"
        ]
        server = EmbeddedDynamoDB(data_dir=data_dir, table_name=table)
        server.start()
        assert server._client().scan(TableName=table)["Count"] == 21
    finally:
        server._client().delete_table(TableName=table)
        server.stop()


IMPORTED = 300


@pytest.mark.slow
def test_the_poller_keeps_up_with_an_import_without_failing(endpoint, monkeypatch, caplog):
    """An import writes hundreds of notes at once; the poller hands them to the handler in Lambda-sized
    batches (a handler call over a whole backlog outlived its deadline, failed, and the poller waited and
    failed again), and the history of every note is recorded."""
    import json
    import logging

    from notes import stream_poller
    from notes.imports import notes_import

    batch_sizes: list[int] = []

    def handle_stream(event, context=None):
        batch_sizes.append(len(event["Records"]))
        return original(event, context)

    original = stream_poller.handle_stream
    monkeypatch.setattr(stream_poller, "handle_stream", handle_stream)
    user = make_user("importer")
    notes = [
        {
            "id": uuid.uuid4().hex,
            "title": f"imported {i}",
            "content": f"word{i} shared words for the search index",
            "created_at": "2026-01-01T10:00:00Z",
            "updated_at": "2026-01-01T10:00:00Z",
        }
        for i in range(IMPORTED)
    ]
    poller = poller_for(endpoint)
    poller.skip_to_end()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="notes.stream_poller"):
        result = notes_import(
            user_id=user.id, files=[("notes.json", json.dumps({"format": "notes-console", "notes": notes}).encode())]
        )
        imported_in = time.monotonic() - started
        polling = threading.Thread(target=poller.run, daemon=True)
        polling.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and local_moto.stream_length(endpoint.table_name) > 0:
            time.sleep(0.2)
        poller.stop()
        polling.join(timeout=30)
    caught_up_in = time.monotonic() - started - imported_in
    stored, versions = stored_keys(endpoint)
    mine = {note_id for user_id, note_id in stored if user_id == user.id}
    recorded = mine & {note_id for user_id, note_id in versions if user_id == user.id}
    print(
        f"\nimport: {result.created} notes in {imported_in:.1f} s; poller caught up {caught_up_in:.1f} s later "
        f"in {len(batch_sizes)} handler calls of at most {max(batch_sizes)} records"
    )
    assert max(batch_sizes) <= stream_poller.BATCH_LIMIT
    assert result.created == IMPORTED and len(mine) == IMPORTED
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(recorded) == IMPORTED
