"""Entry points for Lambda's non-HTTP events, wired in zappa_settings.json `events`."""

from __future__ import annotations

import logging
from typing import Any

from notes import services, wiring
from notes.history import process_records

log = logging.getLogger(__name__)


def handle_stream(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """DynamoDB stream batch -> version history and search index. Returns Lambda's partial-batch response."""
    result = process_records(event.get("Records", []), repo=wiring.note_repository())
    log.info(
        "stream batch processed",
        extra={"fields": {"records": len(event.get("Records", [])), "written": result["written"],
                         "skipped": result["skipped"], "indexed": result["indexed"]}},
    )
    return {"batchItemFailures": result["batchItemFailures"]}


def purge_trash(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, int]:
    """The daily schedule: delete for good the trash older than its purge time."""
    purged = services.trash_purge()
    log.info("trash purged", extra={"fields": {"purged": purged}})
    return {"purged": purged}
