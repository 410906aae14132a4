"""One-time password reset links, for a site without email: an admin runs
`manage.py password_reset_link USERNAME` (or Zappa's `manage` event) and hands the printed link to the user.

The link carries a random secret; only its SHA-256 is stored, at pk = RESET#<hash>, sk = RESET, with the
user's id, a fingerprint of the password hash it was made for and a TTL; a reference at pk = USER#<id>,
sk = RESET#<hash> (same TTL) lets account deletion find it. Using it is one conditional
DeleteItem, so it works once; it stops working when it expires or once the password has changed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from console.aws import table_keys
from console.aws.dynamodb import TTL_ATTRIBUTE, table_call
from console.aws.errors import ConditionFailed

RESET_LINK_MINUTES = 30
SECRET_BYTES = 32


class ResetLinkInvalid(Exception):
    def __init__(self) -> None:
        super().__init__("This reset link is not valid: it was used already, has expired or was never made.")


@dataclass(frozen=True)
class ResetLink:
    user_id: str
    password_fingerprint: str
    expires_at: int


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(secret: str) -> dict[str, Any]:
    return lookup_key(_hash(secret))


def lookup_key(secret_hash: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.reset_pk(secret_hash)}, "sk": {"S": "RESET"}}


def _from_item(item: dict[str, Any] | None, now: int) -> ResetLink:
    if not item or item.get("type", {}).get("S") != "reset_link" or int(item[TTL_ATTRIBUTE]["N"]) <= now:
        raise ResetLinkInvalid()  # DynamoDB deletes expired items lazily: the expiry is checked here too
    return ResetLink(item["user_id"]["S"], item["password_fingerprint"]["S"], int(item[TTL_ATTRIBUTE]["N"]))


def reset_link_store(*, user_id: str, password_hash: str, minutes: int = RESET_LINK_MINUTES) -> tuple[str, int]:
    """A new link's secret and its expiry (epoch seconds)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    expires_at = int(time.time()) + minutes * 60
    # A reference in the user's partition first, so deleting the account finds every link (no Scan).
    table_call(
        "put_item",
        Item={
            "pk": {"S": table_keys.user_pk(user_id)},
            "sk": {"S": table_keys.reset_sk(_hash(secret))},
            "type": {"S": "reset_link_ref"},
            TTL_ATTRIBUTE: {"N": str(expires_at)},
        },
    )
    table_call(
        "put_item",
        Item={
            **_key(secret),
            "type": {"S": "reset_link"},
            "user_id": {"S": user_id},
            "password_fingerprint": {"S": password_fingerprint(password_hash)},
            TTL_ATTRIBUTE: {"N": str(expires_at)},
        },
        ConditionExpression="attribute_not_exists(pk)",
    )
    return secret, expires_at


def reset_link_get(*, secret: str) -> ResetLink:
    item = table_call("get_item", Key=_key(secret), ConsistentRead=True).get("Item")
    return _from_item(item, int(time.time()))


def reset_link_consume(*, secret: str) -> ResetLink:
    """Delete the link if it is still valid and return what it was for; ResetLinkInvalid otherwise (so of
    two uses at once, one wins)."""
    now = int(time.time())
    try:
        resp = table_call(
            "delete_item",
            Key=_key(secret),
            ConditionExpression="attribute_exists(pk) AND #exp > :now",
            ExpressionAttributeNames={"#exp": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":now": {"N": str(now)}},
            ReturnValues="ALL_OLD",
        )
    except ConditionFailed:
        raise ResetLinkInvalid() from None
    return _from_item(resp.get("Attributes"), now)
