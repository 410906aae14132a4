from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.health import metrics as m

NOW = datetime(2026, 11, 27, 10, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "points", "period"),
    [
        ("1h", 60, 60),
        ("3h", 36, 300),
        ("12h", 48, 900),
        ("24h", 48, 1800),
        ("7d", 168, 3600),
    ],
)
def test_it_cuts_each_range_into_aligned_buckets(key, points, period):
    window = m.Window.for_range(key, now=NOW)
    assert len(window.buckets) == points and window.period == period
    assert window.end >= NOW and window.end.timestamp() % period == 0


def test_an_unknown_range_falls_back_to_24h():
    assert m.Window.for_range("forever", now=NOW).key == "24h"


def test_empty_buckets_are_zeros_and_every_datapoint_counts():
    window = m.Window.for_range("1h", now=NOW)
    start = window.start
    points = [
        (start, 3.0),
        (start + timedelta(minutes=59), 4.0),
        (start + timedelta(minutes=59, seconds=30), 1.0),
        (start - timedelta(minutes=1), 100.0),
    ]  # outside the window: ignored
    values = m.fill_buckets(window, points)
    assert len(values) == 60 and values[0] == 3 and values[-1] == 5 and sum(values) == 8
    assert values[1:59] == [0.0] * 58
    assert m.fill_buckets(window, points, combine="max")[-1] == 4


def test_totals_sum_every_bucket_and_error_rate_handles_zero():
    window = m.Window.for_range("1h", now=NOW)
    zeros = [0.0] * 60
    inv = zeros.copy()
    inv[0], inv[30] = 10, 30
    err = zeros.copy()
    err[30] = 4
    metrics = m.Metrics(
        window=window,
        invocations=inv,
        errors=err,
        throttles=zeros,
        concurrency=zeros,
        duration={"avg": [2.0 if v else 0.0 for v in inv]},
    )
    assert (metrics.total_invocations, metrics.total_errors, metrics.error_rate) == (40, 4, 0.1)
    assert metrics.duration_sum_ms == 80
    assert m.error_rate(0, 0) is None


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert (m.percentile(values, 50), m.percentile(values, 90), m.percentile(values, 99)) == (50, 90, 99)
    assert m.percentile([], 50) is None
    assert m.summarize([4.0]) == {"avg": 4.0, "p50": 4.0, "p90": 4.0, "p99": 4.0, "max": 4.0}


def test_cost_uses_the_architecture_price_and_request_price():
    prices = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
    gb_s = m.gb_seconds(billed_ms=1_000_000, memory_mb=512)  # 1000 s at 0.5 GB
    assert gb_s == 500
    x86 = m.cost(
        requests=2_000_000, gb_s=gb_s, architecture="x86_64", prices=prices, per_million_requests=0.2, basis="REPORT"
    )
    arm = m.cost(
        requests=2_000_000, gb_s=gb_s, architecture="arm64", prices=prices, per_million_requests=0.2, basis="REPORT"
    )
    assert x86.compute_usd == pytest.approx(0.00833335) and x86.requests_usd == pytest.approx(0.4)
    assert arm.compute_usd == pytest.approx(0.0066667) and arm.total_usd == pytest.approx(0.4066667)


def test_memory_hint_only_when_far_below_the_size():
    hint = m.memory_hint(1024, [80, 95.5, None])
    assert (hint.max_used_mb, hint.suggested_mb) == (96, 256)
    assert m.memory_hint(512, [300]) is None
    assert m.memory_hint(256, [90]) is None  # 128 would leave too little headroom, 256 is already it
    assert m.memory_hint(None, [10]) is None and m.memory_hint(512, []) is None


def test_money_and_durations_read_well():
    from console.templatetags.health_tags import ms, percent, usd

    assert usd(0.00000023) == "$0.00000023" and usd(0.0042) == "$0.0042" and usd(12.5) == "$12.50" and usd(0) == "$0.00"
    assert ms(0.42) == "0.42 ms" and ms(12.34) == "12.3 ms" and ms(412.57) == "413 ms" and ms(30030.41) == "30 s"
    assert ms(None) == "\u2014" and percent(0.5) == "50%" and percent(0.0213) == "2.1%"


def test_chart_axes_end_on_round_steps():
    from console.health.charts import nice_ceiling

    assert nice_ceiling(222) == 240 and nice_ceiling(12, integer=True) == 16 and nice_ceiling(1, integer=True) == 4
    assert nice_ceiling(0) == 1 and nice_ceiling(0.9) == 1.0 and nice_ceiling(3000) == 3200
