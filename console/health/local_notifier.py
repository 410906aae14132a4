"""The local S3 notifier (notes/s3_notifier.py) as the local gateway reads it: in local mode nothing delivers
S3's events to a function, so the notifier stands in for the bucket's notification to Lambda, as the stream
poller stands in for the stream's trigger. Its process (manage.py's, which owns the embedded endpoint) writes a
status file; this page's process (runserver's child) reads it. console.health.local_triggers words it."""

from __future__ import annotations

import os

from django.conf import settings

from console.health.gateway import LocalRunner


def notifier_runner() -> LocalRunner:
    from notes import s3_notifier  # imports boto3: only when the page asks

    runs_here = os.environ.get("NOTES_EMBEDDED_DYNAMODB") in {"1", "shared"} and bool(settings.S3_ENDPOINT_URL)
    return LocalRunner(
        kind="S3 notifier",
        runs_here=runs_here,
        endpoint_url=settings.S3_ENDPOINT_URL or "",
        target=settings.ATTACHMENTS_BUCKET,
        status=s3_notifier.read_status() if runs_here else None,
    )
