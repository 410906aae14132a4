"""NoteRepository on DynamoDB: the only notes module that talks to boto3.

Keys: pk = USER#<user_id>, sk = NOTE#<note_id>. Listing is one Query on the `by_updated` LSI
(pk + updated_sk, newest first, strongly consistent), never a Scan.

Every write stamps the item with a random `write_id`. botocore retries a write whose answer was lost
(a read timeout, a 500) although the first attempt may have landed; the retry then fails its condition.
A failed condition that finds this call's own `write_id` is the call's success, not a conflict.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from console.aws import dynamodb
from console.aws.errors import ConditionFailed, StoreUnavailable
from notes import query
from notes.cursor import decode_cursor, encode_cursor, updated_sort_key
from notes.domain import (
    FIELD,
    FIELDS,
    HISTORY_KEEP,
    TRASH_DAYS,
    Note,
    NoteFilters,
    NoteNotFound,
    NotePage,
    TrashedNote,
    VersionConflict,
    iso_after,
    now_iso,
)
from notes.idempotency import IdempotencyKeyReused, IdempotentResult
from notes.repository import distinct_categories, note_id_for_token


def _epoch(stamp: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp())


_BATCH_WRITE_MAX = 25  # DynamoDB's limit per BatchWriteItem
_BATCH_GET_MAX = 100  # DynamoDB's limit per BatchGetItem
_BATCH_ATTEMPTS = 4

# A filtered page reads bigger batches and gives up after a few calls, so its cost is bounded
# whatever the number of notes: a page may then hold fewer notes than asked, with a cursor.
FILTERED_BATCH = 100
FILTERED_MAX_CALLS = 5


def idempotency_key(user_id: str, key: str) -> dict[str, Any]:
    """The record of an Idempotency-Key: pk = IDEMPOTENCY#<user_id>#<key>, sk = IDEMPOTENCY."""
    return {"pk": {"S": f"IDEMPOTENCY#{user_id}#{key}"}, "sk": {"S": "IDEMPOTENCY"}}


def idempotency_reference(user_id: str, key: str, expires_at: int) -> dict[str, Any]:
    """In the user's partition, pk = USER#<user_id>, sk = IDEMP#<key>: the record's key, and its lifetime."""
    return {
        "pk": {"S": user_pk(user_id)},
        "sk": {"S": f"IDEMP#{key}"},
        "type": {"S": "idempotency_ref"},
        dynamodb.TTL_ATTRIBUTE: {"N": str(expires_at)},
    }


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def note_sk(note_id: str) -> str:
    return f"NOTE#{note_id}"


def history_sk(note_id: str, version: int) -> str:
    return f"HIST#{note_id}#{version:010d}"


def _history_item(note: Note) -> dict[str, Any]:
    """A recorded version: the note's attributes under its own key, outside every index."""
    item = to_item(note)
    del item["updated_sk"]
    item["sk"] = {"S": history_sk(note.id, note.version)}
    item["type"] = {"S": "history"}
    item.pop(THUMBNAIL_ID, None)  # the list's picture, not the note's content
    return item


# The note item's reference to the attachment its list row shows (notes/attachments_dynamodb.py keeps it).
THUMBNAIL_ID = "thumbnail_id"
_KIND = {str: "S", bool: "BOOL", tuple: "L"}  # a field's DynamoDB attribute type, by its spec's type
# Left out of the item when they hold their default, so old items (written before they existed) read the same.
_OPTIONAL = frozenset({"content", "labels", "pinned", "archived"})


def _value(name: str, value: object) -> dict[str, Any]:
    kind = _KIND[FIELD[name].type]
    if kind == "L":
        return {"L": [{"S": label} for label in value]}  # type: ignore[attr-defined]
    return {kind: value}


def _absent(name: str, value: object) -> bool:
    return name in _OPTIONAL and value == FIELD[name].default


def to_item(note: Note) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": user_pk(note.user_id)},
        "sk": {"S": note_sk(note.id)},
        "type": {"S": "note"},
        "id": {"S": note.id},
        "user_id": {"S": note.user_id},
        **{spec.name: _value(spec.name, getattr(note, spec.name)) for spec in FIELDS},
        "created_at": {"S": note.created_at},
        "updated_at": {"S": note.updated_at},
        "updated_sk": {"S": updated_sort_key(note.updated_at, note.id)},
        "version": {"N": str(note.version)},
    }
    if note.thumbnail_id:
        item[THUMBNAIL_ID] = {"S": note.thumbnail_id}
    # DynamoDB refuses empty strings only in key attributes, but leaving defaults out keeps items small.
    for name in _OPTIONAL:
        if _absent(name, getattr(note, name)):
            del item[name]
    return item


def _attribute(item: dict[str, Any], name: str, kind: str) -> object:
    """A field's value; only the optional ones may be absent (to_item leaves them out at their default). Any
    other field missing means the item is not a note (a KeyError the callers treat as unreadable)."""
    if name == "labels":
        if "labels" in item:
            return tuple(v["S"] for v in item["labels"]["L"])
        # Read-time migration: an item written before labels has a `category`; it becomes the only label.
        return (item["category"]["S"],) if item.get("category", {}).get("S") else ()
    if name in _OPTIONAL and name not in item:
        return FIELD[name].default
    return item[name][kind]


def from_item(item: dict[str, Any]) -> Note:
    return Note(
        id=item["id"]["S"],
        user_id=item["user_id"]["S"],
        **{spec.name: _attribute(item, spec.name, _KIND[spec.type]) for spec in FIELDS},
        created_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"],
        version=int(item["version"]["N"]),
        thumbnail_id=item.get(THUMBNAIL_ID, {}).get("S", ""),
    )


WRITE_ID = "write_id"
VISIT = "visit"  # the editing visit of an autosave (a note item's and a history item's attribute)
HISTORY_REPLACED = "history-replaced"  # a version replaced by its visit's next autosave (a marker)
REPLACED_MARKER_SECONDS = 2 * 24 * 3600  # longer than a stream record can be redelivered (24 h)


def _new_write_id() -> str:
    return uuid.uuid4().hex


def _written_by(item: dict[str, Any] | None, write_id: str) -> bool:
    return bool(item) and item.get(WRITE_ID, {}).get("S") == write_id


class DynamoDBNoteRepository:
    def __init__(self, *, table_name: str | None = None, client=None) -> None:
        self._table = table_name
        self._client = client
        self._search_index = None

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

    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        if client_token:
            note = Note(**{**note.__dict__, "id": note_id_for_token(user_id=note.user_id, client_token=client_token)})
        write_id = _new_write_id()
        try:
            self._call(
                "put_item",
                Item={**to_item(note), WRITE_ID: {"S": write_id}},
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            if _written_by(exc.response.get("Item"), write_id):
                return note  # this call's first attempt landed
            if not client_token:
                raise exc.unavailable() from exc
            # The same client token made this note before: a retry, so answer with what is stored.
            return self.get(user_id=note.user_id, note_id=note.id)
        return note

    def get(self, *, user_id: str, note_id: str) -> Note:
        resp = self._call(
            "get_item", Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": note_sk(note_id)}}, ConsistentRead=True
        )
        item = resp.get("Item")
        if not item or item.get("type", {}).get("S") != "note":
            raise NoteNotFound(note_id)
        return from_item(item)

    def list(
        self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None
    ) -> NotePage:
        wanted = query.criteria(filters)

        def from_index(crit: query.Criteria, cursor: str | None, limit: int) -> NotePage:
            return self._search.search(user_id=user_id, limit=limit, cursor=cursor, filters=filters, criteria=crit)

        return query.list_page(
            user_id=user_id,
            criteria=wanted,
            limit=limit,
            cursor=cursor,
            from_index=from_index,
            from_updated=lambda crit, cursor, limit: self._list_updated(user_id, limit, cursor, crit),
            from_trash=lambda: [t.note for t in self.list_trash(user_id=user_id)],
        )

    def _list_updated(self, user_id: str, limit: int, cursor: str | None, criteria: query.Criteria) -> NotePage:
        """The main list (or the notes the criteria keep of it), newest update first, on `by_updated`."""
        pk = user_pk(user_id)
        start: dict[str, Any] | None = None
        if cursor:
            updated_sk, note_id = decode_cursor(user_id=user_id, cursor=cursor)
            start = {"pk": {"S": pk}, "sk": {"S": note_sk(note_id)}, "updated_sk": {"S": updated_sk}}
        request: dict[str, Any] = {
            "IndexName": dynamodb.BY_UPDATED_INDEX,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        # Archived (and, after the pinned block, pinned) notes are always left out, but they are few: a page
        # reads its size plus one, and reads on when some were left out. Other filters read bigger batches.
        filtered = any(v is not None for v in (criteria.important, criteria.completed)) or bool(criteria.excluded)
        self._add_filter_expression(request, criteria)
        collected: list[Note] = []
        calls = 0
        while True:
            batch = max(limit + 1, FILTERED_BATCH) if filtered else limit - len(collected) + 1
            kwargs = dict(request, Limit=batch)
            if start:
                kwargs["ExclusiveStartKey"] = start
            resp = self._call("query", **kwargs)
            calls += 1
            for item in resp.get("Items", []):
                note = from_item(item)
                if not criteria.wanted(note):  # words, labels and the rest are checked here
                    continue
                if len(collected) == limit:
                    last = collected[-1]
                    return NotePage(collected, self._cursor_after(user_id, last))
                collected.append(note)
            last_key = resp.get("LastEvaluatedKey")
            if not last_key:
                return NotePage(collected, None)
            if len(collected) == limit or calls >= FILTERED_MAX_CALLS:
                return NotePage(
                    collected,
                    encode_cursor(
                        user_id=user_id, updated_sk=last_key["updated_sk"]["S"], note_id=last_key["sk"]["S"][5:]
                    ),
                )
            start = last_key

    @staticmethod
    def _cursor_after(user_id: str, note: Note) -> str:
        return encode_cursor(user_id=user_id, updated_sk=updated_sort_key(note.updated_at, note.id), note_id=note.id)

    @staticmethod
    def _add_filter_expression(request: dict[str, Any], criteria: query.Criteria) -> None:
        parts: list[str] = ["#type = :note"]
        names = {"#type": "type"}
        values = request["ExpressionAttributeValues"]
        values[":note"] = {"S": "note"}
        values[":true"] = {"BOOL": True}
        # pinned and archived are absent on items at their default (false), and on items older than them.
        archived = criteria.scope == "archive"
        parts.append("archived = :true" if archived else "(attribute_not_exists(archived) OR archived <> :true)")
        if criteria.pinned is not None:
            parts.append("pinned = :true" if criteria.pinned else "(attribute_not_exists(pinned) OR pinned <> :true)")
        if criteria.important is not None:
            parts.append("important = :important")
            values[":important"] = {"BOOL": criteria.important}
        if criteria.completed is not None:
            parts.append("completed = :completed")
            values[":completed"] = {"BOOL": criteria.completed}
        request["FilterExpression"] = " AND ".join(parts)
        request["ExpressionAttributeNames"] = names

    def categories(self, *, user_id: str, scan_limit: int) -> list[str]:
        kwargs: dict[str, Any] = {
            "IndexName": dynamodb.BY_UPDATED_INDEX,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": user_pk(user_id)}},
            "ProjectionExpression": "labels, category",
            "ScanIndexForward": False,
        }
        found: list[str] = []
        seen = 0
        while seen < scan_limit:
            resp = self._call("query", **kwargs, Limit=scan_limit - seen)
            seen += len(resp.get("Items", []))
            found.extend(label for i in resp.get("Items", []) for label in _attribute(i, "labels", "L"))  # type: ignore[attr-defined]
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return distinct_categories(found)

    def update(
        self,
        *,
        user_id: str,
        note_id: str,
        expected_version: int,
        changes: dict[str, object],
        visit: str | None = None,
    ) -> Note:
        updated_at = now_iso()
        write_id = _new_write_id()
        names = {"#v": "version", "#w": WRITE_ID}
        values: dict[str, Any] = {
            ":expected": {"N": str(expected_version)},
            ":next": {"N": str(expected_version + 1)},
            ":updated_at": {"S": updated_at},
            ":updated_sk": {"S": updated_sort_key(updated_at, note_id)},
            ":write_id": {"S": write_id},
        }
        sets = ["#v = :next", "updated_at = :updated_at", "updated_sk = :updated_sk", "#w = :write_id"]
        removes = []
        # The editing visit this write belongs to (autosave), read from the stream image by the history
        # writer; any other write clears it, so its version is a version of its own.
        names["#visit"] = VISIT
        if visit:
            values[":visit"] = {"S": visit}
            sets.append("#visit = :visit")
        else:
            removes.append("#visit")
        if "labels" in changes:
            removes.append("category")  # labels are written: the old category (read as a label) goes
        for i, (name, value) in enumerate(changes.items()):
            names[f"#f{i}"] = name
            if _absent(name, value):
                removes.append(f"#f{i}")
                continue
            values[f":f{i}"] = _value(name, value)
            sets.append(f"#f{i} = :f{i}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            resp = self._call(
                "update_item",
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": note_sk(note_id)}},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk) AND #type = :note AND #v = :expected",
                ExpressionAttributeNames={**names, "#type": "type"},
                ExpressionAttributeValues={**values, ":note": {"S": "note"}},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            if _written_by(exc.response.get("Item"), write_id):
                return from_item(exc.response["Item"])  # this call's first attempt landed
            raise self._conflict_or_missing(exc, note_id, expected_version) from None
        return from_item(resp["Attributes"])

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        # Trash is a state of the note item: one conditional update takes it out of the newest-first
        # index and puts it in the trash index and the purge-day index.
        stamp = now_iso()
        purge_at = iso_after(stamp, days=TRASH_DAYS)
        write_id = _new_write_id()
        try:
            resp = self._call(
                "update_item",
                Key=self._key(user_id, note_id),
                UpdateExpression=(
                    "SET #type = :trash, deleted_at = :now, deleted_sk = :deleted_sk, purge_at = :purge_at, "
                    "purge_day = :purge_day, expires_at = :expires, #w = :write_id REMOVE updated_sk"
                ),
                ConditionExpression="attribute_exists(pk) AND #type = :note AND #v = :expected",
                ExpressionAttributeNames={"#type": "type", "#v": "version", "#w": WRITE_ID},
                ExpressionAttributeValues={
                    ":write_id": {"S": write_id},
                    ":trash": {"S": "trash"},
                    ":note": {"S": "note"},
                    ":now": {"S": stamp},
                    ":deleted_sk": {"S": updated_sort_key(stamp, note_id)},
                    ":purge_at": {"S": purge_at},
                    ":purge_day": {"S": purge_at[:10]},
                    # TTL is only a safety net two days after the purge; the daily purge is what deletes.
                    ":expires": {"N": str(_epoch(iso_after(purge_at, days=2)))},
                    ":expected": {"N": str(expected_version)},
                },
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            stored = exc.response.get("Item")
            if _written_by(stored, write_id):  # this call's first attempt landed
                return TrashedNote(
                    note=from_item(stored), deleted_at=stored["deleted_at"]["S"], purge_at=stored["purge_at"]["S"]
                )
            raise self._conflict_or_missing(exc, note_id, expected_version) from None
        return TrashedNote(note=from_item(resp["Attributes"]), deleted_at=stamp, purge_at=purge_at)

    @staticmethod
    def _key(user_id: str, note_id: str) -> dict[str, Any]:
        return {"pk": {"S": user_pk(user_id)}, "sk": {"S": note_sk(note_id)}}

    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        trashed: list[TrashedNote] = []
        kwargs: dict[str, Any] = {
            "IndexName": dynamodb.BY_DELETED_INDEX,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": user_pk(user_id)}},
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
        write_id = _new_write_id()
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
            if _written_by(exc.response.get("Item"), write_id):
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
        self._delete_history(user_id, note_id)

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
                    user_id = key["pk"]["S"].removeprefix("USER#")
                    note_id = key["sk"]["S"].removeprefix("NOTE#")
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
                    self._delete_history(user_id, note_id)
                    purged += 1
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return purged

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
            "ExpressionAttributeValues": {":pk": {"S": user_pk(user_id)}, ":prefix": {"S": f"HIST#{note_id}#"}},
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

    def iter_notes(self, *, user_id: str, after: str | None = None, until: str | None = None) -> Iterator[Note]:
        # Notes and trashed notes share the NOTE# keys; "NOTE$" sorts after every "NOTE#..." key.
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "FilterExpression": "#type = :note",
            "ExpressionAttributeNames": {"#type": "type"},
            "ExpressionAttributeValues": {
                ":pk": {"S": user_pk(user_id)},
                ":low": {"S": note_sk(after) if after else "NOTE#"},
                ":high": {"S": note_sk(until) if until else "NOTE$"},
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
        for start in range(0, len(wanted), _BATCH_GET_MAX):
            keys = [self._key(user_id, i) for i in wanted[start : start + _BATCH_GET_MAX]]
            request: dict[str, Any] = {self.table: {"Keys": keys, "ProjectionExpression": "sk", "ConsistentRead": True}}
            for attempt in range(_BATCH_ATTEMPTS):
                if attempt:
                    time.sleep(0.05 * 2**attempt)  # unprocessed keys mean throttling: back off first
                resp = dynamodb.call("batch_get_item", ddb=self._client, RequestItems=request)
                found.update(i["sk"]["S"].removeprefix("NOTE#") for i in resp.get("Responses", {}).get(self.table, []))
                request = resp.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise StoreUnavailable("some keys were left unprocessed", code="ProvisionedThroughputExceededException")
        return found

    def _delete_history(self, user_id: str, note_id: str) -> None:
        # At most HISTORY_KEEP (+ a few) items: one BatchWriteItem per 25 instead of a DeleteItem each.
        keys = [{"pk": i["pk"], "sk": i["sk"]} for i in self._history_items(user_id, note_id, keys_only=True)]
        for start in range(0, len(keys), _BATCH_WRITE_MAX):
            self._batch_delete(keys[start : start + _BATCH_WRITE_MAX])

    def _batch_delete(self, keys: list[dict[str, Any]]) -> None:
        self._batch_write([{"DeleteRequest": {"Key": key}} for key in keys], what="history items")

    def _batch_write(self, requests: list[dict[str, Any]], *, what: str = "index items") -> None:
        for start in range(0, len(requests), _BATCH_WRITE_MAX):
            self._batch_write_25(requests[start : start + _BATCH_WRITE_MAX], what=what)

    def _batch_write_25(self, pending: list[dict[str, Any]], *, what: str) -> None:
        if not pending:
            return
        for attempt in range(_BATCH_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * 2**attempt)  # unprocessed items mean throttling: back off before retrying them
            resp = dynamodb.call("batch_write_item", ddb=self._client, RequestItems={self.table: pending})
            pending = resp.get("UnprocessedItems", {}).get(self.table, [])
            if not pending:
                return
        raise StoreUnavailable(
            f"{len(pending)} {what} were left unprocessed", code="ProvisionedThroughputExceededException"
        )

    def index_note(self, note: Note) -> bool:
        return self._search.index_note(note)

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        return self._search.label_counts(user_id=user_id)

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None = None) -> None:
        self._search.unindex_note(user_id=user_id, note_id=note_id, version=version)

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        return self._search.indexed_terms(user_id=user_id, note_id=note_id)

    def rebuild_search_index(self) -> dict[str, int]:
        return self._search.rebuild()

    # --- idempotent create (the API's Idempotency-Key) ---------------------------------------------
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

    @staticmethod
    def _conflict_or_missing(exc: ConditionFailed, note_id: str, expected_version: int) -> Exception:
        stored = exc.response.get("Item")
        if not stored or stored.get("type", {}).get("S") != "note":
            return NoteNotFound(note_id)
        return VersionConflict(expected=expected_version, current=from_item(stored))
