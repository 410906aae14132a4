"""HistoryStore on DynamoDB: a note's recorded versions, pk = USER#<user_id>, sk = HIST#<note_id>#<version,
10 digits>, outside every index; written from the table's stream (notes/history.py)."""

from __future__ import annotations

import time
from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed
from console.aws.table_keys import history_sk, user_pk
from notes.domain import HISTORY_KEEP, Note, NoteNotFound
from notes.dynamodb_items import THUMBNAIL_ID, VISIT, from_item, to_item
from notes.dynamodb_table import BATCH_WRITE_MAX, DynamoDBTable

HISTORY_REPLACED = "history-replaced"  # a version replaced by its visit's next autosave (a marker)
REPLACED_MARKER_SECONDS = 2 * 24 * 3600  # longer than a stream record can be redelivered (24 h)


def _history_item(note: Note) -> dict[str, Any]:
    """A recorded version: the note's attributes under its own key, outside every index."""
    item = to_item(note)
    del item["updated_sk"]
    item.pop(THUMBNAIL_ID, None)  # the list's picture, not the note's content
    item["sk"] = {"S": history_sk(note.id, note.version)}
    item["type"] = {"S": "history"}
    return item


class DynamoDBHistoryStore(DynamoDBTable):
    def add_history(self, note: Note, *, visit: str | None = None) -> bool:
        item = _history_item(note)
        if visit:
            item[VISIT] = {"S": visit}
        try:
            self._call("put_item", Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ConditionFailed:
            return False
        if visit and note.version > 1:
            # The same visit's previous autosave is replaced by this one: its item becomes a small marker
            # (one conditional write, no read), which keeps a redelivered record of it from recording it
            # again, and expires after the stream's 24-hour retention.
            try:
                self._call(
                    "put_item",
                    Item={
                        "pk": {"S": user_pk(note.user_id)},
                        "sk": {"S": history_sk(note.id, note.version - 1)},
                        "type": {"S": HISTORY_REPLACED},
                        VISIT: {"S": visit},
                        dynamodb.TTL_ATTRIBUTE: {"N": str(int(time.time()) + REPLACED_MARKER_SECONDS)},
                    },
                    ConditionExpression="#visit = :visit AND #type = :history",
                    ExpressionAttributeNames={"#visit": VISIT, "#type": "type"},
                    ExpressionAttributeValues={":visit": {"S": visit}, ":history": {"S": "history"}},
                )
            except ConditionFailed:
                pass  # another write's version (or none): kept
        if note.version > HISTORY_KEEP:
            # Kept by count, not by number: a visit's replaced autosaves leave gaps in the numbers, and the
            # last HISTORY_KEEP recorded versions must all stay (markers older than those go too).
            items = self._history_items(note.user_id, note.id, keys_only=True)
            kept = [i for i in items if i.get("type", {}).get("S") == "history"][:HISTORY_KEEP]
            oldest_kept = kept[-1]["sk"]["S"] if len(kept) == HISTORY_KEEP else ""
            self._batch_delete([{"pk": i["pk"], "sk": i["sk"]} for i in items if i["sk"]["S"] < oldest_kept])
        return True

    def _history_items(self, user_id: str, note_id: str, *, keys_only: bool = False) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": user_pk(user_id)},
                ":prefix": {"S": table_keys.history_prefix(note_id)},
            },
            "ConsistentRead": True,
            "ScanIndexForward": False,
        }
        if keys_only:
            kwargs["ProjectionExpression"] = "pk, sk, #type"
            kwargs["ExpressionAttributeNames"] = {"#type": "type"}
        items: list[dict[str, Any]] = []
        while True:
            resp = self._call("query", **kwargs)
            items.extend(resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                return items
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def list_history(self, *, user_id: str, note_id: str) -> list[Note]:
        items = self._history_items(user_id, note_id)
        return [from_item(i) for i in items if i.get("type", {}).get("S") == "history"]

    def get_version(self, *, user_id: str, note_id: str, version: int) -> Note:
        resp = self._call(
            "get_item",
            Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": history_sk(note_id, version)}},
            ConsistentRead=True,
        )
        item = resp.get("Item")
        if not item or item.get("type", {}).get("S") != "history":
            raise NoteNotFound(f"{note_id} version {version}")
        return from_item(item)

    def delete_history(self, *, user_id: str, note_id: str) -> None:
        self._delete_history(user_id, note_id)

    def _delete_history(self, user_id: str, note_id: str) -> None:
        # At most HISTORY_KEEP (+ a few) items: one BatchWriteItem per 25 instead of a DeleteItem each.
        keys = [{"pk": i["pk"], "sk": i["sk"]} for i in self._history_items(user_id, note_id, keys_only=True)]
        for start in range(0, len(keys), BATCH_WRITE_MAX):
            self._batch_delete(keys[start : start + BATCH_WRITE_MAX])
