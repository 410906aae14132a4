"""Every request's and event's deadline, and the AWS calls that keep to it.

API Gateway gives up at 29 s and Lambda kills the function at its timeout (28 s), while one DynamoDB call may
take connect + read timeout times its attempts and a page makes several calls. So each request (and each
scheduled or stream event) gets a deadline: the Lambda context's remaining time, less a reserve in which the
app still renders its own 503 page or JSON error; off Lambda, a default budget as long as the stage's timeout.

`install(client)` hooks a botocore client: before each attempt, its read timeout is cut to what is left (and
the attempt refused when too little is left for a connection and a read), and a retry is refused when its
pause and a minimal attempt would pass the deadline. Refusals raise console.aws.errors' `DeadlineExceeded`,
which console/aws/translation.py turns into the caller's error (a 503) like any other failed call.
Outside a deadline (management commands, tests) nothing changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from console.aws.errors import DeadlineExceeded

# A read shorter than this is not worth starting: it would time out on a healthy DynamoDB's slow moments.
MIN_READ_SECONDS = 0.2
# The longest pause botocore's standard retry mode takes before retry n (throttling errors: rand * 2**(n-1) s).
_MAX_PAUSE_SECONDS = 20.0
# The standard retry mode's retryable answers: throttles and 5xx (a 4xx such as a failed condition is final).
_RETRIED_CODES = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TransactionInProgressException",
    "LimitExceededException",
}

_clock = time.monotonic  # tests replace it to make time pass
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def seconds_left() -> float | None:
    """Seconds until the current deadline (may be negative); None when there is none."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - _clock()


def budget_from(context: Any, *, default_seconds: float | None) -> float | None:
    """Seconds the function has left: Lambda's context when there is one, else `default_seconds`."""
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining_ms):
        try:
            return float(remaining_ms()) / 1000
        except (TypeError, ValueError):
            pass
    return default_seconds


@contextlib.contextmanager
def deadline_within(seconds: float | None, *, reserve: float) -> Iterator[None]:
    """AWS calls inside this block end `reserve` seconds before `seconds` from now (none if seconds is None).
    A deadline already set further out is not extended."""
    if seconds is None:
        yield
        return
    deadline = _clock() + seconds - reserve
    outer = _deadline.get()
    token = _deadline.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def deadline_for_event(context: Any) -> contextlib.AbstractContextManager[None]:
    """The deadline of a non-HTTP invocation (schedule, stream batch), from its Lambda context."""
    budget = budget_from(context, default_seconds=settings.REQUEST_TIME_BUDGET_SECONDS)
    return deadline_within(budget, reserve=settings.REQUEST_DEADLINE_RESERVE_SECONDS)


class TimeBox:
    """For loops over a batch: `box.up()` is true once less than `margin` seconds are left before the
    deadline (then it stays true); `box.stopped` says whether the loop was told to stop."""

    def __init__(self, *, margin: float) -> None:
        self.margin = margin
        self.stopped = False

    def up(self) -> bool:
        left = seconds_left()
        if left is not None and left < self.margin:
            self.stopped = True
        return self.stopped


def install(client: Any) -> Any:
    """Make a botocore client keep to the current deadline. Returns the client."""
    events = client.meta.events
    connect_timeout = float(client.meta.config.connect_timeout or 0)
    read_timeout = float(client.meta.config.read_timeout or 0)
    max_attempts = (client.meta.config.retries or {}).get("total_max_attempts")

    def before_send(request: Any, **_: Any) -> None:
        left = seconds_left()
        if left is None:
            return None
        # A new connection may take up to connect_timeout before the read starts.
        read_budget = left - connect_timeout
        if read_budget < MIN_READ_SECONDS:
            raise DeadlineExceeded(detail=f"{left:.2f} s left, too little for another attempt")
        context = getattr(request, "context", None)
        if context is not None and read_budget < read_timeout:
            context["read_timeout"] = read_budget
        return None

    def before_retry(attempts: int, response: Any = None, caught_exception: Exception | None = None, **_: Any) -> None:
        if isinstance(caught_exception, DeadlineExceeded):
            raise caught_exception
        left = seconds_left()
        if left is None or not _may_be_retried(response, caught_exception):
            return None
        if max_attempts is not None and attempts >= max_attempts:
            return None
        pause = min(2.0 ** (attempts - 1), _MAX_PAUSE_SECONDS)
        if left - pause - connect_timeout < MIN_READ_SECONDS:
            what = type(caught_exception).__name__ if caught_exception else _error_code(response)
            raise DeadlineExceeded(detail=f"no retry after {what}: {left:.2f} s left")
        return None

    events.register_first("before-send", before_send)
    events.register_first("needs-retry", before_retry)
    return client


def _may_be_retried(response: Any, caught_exception: Exception | None) -> bool:
    if caught_exception is not None:
        return True
    if not response:
        return False
    http_response, parsed = response
    return getattr(http_response, "status_code", 200) >= 500 or _error_code(response) in _RETRIED_CODES


def _error_code(response: Any) -> str:
    try:
        return str(response[1].get("Error", {}).get("Code", ""))
    except (AttributeError, IndexError, TypeError):
        return ""


class RequestDeadlineMiddleware:
    """Gives each request its deadline: Lambda's remaining time (Zappa puts the context in the WSGI environ as
    "lambda.context"), or the default budget off Lambda. Goes right after the request-log middleware, so the
    session save on the way out keeps to it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        budget = budget_from(request.META.get("lambda.context"), default_seconds=settings.REQUEST_TIME_BUDGET_SECONDS)
        with deadline_within(budget, reserve=settings.REQUEST_DEADLINE_RESERVE_SECONDS):
            return self.get_response(request)
