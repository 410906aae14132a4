"""A time range cut into equal buckets: what every question asks about, and what the gateways read."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# range key -> (length, bucket period). Periods keep every chart at 48-168 points and stay within what
# CloudWatch keeps at that resolution (1-minute data for 15 days).
RANGES: dict[str, tuple[timedelta, int]] = {
    "1h": (timedelta(hours=1), 60),
    "3h": (timedelta(hours=3), 300),
    "12h": (timedelta(hours=12), 900),
    "24h": (timedelta(hours=24), 1800),
    "7d": (timedelta(days=7), 3600),
}
DEFAULT_RANGE = "24h"


def utcnow() -> datetime:
    return datetime.now(tz=UTC)


@dataclass(frozen=True)
class Window:
    """A time range cut into equal buckets: [start, end), end aligned up to the period."""

    key: str
    start: datetime
    end: datetime
    period: int  # seconds

    @classmethod
    def for_range(cls, key: str, *, now: datetime | None = None) -> Window:
        if key not in RANGES:
            key = DEFAULT_RANGE
        length, period = RANGES[key]
        now = now or utcnow()
        epoch = math.ceil(now.timestamp() / period) * period
        end = datetime.fromtimestamp(epoch, tz=UTC)
        return cls(key=key, start=end - length, end=end, period=period)

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @property
    def buckets(self) -> list[datetime]:
        count = self.seconds // self.period
        return [self.start + timedelta(seconds=i * self.period) for i in range(count)]

    def bucket_index(self, when: datetime) -> int | None:
        if when < self.start or when >= self.end:
            return None
        return int((when - self.start).total_seconds()) // self.period

    @property
    def start_ms(self) -> int:
        return int(self.start.timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return int(self.end.timestamp() * 1000)
