"""How a note is a DynamoDB item, and what every notes adapter writes with it.

Keys: pk = USER#<user_id>, sk = NOTE#<note_id> (console/aws/table_keys.py). Every write stamps the item with a
random `write_id`. botocore retries a write whose answer was lost (a read timeout, a 500) although the first
attempt may have landed; the retry then fails its condition. A failed condition that finds this call's own
`write_id` is the call's success, not a conflict.
"""

from __future__ import annotations

import uuid
from typing import Any

from console.aws.table_keys import note_sk, user_pk
from notes.cursor import updated_sort_key
from notes.domain import FIELD, FIELDS, Note


def epoch_seconds(stamp: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp())


# The note item's reference to the attachment its list row shows (notes/attachments_dynamodb.py keeps it).
THUMBNAIL_ID = "thumbnail_id"
_KIND = {str: "S", bool: "BOOL", tuple: "L"}  # a field's DynamoDB attribute type, by its spec's type
# Left out of the item when they hold their default, so old items (written before they existed) read the same.
_OPTIONAL = frozenset({"content", "labels", "pinned", "archived"})


def item_value(name: str, value: object) -> dict[str, Any]:
    kind = _KIND[FIELD[name].type]
    if kind == "L":
        return {"L": [{"S": label} for label in value]}  # type: ignore[attr-defined]
    return {kind: value}


def left_out(name: str, value: object) -> bool:
    return name in _OPTIONAL and value == FIELD[name].default


def to_item(note: Note) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": user_pk(note.user_id)},
        "sk": {"S": note_sk(note.id)},
        "type": {"S": "note"},
        "id": {"S": note.id},
        "user_id": {"S": note.user_id},
        **{spec.name: item_value(spec.name, getattr(note, spec.name)) for spec in FIELDS},
        "created_at": {"S": note.created_at},
        "updated_at": {"S": note.updated_at},
        "updated_sk": {"S": updated_sort_key(note.updated_at, note.id)},
        "version": {"N": str(note.version)},
    }
    if note.thumbnail_id:
        item[THUMBNAIL_ID] = {"S": note.thumbnail_id}
    # DynamoDB refuses empty strings only in key attributes, but leaving defaults out keeps items small.
    for name in _OPTIONAL:
        if left_out(name, getattr(note, name)):
            del item[name]
    return item


def read_attribute(item: dict[str, Any], name: str, kind: str) -> object:
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
        **{spec.name: read_attribute(item, spec.name, _KIND[spec.type]) for spec in FIELDS},
        created_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"],
        version=int(item["version"]["N"]),
        thumbnail_id=item.get(THUMBNAIL_ID, {}).get("S", ""),
    )


WRITE_ID = "write_id"
VISIT = "visit"  # the editing visit of an autosave (a note item's and a history item's attribute)


def new_write_id() -> str:
    return uuid.uuid4().hex


def written_by(item: dict[str, Any] | None, write_id: str) -> bool:
    return bool(item) and item.get(WRITE_ID, {}).get("S") == write_id
