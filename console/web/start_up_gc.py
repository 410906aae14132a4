"""The garbage collector waits for the end of a Lambda cold start (issue 24).

A cold start makes ~150,000 objects that live as long as the process (modules, classes, Django's and botocore's
tables). At CPython's default thresholds the collector traverses them again and again while they are made (~200
young collections, ~20 middle ones and a full one before the first page): callgrind counts ~80 M instructions of
a ~1,200 M Django set-up plus the notes list's imports, none of which finds garbage worth the work.

So on Lambda `pause()` (run by the console package's import, the app's first code in a cold start) raises the
young generation's threshold out of a start-up's reach, and `resume()` (connected to Django's request_finished:
after the first response) moves everything alive into the permanent generation (gc.freeze(): never traversed
again, as it is never freed) and restores the thresholds. A process that serves no HTTP request (an S3 or stream
event) keeps the raised threshold: the collector still runs, every PAUSED_THRESHOLD surviving allocations.
Elsewhere (tests, `make run`, management commands) nothing changes.
"""

from __future__ import annotations

import gc
import os

PAUSED_THRESHOLD = 200_000
_UID = "console.web.start_up_gc"
_saved: tuple[int, int, int] | None = None


def pause() -> None:
    """Raise the young generation's threshold until `resume()`; once."""
    global _saved
    if _saved is not None:
        return
    _saved = gc.get_threshold()
    gc.set_threshold(PAUSED_THRESHOLD, *_saved[1:])
    from django.core.signals import request_finished

    request_finished.connect(resume, dispatch_uid=_UID, weak=False)


def resume(**_: object) -> None:
    """Freeze what the start-up made and restore the thresholds (the first request_finished; then nothing)."""
    global _saved
    if _saved is None:
        return
    gc.freeze()
    gc.set_threshold(*_saved)
    _saved = None
    from django.core.signals import request_finished

    request_finished.disconnect(dispatch_uid=_UID)


def pause_on_lambda() -> None:
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        pause()
