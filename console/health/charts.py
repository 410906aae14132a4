"""Charts as server-side SVG: no JavaScript, readable without CSS, and every number is also in a table.

Each chart is a plain `<svg role="img">` with an aria-label summary; each bar or point carries a
`<title>` so hovering shows its value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 560  # drawn at about the size a half-width panel shows it, so its text is not scaled
HEIGHT = 190
LEFT = 52  # room for y labels
RIGHT = 8
TOP = 10
BOTTOM = 24  # room for x labels


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    css: str  # a class of static/css/console.css: inv, err, thr, p50, p90, p99, max, avg, conc


def nice_ceiling(value: float, *, integer: bool = False) -> float:
    """The top of an axis with four gridlines whose steps read well (60, 120, 180, 240 for 222);
    counts get whole steps."""
    if value <= 0:
        return 4.0 if integer else 1.0
    target = value * 1.04 / 4
    exponent = math.floor(math.log10(target))
    step = 10 ** (exponent + 1)
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if factor * 10**exponent >= target:
            step = factor * 10**exponent
            break
    if integer:
        step = max(1, math.ceil(step))
    return step * 4


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value / 1000:.3g} s" if value >= 1000 else f"{value:.3g} ms"
    if value >= 1000:
        return f"{value / 1000:.3g}k"
    return f"{value:.3g}" if value % 1 else f"{int(value)}"


def _time_label(when: datetime, period: int) -> str:
    return when.strftime("%b %d %H:%M" if period >= 3600 else "%H:%M")


def _frame(
    buckets: Sequence[datetime], period: int, top_value: float, unit: str, label: str, width: int, height: int
) -> list[str]:
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i in range(5):
        y = TOP + plot_h * i / 4
        value = top_value * (4 - i) / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="ylabel" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value, unit)}</text>'
        )
    if buckets:
        for index, anchor in ((0, "start"), (len(buckets) // 2, "middle"), (len(buckets) - 1, "end")):
            x = LEFT + plot_w * (index + (0 if anchor == "start" else 1 if anchor == "end" else 0.5)) / len(buckets)
            parts.append(
                f'<text class="xlabel" x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}">'
                f"{_time_label(buckets[index], period)}</text>"
            )
    return parts


def _markers(
    buckets: Sequence[datetime], period: int, markers: Sequence[tuple[datetime, str]], width: int, height: int
) -> list[str]:
    """A dashed vertical line (with its label as a tooltip) for each deploy inside the chart's range."""
    if not buckets:
        return []
    plot_w, span = width - LEFT - RIGHT, len(buckets) * period
    out = []
    for when, text in markers:
        offset = (when - buckets[0]).total_seconds()
        if not 0 <= offset < span:
            continue
        x = LEFT + plot_w * offset / span
        out.append(
            f'<g class="marker"><line class="deploy" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}"/>'
            f'<text class="marker-label" x="{x + 3:.1f}" y="{TOP + 9}">▲ deploy</text>'
            f"<title>{escape(text)} at {when.strftime('%Y-%m-%d %H:%M:%S')} UTC</title></g>"
        )
    return out


def bar_chart(
    buckets: Sequence[datetime],
    period: int,
    series: Sequence[Series],
    *,
    label: str,
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
    markers: Sequence[tuple[datetime, str]] = (),
) -> SafeString:
    """Overlaid bars (the first series is the largest: invocations, then errors over it)."""
    top_value = nice_ceiling(max((max(s.values, default=0) for s in series), default=0), integer=not unit)
    parts = _frame(buckets, period, top_value, unit, label, width, height)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    bar_w = max(1.0, slot * 0.72)
    for s in series:
        for i, value in enumerate(s.values):
            if value <= 0:
                continue
            h = plot_h * value / top_value
            x = LEFT + i * slot + (slot - bar_w) / 2
            parts.append(
                f'<rect class="bar {s.css}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(s.label)} {_time_label(buckets[i], period)}: {_fmt(value, unit)}</title></rect>"
            )
    parts.extend(_markers(buckets, period, markers, width, height))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from numbers and escaped labels only


def line_chart(
    buckets: Sequence[datetime],
    period: int,
    series: Sequence[Series],
    *,
    label: str,
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
    markers: Sequence[tuple[datetime, str]] = (),
) -> SafeString:
    """One line per series. A bucket without invocations has no duration: the line breaks there rather
    than dropping to zero, and a lone bucket is a dot."""
    top_value = nice_ceiling(max((max(s.values, default=0) for s in series), default=0))
    parts = _frame(buckets, period, top_value, unit, label, width, height)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    for s in series:
        run: list[tuple[float, float]] = []
        for i, value in enumerate([*s.values, 0.0]):
            if value > 0:
                x, y = LEFT + (i + 0.5) * slot, TOP + plot_h - plot_h * value / top_value
                run.append((x, y))
                parts.append(
                    f'<circle class="dot {s.css}" cx="{x:.1f}" cy="{y:.1f}" r="{2.6 if len(buckets) < 80 else 1.6}">'
                    f"<title>{escape(s.label)} {_time_label(buckets[i], period)}: {_fmt(value, unit)}</title></circle>"
                )
                continue
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.insert(len(parts) - len(run), f'<polyline class="line {s.css}" points="{path}"/>')
            run = []
    parts.extend(_markers(buckets, period, markers, width, height))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from numbers and escaped labels only


def sparkline(values: Sequence[float], *, label: str, width: int = 168, height: int = 28) -> SafeString:
    """A small bar per bucket (an issue's occurrences over the range), no axes: the shape, not the scale."""
    top = max(values, default=0) or 1
    slot = width / max(1, len(values))
    parts = [
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="spark-base" x1="0" x2="{width}" y1="{height - 0.5}" y2="{height - 0.5}"/>',
    ]
    for i, value in enumerate(values):
        if value <= 0:
            continue
        h = max(2.0, (height - 2) * value / top)
        parts.append(
            f'<rect class="bar err" x="{i * slot:.1f}" y="{height - h:.1f}" width="{max(1.0, slot * 0.8):.1f}" '
            f'height="{h:.1f}"><title>{_fmt(value, "")}</title></rect>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from numbers and an escaped label only
