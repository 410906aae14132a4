"""A check's result and the facts checks judge (console/health/checks.py runs them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from console.health.gateway import FunctionConfig
from console.health.invocation_lines import Invocation
from console.health.setup_facts import SetupFacts

OK, WARN, FAIL, UNKNOWN = "ok", "warn", "fail", "unknown"


@dataclass(frozen=True)
class Check:
    id: str
    status: str  # ok, warn, fail, unknown
    title: str
    why: str
    fix: str = ""  # a command or a zappa_settings.json change


@dataclass(frozen=True)
class CheckFacts:
    config: FunctionConfig
    stage: dict[str, Any] = field(default_factory=dict)  # the stage's resolved zappa_settings.json settings
    stage_name: str = "dev"
    setup: SetupFacts | None = None
    peak_concurrency: int | None = None  # the ConcurrentExecutions maximum of the range; None: not read
    invocations: Sequence[Invocation] | None = None  # recent invocations (REPORT lines); None: not read
    compiled: tuple[str, ...] | None = None  # shipped distributions with compiled extension modules
    recommended_alarms: tuple[str, ...] = ()
    today: date = field(default_factory=date.today)
    price_gb_second: float = 0.0000166667
    price_per_million: float = 0.20
    region: str = "us-east-1"


def unread(facts: CheckFacts, key: str) -> str | None:
    """Why a fact the check needs was not read; None when it was."""
    if facts.setup is None:
        return "The setup reads did not run."
    return facts.setup.unread.get(key)


def update(facts: CheckFacts) -> str:
    return f"then zappa update {facts.stage_name}"
