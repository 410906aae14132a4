"""Clients for the AWS services other than the table (Lambda, CloudWatch, CloudWatch Logs, EventBridge,
CloudFormation): process-wide, created lazily with short timeouts and few retries, so a slow service cannot
eat the function's own timeout; `call()` turns botocore's errors into console.aws.errors' AwsError family.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError
from django.conf import settings

from console import observability
from console.aws import deadline
from console.aws import session as aws_session
from console.aws.errors import AccessDenied, AwsError, InvalidQuery, NotFound, Throttled, Unavailable

# The IAM action behind each operation, named when AWS says AccessDenied.
IAM_ACTIONS = {
    "GetFunction": "lambda:GetFunction",
    "GetMetricData": "cloudwatch:GetMetricData",
    "FilterLogEvents": "logs:FilterLogEvents",
    "StartQuery": "logs:StartQuery",
    "GetQueryResults": "logs:GetQueryResults",
    "ListEventSourceMappings": "lambda:ListEventSourceMappings",
    "ListRules": "events:ListRules",
    "DescribeStackResource": "cloudformation:DescribeStackResource",
    "DescribeAlarms": "cloudwatch:DescribeAlarms",
    "ListVersionsByFunction": "lambda:ListVersionsByFunction",
    "SendEmail": "ses:SendEmail",
    "GetFunctionUrlConfig": "lambda:GetFunctionUrlConfig",
    "GetFunctionEventInvokeConfig": "lambda:GetFunctionEventInvokeConfig",
    "DescribeLogGroups": "logs:DescribeLogGroups",
    "DescribeVpcEndpoints": "ec2:DescribeVpcEndpoints",
    "DescribeRouteTables": "ec2:DescribeRouteTables",
}
_THROTTLE_CODES = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "ServiceQuotaExceededException",
}
_DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
}
_INVALID_CODES = {
    "InvalidParameterException",
    "InvalidParameterValue",
    "InvalidParameterValueException",
    "InvalidParameterCombination",
    "MalformedQueryException",
    "ValidationError",
    "ValidationException",
}
_NOT_AUTHORIZED = re.compile(r"not authorized to perform:?\s*([\w\-]+:[\w\-]+)")

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
    except (ClientError, BotoCoreError) as exc:
        raise translate(exc, operation) from exc


def translate(exc: Exception, operation: str) -> AwsError:
    action = IAM_ACTIONS.get(operation, operation)
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        if code in _DENIED_CODES or "not authorized" in message:
            named = _NOT_AUTHORIZED.search(message)
            return AccessDenied(named.group(1) if named else action, code=code)
        if code in _THROTTLE_CODES:
            return Throttled(f"AWS throttled {action}; try again in a moment.", code=code)
        if code == "ResourceNotFoundException":
            return NotFound(f"{action}: {message or 'not found'}", code=code)
        if code in _INVALID_CODES:
            return InvalidQuery(f"AWS refused the query ({code}): {message}", code=code)
        return Unavailable(f"{action} failed ({code or 'error'}).", code=code)
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return Unavailable(f"{action} timed out.", code=type(exc).__name__)
    if isinstance(exc, BotoCoreError):
        return Unavailable(f"{action} could not reach AWS ({type(exc).__name__}).", code=type(exc).__name__)
    return Unavailable(f"{action} failed.")
