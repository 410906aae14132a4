"""Deploys marked: the function's versions (when each was published, its code hash) and whether the latest
deploy made things worse, comparing the hour before it with the hour after (error rate, p99, cold starts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Deploy:
    version: str  # "$LATEST", "12"
    at: datetime
    code_sha256: str = ""
    description: str = ""

    @property
    def short_hash(self) -> str:
        return self.code_sha256[:10]


@dataclass(frozen=True)
class Side:
    """One hour's figures: the hour before the deploy, or the (possibly still running) hour after it."""

    invocations: int = 0
    errors: int = 0
    p99_ms: float | None = None
    cold_starts: int | None = None  # None: not read
    minutes: float = 60.0  # how much of the hour has passed (the hour after may not be over)

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.invocations if self.invocations else None

    @property
    def cold_share(self) -> float | None:
        return self.cold_starts / self.invocations if self.invocations and self.cold_starts is not None else None


@dataclass
class DeployReport:
    deploys: list[Deploy] = field(default_factory=list)  # newest first
    latest: Deploy | None = None
    before: Side | None = None
    after: Side | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def worse(self) -> list[str]:
        """What got worse after the latest deploy, in plain words; empty when nothing did (or no before)."""
        b, a = self.before, self.after
        if not b or not a or not a.invocations:
            return []
        out = []
        if (
            a.error_rate is not None
            and (a.error_rate - (b.error_rate or 0)) >= 0.01
            and a.error_rate > 1.5 * (b.error_rate or 0)
        ):
            out.append(f"error rate rose from {_pct(b.error_rate)} to {_pct(a.error_rate)}")
        if a.p99_ms is not None and b.p99_ms and a.p99_ms > 1.25 * b.p99_ms and a.p99_ms - b.p99_ms >= 20:
            out.append(f"p99 duration rose from {b.p99_ms:,.0f} ms to {a.p99_ms:,.0f} ms")
        if a.cold_share is not None and b.cold_share is not None and a.cold_share > 2 * b.cold_share + 0.02:
            out.append(
                f"cold starts rose from {_pct(b.cold_share)} to {_pct(a.cold_share)} of invocations "
                "(a deploy starts new environments: expect some)"
            )
        return out


def _pct(value: float | None) -> str:
    return "0%" if not value else f"{value * 100:.1f}%"


def markers_in(deploys: list[Deploy], start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """(time, label) of each deploy inside a chart's range."""
    return [(d.at, f"deploy {d.version} {d.short_hash}".strip()) for d in deploys if start <= d.at < end]
