"""Keep-warm, measured: user requests' cold starts counted apart from the pings, and what the pings cost.

How the records tell them apart: Zappa 0.63's handler answers a keep-warm event (EventBridge's
`"detail-type": "Scheduled Event"` from the rule `<function>-zappa-keep-warm-handler.keep_warm_callback`)
before Django runs, so a ping is an invocation with Lambda's REPORT line and no `console.request` line; a user
request has one (console/health/app_lines.py joins it: `Invocation.http_status` is set). A cold start is
Lambda's (Init Duration on the REPORT line), so a user whose environment a ping had already started is warm.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from console.health.invocation_lines import Invocation

DEFAULT_EXPRESSION = "rate(4 minutes)"  # Zappa's keep_warm_expression
_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours)\)")


def split_user_requests(invocations: Sequence[Invocation]) -> tuple[list[Invocation], list[Invocation]]:
    """(user requests, invocations without a request line: pings, stream batches, schedules)."""
    users = [i for i in invocations if i.http_status is not None]
    others = [i for i in invocations if i.http_status is None and not i.failed]
    return users, others


def rate_minutes(expression: str) -> float | None:
    match = _RATE.fullmatch(expression.strip())
    if not match:
        return None
    n = float(match.group(1))
    return n * 60 if match.group(2).startswith("hour") else n


def keep_warm_cost(
    *, expression: str, memory_mb: int, pings: Sequence[Invocation], price_gb_second: float, price_per_million: float
) -> tuple[float, str]:
    """Monthly cost of the pings: (dollars, the basis in words). A ping returns at once, so the shortest
    invocation without a request line stands for one (stream batches and schedules have none either)."""
    minutes = rate_minutes(expression) or rate_minutes(DEFAULT_EXPRESSION) or 4.0
    per_month = 30 * 24 * 60 / minutes
    billed_ms = min((p.billed_ms for p in pings), default=1.0)
    gb_s = per_month * memory_mb / 1024 * billed_ms / 1000
    dollars = gb_s * price_gb_second + per_month / 1e6 * price_per_million
    seen = "the shortest invocation without a request line" if pings else "Lambda’s 1 ms minimum: no ping seen"
    return (
        dollars,
        f"{per_month:,.0f} pings a month ({expression}), {billed_ms:g} ms billed each ({seen}), {memory_mb} MB",
    )
