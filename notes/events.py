"""Entry points for Lambda's non-HTTP events, wired in zappa_settings.json `events`.

Each keeps to its invocation's deadline (console/aws/deadline.py): it stops before the next item once
less than EVENT_STOP_MARGIN_SECONDS are left, reports what it did not finish, and the next run resumes
(Lambda redelivers a stream batch from the first failed record; expired trash is still due tomorrow).
"""

from __future__ import annotations

import logging
from typing import Any

from console.aws import deadline
from notes import services, wiring
from notes.history import process_records

log = logging.getLogger(__name__)

# Time one more item may need (a few DynamoDB calls) before the deadline, which itself keeps a reserve.
EVENT_STOP_MARGIN_SECONDS = 3.0


def handle_stream(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """DynamoDB stream batch -> version history and search index. Returns Lambda's partial-batch response."""
    with deadline.deadline_for_event(context):
        box = deadline.TimeBox(margin=EVENT_STOP_MARGIN_SECONDS)
        result = process_records(
            event.get("Records", []), repo=wiring.note_repository(), stop=box.up, on_removed=_purge_attachments
        )
    failed = len(result["batchItemFailures"])
    log.log(
        logging.WARNING if failed else logging.INFO,
        "stream batch processed",
        # `failed`: the records Lambda retries (the console's Triggers page counts failed batches from it)
        extra={
            "fields": {
                "records": len(event.get("Records", [])),
                "written": result["written"],
                "skipped": result["skipped"],
                "indexed": result["indexed"],
                "stopped_early": box.stopped,
                "failed": failed,
            }
        },
    )
    return {"batchItemFailures": result["batchItemFailures"]}


def _purge_attachments(user_id: str, note_id: str) -> None:
    from notes.attachment_services import attachments_purge

    attachments_purge(user_id=user_id, note_id=note_id)


def purge_trash(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """The daily schedule: delete for good the trash older than its purge time. `finished` is false when it
    stopped before its deadline; the rest is purged by the next run."""
    with deadline.deadline_for_event(context):
        box = deadline.TimeBox(margin=EVENT_STOP_MARGIN_SECONDS)
        purged = services.trash_purge(stop=box.up)
    if box.stopped:
        log.warning(
            "trash purge stopped before the deadline; the next run purges the rest",
            extra={"fields": {"purged": purged}},
        )
    else:
        log.info("trash purged", extra={"fields": {"purged": purged}})
    return {"purged": purged, "finished": not box.stopped}
