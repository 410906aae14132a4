from __future__ import annotations

import os

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"

    def ready(self) -> None:
        # Local mode: the process that owns the embedded endpoint also plays Lambda's stream trigger...
        if os.environ.get("NOTES_EMBEDDED_DYNAMODB") == "1" and os.environ.get("RUN_MAIN") != "true":
            from notes.stream_poller import start_local_poller

            start_local_poller()
            # ... and S3's event notification to the upload handler.
            from notes.s3_notifier import start_local_notifier

            start_local_notifier()
