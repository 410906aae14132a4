"""The DynamoDB table: its one definition, the process-wide client, and `call`.

Every item of the app (notes, users, sessions, throttles, ...) lives in one table per stage with
generic keys `pk`/`sk`. Sparse indexes: the LSI `by_updated` (pk + updated_sk) lists a user's live notes
newest first with strongly consistent reads; the LSI `by_deleted` (pk + deleted_sk) lists the user's trash;
the GSI `by_purge_day` (purge_day + purge_at) lets the daily purge find expired trash without a Scan.
`expires_at` is the TTL attribute.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from botocore.config import Config
from django.conf import settings

from console import observability
from console.aws import deadline, item_size, table_keys
from console.aws import session as aws_session
from console.aws.errors import ConditionFailed, StoreUnavailable
from console.aws.translation import FAILURES, table_error

__all__ = ["ConditionFailed", "StoreUnavailable", "call", "client", "create_table", "table_definition", "table_name"]

log = logging.getLogger(__name__)

BY_UPDATED_INDEX = "by_updated"
BY_DELETED_INDEX = "by_deleted"
BY_PURGE_DAY_INDEX = "by_purge_day"
TTL_ATTRIBUTE = "expires_at"
# Deploys recorded at cold start (console/health/deploy_record.py): pk DEPLOY#<function>, sk CODE#<code hash>#<settings>.
DEPLOY_PREFIX = table_keys.DEPLOY

# Every partition-key prefix the table holds: the one list (account deletion and its test derive from it).
# Each says how its items are tied to a user, so deleting an account can find all of them by key, never by Scan.
KEY_PREFIXES: dict[str, str] = {
    table_keys.USER: "USER#<user id>: the user's partition (profile, session set, token listings, notes, trash, history, "
    "Idempotency-Key and reset-link references)",
    table_keys.WORDS: "WORDS#<user id>: the user's search index (notes/search_dynamodb.py)",
    table_keys.USERNAME: "USERNAME#<casefolded name>: the username's claim, holding the user id",
    table_keys.TOKEN: "TOKEN#<sha256>: an API token's lookup item (listed in the user's partition)",
    table_keys.SESSION: "SESSION#<key>: a session (listed in the user's session set)",
    table_keys.IDEMPOTENCY: "IDEMPOTENCY#<user id>#<key>: an Idempotency-Key record (listed in the user's partition)",
    table_keys.RESET: "RESET#<sha256>: a password reset link (listed in the user's partition)",
    table_keys.EMAIL: "EMAIL#<casefolded address>: a checked email address's claim, holding the user id",
    table_keys.EMAILCHECK: "EMAILCHECK#<sha256>: an email address check link (listed in the user's partition)",
    table_keys.THROTTLE: "THROTTLE#<scope>#<subject>: failure counters (by user id, by name, by name and address) and "
    "the addresses a user signed in from",
    DEPLOY_PREFIX: "DEPLOY#<function name>: the deploys recorded at each one's first cold start "
    "(console/health/deploy_record.py); the function's, not a user's",
}
# The sort-key prefixes inside those partitions (the other sort keys are fixed words: PROFILE, SESSIONS, ...).
SORT_KEY_PREFIXES: dict[str, str] = {
    table_keys.NOTE: "in USER#: a note, live or trashed",
    table_keys.HIST: "in USER#: a note's version",
    table_keys.TOKEN: "in USER#: an API token's listing",
    table_keys.IDEMP: "in USER#: the reference to an Idempotency-Key record",
    table_keys.RESET: "in USER#: the reference to a reset link",
    table_keys.EMAILCHECK: "in USER#: the reference to an email address check link",
    table_keys.UNDO: "in USER#: a bulk action's undo record (notes/bulk_dynamodb.py; a TTL of minutes)",
    table_keys.ATT: "in USER#: an attachment of a note (ATT#<note id>#<attachment id>; its file is in S3)",
    table_keys.TERM: "in WORDS#: one word of one note",
    table_keys.MANIFEST: "in WORDS#: a note's manifest",
    table_keys.LABEL: "in WORDS#: one label of one note (L#<label key>#...)",
    table_keys.FLAG: "in WORDS#: one flag of one note (F#pinned#..., F#archived#...)",
    table_keys.WINDOW: "in THROTTLE#: one window's counter",
    table_keys.ADDRESS: "in THROTTLE#known#: an address the user signed in from",
    table_keys.CODE: "in DEPLOY#: one deploy (CODE#<code hash>#<settings digest>)",
}
# The prefixes (of either key) whose items belong to no user: deleting an account neither finds nor removes them.
NO_USER_PREFIXES: frozenset[str] = frozenset({DEPLOY_PREFIX, table_keys.CODE})
# Partitions keyed by a user's id that hold that user's items only: deleting the account empties each.
USER_PARTITIONS: tuple[str, ...] = (table_keys.USER, table_keys.WORDS)


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable arguments: the single place that defines keys, the LSI and billing."""
    return {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "updated_sk", "AttributeType": "S"},
            {"AttributeName": "deleted_sk", "AttributeType": "S"},
            {"AttributeName": "purge_day", "AttributeType": "S"},
            {"AttributeName": "purge_at", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": BY_UPDATED_INDEX,
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "updated_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": BY_DELETED_INDEX,
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "deleted_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": BY_PURGE_DAY_INDEX,
                "KeySchema": [
                    {"AttributeName": "purge_day", "KeyType": "HASH"},
                    {"AttributeName": "purge_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


_client = None
_client_lock = threading.Lock()


def client():
    """The process-wide DynamoDB client, created on first use and reused (warm Lambda invocations
    keep its connection pool). Short timeouts and standard retries so a hiccup can't eat the
    function's whole timeout."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = _make_client()
    return _client


def reset_client() -> None:
    """Forget the cached client (tests, or after the endpoint changed)."""
    global _client
    with _client_lock:
        _client = None


def _make_client():
    config = Config(
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT,
        # total_max_attempts counts the first try, as AWS_MAX_ATTEMPTS does in every AWS SDK; botocore's
        # `max_attempts` key counts retries only (3 gave 4 tries: 20 s of read timeouts on a 28 s function).
        retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        max_pool_connections=20,
    )
    kwargs: dict[str, Any] = {"region_name": settings.AWS_REGION, "config": config}
    endpoint = settings.DYNAMODB_ENDPOINT_URL
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        if _is_loopback(endpoint):
            # A local endpoint accepts any credentials; never pick up real ones for it.
            kwargs["aws_access_key_id"] = "local"
            kwargs["aws_secret_access_key"] = "local"
    made = item_size.install(deadline.install(aws_session.session().create_client("dynamodb", **kwargs)))
    observability.count_calls(made)  # each request's line says how many DynamoDB calls it made, and their time
    return made


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlparse

    host = urlparse(url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


def table_name() -> str:
    return settings.DYNAMODB_TABLE


def table_call(operation: str, **kwargs: Any) -> dict[str, Any]:
    """`call` on the stage's table (TableName filled in)."""
    return call(operation, TableName=table_name(), **kwargs)


def create_table(*, name: str | None = None, wait: bool = True, protect: bool = False) -> bool:
    """Create the table if it does not exist. Returns True when it was created now.

    `protect`: deletion protection and point-in-time recovery (35 days of restorable history) on, as a
    stage's table on AWS has them (README, Deploy); PITR can only be turned on once the table is active."""
    name = name or table_name()
    ddb = client()
    definition = table_definition(name)
    if protect:
        definition["DeletionProtectionEnabled"] = True
    try:
        call("create_table", **definition)
    except StoreUnavailable as exc:
        if exc.code == "ResourceInUseException":
            return False
        raise
    if wait or protect:
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    if protect:
        call(
            "update_continuous_backups",
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    try:
        call(
            "update_time_to_live",
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    except StoreUnavailable as exc:  # some local endpoints lack TTL; the app also checks expiry on read
        log.warning("could not enable TTL on %s: %s", name, exc.code)
    return True


def table_stream(name: str) -> tuple[str, str]:
    """The table's current stream ARN and view type; ("", "") when it has no stream."""
    table = call("describe_table", TableName=name)["Table"]
    spec = table.get("StreamSpecification") or {}
    if not spec.get("StreamEnabled") or not table.get("LatestStreamArn"):
        return "", ""
    return table["LatestStreamArn"], spec.get("StreamViewType", "")


def call(operation: str, *, ddb: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Run one DynamoDB operation (botocore's snake_case name) on the process-wide client (or `ddb`).

    Its failures are the project's (console/aws/translation.py): a refused condition or transaction is
    ConditionFailed (with DynamoDB's response, e.g. the stored item), too much to store StorageFull, anything
    else StoreUnavailable."""
    try:
        return getattr(ddb or client(), operation)(**kwargs)
    except FAILURES as exc:
        raise table_error(exc) from exc
