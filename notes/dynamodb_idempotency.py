"""IdempotencyStore on DynamoDB: the API's Idempotency-Key records, written with the note they made in one
transaction (notes/idempotency.py says why)."""

from __future__ import annotations

from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed, StoreUnavailable
from console.aws.table_keys import user_pk
from notes.domain import Note
from notes.dynamodb_items import from_item, to_item
from notes.dynamodb_table import DynamoDBTable
from notes.idempotency import IdempotencyKeyReused, IdempotentResult


def idempotency_key(user_id: str, key: str) -> dict[str, Any]:
    """The record of an Idempotency-Key: pk = IDEMPOTENCY#<user_id>#<key>, sk = IDEMPOTENCY."""
    return {"pk": {"S": table_keys.idempotency_pk(user_id, key)}, "sk": {"S": "IDEMPOTENCY"}}


def idempotency_reference(user_id: str, key: str, expires_at: int) -> dict[str, Any]:
    """In the user's partition, pk = USER#<user_id>, sk = IDEMP#<key>: the record's key, and its lifetime."""
    return {
        "pk": {"S": user_pk(user_id)},
        "sk": {"S": table_keys.idemp_sk(key)},
        "type": {"S": "idempotency_ref"},
        dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)},
    }


class DynamoDBIdempotencyStore(DynamoDBTable):
    def add_idempotent(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        table = self.table
        note_item = to_item(note)
        record = {
            **idempotency_key(note.user_id, key),
            "type": {"S": "idempotency"},
            "fingerprint": {"S": fingerprint},
            "note": {"M": note_item},
            dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)},
        }
        # Twice at most: a record that expires between the failed write and the read lets the second try through.
        for _ in range(2):
            try:
                dynamodb.call(
                    "transact_write_items",
                    ddb=self._client,
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": table,
                                "Item": note_item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": table,
                                "Item": record,
                                # DynamoDB deletes expired items lazily: an expired record counts as absent.
                                "ConditionExpression": "attribute_not_exists(pk) OR #exp < :now",
                                "ExpressionAttributeNames": {"#exp": dynamodb.TTL_ATTRIBUTE},
                                "ExpressionAttributeValues": {":now": {"N": str(now)}},
                                # A retry then learns the stored answer from the failed write itself.
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                            }
                        },
                        # Which records are the user's, found by a Query when the account is deleted.
                        {"Put": {"TableName": table, "Item": idempotency_reference(note.user_id, key, expires_at)}},
                    ],
                )
                return IdempotentResult(note=note, replayed=False)
            except ConditionFailed as exc:
                if not self._record_exists(exc):
                    raise exc.unavailable() from exc
                stored = exc.response["CancellationReasons"][1].get("Item") or self._read_idempotency(note.user_id, key)
            if stored is None or int(stored[dynamodb.TTL_ATTRIBUTE]["N"]) < now:
                continue
            if stored["fingerprint"]["S"] != fingerprint:
                raise IdempotencyKeyReused(key)
            return IdempotentResult(note=from_item(stored["note"]["M"]), replayed=True)
        raise StoreUnavailable("The idempotency record kept changing; try again.", code="IdempotencyRace")

    @staticmethod
    def _record_exists(exc: ConditionFailed) -> bool:
        if exc.code != "TransactionCanceledException":
            return False
        reasons = exc.response.get("CancellationReasons") or []
        return len(reasons) == 3 and reasons[1].get("Code") == "ConditionalCheckFailed"

    def _read_idempotency(self, user_id: str, key: str) -> dict[str, Any] | None:
        return self._call("get_item", Key=idempotency_key(user_id, key), ConsistentRead=True).get("Item")
