"""Django session engine on DynamoDB (SESSION_ENGINE = "accounts.sessions").

Items: pk = SESSION#<key>, sk = SESSION, with the encoded data, the signed-in user's id and a TTL
(`expires_at`, epoch seconds). DynamoDB deletes expired items lazily, so expiry is also checked on read.
The keys of a user's sessions are kept in a string set at pk = USER#<id>, sk = SESSIONS, so a password
change can end every other session of that user.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.utils.crypto import get_random_string

from console.aws import dynamodb
from console.aws.dynamodb import table_call as _call
from console.aws.errors import ConditionFailed

USER_ID_KEY = "_uid"
_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _key(session_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"SESSION#{session_key}"}, "sk": {"S": "SESSION"}}


def _sessions_set_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "SESSIONS"}}


class SessionStore(SessionBase):
    def load(self) -> dict[str, Any]:
        if not self.session_key:
            return {}
        item = _call("get_item", Key=_key(self.session_key), ConsistentRead=True).get("Item")
        if not item or int(item.get("expires_at", {}).get("N", "0")) <= time.time():
            self._session_key = None
            return {}
        return self.decode(item["data"]["S"])

    def exists(self, session_key: str) -> bool:
        return bool(_call("get_item", Key=_key(session_key)).get("Item"))

    def create(self) -> None:
        while True:
            self._session_key = get_random_string(40, _KEY_CHARS)
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        item = {
            **_key(self._get_or_create_session_key()),
            "type": {"S": "session"},
            "data": {"S": self.encode(data)},
            "expires_at": {"N": str(int(time.time()) + self.get_expiry_age())},
        }
        if data.get(USER_ID_KEY):
            item["user_id"] = {"S": str(data[USER_ID_KEY])}
        condition = "attribute_not_exists(pk)" if must_create else "attribute_exists(pk)"
        try:
            _call("put_item", Item=item, ConditionExpression=condition)
        except ConditionFailed:
            if must_create:
                raise CreateError from None
            raise UpdateError from None  # the session was deleted meanwhile (signed out elsewhere)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        _call("delete_item", Key=_key(session_key))

    @classmethod
    def clear_expired(cls) -> None:
        """DynamoDB's TTL removes expired sessions; nothing to do."""


def remember_user_session(*, user_id: str, session_key: str) -> None:
    _call(
        "update_item",
        Key=_sessions_set_key(user_id),
        UpdateExpression="ADD session_keys :k SET #type = :t",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":k": {"SS": [session_key]}, ":t": {"S": "session_set"}},
    )


def forget_user_session(*, user_id: str, session_key: str) -> None:
    _call(
        "update_item",
        Key=_sessions_set_key(user_id),
        UpdateExpression="DELETE session_keys :k",
        ExpressionAttributeValues={":k": {"SS": [session_key]}},
    )


def end_user_sessions(*, user_id: str, keep: str | None = None) -> int:
    """Delete every session of the user except `keep`. Returns how many were ended."""
    item = _call("get_item", Key=_sessions_set_key(user_id), ConsistentRead=True).get("Item") or {}
    keys = [k for k in item.get("session_keys", {}).get("SS", []) if k != keep]
    for start in range(0, len(keys), 25):
        batch = [{"DeleteRequest": {"Key": _key(k)}} for k in keys[start : start + 25]]
        pending: dict[str, Any] = {dynamodb.table_name(): batch}
        while pending:
            pending = dynamodb.call("batch_write_item", RequestItems=pending).get("UnprocessedItems") or {}
    if keys:
        _call(
            "update_item",
            Key=_sessions_set_key(user_id),
            UpdateExpression="DELETE session_keys :k",
            ExpressionAttributeValues={":k": {"SS": keys}},
        )
    return len(keys)
