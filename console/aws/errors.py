"""The project's AWS errors, as callers above the adapters see them: the store's (StoreUnavailable and its
kin), the other services' (AwsError and its kin), the secrets' (SecretUnavailable) and the refusals of the
clients' own hooks (CallRefused). console/aws/translation.py is the one place that makes them from botocore's.
No botocore here: views, services and domain code import these without loading the AWS SDK."""

from __future__ import annotations

from typing import Any

# DynamoDB's "slow down" answers: the caller should back off (the API answers 429 with Retry-After).
THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})


class StoreUnavailable(Exception):
    """DynamoDB could not be reached or refused the request for a reason that is not the caller's fault."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLING_CODES


class StorageFull(StoreUnavailable):
    """DynamoDB will not store this much: an item over its bound (console/aws/item_size.py) or over 400 KB, or
    the user's item collection at its 10 GB. Retrying does not help: a 507 with a message, not a 503."""


class ConditionFailed(Exception):
    """A conditional write (or a transaction) was refused: `code` is DynamoDB's error code
    (ConditionalCheckFailedException or TransactionCanceledException) and `response` its error response,
    with `Item` (ReturnValuesOnConditionCheckFailure) or `CancellationReasons` when DynamoDB sent them."""

    def __init__(self, code: str, response: dict[str, Any]) -> None:
        super().__init__(f"DynamoDB refused the request ({code})")
        self.code = code
        self.response = response

    @property
    def item(self) -> dict[str, Any] | None:
        return self.response.get("Item")

    @property
    def cancellation_reasons(self) -> list[dict[str, Any]]:
        return self.response.get("CancellationReasons") or []

    def unavailable(self) -> StoreUnavailable:
        """For a caller that did not expect this refusal: what any other refusal would have been."""
        return StoreUnavailable(str(self), code=self.code)


# --- the other AWS services (the health console, the deploy commands) -----------------------------------


class AwsError(Exception):
    """An AWS service (other than the table) refused or failed a call. `message` is safe to show to an admin."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class AccessDenied(AwsError):
    """The app's IAM role lacks a permission: `action` names it (e.g. logs:FilterLogEvents)."""

    def __init__(self, action: str, *, code: str = "AccessDeniedException") -> None:
        super().__init__(
            f"The function's role is not allowed to call {action}. Grant {action} on this "
            "function's resources in its IAM policy.",
            code=code,
        )
        self.action = action


class Throttled(AwsError):
    pass


class Unavailable(AwsError):
    """Timeouts, connection errors and AWS-side failures."""


class NotFound(AwsError):
    pass


class InvalidQuery(AwsError):
    """The request was refused as malformed: typically a filter pattern CloudWatch cannot parse."""


class SecretUnavailable(AwsError):
    """A secret (SSM parameter or Secrets Manager secret) could not be read: missing, not allowed, or AWS
    unreachable. The message says which and why, never the value."""


# --- refusals of the clients' own hooks, raised before or between attempts: nothing more was sent -------------


class CallRefused(Exception):
    """The app refused an AWS call itself (console/aws/item_size.py, console/aws/deadline.py)."""


class ItemTooLarge(CallRefused):
    """An item was bigger than its kind's bound (console/aws/item_size.py); nothing was sent."""

    def __init__(self, *, kind: str, size: int, limit: int) -> None:
        super().__init__(f"The {kind} item would be {size:,} bytes; at most {limit:,} are allowed")
        self.kind, self.size, self.limit = kind, size, limit


class DeadlineExceeded(CallRefused):
    """An AWS call was not started, not retried or cut short because the request's time is up."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(f"No time left before the deadline: {detail}")
        self.detail = detail
