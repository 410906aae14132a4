"""What every console page shares: its reads through the one gateway (a failed read is a problem shown,
never a 500), the range asked for, and rendering with the mode and the AWS calls spent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from console.aws.errors import AwsError
from console.health.gateway import (
    AccessDenied,
    FunctionConfig,
    HealthGateway,
    InvalidQuery,
    Throttled,
    Unavailable,
)
from console.health.invocations import Aggregates, InvocationSample
from console.health.metrics import (
    RANGES,
    Window,
    memory_hint,
)
from console.health.wiring import get_gateway

T = TypeVar("T")

REQUEST_SPAN = timedelta(minutes=16)  # a request lasts at most 15 minutes
_QUERY_WORDS = {"Logs": "filter pattern", "Live tail": "filter pattern"}


@dataclass(frozen=True)
class Problem:
    message: str
    action: str = ""  # the IAM action to grant, for AccessDenied
    level: str = "error"  # "error": nothing was read; "warning": partial data
    title: str = ""  # what the box says first; empty: "Could not read" / "Partial data"


class Reads:
    """Runs gateway reads for one page, collecting problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.gateway: HealthGateway | None = None
        try:
            self.gateway = get_gateway()
        except AwsError as exc:
            self.problems.append(Problem(exc.message))

    def attempt(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        if self.gateway is None:
            return None
        try:
            result = fn(*args, **kwargs)
        except AwsError as exc:
            self.report(what, exc)
            return None
        for warning in getattr(result, "warnings", None) or []:
            self.problems.append(Problem(f"{what}: {warning}", level="warning"))
        return result

    def report(self, what: str, exc: AwsError) -> None:
        if isinstance(exc, AccessDenied):
            self.problems.append(Problem(f"{what}: {exc.message}", action=exc.action))
        elif isinstance(exc, InvalidQuery):
            self.problems.append(Problem(exc.message, title=f"Invalid {_QUERY_WORDS.get(what, 'query')}"))
        elif isinstance(exc, Throttled | Unavailable):
            self.problems.append(Problem(f"{what}: {exc.message} The rest of the page is shown.", level="warning"))
        else:
            self.problems.append(Problem(f"{what}: {exc.message}"))

    @property
    def calls(self) -> int:
        return self.gateway.calls if self.gateway else 0


def _mode(reads: Reads) -> dict[str, Any]:
    gateway = reads.gateway
    kind = gateway.kind if gateway else "aws"
    return {
        "kind": kind,
        "local": kind == "local",
        "function": (gateway.function_name if gateway else "") or settings.HEALTH_FUNCTION_NAME or "(not set)",
        "region": settings.AWS_REGION,
        "log_group": gateway.log_group if gateway else "",
    }


def render_page(
    request: HttpRequest, template: str, reads: Reads, context: dict[str, Any], *, tab: str, status: int = 200
) -> HttpResponse:
    context.update({"mode": _mode(reads), "problems": reads.problems, "tab": tab, "aws_calls": reads.calls})
    return render(request, template, context, status=status)


def window_of(request: HttpRequest) -> Window:
    return Window.for_range(request.GET.get("range", ""))


def ranges_for(request: HttpRequest, window: Window, url_name: str) -> list[dict[str, Any]]:
    base = reverse(url_name)
    return [{"key": key, "url": f"{base}?range={key}", "active": key == window.key} for key in RANGES]


def hint_for(config: FunctionConfig | None, sample: InvocationSample | None, aggregates: Aggregates | None = None):
    memory = (config.memory_mb if config else None) or (aggregates.memory_mb if aggregates else None)
    used: list[float | None] = [i.max_memory_mb for i in sample.invocations] if sample else []
    if aggregates and aggregates.max_memory_used_mb is not None:
        used = [aggregates.max_memory_used_mb]
    return memory_hint(int(memory) if memory else None, used)
