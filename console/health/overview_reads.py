"""The overview's reads (configuration, metrics, recent invocations), kept a minute in this process so the
Checks panel the overview loads right after spends only its own calls.

Per process: on Lambda the panel's request may reach another execution environment, which reads again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from console.health.gateway import FunctionConfig
from console.health.invocations import InvocationSample
from console.health.metrics import Metrics

MAX_AGE_S = 60.0


@dataclass(frozen=True)
class OverviewReads:
    config: FunctionConfig
    metrics: Metrics | None
    sample: InvocationSample | None
    read_at: float  # time.monotonic()


_kept: dict[tuple[str, str, str], OverviewReads] = {}
_lock = threading.Lock()


def remember(kind: str, function: str, window_key: str, config: FunctionConfig | None, metrics, sample) -> None:
    if config is None:
        return
    with _lock:
        _kept[(kind, function, window_key)] = OverviewReads(config, metrics, sample, time.monotonic())


def recall(kind: str, function: str, window_key: str, *, max_age_s: float = MAX_AGE_S) -> OverviewReads | None:
    with _lock:
        found = _kept.get((kind, function, window_key))
    if found is None or time.monotonic() - found.read_at > max_age_s:
        return None
    return found


def forget() -> None:
    with _lock:
        _kept.clear()
