"""The logs pages: lines searched newest first, the live tail, and one request's lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.health import app_lines, log_pages, request_lines
from console.health.gateway import (
    LEVEL_ORDER,
    LogQuery,
)
from console.health.invocations import InvocationSample
from console.health.logparse import LogLine
from console.health.metrics import (
    utcnow,
)
from console.health.patterns import REQUEST_ID
from console.health.reads import REQUEST_SPAN, Problem, Reads, hint_for, render_page
from console.health.timeline import timeline_of
from console.web.htmx_request import HtmxHttpRequest
from console.web.integers import parse_int

T = TypeVar("T")

LOG_RANGES: dict[str, timedelta] = {
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "3h": timedelta(hours=3),
    "12h": timedelta(hours=12),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
MAX_LOG_RANGE = timedelta(days=31)

EARLIEST_LOG_TIME = datetime(2014, 1, 1, tzinfo=UTC)  # AWS Lambda opened in November 2014


def _log_form(request: HttpRequest, problems: list[Problem]) -> tuple[LogQuery, dict[str, Any]]:
    get = request.GET
    now = utcnow()
    preset = get.get("range", "1h")
    form = {
        "range": preset if preset in LOG_RANGES or preset == "custom" else "1h",
        "q": get.get("q", "").strip()[:500],
        "level": get.get("level", "") if get.get("level", "") in LOG_LEVELS else "",
        "request": get.get("request", "").strip(),
        "from": get.get("from", ""),
        "to": get.get("to", ""),
        "live": get.get("live") == "1",
    }
    start, end = now - LOG_RANGES.get(form["range"], timedelta(hours=1)), now
    form["refused"] = False
    if form["range"] == "custom":
        start, end, refusal = _custom_range(form["from"], form["to"], now)
        if refusal:
            # Nothing is read: lines of another range under the refused one would look like its answer.
            problems.append(Problem(refusal, title="Time range refused"))
            form["refused"] = True
        form["live"] = False  # a range in the past gets no new lines
    if form["request"] and not REQUEST_ID.match(form["request"]):
        problems.append(Problem("A request id has only letters, digits and . _ : - (at most 128).", level="warning"))
        form["request"] = ""
    form["from"] = form["from"] or start.strftime("%Y-%m-%dT%H:%M")
    form["to"] = form["to"] or end.strftime("%Y-%m-%dT%H:%M")
    query = LogQuery(start=start, end=end, text=form["q"], level=form["level"], request_id=form["request"])
    return query, form


def _custom_range(first: str, last: str, now: datetime) -> tuple[datetime, datetime, str]:
    """The custom range asked for, or the last hour and why the one asked for is refused."""
    try:
        start = _parse_local(first) if first else now - timedelta(hours=1)
        end = _parse_local(last) if last else now
    except (ValueError, OverflowError):  # OverflowError: a time zone moves it past year 1 or 9999
        return (
            now - timedelta(hours=1),
            now,
            ("From and To are dates and times like 2026-11-27T10:00 (UTC), between the years 1 and 9999."),
        )
    if end <= start or end - start > MAX_LOG_RANGE:
        return now - timedelta(hours=1), now, "The time range must end after it starts and span at most 31 days."
    if start < EARLIEST_LOG_TIME or end > now + timedelta(days=1):
        # Lambda's logs are no older than the function; far dates would overflow the charts' arithmetic.
        return now - timedelta(hours=1), now, "The time range must lie between 2014 and tomorrow."
    return start, end, ""


def _parse_local(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _newest(lines: list[LogLine]) -> tuple[int | None, str]:
    """The newest line's time, and the ids of the lines read at that time (the tail leaves them out)."""
    newest = max((line.event.timestamp for line in lines), default=None)
    ids = sorted({line.event.event_id for line in lines if line.event.timestamp == newest and line.event.event_id})
    return newest, ",".join(ids)


def _int_or_none(text: str | None) -> int | None:
    return parse_int(text)


def _query_string(form: dict[str, Any], **extra: Any) -> str:
    params = {k: form[k] for k in ("range", "q", "level", "request") if form.get(k)}
    if form.get("range") == "custom":
        params.update({"from": form["from"], "to": form["to"]})
    params.update({k: v for k, v in extra.items() if v not in (None, "", False)})
    return urlencode(params)


@require_safe
@admin_required
def logs(request: HttpRequest) -> HttpResponse:
    reads = Reads()
    gw = reads.gateway
    query, form = _log_form(request, reads.problems)
    before = _int_or_none(request.GET.get("before"))
    token = request.GET.get("token") or None
    page = (
        reads.attempt("Logs", log_pages.page, gw, query, before_ms=before, token=token)
        if gw and not form["refused"]
        else None
    )
    hidden = 0
    # The tail starts at the newest line read, and knows the lines already shown at that millisecond.
    newest_ms, newest_ids = _newest(page.lines) if page else (None, "")
    if page:
        page.lines, hidden = app_lines.without_console_polling(page.lines, reverse("health:logs_tail"))
        page.lines = app_lines.with_usernames(page.lines)
    shown = len(page.lines) if page else 0
    base = reverse("health:logs")
    first_page = before is None and token is None
    context = {
        "form": form,
        "levels": LOG_LEVELS,
        "log_ranges": list(LOG_RANGES),
        "page": page,
        "query": query,
        "older_url": f"{base}?{_query_string(form, before=page.older_before_ms)}"
        if page and page.older_before_ms is not None
        else "",
        "token_url": f"{base}?{_query_string(form, before=before, token=page.token)}" if page and page.token else "",
        "newest_url": f"{base}?{_query_string(form)}" if not first_page else "",
        "live_url": f"{base}?{_query_string(form, live='' if form['live'] else '1')}",
        "tail_url": f"{reverse('health:logs_tail')}?"
        f"{_query_string(form, after=newest_ms or int(query.end.timestamp() * 1000), seen=newest_ids, shown=shown)}"
        if form["live"] and first_page
        else "",
        "shown": shown,
        "hidden_polling": hidden,
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return render_page(request, "console/health/logs.html", reads, context, tab="logs")


@require_safe
@admin_required
def logs_tail(request: HtmxHttpRequest) -> HttpResponse:
    """New lines since the last poll: rows prepended to the table, and the poller with its new cursor."""
    if not request.htmx:
        return redirect(f"{reverse('health:logs')}?{request.GET.urlencode()}")
    reads = Reads()
    gw = reads.gateway
    query, form = _log_form(request, reads.problems)
    after = _int_or_none(request.GET.get("after")) or int(utcnow().timestamp() * 1000)
    seen = tuple(s for s in request.GET.get("seen", "").split(",") if s)[:500]
    tail = (
        reads.attempt("Live tail", log_pages.tail, gw, query, after_ms=after, seen=seen)
        if gw and not form["refused"]
        else None
    )
    # this poll and the last few: their REPORT lines come after their answers
    own = [getattr(request, "correlation_id", ""), *request.GET.get("own", "").split(",")][:6]
    own = [i for i in own if i and REQUEST_ID.match(i)]
    if tail:  # the console's own polls would fill the tail with themselves every two seconds
        tail.lines, _ = app_lines.without_console_polling(tail.lines, reverse("health:logs_tail"), also=own)
        tail.lines = app_lines.with_usernames(tail.lines)
    next_after, next_seen = (tail.after_ms, tail.seen) if tail else (after, seen)
    shown = max(0, _int_or_none(request.GET.get("shown")) or 0) + (len(tail.lines) if tail else 0)
    context = {
        "tail": tail,
        "form": form,
        "shown": shown,
        "tail_url": f"{reverse('health:logs_tail')}?"
        f"{_query_string(form, after=next_after, seen=','.join(next_seen), shown=shown, own=','.join(own))}",
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return render_page(request, "console/health/_tail.html", reads, context, tab="logs")


@require_safe
@admin_required
@require_safe
@admin_required
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    reads = Reads()
    gw = reads.gateway
    at = _int_or_none(request.GET.get("t"))
    if at is not None and not 0 < at < 2**42:  # not a time in milliseconds: search the last day
        at = None
    if at:
        center = datetime.fromtimestamp(at / 1000, tz=UTC)
        start, end = center - REQUEST_SPAN, min(center + REQUEST_SPAN, utcnow())
    else:
        start, end = utcnow() - timedelta(hours=24), utcnow()
    detail = (
        reads.attempt("Request", request_lines.request_detail, gw, request_id, start=start, end=end) if gw else None
    )
    context = {
        "request_id": request_id,
        "detail": detail,
        "start": start,
        "end": end,
        "searched_24h": not at,
        "logs_url": f"{reverse('health:logs')}?{urlencode({'range': '24h', 'request': request_id})}",
        "hint": hint_for(None, InvocationSample([detail.invocation], None, None))
        if detail and detail.invocation
        else None,
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
        "level_order": LEVEL_ORDER,
        "timeline": timeline_of(detail.lines) if detail else None,
    }
    if detail:
        detail.lines = app_lines.with_usernames(detail.lines)
    # Nothing carries the id: a 404, as for any other page about something that is not there.
    missing = detail is not None and not detail.lines and detail.invocation is None
    return render_page(
        request, "console/health/request.html", reads, context, tab="logs", status=404 if missing else 200
    )
