"""Deploy history that survives the process: the first cold start of new code (or new stage settings) records
the deploy in DynamoDB, so the console's deploy markers and before/after comparisons show every deploy, not only
those one process has read (Zappa updates $LATEST in place: ListVersionsByFunction knows only the last).

The record is one conditional PutItem (`attribute_not_exists`) under its own key prefix, keyed by the code hash
and the settings digest: every later cold start of the same deploy is refused by the condition and changes
nothing. What it costs: one write (1 WCU, on-demand about $1.25 a million) per cold start, refused or not, and
hashing the project's own files (about 1 MB: a few ms of CPU). Both run in a daemon thread started when the app
is ready in Lambda's init phase, so the user's first response never waits for them; a failure is logged and
forgotten (the next cold start tries again).

The code hash is the project's own digest of what it runs (its source, templates and static files, and the
name-and-version of every installed distribution), not Lambda's CodeSha256 of the zip, which the function
cannot see without a GetFunction call; the settings digest is of the stage's environment variables and memory
size (values never leave the process: only a digest keyed with the app's secret key is stored).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from console.aws import dynamodb, table_keys

log = logging.getLogger(__name__)

SOURCE_DIRS = ("console", "notes", "accounts", "templates", "static")
SOURCE_SUFFIXES = {".py", ".html", ".css", ".js", ".json", ".txt"}
# What changes between cold starts of one deploy: credentials, tracing, the log stream, Lambda's internals.
_VOLATILE = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_INITIALIZATION_TYPE",  # on-demand or provisioned-concurrency: both within one deploy
)
_VOLATILE_PREFIXES = ("_", "AWS_XRAY_", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_RUNTIME_DIR")
MAX_LISTED = 100


@dataclass(frozen=True)
class RecordedDeploy:
    at: datetime
    code_hash: str
    settings_digest: str
    version: str = ""


def code_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for top in SOURCE_DIRS:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for entry in sorted(p.name for p in root.iterdir() if p.name.endswith(".dist-info")):
        digest.update(entry.encode() + b"\0")  # installed distributions, versions in the name
    return digest.hexdigest()[:16]


def settings_digest(environ: dict[str, str], key: str = "") -> str:
    """Keyed with the app's secret key: a short low-entropy value among the variables cannot be guessed back
    from the stored digest offline (a new secret key reads as new settings, which it is)."""
    stable = sorted((k, v) for k, v in environ.items() if k not in _VOLATILE and not k.startswith(_VOLATILE_PREFIXES))
    return hmac.new(key.encode(), repr(stable).encode(), hashlib.sha256).hexdigest()[:16]


def record(
    function_name: str, *, root: Path, environ: dict[str, str], key: str = "", now: datetime | None = None
) -> bool:
    """Record this deploy unless a cold start already did; True when this call recorded it."""
    found = RecordedDeploy(
        at=now or datetime.now(tz=UTC),
        code_hash=code_hash(root),
        settings_digest=settings_digest(environ, key),
        version=environ.get("AWS_LAMBDA_FUNCTION_VERSION", ""),
    )
    try:
        dynamodb.table_call(
            "put_item",
            Item={
                "pk": {"S": table_keys.deploy_pk(function_name)},
                "sk": {"S": table_keys.code_sk(found.code_hash, found.settings_digest)},
                "at": {"S": found.at.isoformat()},
                "code_hash": {"S": found.code_hash},
                "settings_digest": {"S": found.settings_digest},
                "version": {"S": found.version},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
    except dynamodb.ConditionFailed:
        return False
    log.info("deploy recorded", extra={"fields": {"code_hash": found.code_hash, "settings": found.settings_digest}})
    return True


def recorded(function_name: str) -> list[RecordedDeploy]:
    """The function's recorded deploys, newest first (one Query; at most the last 100 keys)."""
    resp = dynamodb.table_call(
        "query",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": table_keys.deploy_pk(function_name)}},
        Limit=MAX_LISTED,
    )
    found = []
    for item in resp.get("Items", []):
        try:
            at = datetime.fromisoformat(item["at"]["S"])
        except (KeyError, ValueError):
            continue
        found.append(
            RecordedDeploy(
                at=at if at.tzinfo else at.replace(tzinfo=UTC),
                code_hash=item.get("code_hash", {}).get("S", ""),
                settings_digest=item.get("settings_digest", {}).get("S", ""),
                version=item.get("version", {}).get("S", ""),
            )
        )
    return sorted(found, key=lambda d: d.at, reverse=True)


def record_in_background(function_name: str, root: Path) -> threading.Thread:
    """At cold start: record without holding up the first request."""

    def run() -> None:
        try:
            record(function_name, root=root, environ=dict(os.environ), key=str(settings.SECRET_KEY))
        except Exception:  # noqa: BLE001 - a deploy record must never break the function
            log.warning("deploy not recorded", exc_info=True)

    thread = threading.Thread(target=run, name="deploy-record", daemon=True)
    thread.start()
    return thread
