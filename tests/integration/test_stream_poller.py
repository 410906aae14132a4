"""The local stream poller (make run's stand-in for Lambda's stream trigger) on moto's stream, across
failed transactions: moto's rollback of a failed TransactWriteItems swaps in a copy of the table, stream
included (FACTS.md), so a poller that kept its shard iterators would read an orphaned stream for good."""

from __future__ import annotations

import logging
import time

import pytest

from accounts.services import user_create
from accounts.users import UsernameTaken
from notes import services, stream_poller
from notes.domain import Note, new_note_id
from notes.dynamodb_repository import DynamoDBNoteRepository
from notes.stream_poller import StreamPoller
from tests.conftest import PASSWORD


@pytest.fixture
def poller(aws):
    poller = StreamPoller(endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com", table_name="notes-test")
    poller.poll_once()
    return poller


def versions(user, note) -> list[int]:
    return [n.version for n in DynamoDBNoteRepository().list_history(user_id=user.id, note_id=note.id)]


def test_it_keeps_recording_after_a_failed_transaction(alice, poller):
    note = services.note_create(user_id=alice.id, data={"title": "before"})
    poller.poll_once()
    assert versions(alice, note) == [1]

    with pytest.raises(UsernameTaken):  # a sign-up with a taken name: a TransactWriteItems that fails
        user_create(username="alice", password=PASSWORD)

    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "after"})
    poller.poll_once()
    assert versions(alice, note) == [2, 1]
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=2, data={"title": "again"})
    poller.poll_once()
    assert versions(alice, note) == [3, 2, 1]


def test_a_rolled_back_write_records_no_version(alice, poller):
    """An Idempotency-Key replay with another note id: the note's Put is rolled back with the transaction."""
    store = DynamoDBNoteRepository()
    first = Note(
        id=new_note_id(),
        user_id=alice.id,
        title="kept",
        created_at="2026-12-01T10:00:00.000000Z",
        updated_at="2026-12-01T10:00:00.000000Z",
    )
    store.add_idempotent(first, key="k1", fingerprint="f", expires_at=2_000_000_000, now=1_000_000_000)
    poller.poll_once()
    replay = first.replace(id=new_note_id(), title="rolled back")
    result = store.add_idempotent(replay, key="k1", fingerprint="f", expires_at=2_000_000_000, now=1_000_000_000)
    assert result.replayed
    poller.poll_once()
    repo = DynamoDBNoteRepository()
    assert repo.list_history(user_id=alice.id, note_id=replay.id) == []
    assert [n.title for n in repo.list_history(user_id=alice.id, note_id=first.id)] == ["kept"]


def test_a_record_read_from_the_rolled_back_table_is_not_recorded(alice, poller):
    """A poll in the middle of a transaction reads the table moto then throws away: its records name
    writes that never happened, and the poller drops them."""
    store = DynamoDBNoteRepository()
    first = Note(
        id=new_note_id(),
        user_id=alice.id,
        title="kept",
        created_at="2026-12-01T10:00:00.000000Z",
        updated_at="2026-12-01T10:00:00.000000Z",
    )
    store.add_idempotent(first, key="k1", fingerprint="f", expires_at=2_000_000_000, now=1_000_000_000)
    streams = poller._client
    arn = poller._stream_arn()
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    orphan = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")
    replay = first.replace(id=new_note_id(), title="rolled back")
    store.add_idempotent(replay, key="k1", fingerprint="f", expires_at=2_000_000_000, now=1_000_000_000)
    records = streams.get_records(ShardIterator=orphan["ShardIterator"])["Records"]
    rolled_back = [r for r in records if r["dynamodb"]["Keys"]["sk"]["S"].endswith(replay.id)]
    assert rolled_back, "moto no longer streams the rolled-back Put: this test's premise is gone"
    assert not poller._still_stored(rolled_back[0])
    kept = streams.get_records(
        ShardIterator=streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
    )["Records"]
    assert poller._still_stored(next(r for r in kept if r["dynamodb"]["Keys"]["sk"]["S"].endswith(first.id)))


def test_it_says_so_loudly_when_polling_fails_and_when_it_recovers(alice, poller, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("endpoint gone")

    monkeypatch.setattr(poller, "_stream_arn", broken)
    with caplog.at_level(logging.ERROR, logger="notes.stream_poller"):
        poller.poll_safely()
    assert "version history is not being recorded" in caplog.text
    status = poller.status()
    assert status.healthy is False and "endpoint gone" in status.problem
    monkeypatch.undo()
    poller.poll_safely()
    assert poller.status().healthy is True


# --- what the console's triggers page says about it (served by another process: the status file) ---------


@pytest.fixture
def embedded(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")
    settings.LOCAL_DATA_DIR = tmp_path
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:45678"
    return tmp_path


def page_text(client_for, admin) -> str:
    return client_for(admin).get("/console/triggers/").content.decode()


def test_the_triggers_page_says_when_the_poller_fails(aws, admin, client_for, embedded, monkeypatch):
    poller = StreamPoller(
        endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com",
        table_name="notes-test",
        status_file=stream_poller.status_path(),
    )
    poller.poll_safely()
    assert "version history is not being recorded" not in page_text(client_for, admin)

    monkeypatch.setattr(poller, "_stream_arn", lambda: (_ for _ in ()).throw(RuntimeError("endpoint gone")))
    poller.poll_safely()
    page = page_text(client_for, admin)
    assert "Failing" in page
    assert "Local stream poller: polling failed: endpoint gone; version history is not being recorded" in page


def test_the_triggers_page_says_when_the_poller_has_stopped(aws, admin, client_for, embedded, monkeypatch):
    poller = StreamPoller(
        endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com",
        table_name="notes-test",
        status_file=stream_poller.status_path(),
    )
    poller.poll_safely()
    later = time.time() + stream_poller.STALE_AFTER_S + 5
    monkeypatch.setattr(stream_poller.time, "time", lambda: later)
    page = page_text(client_for, admin)
    assert "Stopped" in page and "the poller has not polled for" in page


def test_the_poller_says_when_it_falls_behind(alice, poller, monkeypatch, caplog):
    monkeypatch.setattr(stream_poller, "BATCH_LIMIT", 1)
    monkeypatch.setattr(stream_poller, "MAX_BATCHES_PER_POLL", 2)
    for i in range(4):
        services.note_create(user_id=alice.id, data={"title": f"n{i}"})
    with caplog.at_level(logging.WARNING, logger="notes.stream_poller"):
        poller.poll_safely()
    assert "falling behind" in caplog.text and poller.status().backlog
    for _ in range(60):  # two records a poll (the search index's writes are records too): it catches up
        poller.poll_safely()
        if poller.status().healthy:
            break
    assert poller.status().healthy
    assert [n.title for n in services.note_list(user_id=alice.id).notes] and all(
        versions(alice, n) == [1] for n in services.note_list(user_id=alice.id).notes
    )


def test_local_stream_health_shows_the_batches_the_poller_handled_in_its_own_process(
    aws, alice, admin, client_for, embedded, settings
):
    import re

    from console import observability

    poller = StreamPoller(
        endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com",
        table_name="notes-test",
        status_file=stream_poller.status_path(),
    )
    poller.poll_safely()
    services.note_create(user_id=alice.id, data={"title": "one"})
    services.note_create(user_id=alice.id, data={"title": "two"})
    poller.poll_safely()
    observability.reset_buffers()  # the poller's handler lines are in manage.py's process, not the page's
    body = client_for(admin).get("/console/triggers/streams/?range=1h", HTTP_HX_REQUEST="true").content.decode()
    row = body[body.index('<tr class="stream-row">') :]
    batches, records = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)[1:3]
    assert int(batches) >= 1 and int(records) >= 2
    text = re.sub(r"<[^>]+>", "", row)  # what a screen reader or a copy reads: no name run into the next word
    assert re.search(rf"{settings.DYNAMODB_TABLE}\s+local poller", text), text[:200]
