"""TrashStore on DynamoDB: a trashed note is the same item (type "trash") on the `by_deleted` LSI (the user's
trash, newest first) and the `by_purge_day` GSI (the daily purge finds expired trash without a Scan)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed
from notes.cursor import updated_sort_key
from notes.domain import TRASH_DAYS, Note, NoteNotFound, TrashedNote, now_iso
from notes.dynamodb_history import DynamoDBHistoryStore
from notes.dynamodb_items import VISIT, WRITE_ID, from_item, new_write_id, written_by
from notes.dynamodb_table import DynamoDBTable


class DynamoDBTrashStore(DynamoDBTable):
    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        trashed: list[TrashedNote] = []
        kwargs: dict[str, Any] = {
            "IndexName": dynamodb.BY_DELETED_INDEX,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": table_keys.user_pk(user_id)}},
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        while True:
            resp = self._call("query", **kwargs)
            trashed.extend(
                TrashedNote(note=from_item(i), deleted_at=i["deleted_at"]["S"], purge_at=i["purge_at"]["S"])
                for i in resp.get("Items", [])
            )
            if "LastEvaluatedKey" not in resp:
                return trashed
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def restore(self, *, user_id: str, note_id: str) -> Note:
        stamp = now_iso()
        write_id = new_write_id()
        try:
            resp = self._call(
                "update_item",
                Key=self._key(user_id, note_id),
                UpdateExpression=(
                    "SET #type = :note, updated_at = :now, updated_sk = :updated_sk, #v = #v + :one, #w = :write_id "
                    "REMOVE deleted_at, deleted_sk, purge_at, purge_day, expires_at, #visit"
                ),
                ConditionExpression="attribute_exists(pk) AND #type = :trash",
                # A restore is a version of its own, not part of the autosave visit before the delete.
                ExpressionAttributeNames={"#type": "type", "#v": "version", "#w": WRITE_ID, "#visit": VISIT},
                ExpressionAttributeValues={
                    ":note": {"S": "note"},
                    ":trash": {"S": "trash"},
                    ":now": {"S": stamp},
                    ":updated_sk": {"S": updated_sort_key(stamp, note_id)},
                    ":one": {"N": "1"},
                    ":write_id": {"S": write_id},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            if written_by(exc.response.get("Item"), write_id):
                return from_item(exc.response["Item"])  # this call's first attempt landed
            raise NoteNotFound(note_id) from None
        return from_item(resp["Attributes"])

    def delete_forever(self, *, user_id: str, note_id: str) -> None:
        try:
            self._call(
                "delete_item",
                Key=self._key(user_id, note_id),
                ConditionExpression="attribute_exists(pk) AND #type = :trash",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues={":trash": {"S": "trash"}},
            )
        except ConditionFailed:
            raise NoteNotFound(note_id) from None
        self._as(DynamoDBHistoryStore).delete_history(user_id=user_id, note_id=note_id)

    def purge_expired(
        self, *, now: str, stop: Callable[[], bool] | None = None, lookback_days: int = TRASH_DAYS * 2
    ) -> int:
        from datetime import UTC, datetime, timedelta

        today = datetime.strptime(now[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        purged = 0
        for back in range(lookback_days, -1, -1):
            day = (today - timedelta(days=back)).strftime("%Y-%m-%d")
            kwargs: dict[str, Any] = {
                "IndexName": dynamodb.BY_PURGE_DAY_INDEX,
                "KeyConditionExpression": "purge_day = :day AND purge_at <= :now",
                "ExpressionAttributeValues": {":day": {"S": day}, ":now": {"S": now}},
            }
            while True:
                if stop is not None and stop():
                    return purged
                resp = self._call("query", **kwargs)
                for key in resp.get("Items", []):
                    if stop is not None and stop():
                        return purged
                    user_id = key["pk"]["S"].removeprefix(table_keys.USER)
                    note_id = key["sk"]["S"].removeprefix(table_keys.NOTE)
                    try:
                        # The index is eventually consistent: the condition re-checks the item itself.
                        self._call(
                            "delete_item",
                            Key={"pk": key["pk"], "sk": key["sk"]},
                            ConditionExpression="#type = :trash AND purge_at <= :now",
                            ExpressionAttributeNames={"#type": "type"},
                            ExpressionAttributeValues={":trash": {"S": "trash"}, ":now": {"S": now}},
                        )
                    except ConditionFailed:
                        continue  # restored meanwhile
                    self._as(DynamoDBHistoryStore).delete_history(user_id=user_id, note_id=note_id)
                    purged += 1
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return purged
