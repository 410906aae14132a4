"""Every item the app writes is measured against its kind's bound before DynamoDB sees it.

DynamoDB refuses an item over 400 KB, and a user's item collection (their notes, history, trash and the
local secondary indexes' copies, all under pk = USER#<id>) over 10 GB. The fields' own limits (notes/domain.py)
keep every item far below that; this is the one check that holds whatever a future change writes, hooked on
the client (`install`), so no adapter can forget it: PutItem, TransactWriteItems, BatchWriteItem and the values
an UpdateItem sets. An item over its bound raises console.aws.errors' `ItemTooLarge`, which
console/aws/translation.py turns into `StorageFull` (a 507 with a message, see console/errors.py), like DynamoDB's own size refusals.

Sizes follow DynamoDB's rules (Developer Guide, "Item sizes and formats"): attribute names and values in UTF-8
bytes, numbers about one byte per two significant digits plus one, 3 bytes per list or map plus 1 per element,
1 byte for booleans and nulls.
"""

from __future__ import annotations

from typing import Any

from console.aws import table_keys
from console.aws.errors import ItemTooLarge

DYNAMODB_MAX_ITEM_BYTES = 400 * 1024
ITEM_COLLECTION_MAX_BYTES = 10 * 1024**3

# The largest each kind of item may be. A note holds up to 100 KB of content (UTF-8) and a 200-character title;
# its history versions are copies, and an idempotency record carries the note it made.
BOUNDS: dict[str, int] = {
    "note": 128 * 1024,
    "history": 128 * 1024,
    "idempotency": 132 * 1024,
    "session": 16 * 1024,
    "session_set": 16 * 1024,
    "token": 4 * 1024,
    "user": 4 * 1024,
    "throttle": 1024,
}


def kind_of(item_or_key: dict[str, Any]) -> str:
    """The kind of an item, from its key (pk/sk prefixes of the single-table design)."""
    pk = item_or_key.get("pk", {}).get("S", "")
    sk = item_or_key.get("sk", {}).get("S", "")
    if sk.startswith(table_keys.NOTE):
        return "note"
    if sk.startswith(table_keys.HIST):
        return "history"
    if sk == "SESSIONS":
        return "session_set"
    if sk.startswith("TOKEN"):
        return "token"
    for prefix, kind in (
        (table_keys.IDEMPOTENCY, "idempotency"),
        (table_keys.SESSION, "session"),
        (table_keys.THROTTLE, "throttle"),
    ):
        if pk.startswith(prefix):
            return kind
    if sk in ("PROFILE", "USERNAME"):
        return "user"
    return "item"


def bound_for(kind: str) -> int:
    return BOUNDS.get(kind, DYNAMODB_MAX_ITEM_BYTES)


def value_size(value: dict[str, Any]) -> int:
    ((type_, data),) = value.items()
    if type_ == "S":
        return len(data.encode())
    if type_ == "N":
        return _number_size(data)
    if type_ == "B":
        return len(data if isinstance(data, bytes | bytearray) else str(data).encode())
    if type_ in ("BOOL", "NULL"):
        return 1
    if type_ == "SS":
        return sum(len(s.encode()) for s in data)
    if type_ == "NS":
        return sum(_number_size(n) for n in data)
    if type_ == "BS":
        return sum(len(b) for b in data)
    if type_ == "L":
        return 3 + sum(1 + value_size(v) for v in data)
    if type_ == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in data.items())
    return len(str(data).encode())


def item_size(item: dict[str, Any]) -> int:
    """The item's size as DynamoDB counts it against the 400 KB limit."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def check(item: dict[str, Any], *, kind: str | None = None) -> int:
    """The item's size; ItemTooLarge when it is over its kind's bound."""
    kind = kind or kind_of(item)
    size, limit = item_size(item), bound_for(kind)
    if size > limit:
        raise ItemTooLarge(kind=kind, size=size, limit=limit)
    return size


def _number_size(text: str) -> int:
    # Leading and trailing zeroes are trimmed; one byte per two significant digits, plus one.
    digits = text.lower().split("e")[0].lstrip("-+").replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


def _check_params(params: dict[str, Any], model: Any, **_: Any) -> None:
    operation = getattr(model, "name", "")
    if operation == "PutItem":
        check(params.get("Item") or {})
    elif operation == "UpdateItem":
        # The values it sets, with the key: a bound on what the item grows to for our items' updates.
        key = params.get("Key") or {}
        values = params.get("ExpressionAttributeValues") or {}
        size = item_size(key) + sum(value_size(v) for v in values.values())
        kind = kind_of(key)
        if size > bound_for(kind):
            raise ItemTooLarge(kind=kind, size=size, limit=bound_for(kind))
    elif operation == "TransactWriteItems":
        for entry in params.get("TransactItems") or []:
            if "Put" in entry:
                check(entry["Put"].get("Item") or {})
    elif operation == "BatchWriteItem":
        for requests in (params.get("RequestItems") or {}).values():
            for request in requests:
                if "PutRequest" in request:
                    check(request["PutRequest"].get("Item") or {})


def install(client: Any) -> Any:
    """Check every item a DynamoDB client writes before it is sent. Returns the client."""
    client.meta.events.register("provide-client-params.dynamodb", _check_params)
    return client
