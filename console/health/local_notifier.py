"""The local Triggers page's row for the local S3 notifier (notes/s3_notifier.py): in local mode nothing
delivers S3's events to a function, so the notifier stands in for the bucket's notification to Lambda, as the
stream poller stands in for the stream's trigger. Its process (manage.py's, which owns the embedded endpoint)
writes a status file; this page's process (runserver's child) reads it."""

from __future__ import annotations

import os

from django.conf import settings

from console.health.gateway import EventSourceMapping

HANDLER = "notes.upload_events.handle_upload"


def notifier_mapping() -> EventSourceMapping:
    from notes import s3_notifier  # imports boto3: only when the page asks

    bucket = settings.ATTACHMENTS_BUCKET
    status = None
    last_result = ""
    if os.environ.get("NOTES_EMBEDDED_DYNAMODB") in {"1", "shared"} and settings.S3_ENDPOINT_URL:
        state = "Enabled"
        detail = (
            f"local S3 notifier: the bucket notifies the queue {s3_notifier.QUEUE_NAME} on the embedded endpoint, "
            f"read by the manage.py process that started it; an event the handler asks to retry is tried "
            f"{s3_notifier.MAX_TRIES} times, then dropped (on AWS: the on-failure destination)"
        )
        status = s3_notifier.read_status()
        if status is None:
            state, last_result = "Not running", "no status written yet: it may not have started"
        elif not status.healthy:
            state = "Stopped" if "not polled" in status.problem else "Failing"
            last_result = f"failing: {status.problem}; uploads stay pending"
        else:
            last_result = "OK"
            detail += (
                f". Since it started: {status.delivered} delivered, {status.retried} retried, {status.dropped} dropped"
            )
    else:
        state = "Not running"
        detail = "no embedded endpoint here: on AWS the bucket's own notification invokes the function"
    return EventSourceMapping(
        source_arn=f"arn:aws:s3:::{bucket}",
        source=f"S3 ObjectCreated events of {bucket} (uploads/)",
        state=state,
        origin="local",
        routed_to=(HANDLER,),
        detail=detail,
        last_result=last_result,
        records_handled=status.delivered if status else None,
    )
