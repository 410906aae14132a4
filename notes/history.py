"""Version history from the table's DynamoDB stream.

Every INSERT or MODIFY of a live note records its new image as a version (idempotent: the version is
the key, so a redelivered record writes nothing twice). A record that can't be parsed is logged with
its keys and skipped, never retried forever; a store failure reports the record as failed so Lambda
retries from there (ReportBatchItemFailures).
"""

from __future__ import annotations

import logging
from typing import Any

from console.dynamodb import StoreUnavailable
from notes.dynamodb_repository import from_item
from notes.repository import NoteRepository

log = logging.getLogger(__name__)


def process_records(records: list[dict[str, Any]], *, repo: NoteRepository) -> dict[str, Any]:
    written = skipped = 0
    for record in records:
        change = record.get("dynamodb") or {}
        keys = change.get("Keys", {})
        sequence = change.get("SequenceNumber", "")
        try:
            image = change.get("NewImage")
            if record.get("eventName") not in ("INSERT", "MODIFY") or not image:
                continue
            if image.get("type", {}).get("S") != "note":
                continue
            note = from_item(image)
        except (KeyError, TypeError, ValueError) as exc:
            skipped += 1
            log.error(
                "stream record skipped: cannot parse",
                extra={"keys": keys, "sequence_number": sequence, "error": repr(exc)},
            )
            continue
        try:
            if repo.add_history(note):
                written += 1
        except StoreUnavailable as exc:
            log.warning(
                "stream record failed; Lambda will retry from it",
                extra={"keys": keys, "sequence_number": sequence, "error": str(exc)},
            )
            return {"batchItemFailures": [{"itemIdentifier": sequence}], "written": written, "skipped": skipped}
    return {"batchItemFailures": [], "written": written, "skipped": skipped}
