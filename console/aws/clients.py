"""Clients for the AWS services other than the table (Lambda, CloudWatch, CloudWatch Logs, EventBridge,
CloudFormation): process-wide, created lazily with short timeouts and few retries, so a slow service cannot
eat the function's own timeout; `call()` raises console.aws.errors' AwsError family (console/aws/translation.py).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from botocore.config import Config
from django.conf import settings

from console import observability
from console.aws import deadline
from console.aws import session as aws_session
from console.aws.translation import FAILURES, service_error

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def client(service: str):
    """The process-wide client for `service` ("lambda", "cloudwatch", "logs", "events", "cloudformation"),
    created on first use."""
    found = _clients.get(service)
    if found is None:
        with _clients_lock:
            found = _clients.get(service)
            if found is None:
                found = _clients[service] = _make_client(service)
    return found


def reset_clients() -> None:
    with _clients_lock:
        _clients.clear()


def _make_client(service: str):
    config = Config(
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT,
        # One retry at most: a console page would rather say "throttled" than wait.
        retries={"mode": "standard", "total_max_attempts": min(2, settings.AWS_MAX_ATTEMPTS)},
    )
    made = deadline.install(
        aws_session.session().create_client(service, region_name=settings.AWS_REGION, config=config)
    )
    observability.count_calls(made, database=False)  # the request's timeline shows the console's calls too
    return made


def call(service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
    """One AWS operation (by its API name, e.g. "ListRules") on the process-wide client; errors translated."""
    method = getattr(client(service), re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    try:
        return method(**kwargs)
    except FAILURES as exc:
        raise service_error(exc, operation) from exc
