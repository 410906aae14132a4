"""What only the DynamoDB adapter must show: how it talks to DynamoDB."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from console.aws import dynamodb
from console.aws.errors import StoreUnavailable
from notes.domain import Note, NoteFilters, new_note_id, now_iso
from notes.dynamodb_repository import DynamoDBNoteRepository


def _note(user_id: str = "alice-id", **fields) -> Note:
    stamp = now_iso()
    return Note(
        id=new_note_id(), user_id=user_id, title=fields.pop("title", "t"), created_at=stamp, updated_at=stamp, **fields
    )


def test_it_lists_with_one_query_and_never_a_scan(ddb_calls):
    repo = DynamoDBNoteRepository()
    for i in range(45):
        repo.add(_note(title=f"n{i}"))
    ddb_calls.clear()

    page = repo.list(user_id="alice-id", limit=20)
    assert len(page.notes) == 20
    # The first page starts with the pinned notes: the newest notes (one pinned a moment ago), the pinned
    # index (none here, so nothing to fetch), then the rest; later pages are one Query.
    assert ddb_calls == ["Query", "Query", "Query"]

    ddb_calls.clear()
    repo.list(user_id="alice-id", limit=20, cursor=page.cursor)
    assert ddb_calls == ["Query"]

    ddb_calls.clear()
    repo.list(user_id="alice-id", limit=20, filters=NoteFilters(category="general", q="n4"))
    assert "Scan" not in ddb_calls
    assert set(ddb_calls) <= {"Query", "BatchGetItem"}


def test_it_stores_notes_under_the_users_partition(aws):
    repo = DynamoDBNoteRepository()
    note = repo.add(_note(user_id="u1", title="hello"))
    item = dynamodb.client().get_item(
        TableName=dynamodb.table_name(), Key={"pk": {"S": "USER#u1"}, "sk": {"S": f"NOTE#{note.id}"}}
    )["Item"]
    assert item["title"] == {"S": "hello"}
    assert item["version"] == {"N": "1"}
    assert item["updated_sk"]["S"].startswith(note.updated_at)


def test_a_filtered_page_costs_at_most_a_bounded_number_of_queries(ddb_calls):
    repo = DynamoDBNoteRepository()
    for i in range(120):
        repo.add(_note(title=f"plain {i}"))
    ddb_calls.clear()
    page = repo.list(user_id="alice-id", limit=20, filters=NoteFilters(q="no such words"))
    assert page.notes == []
    assert 1 <= len(ddb_calls) <= 5


def test_throttling_becomes_store_unavailable(aws):
    repo = DynamoDBNoteRepository()
    with Stubber(dynamodb.client()) as stub:
        stub.add_client_error(
            "get_item", service_error_code="ProvisionedThroughputExceededException", http_status_code=400
        )
        with pytest.raises(StoreUnavailable) as info:
            repo.get(user_id="alice-id", note_id="x")
    assert info.value.code == "ProvisionedThroughputExceededException"


def test_the_client_is_created_once_with_short_timeouts_and_standard_retries(aws):
    first = dynamodb.client()
    assert dynamodb.client() is first
    config = first.meta.config
    assert config.connect_timeout <= 3
    assert config.read_timeout <= 10
    assert config.retries["mode"] == "standard"


def test_create_table_is_idempotent_and_defines_the_index_and_ttl(aws):
    assert dynamodb.create_table() is False  # the fixture made it already
    desc = dynamodb.client().describe_table(TableName=dynamodb.table_name())["Table"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in desc["LocalSecondaryIndexes"]] == [
        dynamodb.BY_UPDATED_INDEX,
        dynamodb.BY_DELETED_INDEX,
    ]
    assert [i["IndexName"] for i in desc["GlobalSecondaryIndexes"]] == [dynamodb.BY_PURGE_DAY_INDEX]
    assert desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ttl = dynamodb.client().describe_time_to_live(TableName=dynamodb.table_name())["TimeToLiveDescription"]
    assert ttl["AttributeName"] == dynamodb.TTL_ATTRIBUTE


def test_the_create_table_command_reports_what_it_did(aws, capsys):
    from django.core.management import call_command

    dynamodb.client().delete_table(TableName=dynamodb.table_name())
    call_command("create_table")
    call_command("create_table")
    out = capsys.readouterr().out
    assert "Created table 'notes-test'" in out
    assert "already exists" in out


def _history_keys(note_id: str, versions: range) -> list[dict]:
    return [{"pk": {"S": "USER#alice-id"}, "sk": {"S": f"HIST#{note_id}#{v:010d}"}} for v in versions]


def test_deleting_history_retries_what_a_batch_left_unprocessed_then_gives_up(aws, monkeypatch):
    monkeypatch.setattr("notes.dynamodb_table.time.sleep", lambda seconds: None)
    client = dynamodb.client()
    repo = DynamoDBNoteRepository(client=client)
    table = dynamodb.table_name()
    keys = _history_keys("n1", range(1, 4))
    request = lambda ks: {"RequestItems": {table: [{"DeleteRequest": {"Key": k}} for k in ks]}}  # noqa: E731
    with Stubber(client) as stub:
        stub.add_response("batch_write_item", {"UnprocessedItems": request(keys[1:])["RequestItems"]}, request(keys))
        stub.add_response("batch_write_item", {"UnprocessedItems": {}}, request(keys[1:]))
        repo._batch_delete(keys)
        stub.assert_no_pending_responses()

        for _ in range(4):
            stub.add_response("batch_write_item", {"UnprocessedItems": request(keys)["RequestItems"]}, request(keys))
        with pytest.raises(StoreUnavailable, match="3 history items were left unprocessed"):
            repo._batch_delete(keys)
