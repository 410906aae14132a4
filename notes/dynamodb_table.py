"""What every notes adapter on DynamoDB shares: the table and its client, a note's key, batched writes.

Each protocol of notes/repository.py has its adapter (notes/dynamodb_notes.py, dynamodb_trash.py,
dynamodb_history.py, dynamodb_search_index.py, dynamodb_idempotency.py, dynamodb_export.py), each a DynamoDBTable;
notes/dynamodb_repository.py is all of them on one client, as wired. All calls go through console.aws.dynamodb.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from console.aws import dynamodb
from console.aws.errors import StoreUnavailable
from console.aws.table_keys import note_sk, user_pk
from notes.dynamodb_items import from_item

BATCH_WRITE_MAX = 25  # DynamoDB's limit per BatchWriteItem
BATCH_GET_MAX = 100  # DynamoDB's limit per BatchGetItem
BATCH_ATTEMPTS = 4

Adapter = TypeVar("Adapter", bound="DynamoDBTable")


class DynamoDBTable:
    def __init__(self, *, table_name: str | None = None, client=None) -> None:
        self._table = table_name
        self._client = client
        self._search_index = None

    def _as(self, adapter: type[Adapter]) -> Adapter:
        """This object as another notes adapter on the same table and client (itself when it is one)."""
        return self if isinstance(self, adapter) else adapter(table_name=self._table, client=self._client)

    @property
    def _search(self):
        """The search index's adapter, loaded by the first search or stream batch, not at every cold start."""
        if self._search_index is None:
            from notes.search_dynamodb import DynamoDBSearchIndex

            self._search_index = DynamoDBSearchIndex(self, from_item=from_item, note_key=self._key)
        return self._search_index

    @property
    def table(self) -> str:
        return self._table or dynamodb.table_name()

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        return dynamodb.call(operation, ddb=self._client, TableName=self.table, **kwargs)

    @staticmethod
    def _key(user_id: str, note_id: str) -> dict[str, Any]:
        return {"pk": {"S": user_pk(user_id)}, "sk": {"S": note_sk(note_id)}}

    def _batch_delete(self, keys: list[dict[str, Any]]) -> None:
        self._batch_write([{"DeleteRequest": {"Key": key}} for key in keys], what="history items")

    def _batch_write(self, requests: list[dict[str, Any]], *, what: str = "index items") -> None:
        for start in range(0, len(requests), BATCH_WRITE_MAX):
            self._batch_write_25(requests[start : start + BATCH_WRITE_MAX], what=what)

    def _batch_write_25(self, pending: list[dict[str, Any]], *, what: str) -> None:
        if not pending:
            return
        for attempt in range(BATCH_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * 2**attempt)  # unprocessed items mean throttling: back off before retrying them
            resp = dynamodb.call("batch_write_item", ddb=self._client, RequestItems={self.table: pending})
            pending = resp.get("UnprocessedItems", {}).get(self.table, [])
            if not pending:
                return
        raise StoreUnavailable(
            f"{len(pending)} {what} were left unprocessed", code="ProvisionedThroughputExceededException"
        )
