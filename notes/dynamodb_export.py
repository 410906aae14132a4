"""ExportReader on DynamoDB: a user's live notes in id order (a Query on the table's own keys), and which
ids exist (BatchGetItem)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import StoreUnavailable
from console.aws.table_keys import note_sk, user_pk
from notes.domain import Note
from notes.dynamodb_items import from_item
from notes.dynamodb_table import BATCH_ATTEMPTS, BATCH_GET_MAX, DynamoDBTable


class DynamoDBExportReader(DynamoDBTable):
    def iter_notes(self, *, user_id: str, after: str | None = None, until: str | None = None) -> Iterator[Note]:
        # Notes and trashed notes share the NOTE# keys; NOTE_END sorts after every NOTE#... key.
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "FilterExpression": "#type = :note",
            "ExpressionAttributeNames": {"#type": "type"},
            "ExpressionAttributeValues": {
                ":pk": {"S": user_pk(user_id)},
                ":low": {"S": note_sk(after) if after else table_keys.NOTE},
                ":high": {"S": note_sk(until) if until else table_keys.NOTE_END},
                ":note": {"S": "note"},
            },
            "ConsistentRead": True,
        }
        while True:
            resp = self._call("query", **kwargs)
            for item in resp.get("Items", []):
                if item["id"]["S"] != after:  # BETWEEN includes its low end
                    yield from_item(item)
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def existing_ids(self, *, user_id: str, note_ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(note_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), BATCH_GET_MAX):
            keys = [self._key(user_id, i) for i in wanted[start : start + BATCH_GET_MAX]]
            request: dict[str, Any] = {self.table: {"Keys": keys, "ProjectionExpression": "sk", "ConsistentRead": True}}
            for attempt in range(BATCH_ATTEMPTS):
                if attempt:
                    time.sleep(0.05 * 2**attempt)  # unprocessed keys mean throttling: back off first
                resp = dynamodb.call("batch_get_item", ddb=self._client, RequestItems=request)
                found.update(
                    i["sk"]["S"].removeprefix(table_keys.NOTE) for i in resp.get("Responses", {}).get(self.table, [])
                )
                request = resp.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise StoreUnavailable("some keys were left unprocessed", code="ProvisionedThroughputExceededException")
        return found
