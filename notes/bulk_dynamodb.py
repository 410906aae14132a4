"""BulkStore on DynamoDB: a bulk action's undo record and the API's kept answers (notes/bulk_store.py).

Undo: pk = USER#<user_id>, sk = UNDO#<undo id>, the steps as JSON, a TTL (`expires_at`) of UNDO_SECONDS; outside
every index (no updated_sk), taken by one DeleteItem that returns it, so an Undo runs once. At most BULK_MAX
steps of a few fields each: well under DynamoDB's 400 KB.
Answers: the Idempotency-Key record of notes/dynamodb_repository.py (pk = IDEMPOTENCY#<user>#<key>, with its
reference IDEMP#<key> in the user's partition), holding the answer as JSON instead of a note.
"""

from __future__ import annotations

import json
from typing import Any

from console.aws import dynamodb
from console.aws.errors import ConditionFailed
from console.aws.table_keys import undo_sk, user_pk
from notes.bulk_store import UndoStep
from notes.dynamodb_idempotency import idempotency_key, idempotency_reference


def undo_key(user_id: str, undo_id: str) -> dict[str, Any]:
    return {"pk": {"S": user_pk(user_id)}, "sk": {"S": undo_sk(undo_id)}}


class DynamoDBBulkStore:
    def __init__(self, *, table_name: str | None = None, client=None) -> None:
        self._table = table_name
        self._client = client

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        return dynamodb.call(operation, ddb=self._client, TableName=self._table or dynamodb.table_name(), **kwargs)

    def put_undo(self, *, user_id: str, undo_id: str, steps: list[UndoStep], expires_at: int) -> None:
        steps_json = json.dumps([step.__dict__ for step in steps], ensure_ascii=False, separators=(",", ":"))
        item = {
            **undo_key(user_id, undo_id),
            "type": {"S": "bulk_undo"},
            "steps": {"S": steps_json},
            dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)},
        }
        self._call("put_item", Item=item, ConditionExpression="attribute_not_exists(pk)")

    def take_undo(self, *, user_id: str, undo_id: str, now: int) -> list[UndoStep] | None:
        resp = self._call("delete_item", Key=undo_key(user_id, undo_id), ReturnValues="ALL_OLD")
        item = resp.get("Attributes")
        # DynamoDB deletes expired items lazily: an expired record counts as absent.
        if not item or int(item[dynamodb.TTL_ATTRIBUTE]["N"]) < now:
            return None
        return [UndoStep(**step) for step in json.loads(item["steps"]["S"])]

    def find_answer(self, *, user_id: str, key: str, now: int) -> tuple[str, dict] | None:
        item = self._call("get_item", Key=idempotency_key(user_id, key), ConsistentRead=True).get("Item")
        return _answer(item, now)

    def keep_answer(
        self, *, user_id: str, key: str, fingerprint: str, answer: dict, expires_at: int, now: int
    ) -> tuple[str, dict] | None:
        record = {
            **idempotency_key(user_id, key),
            "type": {"S": "idempotency"},
            "fingerprint": {"S": fingerprint},
            "answer": {"S": json.dumps(answer, ensure_ascii=False, separators=(",", ":"))},
            dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)},
        }
        # Which records are the user's, found by a Query when the account is deleted (first: a reference without
        # its record is harmless, a record without one would outlive the account until its TTL).
        self._call("put_item", Item=idempotency_reference(user_id, key, expires_at))
        try:
            self._call(
                "put_item",
                Item=record,
                ConditionExpression="attribute_not_exists(pk) OR #exp < :now",
                ExpressionAttributeNames={"#exp": dynamodb.TTL_ATTRIBUTE},
                ExpressionAttributeValues={":now": {"N": str(now)}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            return _answer(exc.response.get("Item"), now) or ("", {})
        return None


def _answer(item: dict[str, Any] | None, now: int) -> tuple[str, dict] | None:
    if not item or int(item[dynamodb.TTL_ATTRIBUTE]["N"]) < now:
        return None
    if "answer" not in item:  # the key made a note (POST /api/notes): another request's
        return item["fingerprint"]["S"], {}
    return item["fingerprint"]["S"], json.loads(item["answer"]["S"])
