"""Erasing an account from the table: everything of the user, in batches, resumable.

What a user has, by key (console/aws/dynamodb.py's KEY_PREFIXES lists every prefix the table holds):
- in their partitions (USER_PARTITIONS): pk = USER#<id>: PROFILE, SESSIONS (their session keys), TOKEN#<id>
  (token listings), NOTE#<id> (notes, live and trashed), HIST#<id>#<n> (versions), IDEMP#<key> (which
  Idempotency-Key records are theirs), RESET#<hash> (which reset links are theirs), EMAILCHECK#<hash> (their
  pending address checks); pk = WORDS#<id>: the
  search index of their notes;
- elsewhere, found through those: USERNAME#<name>, TOKEN#<hash> (token lookups), SESSION#<key>,
  IDEMPOTENCY#<id>#<key>, RESET#<hash>, EMAILCHECK#<hash>, EMAIL#<address> (from the profile); and the throttle's items of the user: password checks (by id),
  failed sign-ins of the account (by name), the addresses they signed in from and failed sign-ins from those.

The search index is also kept from the table's stream: a note's REMOVE record drops its entries, so a record
still in flight when the index partition is emptied is undone by the note's own REMOVE after it.

The profile is marked `deleting_at` before anything goes, and deleted last; every step deletes by key
what it finds, so running it again after an interruption finishes the job. Credentials go first (API
tokens, then sessions), so nothing can act for the user while the rest is erased.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from accounts.email_addresses import check_lookup_key
from accounts.reset_links import lookup_key as reset_lookup_key
from accounts.sessions import end_user_sessions
from accounts.throttle import (
    ACCOUNT_SCOPE,
    PASSWORD_SCOPE,
    SIGNIN_SCOPE,
    account_subject,
    counter_pk,
    known_pk,
    signin_subject,
)
from accounts.users import DeletionIncomplete, username_key
from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed, StoreUnavailable

BATCH_MAX = 25  # DynamoDB's limit per BatchWriteItem
_BATCH_ATTEMPTS = 5


def _pk(user_id: str) -> dict[str, str]:
    return {"S": table_keys.user_pk(user_id)}


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
    user_id = item["pk"]["S"].removeprefix(table_keys.USER)
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
            _partition(user_id, prefix=table_keys.TOKEN, attributes="pk, sk, token_hash"),
            lambda i: [
                {"pk": {"S": table_keys.token_pk(i["token_hash"]["S"])}, "sk": {"S": "TOKEN"}},
                {"pk": i["pk"], "sk": i["sk"]},
            ],
        )
        # 2. Every session: signed out everywhere.
        counts["sessions"] = end_user_sessions(user_id=user_id)
        # 3. Idempotency-Key records (a copy of a note each) and their references.
        counts["idempotency"] = _in_batches(
            _partition(user_id, prefix=table_keys.IDEMP),
            lambda i: [
                {
                    "pk": {"S": table_keys.idempotency_pk(user_id, i["sk"]["S"].removeprefix(table_keys.IDEMP))},
                    "sk": {"S": "IDEMPOTENCY"},
                },
                {"pk": i["pk"], "sk": i["sk"]},
            ],
        )
        # 3b. Attachments (ATT#<note>#<id>, notes/attachments_dynamodb.py): their files in S3, then the records.
        counts["attachments"] = _in_batches(
            _partition(user_id, prefix=table_keys.ATT), _attachment_objects_deleted, deadline
        )
        # 4. Reset links not used yet, and their references.
        counts["reset_links"] = _in_batches(
            _partition(user_id, prefix=table_keys.RESET),
            lambda i: [reset_lookup_key(i["sk"]["S"].removeprefix(table_keys.RESET)), {"pk": i["pk"], "sk": i["sk"]}],
        )
        # 4b. Email address checks not used yet, and their references.
        counts["email_checks"] = _in_batches(
            _partition(user_id, prefix=table_keys.EMAILCHECK),
            lambda i: [
                check_lookup_key(i["sk"]["S"].removeprefix(table_keys.EMAILCHECK)),
                {"pk": i["pk"], "sk": i["sk"]},
            ],
        )
        # 5. Notes, trash, history and anything else of the partition, but the profile; then the user's other
        # partitions (the search index).
        counts["items"] = _in_batches(
            (i for i in _partition(user_id) if i["sk"]["S"] != "PROFILE"),
            lambda i: [{"pk": i["pk"], "sk": i["sk"]}],
            deadline,
        )
        for prefix in dynamodb.USER_PARTITIONS:
            if prefix != table_keys.USER:
                counts["items"] += _in_batches(
                    _partition(user_id, pk={"S": f"{prefix}{user_id}"}),
                    lambda i: [{"pk": i["pk"], "sk": i["sk"]}],
                    deadline,
                )
        # 6. The throttle's items: password checks (by id), the account's failed sign-ins (by name), failed
        # sign-ins from the addresses the user signed in from, then those addresses.
        known = list(_partition(user_id, pk={"S": known_pk(username)}))
        counters = [counter_pk(PASSWORD_SCOPE, user_id), counter_pk(ACCOUNT_SCOPE, account_subject(username=username))]
        counters += [
            counter_pk(
                SIGNIN_SCOPE,
                signin_subject(username=username, client_address=i["sk"]["S"].removeprefix(table_keys.ADDRESS)),
            )
            for i in known
        ]
        for pk in counters:
            _in_batches(_partition(user_id, pk={"S": pk}), lambda i: [{"pk": i["pk"], "sk": i["sk"]}])
        delete_keys([{"pk": i["pk"], "sk": i["sk"]} for i in known])
        # 7. The username (free again), then the profile: the mark goes last.
        try:
            dynamodb.table_call(
                "delete_item",
                Key={"pk": {"S": table_keys.username_pk(username_key(username))}, "sk": {"S": "USERNAME"}},
                ConditionExpression="attribute_not_exists(pk) OR user_id = :id",
                ExpressionAttributeValues={":id": {"S": user_id}},
            )
        except ConditionFailed:
            pass  # someone else's since: theirs to keep
        # The checked email address (free again; a pending check link expires by itself).
        profile = dynamodb.table_call(
            "get_item", Key={"pk": _pk(user_id), "sk": {"S": "PROFILE"}}, ConsistentRead=True
        ).get("Item")
        if profile and "email" in profile:
            try:
                dynamodb.table_call(
                    "delete_item",
                    Key={
                        "pk": {"S": table_keys.email_pk(profile["email"]["S"].strip().casefold())},
                        "sk": {"S": "EMAIL"},
                    },
                    ConditionExpression="attribute_not_exists(pk) OR user_id = :id",
                    ExpressionAttributeValues={":id": {"S": user_id}},
                )
            except ConditionFailed:
                pass
        dynamodb.table_call("delete_item", Key={"pk": _pk(user_id), "sk": {"S": "PROFILE"}})
        return counts
