"""Django session engine on DynamoDB (SESSION_ENGINE = "accounts.sessions").

Items: pk = SESSION#<key>, sk = SESSION, with the encoded data, the signed-in user's id and a TTL
(`expires_at`, epoch seconds). DynamoDB deletes expired items lazily, so expiry is also checked on read.
The keys of a user's sessions are kept in a string set at pk = USER#<id>, sk = SESSIONS, so a password
change can end every other session of that user; the set is capped (SESSIONS_PER_USER) and pruned of
ended sessions when full.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.utils.crypto import get_random_string

from accounts.session_keys import CREDENTIALS_KEY, USER_ID_KEY
from console.aws import dynamodb, table_keys
from console.aws.dynamodb import table_call as _call
from console.aws.errors import ConditionFailed

_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _key(session_key: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.session_pk(session_key)}, "sk": {"S": "SESSION"}}


def _sessions_set_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": table_keys.user_pk(user_id)}, "sk": {"S": "SESSIONS"}}


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
        if data.get(CREDENTIALS_KEY):
            item["credentials"] = {"S": str(data[CREDENTIALS_KEY])}
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
    """Add the key to the user's set. A full set (SESSIONS_PER_USER) is pruned first: keys of sessions that
    expired or ended leave it, and if it is still full the least recently saved sessions are ended, so the
    item stays small however often the user signs in (it would otherwise reach DynamoDB's 400 KB)."""
    item = _call("get_item", Key=_sessions_set_key(user_id), ConsistentRead=True).get("Item") or {}
    keys = set(item.get("session_keys", {}).get("SS", []))
    if len(keys) + 1 > settings.SESSIONS_PER_USER and _replace_pruned_set(user_id, item, keys, session_key):
        return
    # rev counts additions, so a pruning writer that read an older set does not drop this key.
    _call(
        "update_item",
        Key=_sessions_set_key(user_id),
        UpdateExpression="ADD session_keys :k, rev :one SET #type = :t",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":k": {"SS": [session_key]}, ":one": {"N": "1"}, ":t": {"S": "session_set"}},
    )


def _replace_pruned_set(user_id: str, item: dict[str, Any], keys: set[str], session_key: str) -> bool:
    """Write the pruned set plus `session_key` if nobody added a key since `item` was read; False if someone
    did (the caller then just adds the key: the set is pruned again at a later sign-in)."""
    alive = _session_expiries(keys)
    # Down to 90% of the cap, so the next sign-ins add without pruning again.
    room = max(0, int(settings.SESSIONS_PER_USER * 0.9) - 1)
    newest = sorted(alive, key=lambda k: alive[k], reverse=True)
    kept, evicted = newest[:room], newest[room:]
    rev = item.get("rev", {}).get("N")
    try:
        _call(
            "update_item",
            Key=_sessions_set_key(user_id),
            UpdateExpression="SET session_keys = :keys, rev = :next, #type = :t",
            ConditionExpression="rev = :rev" if rev else "attribute_not_exists(rev)",
            ExpressionAttributeNames={"#type": "type"},
            ExpressionAttributeValues={
                ":keys": {"SS": [*kept, session_key]},
                ":next": {"N": str(int(rev or 0) + 1)},
                ":t": {"S": "session_set"},
                **({":rev": {"N": rev}} if rev else {}),
            },
        )
    except ConditionFailed:
        return False
    _delete_sessions(evicted)
    return True


def _session_expiries(keys: set[str]) -> dict[str, int]:
    """expires_at of each of these sessions that still exists and has not expired (strongly consistent)."""
    now = time.time()
    found: dict[str, int] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 100):
        request: dict[str, Any] = {
            dynamodb.table_name(): {
                "Keys": [_key(k) for k in ordered[start : start + 100]],
                "ProjectionExpression": "pk, expires_at",
                "ConsistentRead": True,
            }
        }
        while request:
            resp = dynamodb.call("batch_get_item", RequestItems=request)
            for row in resp.get("Responses", {}).get(dynamodb.table_name(), []):
                expires = int(row.get("expires_at", {}).get("N", "0"))
                if expires > now:
                    found[row["pk"]["S"].removeprefix(table_keys.SESSION)] = expires
            request = resp.get("UnprocessedKeys") or {}
    return found


def _signed_in_under(keys: list[str], generation: str) -> set[str]:
    """Those of these sessions that exist and signed in under this generation (strongly consistent)."""
    found: set[str] = set()
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {
            dynamodb.table_name(): {
                "Keys": [_key(k) for k in keys[start : start + 100]],
                "ProjectionExpression": "pk, credentials",
                "ConsistentRead": True,
            }
        }
        while request:
            resp = dynamodb.call("batch_get_item", RequestItems=request)
            for row in resp.get("Responses", {}).get(dynamodb.table_name(), []):
                if row.get("credentials", {}).get("S") == generation:
                    found.add(row["pk"]["S"].removeprefix(table_keys.SESSION))
            request = resp.get("UnprocessedKeys") or {}
    return found


def _delete_sessions(keys: list[str]) -> None:
    for start in range(0, len(keys), 25):
        batch = [{"DeleteRequest": {"Key": _key(k)}} for k in keys[start : start + 25]]
        pending: dict[str, Any] = {dynamodb.table_name(): batch}
        while pending:
            pending = dynamodb.call("batch_write_item", RequestItems=pending).get("UnprocessedItems") or {}


def forget_user_session(*, user_id: str, session_key: str) -> None:
    _call(
        "update_item",
        Key=_sessions_set_key(user_id),
        UpdateExpression="DELETE session_keys :k",
        ExpressionAttributeValues={":k": {"SS": [session_key]}},
    )


def end_user_sessions(*, user_id: str, keep: str | None = None, keep_credentials: str | None = None) -> int:
    """Delete every session of the user except `keep` (and, with `keep_credentials`, those signed in under that
    generation of the credentials). Returns how many were ended."""
    item = _call("get_item", Key=_sessions_set_key(user_id), ConsistentRead=True).get("Item") or {}
    keys = [k for k in item.get("session_keys", {}).get("SS", []) if k != keep]
    if keep_credentials and keys:
        current = _signed_in_under(keys, keep_credentials)
        keys = [k for k in keys if k not in current]
    _delete_sessions(keys)
    if keys:
        _call(
            "update_item",
            Key=_sessions_set_key(user_id),
            UpdateExpression="DELETE session_keys :k",
            ExpressionAttributeValues={":k": {"SS": keys}},
        )
    return len(keys)
