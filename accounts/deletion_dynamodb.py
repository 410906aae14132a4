"""Erasing an account from the table: everything of the user, in batches, resumable.

What a user has, by key (the layouts of accounts/*_dynamodb.py and notes/dynamodb_repository.py):
- in their partition pk = USER#<id>: PROFILE, SESSIONS (their session keys), TOKEN#<id> (token listings),
  NOTE#<id> (notes, live and trashed), HIST#<id>#<n> (versions), IDEMP#<key> (which Idempotency-Key
  records are theirs), ATT#<note>#<id> (attachments: their files in S3 are deleted before them), ATTUSAGE;
- elsewhere: USERNAME#<name>, TOKEN#<hash> (token lookups), SESSION#<key>, IDEMPOTENCY#<id>#<key>.
Password-guess counters (THROTTLE#password#<id>) go too; sign-in counters (keyed by name and address) and
unused reset links are left to expire (TTL, minutes).

The profile is marked `deleting_at` before anything goes, and deleted last; every step deletes by key
what it finds, so running it again after an interruption finishes the job. Credentials go first (API
tokens, then sessions), so nothing can act for the user while the rest is erased.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from accounts.sessions import end_user_sessions
from accounts.users import DeletionIncomplete
from console.aws import dynamodb
from console.aws.errors import ConditionFailed, StoreUnavailable

BATCH_MAX = 25  # DynamoDB's limit per BatchWriteItem
_BATCH_ATTEMPTS = 5


def _pk(user_id: str) -> dict[str, str]:
    return {"S": f"USER#{user_id}"}


def _partition(
    user_id: str, *, prefix: str = "", attributes: str = "pk, sk", pk: dict[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """The user's items (keys, and `attributes`), one page of the table at a time."""
    condition = "pk = :pk" + (" AND begins_with(sk, :prefix)" if prefix else "")
    values: dict[str, Any] = {":pk": pk or _pk(user_id)}
    if prefix:
        values[":prefix"] = {"S": prefix}
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "ProjectionExpression": attributes,
        "ConsistentRead": True,
    }
    while True:
        resp = dynamodb.table_call("query", **kwargs)
        yield from resp.get("Items", [])
        if "LastEvaluatedKey" not in resp:
            return
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def _attachment_objects_deleted(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Delete an attachment's objects (console/aws/s3.py's keys); the record's key, to delete next."""
    from console.aws import s3

    _, note_id, attachment_id = item["sk"]["S"].split("#", 2)
    user_id = item["pk"]["S"].removeprefix("USER#")
    ids = {"user_id": user_id, "note_id": note_id, "attachment_id": attachment_id}
    s3.delete(s3.upload_key(**ids), s3.file_key(**ids), s3.thumb_key(**ids))
    return [{"pk": item["pk"], "sk": item["sk"]}]


def delete_keys(keys: list[dict[str, Any]]) -> None:
    """Delete these items, BATCH_MAX at a time (a missing one is fine)."""
    table = dynamodb.table_name()
    for start in range(0, len(keys), BATCH_MAX):
        pending = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + BATCH_MAX]]
        for attempt in range(_BATCH_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * 2**attempt)  # unprocessed items mean throttling: back off first
            resp = dynamodb.call("batch_write_item", RequestItems={table: pending})
            pending = resp.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                break
        else:
            raise StoreUnavailable(
                f"{len(pending)} items were left unprocessed", code="ProvisionedThroughputExceededException"
            )


def _in_batches(items: Iterator[dict[str, Any]], keys_of, deadline: float | None = None) -> int:
    """Delete what `keys_of(item)` names for each item, a batch at a time as the partition is read; stop
    (DeletionIncomplete) between batches once `deadline` (time.monotonic()) has passed."""
    batch: list[dict[str, Any]] = []
    count = 0
    for item in items:
        batch.extend(keys_of(item))
        count += 1
        if len(batch) >= BATCH_MAX:
            delete_keys(batch)
            batch = []
            if deadline is not None and time.monotonic() > deadline:
                raise DeletionIncomplete(count)
    delete_keys(batch)
    return count


class DynamoDBAccountEraser:
    def mark(self, *, user_id: str, at: str) -> None:
        try:
            dynamodb.table_call(
                "update_item",
                Key={"pk": _pk(user_id), "sk": {"S": "PROFILE"}},
                UpdateExpression="SET deleting_at = if_not_exists(deleting_at, :at)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":at": {"S": at}},
            )
        except ConditionFailed:
            pass  # erased already: finishing is then a no-op

    def erase(self, *, user_id: str, username: str, deadline: float | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        # 1. API tokens: the lookup item (what authenticates) and the listing, together.
        counts["tokens"] = _in_batches(
            _partition(user_id, prefix="TOKEN#", attributes="pk, sk, token_hash"),
            lambda i: [
                {"pk": {"S": f"TOKEN#{i['token_hash']['S']}"}, "sk": {"S": "TOKEN"}},
                {"pk": i["pk"], "sk": i["sk"]},
            ],
        )
        # 2. Every session: signed out everywhere.
        counts["sessions"] = end_user_sessions(user_id=user_id)
        # 3. Idempotency-Key records (a copy of a note each) and their references.
        counts["idempotency"] = _in_batches(
            _partition(user_id, prefix="IDEMP#"),
            lambda i: [
                {
                    "pk": {"S": f"IDEMPOTENCY#{user_id}#{i['sk']['S'].removeprefix('IDEMP#')}"},
                    "sk": {"S": "IDEMPOTENCY"},
                },
                {"pk": i["pk"], "sk": i["sk"]},
            ],
        )
        # 3b. Attachments (ATT#<note>#<id>, notes/attachments_dynamodb.py): their files in S3, then the records.
        counts["attachments"] = _in_batches(_partition(user_id, prefix="ATT#"), _attachment_objects_deleted, deadline)
        # 4. Notes, trash, history and anything else of the partition, but the profile.
        counts["items"] = _in_batches(
            (i for i in _partition(user_id) if i["sk"]["S"] != "PROFILE"),
            lambda i: [{"pk": i["pk"], "sk": i["sk"]}],
            deadline,
        )
        # Password-guess counters carry the user's id (sign-in counters carry a name and an address: they
        # expire within their window).
        _in_batches(
            _partition(user_id, pk={"S": f"THROTTLE#password#{user_id}"}), lambda i: [{"pk": i["pk"], "sk": i["sk"]}]
        )
        # 5. The username (free again), then the profile: the mark goes last.
        try:
            dynamodb.table_call(
                "delete_item",
                Key={"pk": {"S": f"USERNAME#{username.casefold()}"}, "sk": {"S": "USERNAME"}},
                ConditionExpression="attribute_not_exists(pk) OR user_id = :id",
                ExpressionAttributeValues={":id": {"S": user_id}},
            )
        except ConditionFailed:
            pass  # someone else's since: theirs to keep
        dynamodb.table_call("delete_item", Key={"pk": _pk(user_id), "sk": {"S": "PROFILE"}})
        return counts
