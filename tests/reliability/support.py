"""Helpers of the reliability suites: signed-in clients, a look into the table, faults at botocore's edge."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from django.test import Client

from tests.conftest import session_client  # noqa: F401  (the suites import it from here)

PASSWORD = "correct horse battery staple"
REFERENCE_RE = re.compile(r"Reference: <code>([0-9a-f]{32})</code>")


# --- personas and clients -------------------------------------------------------------------------


def make_user(name: str, *, is_admin: bool = False):
    """A user named `name` plus a suffix: tests share their module's table, and usernames are unique."""
    from accounts.services import user_create

    return user_create(username=f"{name}-{uuid.uuid4().hex[:8]}", password=PASSWORD, is_admin=is_admin)


def token_client(user, **client_kwargs) -> Client:
    """A test Client sending a fresh personal API token of `user`."""
    from accounts.services import token_create

    _, secret = token_create(user=user, name="reliability")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **client_kwargs)


def send_json(client: Client, method: str, path: str, body: object = None, **extra: Any):
    data = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
    content_type = extra.pop("content_type", "application/json")
    return getattr(client, method.lower())(path, data=data, content_type=content_type, **extra)


def text(response) -> str:
    return response.content.decode()


# --- the table, seen from outside the app -----------------------------------------------------------


def user_data(client: Any, table: str) -> dict[tuple[str, str], dict[str, Any]]:
    """What users wrote, by key: notes (live and trashed), recorded versions and idempotency records.
    Sessions, tokens' last use and throttle counters change on their own and are left out."""
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        resp = client.scan(**kwargs)  # a test's look at everything; the app never scans
        for item in resp.get("Items", []):
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if sk.startswith(("NOTE#", "HIST#")) or pk.startswith("IDEMPOTENCY#"):
                kept[(pk, sk)] = item
        if "LastEvaluatedKey" not in resp:
            return kept
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


@dataclass
class Store:
    """The test's own client on a table of moto's server: what is stored, whatever the app believes."""

    endpoint: str
    table: str
    client: Any = field(init=False)

    def __post_init__(self) -> None:
        self.client = boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def user_data(self) -> dict[tuple[str, str], dict[str, Any]]:
        return user_data(self.client, self.table)


# --- faults ----------------------------------------------------------------------------------------

THROTTLE = "throttle"
INTERNAL = "internal"
TIMEOUT = "timeout"
KINDS = (THROTTLE, INTERNAL, TIMEOUT)
LOST_ANSWER = "lost-answer"  # the request reaches the table, then the answer times out

_ERROR_BODIES = {
    THROTTLE: (
        400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    INTERNAL: (500, "com.amazon.coral.service#InternalServerError", "Internal server error"),
}

READS = frozenset({"GetItem", "Query", "BatchGetItem"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterable[bytes]:
        yield self._body


def error_response(kind: str, url: str) -> AWSResponse:
    status, error_type, message = _ERROR_BODIES[kind]
    body = json.dumps({"__type": error_type, "message": message}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault-injected"}
    return AWSResponse(url=url, status_code=status, headers=headers, raw=_Body(body))


@dataclass
class _Rule:
    kind: str
    operations: frozenset[str]
    times: int | None  # None: every matching attempt
    auth: bool  # whether the session's and the API token's own reads and writes fail too
    hits: list[str] = field(default_factory=list)


class Faults:
    """Injects DynamoDB faults into the app's client in botocore's `before-send` chain: after signing, inside
    the retry loop, in place of the network. So the client's own retries (standard mode) see each fault as
    they would see DynamoDB's answer, and nothing reaches the table. Only for a client on moto's server: in
    process, moto's own before-send handler would still carry the request out."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._events = client.meta.events
        self._rules: list[_Rule] = []
        self.attempts: list[str] = []  # every attempt the app's client made, faulty or not
        self._events.register_first("before-send.dynamodb", self._before_send)

    def inject(
        self, kind: str, *, operations: Iterable[str] = READS | WRITES, times: int | None = None, auth: bool = False
    ) -> _Rule:
        rule = _Rule(kind=kind, operations=frozenset(operations), times=times, auth=auth)
        self._rules.append(rule)
        return rule

    def clear(self) -> None:
        self._rules.clear()

    def close(self) -> None:
        self.clear()
        self._events.unregister("before-send.dynamodb", self._before_send)

    def _before_send(self, request, **_: object):
        operation = request.headers.get("X-Amz-Target", b"")
        operation = (operation.decode() if isinstance(operation, bytes) else operation).rsplit(".", 1)[-1]
        self.attempts.append(operation)
        body = request.body or b""
        # A session (SESSION#<key>), a user's set of them (SESSIONS), an API token (TOKEN#<hash>).
        is_auth = b"SESSION" in body or b'"TOKEN#' in body
        for rule in self._rules:
            if operation not in rule.operations or (is_auth and not rule.auth):
                continue
            if rule.times is not None and len(rule.hits) >= rule.times:
                continue
            rule.hits.append(operation)
            if rule.kind == LOST_ANSWER:
                self._client._endpoint.http_session.send(request)
                raise ReadTimeoutError(endpoint_url=request.url)
            if rule.kind == TIMEOUT:
                raise ReadTimeoutError(endpoint_url=request.url)
            return error_response(rule.kind, request.url)
        return None
