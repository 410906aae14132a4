"""A user's email address: checked by a link before it is used, then the address "Forgot password?" mails.

Items:
- the check: pk = EMAILCHECK#<SHA-256 of the link's secret>, sk = EMAILCHECK, with the user's id, the address
  and a TTL (EMAIL_VERIFY_HOURS), and its reference in the user's partition (sk = EMAILCHECK#<hash>, same TTL)
  for the account's deletion. Using it is one conditional DeleteItem, so it works once.
- the claim: pk = EMAIL#<address, case folded>, sk = EMAIL, with the user's id: one account per address, and
  what "Forgot password?" looks an address up by. Written with the profile's `email` in one transaction.
- the profile's `email`: the checked address, as typed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from accounts.users import AccountValidationError
from console.aws import dynamodb, table_keys
from console.aws.dynamodb import TTL_ATTRIBUTE
from console.aws.errors import ConditionFailed

ADDRESS_MAX = 254
SECRET_BYTES = 32


class EmailCheckInvalid(Exception):
    def __init__(self) -> None:
        super().__init__("This link is not valid: it was used already, has expired or was never made.")


class EmailTaken(Exception):
    """The address is another account's already."""


def clean_address(raw: object) -> str:
    """The address as typed, surrounding spaces dropped; AccountValidationError on the field `email`."""
    address = raw.strip() if isinstance(raw, str) else ""
    if not address:
        raise AccountValidationError({"email": "Enter an email address."})
    try:
        if len(address) > ADDRESS_MAX:
            raise DjangoValidationError("too long")
        validate_email(address)
    except DjangoValidationError:
        raise AccountValidationError({"email": "Enter an email address like name@example.com."}) from None
    return address


def address_key(address: str) -> str:
    return address.strip().casefold()


def _claim_key(address: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.email_pk(address_key(address))}, "sk": {"S": "EMAIL"}}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_lookup_key(secret_hash: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.emailcheck_pk(secret_hash)}, "sk": {"S": "EMAILCHECK"}}


def _check_key(secret: str) -> dict[str, Any]:
    return check_lookup_key(_hash(secret))


def _profile_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.user_pk(user_id)}, "sk": {"S": "PROFILE"}}


def email_check_store(*, user_id: str, address: str, hours: int) -> str:
    """A new check link's secret for `address` (only its hash is stored)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    expires_at = str(int(time.time()) + hours * 3600)
    # A reference in the user's partition first, so deleting the account finds every pending check (no Scan).
    dynamodb.table_call(
        "put_item",
        Item={
            "pk": {"S": table_keys.user_pk(user_id)},
            "sk": {"S": table_keys.emailcheck_sk(_hash(secret))},
            "type": {"S": "email_check_ref"},
            TTL_ATTRIBUTE: {"N": expires_at},
        },
    )
    dynamodb.table_call(
        "put_item",
        Item={
            **_check_key(secret),
            "type": {"S": "email_check"},
            "user_id": {"S": user_id},
            "address": {"S": address},
            TTL_ATTRIBUTE: {"N": expires_at},
        },
        ConditionExpression="attribute_not_exists(pk)",
    )
    return secret


def email_check_consume(*, secret: str, user_id: str) -> str:
    """Use up the user's check link; the address it checks. EmailCheckInvalid if it is not theirs, used,
    expired or unknown (of two uses at once, one wins)."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        raise EmailCheckInvalid()
    try:
        old = dynamodb.table_call(
            "delete_item",
            Key=_check_key(secret),
            ConditionExpression="attribute_exists(pk) AND user_id = :me AND #exp > :now",
            ExpressionAttributeNames={"#exp": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":me": {"S": user_id}, ":now": {"N": str(int(time.time()))}},
            ReturnValues="ALL_OLD",
        ).get("Attributes")
    except ConditionFailed:
        raise EmailCheckInvalid() from None
    return old["address"]["S"]


def email_set(*, user_id: str, address: str, previous: str = "") -> None:
    """Make `address` the user's (claim and profile in one transaction), freeing `previous`.
    EmailTaken if another account has it."""
    table = dynamodb.table_name()
    items: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table,
                "Item": {**_claim_key(address), "type": {"S": "email"}, "user_id": {"S": user_id}},
                "ConditionExpression": "attribute_not_exists(pk) OR user_id = :me",
                "ExpressionAttributeValues": {":me": {"S": user_id}},
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": _profile_key(user_id),
                "UpdateExpression": "SET email = :a",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":a": {"S": address}},
            }
        },
    ]
    if previous and address_key(previous) != address_key(address):
        items.append(_release(table, previous, user_id))
    try:
        dynamodb.call("transact_write_items", TransactItems=items)
    except ConditionFailed as exc:
        reasons = exc.cancellation_reasons
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            raise EmailTaken() from None
        raise exc.unavailable() from exc


def _release(table: str, address: str, user_id: str) -> dict[str, Any]:
    return {
        "Delete": {
            "TableName": table,
            "Key": _claim_key(address),
            "ConditionExpression": "attribute_not_exists(pk) OR user_id = :me",
            "ExpressionAttributeValues": {":me": {"S": user_id}},
        }
    }


def email_remove(*, user_id: str, address: str) -> None:
    """The user has no address any more; its claim is freed."""
    table = dynamodb.table_name()
    update = {
        "Update": {
            "TableName": table,
            "Key": _profile_key(user_id),
            "UpdateExpression": "REMOVE email",
            "ConditionExpression": "attribute_exists(pk)",
        }
    }
    try:
        dynamodb.call("transact_write_items", TransactItems=[_release(table, address, user_id), update])
    except ConditionFailed as exc:
        raise exc.unavailable() from exc


def email_owner(*, address: str) -> str | None:
    """The id of the account whose checked address this is, or None (one strongly consistent read)."""
    item = dynamodb.table_call("get_item", Key=_claim_key(address), ConsistentRead=True).get("Item")
    return item["user_id"]["S"] if item else None
