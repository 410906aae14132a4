"""The function's asynchronous invocation settings (S3 invokes it asynchronously for each upload): how often
Lambda retries a failed event, how old an event may get, and the on-failure destination, an SQS queue of the
stage's own, so no upload event is dropped silently. Zappa sets none of these; `manage.py wire_async` does,
idempotently (README, Deploy). The function's role must be allowed sqs:SendMessage on the queue: Lambda sends
to the destination with it (policy-<stage>.json, AsyncFailuresQueue).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.aws import clients as aws_clients
from console.aws.errors import NotFound


@dataclass(frozen=True)
class AsyncSettings:
    # Lambda's own bounds: 0-2 retries, 60 s to 6 h of age.
    maximum_retry_attempts: int = 2
    maximum_event_age_seconds: int = 3600
    # An upload event kept 14 days (SQS's maximum), long enough for someone to look.
    queue_retention_seconds: int = 14 * 24 * 3600


def queue_name(function_name: str) -> str:
    return f"{function_name}-async-failures"


def ensure_queue(function_name: str, wanted: AsyncSettings) -> str:
    """The on-failure queue's ARN, the queue created if absent (CreateQueue with the same attributes is a no-op)."""
    url = aws_clients.call(
        "sqs",
        "CreateQueue",
        QueueName=queue_name(function_name),
        Attributes={"MessageRetentionPeriod": str(wanted.queue_retention_seconds), "SqsManagedSseEnabled": "true"},
    )["QueueUrl"]
    attributes = aws_clients.call("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=["QueueArn"])
    return attributes["Attributes"]["QueueArn"]


def current_config(function_name: str) -> dict[str, Any] | None:
    try:
        return aws_clients.call("lambda", "GetFunctionEventInvokeConfig", FunctionName=function_name)
    except NotFound:
        return None


def wire_async(function_name: str, wanted: AsyncSettings | None = None) -> tuple[bool, dict[str, Any]]:
    """Make the function's asynchronous invocation config what `wanted` says. Returns (changed, the config)."""
    wanted = wanted or AsyncSettings()
    destination = ensure_queue(function_name, wanted)
    params = {
        "MaximumRetryAttempts": wanted.maximum_retry_attempts,
        "MaximumEventAgeInSeconds": wanted.maximum_event_age_seconds,
        "DestinationConfig": {"OnFailure": {"Destination": destination}},
    }
    current = current_config(function_name)
    if current is not None and all(current.get(k) == v for k, v in params.items()):
        return False, current
    return True, aws_clients.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=function_name, **params)
