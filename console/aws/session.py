"""The process-wide botocore session that the app's AWS clients are made from.

botocore rather than boto3: the app uses only low-level clients, which boto3 merely wraps, and importing
boto3 (with s3transfer) costs ~75-100 ms of every Lambda cold start. One session keeps the service models
loaded, so a second client (or a test's fresh one) costs milliseconds instead of 100+ ms.
"""

from __future__ import annotations

import threading

import botocore.session

_session: botocore.session.Session | None = None
_lock = threading.Lock()


def session() -> botocore.session.Session:
    global _session
    if _session is None:
        with _lock:
            if _session is None:
                _session = botocore.session.get_session()
    return _session
