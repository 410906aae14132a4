"""The AWS reads of the asynchronous-invocation configuration (one GetFunctionEventInvokeConfig): the gateway's
`async_config` (the asynchronous invocations page) and the Checks page's on-failure check (console/health/aws_setup.py)
share `read_async_config`, so both see the same `AsyncConfig`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.health.async_facts import DEFAULT_MAX_AGE_S, DEFAULT_RETRIES, AsyncConfig
from console.health.gateway import NotFound, parse_time


class AsyncReads:
    """Mixed into AwsGateway, whose `_call` counts the call."""

    function_name: str

    def _call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    def async_config(self) -> AsyncConfig:
        return read_async_config(self._call, self.function_name)


def read_async_config(call: Callable[..., dict[str, Any]], function_name: str) -> AsyncConfig:
    """`call` is (service, operation, **params) -> response, AWS errors already translated."""
    try:
        resp = call("lambda", "GetFunctionEventInvokeConfig", FunctionName=function_name)
    except NotFound as exc:
        # AWS's own words follow the action's name: "... doesn't have an EventInvokeConfig", or "Function not
        # found: ..." when the function itself is missing (an error, not Lambda's defaults).
        if "EventInvokeConfig" not in exc.message.split(": ", 1)[-1]:
            raise
        return AsyncConfig(configured=False)
    destinations = resp.get("DestinationConfig") or {}
    return AsyncConfig(
        configured=True,
        max_retries=_int(resp.get("MaximumRetryAttempts"), DEFAULT_RETRIES),
        max_event_age_s=_int(resp.get("MaximumEventAgeInSeconds"), DEFAULT_MAX_AGE_S),
        on_failure=(destinations.get("OnFailure") or {}).get("Destination", "") or "",
        on_success=(destinations.get("OnSuccess") or {}).get("Destination", "") or "",
        last_modified=parse_time(resp.get("LastModified")),
    )


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
