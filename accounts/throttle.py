"""Counters that throttle repeated failures (sign-ins, old-password checks), kept in DynamoDB.

Items: pk = THROTTLE#<scope>#<subject>, sk = WINDOW#<n>, where n numbers fixed windows of `window` seconds
since the epoch; `attempts` counts the attempts made in that window and `expires_at` (the TTL attribute)
is the window's end, so DynamoDB removes old counters by itself.

The pages (sign-in, and the password checks of the password and delete pages) count failures only:
`throttle_check` (or `throttle_failures`, one strongly consistent BatchGetItem for several counters) before the
password is checked refuses with `Throttled` once a window holds `limit` failures, so a throttled guess costs a
read and no hashing; `throttle_fail` counts a wrong one after the check (one write, or one transaction for
several counters); a success clears the window's counter. Counting attempts instead (`throttle_hit`, one
conditional `ADD` before the check) refused the right password when many sign-ins were in flight at once: 50
parallel sign-ins with the right password, 45 told "Too many failed sign-ins". The price: guesses that arrive
together, before any of their failures is recorded, are all checked. Fixed windows: a burst straddling a window
boundary can reach twice the limit, which still bounds guessing to `limit` per window over any longer stretch.

Sign-ins are counted twice: per username and address (5 per 15 minutes), and per account across all
addresses, in a longer, gentler window (20 per hour), so many addresses cannot each take their 5. The
account's cap spares the addresses its owner signed in from lately (`known_address`, kept 30 days), so an
attack from elsewhere does not lock the owner out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accounts.users import username_key
from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed

# The counters' scopes: failed sign-ins per name and address, per account, and password checks per user id.
SIGNIN_SCOPE = "signin"
ACCOUNT_SCOPE = "signin-account"
PASSWORD_SCOPE = "password"


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: int  # seconds


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many attempts; retry in {retry_after} s")
        self.retry_after = max(1, retry_after)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _now() -> float:
    return time.time()


def _window(limit: Limit, now: float) -> tuple[int, int]:
    """(window number, window end in epoch seconds)."""
    number = int(now // limit.window)
    return number, (number + 1) * limit.window


def counter_pk(scope: str, subject: str) -> str:
    return table_keys.throttle_pk(scope, subject)


def _key(limit: Limit, subject: str, number: int) -> dict[str, Any]:
    return {"pk": {"S": counter_pk(limit.scope, subject)}, "sk": {"S": table_keys.window_sk(number)}}


def throttle_hit(*, limit: Limit, subject: str, now: float | None = None) -> int:
    """Count one attempt for `subject`; raise Throttled if the window already holds `limit` attempts.

    One conditional UpdateItem. Returns the number of attempts in the window, this one included.
    """
    now = _now() if now is None else now
    number, end = _window(limit, now)
    try:
        resp = dynamodb.table_call(
            "update_item",
            Key=_key(limit, subject, number),
            UpdateExpression="ADD attempts :one SET expires_at = :end, #type = :type",
            ConditionExpression="attribute_not_exists(attempts) OR attempts < :limit",
            ExpressionAttributeNames={"#type": "type"},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":end": {"N": str(end)},
                ":type": {"S": "throttle"},
                ":limit": {"N": str(limit.attempts)},
            },
            ReturnValues="UPDATED_NEW",
        )
    except ConditionFailed:
        raise Throttled(math.ceil(end - now)) from None
    return int(resp["Attributes"]["attempts"]["N"])


def throttle_failures(counters: Sequence[tuple[Limit, str]], *, now: float | None = None) -> list[int]:
    """How many failures each (limit, subject) holds in its current window: one strongly consistent
    BatchGetItem, nothing counted (see throttle_fail)."""
    now = _now() if now is None else now
    keys = [_key(limit, subject, _window(limit, now)[0]) for limit, subject in counters]
    table, found = dynamodb.table_name(), {}
    request: dict[str, Any] = {table: {"Keys": keys, "ConsistentRead": True}}
    while request:
        resp = dynamodb.call("batch_get_item", RequestItems=request)
        for item in resp.get("Responses", {}).get(table, []):
            found[(item["pk"]["S"], item["sk"]["S"])] = int(item.get("attempts", {}).get("N", "0"))
        request = resp.get("UnprocessedKeys") or {}
    return [found.get((k["pk"]["S"], k["sk"]["S"]), 0) for k in keys]


def throttled(limit: Limit, *, now: float | None = None) -> Throttled:
    """The refusal for a full window of `limit`, with the seconds left in it."""
    now = _now() if now is None else now
    return Throttled(math.ceil(_window(limit, now)[1] - now))


def throttle_check(*, limit: Limit, subject: str, now: float | None = None) -> int:
    """Raise Throttled if the window already holds `limit` failures; else return how many it holds."""
    (failures,) = throttle_failures([(limit, subject)], now=now)
    if failures >= limit.attempts:
        raise throttled(limit, now=now)
    return failures


def throttle_fail(counters: Sequence[tuple[Limit, str]], *, now: float | None = None) -> None:
    """Count one failure for each (limit, subject), in one call (unconditionally: failures that land together
    are all counted)."""
    now = _now() if now is None else now
    updates = []
    for limit, subject in counters:
        _, end = _window(limit, now)
        updates.append(
            {
                "Key": _key(limit, subject, _window(limit, now)[0]),
                "UpdateExpression": "ADD attempts :one SET expires_at = :end, #type = :type",
                "ExpressionAttributeNames": {"#type": "type"},
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":end": {"N": str(end)}, ":type": {"S": "throttle"}},
            }
        )
    if len(updates) == 1:
        dynamodb.table_call("update_item", **updates[0])
    else:
        table = dynamodb.table_name()
        dynamodb.call("transact_write_items", TransactItems=[{"Update": {"TableName": table, **u}} for u in updates])


def throttle_clear(*, limit: Limit, subject: str, now: float | None = None) -> None:
    """Forget the attempts of the current window (after a success)."""
    now = _now() if now is None else now
    number, _ = _window(limit, now)
    dynamodb.table_call("delete_item", Key=_key(limit, subject, number))


def signin_subject(*, username: str, client_address: str) -> str:
    # Usernames are at most 40 characters; a longer typed value can't exist, so cutting it only bounds the key.
    return f"{username_key(username)[:64]}#{client_address}"


def account_subject(*, username: str) -> str:
    return username_key(username)[:64]


# --- the addresses an account's owner signed in from: exempt from the per-account cap ---------------------


def known_pk(username: str) -> str:
    return table_keys.throttle_pk(table_keys.KNOWN_SCOPE, account_subject(username=username))


def _known_key(username: str, address: str) -> dict[str, Any]:
    return {"pk": {"S": known_pk(username)}, "sk": {"S": table_keys.address_sk(address)}}


def known_address_remember(*, username: str, address: str, days: int, now: float | None = None) -> None:
    """Remember that the account's owner signed in from `address` (for `days`, a TTL item)."""
    now = _now() if now is None else now
    dynamodb.table_call(
        "put_item",
        Item={
            **_known_key(username, address),
            "type": {"S": "throttle"},
            "expires_at": {"N": str(int(now + days * 86400))},
        },
    )


def known_address(*, username: str, address: str, now: float | None = None) -> bool:
    """Whether the account's owner signed in from `address` lately (strongly consistent)."""
    now = _now() if now is None else now
    item = dynamodb.table_call("get_item", Key=_known_key(username, address), ConsistentRead=True).get("Item")
    return bool(item) and int(item["expires_at"]["N"]) > now
