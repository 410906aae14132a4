"""IdempotencyStore on DynamoDB.

Record: pk = IDEMPOTENCY#<user_id>#<key>, sk = IDEMPOTENCY, with the body fingerprint, a snapshot of the
note answered (a map in the note item's own layout) and `expires_at` (the table's TTL attribute). It is
written in one TransactWriteItems with the note itself, so there is never a note without its record or
a record without its note. A retry costs that one call too: the failed write returns the stored record.
"""

from __future__ import annotations

from typing import Any

from console.aws import dynamodb
from console.aws.errors import ConditionFailed, StoreUnavailable
from notes.domain import Note
from notes.dynamodb_repository import from_item, to_item
from notes.idempotency import IdempotencyKeyReused, IdempotentResult


def record_key(user_id: str, key: str) -> dict[str, Any]:
    return {"pk": {"S": f"IDEMPOTENCY#{user_id}#{key}"}, "sk": {"S": "IDEMPOTENCY"}}


class DynamoDBIdempotencyStore:
    def create_note(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        table = dynamodb.table_name()
        note_item = to_item(note)
        record = {
            **record_key(note.user_id, key),
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
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": note_item, "ConditionExpression": "attribute_not_exists(pk)"}},
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
                    ]
                )
                return IdempotentResult(note=note, replayed=False)
            except ConditionFailed as exc:
                if not self._record_exists(exc):
                    raise exc.unavailable() from exc
                stored = exc.response["CancellationReasons"][1].get("Item") or self._read(note.user_id, key)
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
        return len(reasons) == 2 and reasons[1].get("Code") == "ConditionalCheckFailed"

    @staticmethod
    def _read(user_id: str, key: str) -> dict[str, Any] | None:
        return dynamodb.table_call("get_item", Key=record_key(user_id, key), ConsistentRead=True).get("Item")
