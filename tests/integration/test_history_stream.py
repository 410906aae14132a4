"""Version history from the table's stream: real moto stream records fed to the stream entry point."""

from __future__ import annotations

import logging

import pytest

from console.aws import dynamodb
from notes import events, services
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.integration.note_views_support import stream_records


def test_inserts_and_edits_become_history_and_a_redelivery_changes_nothing(alice):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "draft"}, repo=repo)
    note = services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "final"}, repo=repo
    )
    services.note_delete(user_id=alice.id, note_id=note.id, expected_version=2, repo=repo)
    batch = {"Records": stream_records()}
    assert {r["eventName"] for r in batch["Records"]} >= {"INSERT", "MODIFY"}

    assert events.handle_stream(batch) == {"batchItemFailures": []}
    history = repo.list_history(user_id=alice.id, note_id=note.id)
    assert [(n.version, n.title) for n in history] == [(2, "final"), (1, "draft")]

    before = dynamodb.client().scan(TableName=dynamodb.table_name())["Items"]  # test-only full read
    assert events.handle_stream(batch) == {"batchItemFailures": []}
    assert dynamodb.client().scan(TableName=dynamodb.table_name())["Items"] == before


def test_an_unparseable_record_is_logged_with_its_keys_and_skipped(aws, caplog):
    bad = {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"pk": {"S": "USER#x"}, "sk": {"S": "NOTE#y"}},
            "NewImage": {"type": {"S": "note"}, "pk": {"S": "USER#x"}},
            "SequenceNumber": "111",
        },
    }
    with caplog.at_level(logging.ERROR, logger="notes.history"):
        assert events.handle_stream({"Records": [bad]}) == {"batchItemFailures": []}
    record = next(r for r in caplog.records if "cannot parse" in r.getMessage())
    assert record.fields["keys"] == {"pk": {"S": "USER#x"}, "sk": {"S": "NOTE#y"}}
    assert record.fields["sequence_number"] == "111"


def test_a_store_failure_reports_the_record_so_lambda_retries_from_it(alice, monkeypatch):
    repo = DynamoDBNoteRepository()
    services.note_create(user_id=alice.id, data={"title": "one"}, repo=repo)
    records = stream_records()

    def unavailable(self, note):
        raise dynamodb.StoreUnavailable("throttled", code="ProvisionedThroughputExceededException")

    monkeypatch.setattr(DynamoDBNoteRepository, "add_history", unavailable)
    result = events.handle_stream({"Records": records})
    first_note = next(r for r in records if r["dynamodb"]["NewImage"].get("type", {}).get("S") == "note")
    assert result == {"batchItemFailures": [{"itemIdentifier": first_note["dynamodb"]["SequenceNumber"]}]}


def test_restoring_an_old_version_makes_a_new_version(alice):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "first words"}, repo=repo)
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=1, data={"title": "second"}, repo=repo)
    events.handle_stream({"Records": stream_records()})
    restored = services.note_restore_version(
        user_id=alice.id, note_id=note.id, version=1, expected_version=2, repo=repo
    )
    assert (restored.title, restored.version) == ("first words", 3)


def test_the_purge_entry_point_deletes_expired_trash(alice, monkeypatch):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "bye"}, repo=repo)
    trashed = services.note_delete(user_id=alice.id, note_id=note.id, expected_version=1, repo=repo)
    assert events.purge_trash({}) == {"purged": 0, "finished": True}
    monkeypatch.setattr("notes.services.now_iso", lambda: trashed.purge_at)
    assert events.purge_trash({}) == {"purged": 1, "finished": True}
    assert services.trash_list(user_id=alice.id, repo=repo) == []


@pytest.mark.parametrize("version", [5, 99])
def test_restoring_a_version_that_was_never_recorded_is_not_found(alice, version):
    from notes.domain import NoteNotFound

    note = services.note_create(user_id=alice.id, data={"title": "x"})
    with pytest.raises(NoteNotFound):
        services.note_restore_version(user_id=alice.id, note_id=note.id, version=version, expected_version=1)


def test_the_same_records_keep_the_search_index(alice):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "Crème brûlée", "content": "sugar"}, repo=repo)
    note = services.note_update(
        user_id=alice.id, note_id=note.id, expected_version=1, data={"content": "eggs"}, repo=repo
    )
    gone = services.note_create(user_id=alice.id, data={"title": "Binned soon"}, repo=repo)
    services.note_delete(user_id=alice.id, note_id=gone.id, expected_version=1, repo=repo)
    batch = {"Records": stream_records()}

    assert events.handle_stream(batch) == {"batchItemFailures": []}
    assert repo.indexed_terms(user_id=alice.id, note_id=note.id) == ["brulee", "creme", "eggs"]
    assert repo.indexed_terms(user_id=alice.id, note_id=gone.id) == []  # in the trash: out of the index

    before = dynamodb.client().scan(TableName=dynamodb.table_name())["Items"]  # test-only full read
    assert events.handle_stream(batch) == {"batchItemFailures": []}  # redelivered
    assert dynamodb.client().scan(TableName=dynamodb.table_name())["Items"] == before

    services.note_delete_forever(user_id=alice.id, note_id=gone.id, repo=repo)
    assert events.handle_stream({"Records": stream_records()}) == {"batchItemFailures": []}
    assert repo.indexed_terms(user_id=alice.id, note_id=gone.id) is None


def test_only_the_notes_partitions_reach_the_handler_and_the_trigger_filters_the_rest(alice):
    import json

    from console.deploy.stream_wiring import StreamSettings
    from notes.history import handled

    repo = DynamoDBNoteRepository()
    services.note_create(user_id=alice.id, data={"title": "Lots of words here"}, repo=repo)
    records = stream_records()
    assert events.handle_stream({"Records": records}) == {"batchItemFailures": []}
    written = stream_records()[len(records) :]  # what the handler's own writes put on the stream
    index_records = [r for r in written if r["dynamodb"]["Keys"]["pk"]["S"].startswith("WORDS#")]
    assert len(index_records) == 5  # four words and the manifest (no labels)
    assert not any(handled(r) for r in index_records)
    assert any(handled(r) for r in records)

    (pattern,) = StreamSettings().mapping_params()["FilterCriteria"]["Filters"]
    rule = json.loads(pattern["Pattern"])["dynamodb"]["Keys"]["pk"]["S"]
    assert rule == [{"prefix": "USER#"}]  # Lambda's prefix rule, the same as `handled`
