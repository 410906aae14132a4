"""The one translation of AWS's failures into the project's errors (console/aws/errors.py), for every client: the
table's calls (console/aws/dynamodb.py `call`), the other services' (console/aws/clients.py and s3.py `call`)
and the secrets' signed requests (console/aws/secrets.py, which reads AWS's error code from the answer itself).

A caller catches `FAILURES` around a call (botocore's errors, and the refusals of the app's own hooks, which
are raised before or between attempts) and raises what `table_error` or `service_error` makes of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError

from console.aws.errors import (
    THROTTLING_CODES,
    AccessDenied,
    AwsError,
    CallRefused,
    ConditionFailed,
    InvalidQuery,
    ItemTooLarge,
    NotFound,
    StorageFull,
    StoreUnavailable,
    Throttled,
    Unavailable,
)

FAILURES = (ClientError, BotoCoreError, CallRefused)

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
    "PutObject": "s3:PutObject",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "CopyObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "DeleteObjects": "s3:DeleteObject",
}
# S3 answers a HEAD with the bare HTTP status as its code ("403", "404", "503").
THROTTLE_CODES = THROTTLING_CODES | {
    "Throttling",
    "TooManyRequestsException",
    "LimitExceededException",
    "ServiceQuotaExceededException",
    "SlowDown",
    "503",
}
_DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "403",
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
_NOT_FOUND_CODES = {"ResourceNotFoundException", "NoSuchKey", "NoSuchBucket", "NotFound", "404"}
_SERVER_CODES = {"InternalServerError", "InternalFailure", "ServiceUnavailable"}
_NOT_AUTHORIZED = re.compile(r"not authorized to perform:?\s*([\w\-]+:[\w\-]+)")

# Refusals the caller asked for by making a write conditional: they are answers, not outages.
_CONDITION_CODES = frozenset({"ConditionalCheckFailedException", "TransactionCanceledException"})
# The user's item collection at 10 GB (tables with an LSI): an error, or a transaction's cancellation reason.
_STORAGE_FULL_CODES = frozenset({"ItemCollectionSizeLimitExceededException", "ItemCollectionSizeLimitExceeded"})


# --- the table ---------------------------------------------------------------------------------------------


def table_error(exc: Exception) -> StoreUnavailable | ConditionFailed:
    """A refused condition or transaction is ConditionFailed (with DynamoDB's response, e.g. the stored item);
    an item over its bound or the 10 GB collection is StorageFull; anything else StoreUnavailable."""
    if isinstance(exc, ItemTooLarge):  # console/aws/item_size.py refused it before sending
        return StorageFull(str(exc), code=type(exc).__name__)
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if _is_storage_full(exc.response):
            return StorageFull(f"DynamoDB cannot store this much ({code})", code=code)
        if code in _CONDITION_CODES:
            return ConditionFailed(code, exc.response)
        return StoreUnavailable(f"DynamoDB refused the request ({code})", code=code)
    return StoreUnavailable(f"DynamoDB could not be reached ({type(exc).__name__})", code=type(exc).__name__)


def _is_storage_full(response: dict[str, Any]) -> bool:
    error = response.get("Error", {})
    if error.get("Code") in _STORAGE_FULL_CODES:
        return True
    if error.get("Code") == "ValidationException" and "item size" in error.get("Message", "").lower():
        return True  # over 400 KB: item_size's bounds should have refused it first
    return any(reason.get("Code") in _STORAGE_FULL_CODES for reason in response.get("CancellationReasons") or [])


# --- the other services ------------------------------------------------------------------------------------


def service_error(exc: Exception, operation: str) -> AwsError:
    """What a failed call of `operation` (its API name, e.g. "ListRules") on another service means."""
    action = IAM_ACTIONS.get(operation, operation)
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return code_error(str(error.get("Code", "")), str(error.get("Message", "")), action=action)
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return Unavailable(f"{action} timed out.", code=type(exc).__name__)
    if isinstance(exc, BotoCoreError | CallRefused):
        return Unavailable(f"{action} could not reach AWS ({type(exc).__name__}).", code=type(exc).__name__)
    return Unavailable(f"{action} failed.")


def code_error(code: str, message: str, *, action: str) -> AwsError:
    """AWS's error code (and message) for a call of `action` as the project's error."""
    if code in _DENIED_CODES or "not authorized" in message:
        named = _NOT_AUTHORIZED.search(message)
        return AccessDenied(named.group(1) if named else action, code=code)
    if code in THROTTLE_CODES:
        return Throttled(f"AWS throttled {action}; try again in a moment.", code=code)
    if code in _NOT_FOUND_CODES:
        return NotFound(f"{action}: {message or 'not found'}", code=code)
    if code in _INVALID_CODES:
        return InvalidQuery(f"AWS refused the query ({code}): {message}", code=code)
    return Unavailable(f"{action} failed ({code or 'error'}).", code=code)


def retryable(code: str, status: int) -> bool:
    """Whether another attempt may succeed: AWS said slow down, or failed on its side."""
    return status >= 500 or code in THROTTLE_CODES or code in _SERVER_CODES


def code_from_answer(status: int, content: bytes) -> str:
    """AWS's error code in an answer's body: JSON protocol errors are {"__type": "[namespace#]Code", ...};
    some front ends answer in XML. "HTTP <status>" when there is none."""
    try:
        error_type = str(json.loads(content).get("__type", ""))
    except (ValueError, AttributeError):
        match = re.search(rb"<Code>([^<]{1,100})</Code>", content)
        error_type = match.group(1).decode(errors="replace") if match else ""
    return error_type.rsplit("#", 1)[-1] or f"HTTP {status}"
