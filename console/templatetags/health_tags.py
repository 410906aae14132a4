"""Number and time formats for the function-health console's templates."""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
DASH = "\u2014"


@register.filter
def ms(value: float | None) -> str:
    """12.345 -> "12.3 ms"; 1234 -> "1.23 s"."""
    if value is None or value == "":
        return DASH
    value = float(value)
    if value >= 1000:
        return f"{value / 1000:.3g} s" if value < 100_000 else f"{value / 1000:,.0f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    return f"{value:.3g} ms" if value >= 1 else f"{value:.2f} ms"


@register.filter
def usd(value: float | None) -> str:
    if value is None:
        return DASH
    value = float(value)
    if value == 0:
        return "$0.00"
    if value < 0.01:
        # two significant digits, never scientific notation: $0.0000042
        decimals = min(12, 1 - math.floor(math.log10(value)))
        return f"${value:.{decimals}f}"
    return f"${value:,.2f}"


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return DASH
    value = float(value) * 100
    if value == 0:
        return "0%"
    return f"{value:.2g}%" if value < 10 else f"{value:.0f}%"


@register.filter
def num(value: float | None) -> str:
    """Thousands separators; decimals only when there are some."""
    if value is None or value == "":
        return DASH
    value = float(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


@register.filter
def mib(value: int | None) -> str:
    """Bytes as MiB/KiB (code size)."""
    if value is None:
        return DASH
    value = float(value)
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f} MiB"
    return f"{value / 1024:.1f} KiB"


@register.filter
def utc(value: datetime | None) -> str:
    if not value:
        return DASH
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@register.filter
def clock(value: datetime | None) -> str:
    """Time of day with milliseconds, and the date when it is not today."""
    if not value:
        return DASH
    value = value.astimezone(UTC)
    text = value.strftime("%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if value.date() != datetime.now(tz=UTC).date():
        text = value.strftime("%b %d ") + text
    return text


@register.filter
def epoch_ms(value: int) -> int:
    return int(value)


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def to_ms(value: datetime | None) -> int:
    return int(value.timestamp() * 1000) if value else 0


_IN_REQUEST_MESSAGE = {"method", "path", "status", "duration_ms"}


@register.filter
def chips(fields: dict) -> list[tuple[str, str]]:
    """A JSON line's extra fields worth a chip: no empty values, nothing its message already says."""
    if not isinstance(fields, dict):
        return []
    hidden = {"logger", "exception"}
    if fields.get("logger") == "console.request":
        hidden |= _IN_REQUEST_MESSAGE
    result = []
    for key, value in fields.items():
        if key in hidden or value in (None, "", False, [], {}):
            continue
        if key == "aws_calls" and isinstance(value, list):
            value = len(value)  # each call is drawn in the request page's timeline
        result.append((key.replace("_", " "), "" if value is True else str(value)))
    return result


def _seconds(value: int) -> str:
    if value % 3600 == 0:
        return f"{value // 3600} h"
    return f"{value // 60} min" if value % 60 == 0 else f"{value} s"


@register.filter
def alarm_metric(alarm) -> str:
    from console.health.alarms import alarm_metric as described

    return described(alarm)


@register.filter
def alarm_comparison(alarm) -> str:
    from console.health.alarms import alarm_comparison as symbol

    return symbol(alarm)


@register.filter
def esm_risks(mapping) -> list[str]:
    """What an event source mapping's settings risk (console.health.streams decides)."""
    from console.health.streams import mapping_risks

    return mapping_risks(mapping)


@register.filter
def esm_settings(mapping) -> list[tuple[str, bool]]:
    """An event source mapping's retry and failure settings as (text, is_risky) chips."""
    out: list[tuple[str, bool]] = []
    if mapping.starting_position:
        out.append((f"from {mapping.starting_position}", False))
    if mapping.origin != "aws":
        return out
    if not mapping.is_stream:  # a queue retries through its own redrive policy
        return [*out, ("the queue's redrive policy", False)]
    retries, age = mapping.max_retries, mapping.max_record_age_s
    out.append(("retries until expiry" if retries in (None, -1) else f"{retries} retries", retries in (None, -1)))
    out.append(("no age limit" if age in (None, -1) else f"skip after {_seconds(age)}", age in (None, -1)))
    if mapping.bisect_on_error:
        out.append(("bisect on error", False))
    out.append(
        (
            "partial batch responses" if mapping.report_item_failures else "whole-batch retries",
            not mapping.report_item_failures,
        )
    )
    out.append(
        (
            f"on failure \u2192 {mapping.on_failure.rsplit(':', 1)[-1]}"
            if mapping.on_failure
            else "no failure destination",
            False,
        )
    )
    return out


# The two tags below write a table's rows with f-strings and html.escape (what Django's escape does), not
# format_html: on the Invocations page, format_html's per-argument checks cost more than the rows' content.
def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@register.simple_tag
def bucket_rows(rows: list[dict], duration_keys: list[str]) -> SafeString:
    """The invocations page's "numbers behind the charts", a <tr> per bucket (utc, num and ms as the filters
    write them). Built here, not by the template's loops: ~500 cells a page, measured at ~40% of the page's CPU
    when each cell was a variable node with filters (bench/bench_app_time.py)."""
    return mark_safe("\n".join(_bucket_row(row, duration_keys) for row in rows))  # noqa: S308 - escaped cells


def _bucket_row(row: dict, duration_keys: list[str]) -> str:
    durations = "".join(f'<td class="num">{_e(ms(row.get(key)))}</td>' for key in duration_keys)
    zero = "" if row["invocations"] else ' class="zero"'
    return (
        f'<tr{zero}><td class="mono nowrap">{_e(utc(row["time"]))}</td><td class="num">{_e(num(row["invocations"]))}'
        f'</td><td class="num">{_e(num(row["errors"]))}</td><td class="num">{_e(num(row["throttles"]))}</td>'
        f'{durations}<td class="num">{_e(num(row["concurrency"]))}</td></tr>'
    )


@register.simple_tag
def invocation_rows(invocations: list, local: bool, compact: bool) -> SafeString:
    """The invocations tables' rows (the Invocations page's 50, the overview's 10), as the template's loop wrote
    them: built here for the same reason as bucket_rows (~60% of the Invocations page's CPU was this loop)."""
    if not invocations:
        return mark_safe('<tr><td colspan="8" class="empty">No invocations in this range.</td></tr>')
    return mark_safe("\n".join(_invocation_row(inv, local, compact) for inv in invocations))  # noqa: S308


def _invocation_row(inv, local: bool, compact: bool) -> str:
    href = f"{reverse('health:request', args=[inv.request_id])}?t={to_ms(inv.time)}"
    link = f'<a href="{_e(href)}" title="{_e(inv.request_id)}">{_e(truncatechars(inv.request_id, 14))}</a>'
    label = f'<td class="mono nowrap">{_e(inv.label)}</td>' if local else ""
    billed = "" if compact else f'<td class="num">{_e(ms(inv.billed_ms))}</td>'
    memory = f"{inv.max_memory_mb} MB" if compact else f"{inv.max_memory_mb} / {inv.memory_mb} MB"
    return (
        f'<tr><td class="mono nowrap">{_e(clock(inv.time))}</td><td class="mono nowrap">{link}</td>{label}'
        f'<td class="num">{_e(ms(inv.duration_ms))}</td>{billed}<td class="num">{_e(memory)}</td>'
        f'<td class="num">{_start_pill(inv)}</td><td class="nowrap">{_outcome_pills(inv)}</td></tr>'
    )


def _start_pill(inv) -> str:
    if inv.init_ms is not None:
        return f'<span class="pill pill-cold" title="cold start">{_e(ms(inv.init_ms))}</span>'
    if inv.restore_ms is not None:
        return f'<span class="pill pill-cold" title="SnapStart restore">{_e(ms(inv.restore_ms))}</span>'
    return '<span class="muted">warm</span>'


def _outcome_pills(inv) -> str:
    if inv.failed:
        outcome = f'<span class="pill pill-bad" title="{_e(inv.detail)}">{_e(inv.outcome)}</span>'
    else:
        outcome = '<span class="pill pill-ok">ok</span>'
    status = ""
    if inv.http_status:
        kind = "pill-bad" if inv.app_failed else "pill-warn" if inv.http_status >= 400 else "pill-muted"
        code = _e(inv.http_status)
        status = f'<span class="pill {kind}" title="the app answered HTTP {code}">HTTP {code}</span>'
    user = f'<span class="muted">{_e(inv.user)}</span>' if inv.user else ""
    return f"{outcome} {status} {user}"
