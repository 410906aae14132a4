"""NoteStore on DynamoDB: the user's live notes.

Keys: pk = USER#<user_id>, sk = NOTE#<note_id>. Listing is one Query on the `by_updated` LSI (pk + updated_sk,
newest first, strongly consistent), never a Scan; filtered and searched listings read the search index
(notes/search_dynamodb.py). Writes are conditional on `version`, stamped with a `write_id` (notes/dynamodb_items.py).
"""

from __future__ import annotations

from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed
from console.aws.table_keys import note_sk, user_pk
from notes import query
from notes.cursor import decode_cursor, encode_cursor, updated_sort_key
from notes.domain import (
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
from notes.dynamodb_items import (
    VISIT,
    WRITE_ID,
    epoch_seconds,
    from_item,
    item_value,
    left_out,
    new_write_id,
    read_attribute,
    to_item,
    written_by,
)
from notes.dynamodb_table import DynamoDBTable
from notes.dynamodb_trash import DynamoDBTrashStore
from notes.repository import distinct_categories, note_id_for_token

# A filtered page reads bigger batches and gives up after a few calls, so its cost is bounded
# whatever the number of notes: a page may then hold fewer notes than asked, with a cursor.
FILTERED_BATCH = 100
FILTERED_MAX_CALLS = 5


class DynamoDBNoteStore(DynamoDBTable):
    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        if client_token:
            note = note.replace(id=note_id_for_token(user_id=note.user_id, client_token=client_token))
        write_id = new_write_id()
        try:
            self._call(
                "put_item",
                Item={**to_item(note), WRITE_ID: {"S": write_id}},
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            if written_by(exc.response.get("Item"), write_id):
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
            from_trash=lambda: [t.note for t in self._as(DynamoDBTrashStore).list_trash(user_id=user_id)],
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
                        user_id=user_id,
                        updated_sk=last_key["updated_sk"]["S"],
                        note_id=last_key["sk"]["S"].removeprefix(table_keys.NOTE),
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
            found.extend(label for i in resp.get("Items", []) for label in read_attribute(i, "labels", "L"))  # type: ignore[attr-defined]
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return distinct_categories(found)

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        return self._search.label_counts(user_id=user_id)

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
        write_id = new_write_id()
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
            if left_out(name, value):
                removes.append(f"#f{i}")
                continue
            values[f":f{i}"] = item_value(name, value)
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
            if written_by(exc.response.get("Item"), write_id):
                return from_item(exc.response["Item"])  # this call's first attempt landed
            raise self._conflict_or_missing(exc, note_id, expected_version) from None
        return from_item(resp["Attributes"])

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        # Trash is a state of the note item: one conditional update takes it out of the newest-first
        # index and puts it in the trash index and the purge-day index.
        stamp = now_iso()
        purge_at = iso_after(stamp, days=TRASH_DAYS)
        write_id = new_write_id()
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
                    ":expires": {"N": str(epoch_seconds(iso_after(purge_at, days=2)))},
                    ":expected": {"N": str(expected_version)},
                },
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as exc:
            stored = exc.response.get("Item")
            if written_by(stored, write_id):  # this call's first attempt landed
                return TrashedNote(
                    note=from_item(stored), deleted_at=stored["deleted_at"]["S"], purge_at=stored["purge_at"]["S"]
                )
            raise self._conflict_or_missing(exc, note_id, expected_version) from None
        return TrashedNote(note=from_item(resp["Attributes"]), deleted_at=stamp, purge_at=purge_at)

    @staticmethod
    def _conflict_or_missing(exc: ConditionFailed, note_id: str, expected_version: int) -> Exception:
        stored = exc.response.get("Item")
        if not stored or stored.get("type", {}).get("S") != "note":
            return NoteNotFound(note_id)
        return VersionConflict(expected=expected_version, current=from_item(stored))
