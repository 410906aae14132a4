"""TokenRepository on DynamoDB.

Items: the lookup item at pk = TOKEN#<sha256 of the token>, sk = TOKEN (owner id, username, admin flag,
name, created_at, last_used_at), and a listing item in the owner's partition at pk = USER#<id>,
sk = TOKEN#<token id> (name, created_at, hint, the hash). Both are written and deleted in one transaction.
Listing a user's tokens is a Query on their partition, never a Scan.
"""

from __future__ import annotations

from typing import Any

from accounts.tokens import ApiToken, TokenNotFound, TokenOwner
from accounts.users import User
from console.aws import dynamodb, table_keys
from console.aws.dynamodb import call as _call
from console.aws.errors import ConditionFailed


def _lookup_key(token_hash: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.token_pk(token_hash)}, "sk": {"S": "TOKEN"}}


def _listing_key(user_id: str, token_id: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.user_pk(user_id)}, "sk": {"S": table_keys.token_sk(token_id)}}


class DynamoDBTokenRepository:
    def add(self, token: ApiToken, *, token_hash: str, owner: User) -> ApiToken:
        table = dynamodb.table_name()
        lookup = {
            **_lookup_key(token_hash),
            "type": {"S": "api_token"},
            "token_id": {"S": token.id},
            "user_id": {"S": owner.id},
            "username": {"S": owner.username},
            "is_admin": {"BOOL": bool(owner.is_admin)},
            "name": {"S": token.name},
            "created_at": {"S": token.created_at},
        }
        listing = {
            **_listing_key(owner.id, token.id),
            "type": {"S": "api_token_ref"},
            "token_id": {"S": token.id},
            "name": {"S": token.name},
            "created_at": {"S": token.created_at},
            "hint": {"S": token.hint},
            "token_hash": {"S": token_hash},
        }
        if token.credentials:
            lookup["credentials"] = listing["credentials"] = {"S": token.credentials}
        try:
            _call(
                "transact_write_items",
                TransactItems=[
                    {"Put": {"TableName": table, "Item": lookup, "ConditionExpression": "attribute_not_exists(pk)"}},
                    {"Put": {"TableName": table, "Item": listing, "ConditionExpression": "attribute_not_exists(pk)"}},
                ],
            )
        except ConditionFailed as exc:  # a 256-bit collision or a reused token id: not worth a retry loop
            raise exc.unavailable() from exc
        return token

    def list(self, *, user_id: str) -> list[ApiToken]:
        table = dynamodb.table_name()
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": table_keys.user_pk(user_id)},
                ":prefix": {"S": table_keys.TOKEN},
            },
            "ConsistentRead": True,
        }
        while True:
            resp = _call("query", **kwargs)
            items.extend(resp.get("Items", []))
            if not resp.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        last_used = self._last_used([item["token_hash"]["S"] for item in items])
        tokens = [
            ApiToken(
                id=item["token_id"]["S"],
                user_id=user_id,
                name=item["name"]["S"],
                created_at=item["created_at"]["S"],
                hint=item["hint"]["S"],
                last_used_at=last_used.get(item["token_hash"]["S"], ""),
                credentials=item.get("credentials", {}).get("S", ""),
            )
            for item in items
        ]
        return sorted(tokens, key=lambda t: (t.created_at, t.id))

    def _last_used(self, hashes: list[str]) -> dict[str, str]:
        """last_used_at lives on the lookup items (the ones authentication touches): one BatchGetItem."""
        found: dict[str, str] = {}
        table = dynamodb.table_name()
        for start in range(0, len(hashes), 100):
            pending: dict[str, Any] = {
                table: {
                    "Keys": [_lookup_key(h) for h in hashes[start : start + 100]],
                    "ProjectionExpression": "pk, last_used_at",
                    "ConsistentRead": True,
                }
            }
            while pending:
                resp = _call("batch_get_item", RequestItems=pending)
                for item in resp.get("Responses", {}).get(table, []):
                    if "last_used_at" in item:
                        found[item["pk"]["S"].removeprefix(table_keys.TOKEN)] = item["last_used_at"]["S"]
                pending = resp.get("UnprocessedKeys") or {}
        return found

    def delete(self, *, user_id: str, token_id: str) -> None:
        table = dynamodb.table_name()
        listing = _call("get_item", TableName=table, Key=_listing_key(user_id, token_id), ConsistentRead=True).get(
            "Item"
        )
        if not listing or listing.get("type", {}).get("S") != "api_token_ref":
            raise TokenNotFound(token_id)
        try:
            _call(
                "transact_write_items",
                TransactItems=[
                    {"Delete": {"TableName": table, "Key": _lookup_key(listing["token_hash"]["S"])}},
                    {
                        "Delete": {
                            "TableName": table,
                            "Key": _listing_key(user_id, token_id),
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                ],
            )
        except ConditionFailed as exc:
            if exc.code == "TransactionCanceledException":
                raise TokenNotFound(token_id) from None  # revoked meanwhile (another tab)
            raise exc.unavailable() from exc

    def authenticate(self, *, token_hash: str, now: str, touch_before: str) -> TokenOwner | None:
        # One UpdateItem both reads the token and, when the recorded last use is stale, records this one.
        # When the condition fails, DynamoDB still hands back the item (ReturnValuesOnConditionCheckFailure),
        # so a valid token costs exactly one call whether or not it is touched.
        try:
            resp = _call(
                "update_item",
                TableName=dynamodb.table_name(),
                Key=_lookup_key(token_hash),
                UpdateExpression="SET last_used_at = :now",
                ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :before)",
                ExpressionAttributeValues={":now": {"S": now}, ":before": {"S": touch_before}},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            item = resp.get("Attributes")
        except ConditionFailed as exc:
            item = exc.item
        if not item or item.get("type", {}).get("S") != "api_token":
            return None
        user = User(id=item["user_id"]["S"], username=item["username"]["S"], is_admin=item["is_admin"]["BOOL"])
        return TokenOwner(
            token_id=item["token_id"]["S"], user=user, credentials=item.get("credentials", {}).get("S", "")
        )
