"""Version history from the table's DynamoDB stream.

Every INSERT or MODIFY of a live note records its new image as a version (idempotent: the version is
the key, so a redelivered record writes nothing twice). A REMOVE of a note drops its history again: a
version recorded late (the note deleted for good seconds after an edit, or a replay from TRIM_HORIZON)
would otherwise outlive it. A record that can't be parsed is logged with
its keys and skipped, never retried forever; a store failure reports the record as failed so Lambda
retries from there (ReportBatchItemFailures).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from console.aws.errors import StoreUnavailable
from notes.domain import Note
from notes.dynamodb_repository import from_item
from notes.repository import NoteRepository

log = logging.getLogger(__name__)


def process_records(
    records: list[dict[str, Any]], *, repo: NoteRepository, stop: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """`stop()` true before a record: that record and the rest are reported failed, so Lambda redelivers the
    batch from it (the invocation's time is nearly up)."""
    written = skipped = 0
    for record in records:
        change = record.get("dynamodb") or {}
        keys = change.get("Keys", {})
        sequence = change.get("SequenceNumber", "")
        if stop is not None and stop():
            log.warning(
                "stream batch stopped before the deadline; Lambda will redeliver from this record",
                extra={"fields": {"sequence_number": sequence, "written": written}},
            )
            return {"batchItemFailures": [{"itemIdentifier": sequence}], "written": written, "skipped": skipped}
        try:
            action = _action(record.get("eventName", ""), change)
        except (KeyError, TypeError, ValueError) as exc:
            skipped += 1
            log.error(
                "stream record skipped: cannot parse",
                extra={"fields": {"keys": keys, "sequence_number": sequence, "error": repr(exc)}},
            )
            continue
        try:
            if isinstance(action, Note):
                if repo.add_history(action):
                    written += 1
            elif action:
                repo.delete_history(user_id=action[0], note_id=action[1])
        except StoreUnavailable as exc:
            log.warning(
                "stream record failed; Lambda will retry from it",
                extra={"fields": {"keys": keys, "sequence_number": sequence, "error": str(exc)}},
            )
            return {"batchItemFailures": [{"itemIdentifier": sequence}], "written": written, "skipped": skipped}
    return {"batchItemFailures": [], "written": written, "skipped": skipped}


def _action(event_name: str, change: dict[str, Any]) -> Note | tuple[str, str] | None:
    """A version to record (INSERT/MODIFY of a live note), a note whose history to drop (REMOVE of a note
    or trashed note: a record processed after the delete may have recorded a version), or nothing."""
    if event_name in ("INSERT", "MODIFY"):
        image = change.get("NewImage")
        if image and image.get("type", {}).get("S") == "note":
            return from_item(image)
    elif event_name == "REMOVE":
        old = change.get("OldImage")
        if old and old.get("type", {}).get("S") in ("note", "trash"):
            return old["user_id"]["S"], old["id"]["S"]
    return None
