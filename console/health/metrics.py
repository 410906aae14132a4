"""Bucketed series and the arithmetic the console shows: totals, rates, percentiles, cost.

No AWS here: `invocation_metrics` fills the same `Metrics` from either gateway's facts, and the pages compute
the same way from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

# The window is the gateways' input too; it lives on its own so they need none of the arithmetic below.
from console.health.window import DEFAULT_RANGE as DEFAULT_RANGE
from console.health.window import RANGES as RANGES
from console.health.window import Window as Window
from console.health.window import utcnow as utcnow

DURATION_STATS = ("avg", "p50", "p90", "p99", "max")


def fill_buckets(window: Window, points: Iterable[tuple[datetime, float]], *, combine: str = "sum") -> list[float]:
    """One value per bucket of the window; buckets with no datapoint are 0 (CloudWatch omits them)."""
    values = [0.0] * len(window.buckets)
    seen = [False] * len(values)
    for when, value in points:
        i = window.bucket_index(when)
        if i is None:
            continue
        if not seen[i]:
            values[i] = value
        elif combine == "max":
            values[i] = max(values[i], value)
        else:
            values[i] += value
        seen[i] = True
    return values


@dataclass
class Metrics:
    """The function's CloudWatch metrics (or the local process's) over one window, one value per bucket."""

    window: Window
    invocations: list[float]
    errors: list[float]
    throttles: list[float]
    concurrency: list[float]  # maximum concurrent executions per bucket
    duration: dict[str, list[float]]  # stat (avg, p50, p90, p99, max) -> per bucket, ms
    overall_duration: dict[str, float | None] = field(default_factory=dict)  # stat over the whole window
    source: str = "aws"
    warnings: list[str] = field(default_factory=list)

    @property
    def total_invocations(self) -> int:
        return int(round(sum(self.invocations)))

    @property
    def total_errors(self) -> int:
        return int(round(sum(self.errors)))

    @property
    def total_throttles(self) -> int:
        return int(round(sum(self.throttles)))

    @property
    def error_rate(self) -> float | None:
        return error_rate(self.total_errors, self.total_invocations)

    @property
    def peak_concurrency(self) -> int:
        return int(max(self.concurrency, default=0))

    @property
    def duration_sum_ms(self) -> float:
        """Sum of durations, from per-bucket average x count (exact when the average is)."""
        return sum(a * n for a, n in zip(self.duration.get("avg", []), self.invocations, strict=False))


def error_rate(errors: float, invocations: float) -> float | None:
    return None if invocations <= 0 else errors / invocations


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (what CloudWatch's pNN on raw samples approximates); None for no data."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(values: Sequence[float]) -> dict[str, float | None]:
    """avg, p50, p90, p99, max of raw samples."""
    if not values:
        return dict.fromkeys(DURATION_STATS)
    return {
        "avg": sum(values) / len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values),
    }


# --- cost ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    requests: int
    gb_seconds: float
    compute_usd: float
    requests_usd: float
    architecture: str
    price_per_gb_second: float
    price_per_million_requests: float
    basis: str  # what the GB-seconds were computed from

    @property
    def total_usd(self) -> float:
        return self.compute_usd + self.requests_usd


def gb_seconds(billed_ms: float, memory_mb: float) -> float:
    """Lambda bills memory in GB of 1024 MB and duration in seconds."""
    return billed_ms / 1000 * memory_mb / 1024


def cost(
    *,
    requests: int,
    gb_s: float,
    architecture: str,
    prices: dict[str, float],
    per_million_requests: float,
    basis: str,
) -> Cost:
    """List price for the range, free tier not deducted (it is per account, not per function)."""
    price = prices.get(architecture) or prices.get("x86_64", 0.0)
    return Cost(
        requests=requests,
        gb_seconds=gb_s,
        compute_usd=gb_s * price,
        requests_usd=requests / 1_000_000 * per_million_requests,
        architecture=architecture,
        price_per_gb_second=price,
        price_per_million_requests=per_million_requests,
        basis=basis,
    )


def estimated_gb_seconds(metrics: Metrics, memory_mb: int) -> float:
    """From the Duration metric when REPORT lines are not at hand: each invocation is billed rounded up
    to the next millisecond, so add half a millisecond per invocation on average."""
    billed_ms = metrics.duration_sum_ms + 0.5 * metrics.total_invocations
    return gb_seconds(billed_ms, memory_mb)


# --- memory hint --------------------------------------------------------------------------------------

MEMORY_HINT_RATIO = 0.4
LAMBDA_MIN_MEMORY_MB = 128


@dataclass(frozen=True)
class MemoryHint:
    memory_mb: int
    max_used_mb: int
    suggested_mb: int

    @property
    def used_ratio(self) -> float:
        return self.max_used_mb / self.memory_mb if self.memory_mb else 0.0


def memory_hint(memory_mb: int | None, max_used_mb: Iterable[float | None]) -> MemoryHint | None:
    """A hint when the largest Max Memory Used stays below 40% of the size. Suggests the next power-of-two
    step with 50% headroom; Lambda's CPU share grows with memory, so a smaller size may run slower."""
    used = [u for u in max_used_mb if u is not None]
    if not memory_mb or not used:
        return None
    peak = max(used)
    if peak >= memory_mb * MEMORY_HINT_RATIO:
        return None
    suggested = LAMBDA_MIN_MEMORY_MB
    while suggested < peak * 1.5:
        suggested *= 2
    if suggested >= memory_mb:
        return None
    return MemoryHint(memory_mb=int(memory_mb), max_used_mb=int(math.ceil(peak)), suggested_mb=suggested)


OOM_RISK_RATIO = 0.9  # Max Memory Used at 90 % of the size: one larger request away from "signal: killed"


@dataclass(frozen=True)
class MemorySummary:
    """Memory used against memory configured over the range, and what a million requests cost at this size."""

    memory_mb: int
    p50_mb: float | None
    p99_mb: float | None
    max_mb: float | None
    cost_per_million_usd: float | None  # at the range's average billed duration, this size, list prices

    @property
    def headroom_mb(self) -> float | None:
        return None if self.max_mb is None else self.memory_mb - self.max_mb

    @property
    def headroom_ratio(self) -> float | None:
        return None if self.max_mb is None or not self.memory_mb else (self.memory_mb - self.max_mb) / self.memory_mb

    @property
    def oom_risk(self) -> bool:
        return self.max_mb is not None and self.max_mb >= self.memory_mb * OOM_RISK_RATIO


def memory_summary(
    *,
    memory_mb: float | None,
    p50_mb: float | None,
    p99_mb: float | None,
    max_mb: float | None,
    invocations: int,
    billed_ms: float,
    price_gb_second: float,
    price_per_million_requests: float,
) -> MemorySummary | None:
    """No guess at other sizes: the cost is the range's own average billed duration at the current size."""
    if not memory_mb:
        return None
    per_million = None
    if invocations:
        average_s = billed_ms / invocations / 1000
        per_million = 1_000_000 * average_s * memory_mb / 1024 * price_gb_second + price_per_million_requests
    return MemorySummary(int(memory_mb), p50_mb, p99_mb, max_mb, per_million)
