"""UserRepository on DynamoDB.

Items: the profile at pk = USER#<id>, sk = PROFILE; the username claim at pk = USERNAME#<casefolded>,
sk = USERNAME (holds the user id), written in one transaction with the profile so a username is unique.
"""

from __future__ import annotations

from typing import Any

from accounts.users import User, UsernameTaken, UserNotFound, username_key
from console.aws import dynamodb, table_keys
from console.aws.errors import ConditionFailed


def _profile_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.user_pk(user_id)}, "sk": {"S": "PROFILE"}}


def _username_key(username: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.username_pk(username_key(username))}, "sk": {"S": "USERNAME"}}


def _from_item(item: dict[str, Any]) -> User:
    return User(
        id=item["user_id"]["S"],
        username=item["username"]["S"],
        password_hash=item["password_hash"]["S"],
        is_admin=item["is_admin"]["BOOL"],
        created_at=item["created_at"]["S"],
        deleting_at=item.get("deleting_at", {}).get("S", ""),
        email=item.get("email", {}).get("S", ""),
        credentials_since=item.get("credentials_since", {}).get("S", ""),
        revoke_pending=item.get("revoke_pending", {}).get("BOOL", False),
    )


class DynamoDBUserRepository:
    def add(self, user: User) -> User:
        table = dynamodb.table_name()
        profile = {
            **_profile_key(user.id),
            "type": {"S": "user"},
            "user_id": {"S": user.id},
            "username": {"S": user.username},
            "password_hash": {"S": user.password_hash},
            "is_admin": {"BOOL": user.is_admin},
            "created_at": {"S": user.created_at},
        }
        claim = {**_username_key(user.username), "type": {"S": "username"}, "user_id": {"S": user.id}}
        try:
            dynamodb.call(
                "transact_write_items",
                TransactItems=[
                    {"Put": {"TableName": table, "Item": claim, "ConditionExpression": "attribute_not_exists(pk)"}},
                    {"Put": {"TableName": table, "Item": profile, "ConditionExpression": "attribute_not_exists(pk)"}},
                ],
            )
        except ConditionFailed as exc:
            reasons = exc.cancellation_reasons
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise UsernameTaken(user.username) from None
            raise exc.unavailable() from exc
        return user

    def _get_item(self, key: dict[str, Any]) -> dict[str, Any] | None:
        return dynamodb.table_call("get_item", Key=key, ConsistentRead=True).get("Item")

    def get(self, *, user_id: str) -> User:
        item = self._get_item(_profile_key(user_id))
        if not item:
            raise UserNotFound(user_id)
        return _from_item(item)

    def get_by_username(self, *, username: str) -> User:
        claim = self._get_item(_username_key(username))
        if not claim:
            raise UserNotFound(username)
        return self.get(user_id=claim["user_id"]["S"])

    def set_password_hash(self, *, user_id: str, password_hash: str, credentials_since: str = "") -> User:
        update, values = "SET password_hash = :h", {":h": {"S": password_hash}}
        if credentials_since:  # one write: the new password never holds without the older credentials refused
            update += ", credentials_since = :since, revoke_pending = :true"
            values |= {":since": {"S": credentials_since}, ":true": {"BOOL": True}}
        try:
            resp = dynamodb.table_call(
                "update_item",
                Key=_profile_key(user_id),
                UpdateExpression=update,
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ConditionFailed:
            raise UserNotFound(user_id) from None
        return _from_item(resp["Attributes"])

    def revocation_done(self, *, user_id: str, credentials_since: str) -> None:
        try:
            dynamodb.table_call(
                "update_item",
                Key=_profile_key(user_id),
                UpdateExpression="REMOVE revoke_pending",
                ConditionExpression="credentials_since = :since",
                ExpressionAttributeValues={":since": {"S": credentials_since}},
            )
        except ConditionFailed:
            pass  # changed again meanwhile (or deleted): that change finishes its own revocation
