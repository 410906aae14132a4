"""The function-health console's pages: admin only, read through one gateway, at most three AWS calls each.

A failed read never makes a 500: each section shows what was fetched, and the problem says what to do
(AccessDenied names the IAM action to grant).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.health import app_lines, charts, overview_reads
from console.health.alarms import AlarmTarget, recommended
from console.health.gateway import (
    LEVEL_ORDER,
    AccessDenied,
    Aggregates,
    FunctionConfig,
    HealthError,
    HealthGateway,
    InvalidQuery,
    InvocationSample,
    LogQuery,
    Throttled,
    Unavailable,
)
from console.health.metrics import (
    RANGES,
    Metrics,
    Window,
    cost,
    estimated_gb_seconds,
    memory_hint,
    memory_summary,
    utcnow,
)
from console.health.patterns import REQUEST_ID
from console.health.routes import COLUMNS, DEFAULT_SORT, sort_routes
from console.health.stage import StageSettingsError, drift, expected_config, load_stage, redact_environment
from console.health.streams import LAG_WARN_MS
from console.health.wiring import get_gateway
from console.integers import parse_int

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
REQUEST_SPAN = timedelta(minutes=16)  # a request lasts at most 15 minutes


_QUERY_WORDS = {"Logs": "filter pattern", "Live tail": "filter pattern"}


@dataclass(frozen=True)
class Problem:
    message: str
    action: str = ""  # the IAM action to grant, for AccessDenied
    level: str = "error"  # "error": nothing was read; "warning": partial data
    title: str = ""  # what the box says first; empty: "Could not read" / "Partial data"


class Reads:
    """Runs gateway reads for one page, collecting problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.gateway: HealthGateway | None = None
        try:
            self.gateway = get_gateway()
        except HealthError as exc:
            self.problems.append(Problem(exc.message))

    def attempt(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        if self.gateway is None:
            return None
        try:
            result = fn(*args, **kwargs)
        except HealthError as exc:
            self.report(what, exc)
            return None
        for warning in getattr(result, "warnings", None) or []:
            self.problems.append(Problem(f"{what}: {warning}", level="warning"))
        return result

    def report(self, what: str, exc: HealthError) -> None:
        if isinstance(exc, AccessDenied):
            self.problems.append(Problem(f"{what}: {exc.message}", action=exc.action))
        elif isinstance(exc, InvalidQuery):
            self.problems.append(Problem(exc.message, title=f"Invalid {_QUERY_WORDS.get(what, 'query')}"))
        elif isinstance(exc, Throttled | Unavailable):
            self.problems.append(Problem(f"{what}: {exc.message} The rest of the page is shown.", level="warning"))
        else:
            self.problems.append(Problem(f"{what}: {exc.message}"))

    @property
    def calls(self) -> int:
        return getattr(self.gateway, "calls", 0)


def _mode(reads: Reads) -> dict[str, Any]:
    gateway = reads.gateway
    kind = getattr(gateway, "kind", "aws")
    return {
        "kind": kind,
        "local": kind == "local",
        "function": getattr(gateway, "function_name", "") or settings.HEALTH_FUNCTION_NAME or "(not set)",
        "region": settings.AWS_REGION,
        "log_group": getattr(gateway, "log_group", ""),
    }


def _render(
    request: HttpRequest, template: str, reads: Reads, context: dict[str, Any], *, tab: str, status: int = 200
) -> HttpResponse:
    context.update({"mode": _mode(reads), "problems": reads.problems, "tab": tab, "aws_calls": reads.calls})
    return render(request, template, context, status=status)


def _window(request: HttpRequest) -> Window:
    return Window.for_range(request.GET.get("range", ""))


def _ranges(request: HttpRequest, window: Window, url_name: str) -> list[dict[str, Any]]:
    base = reverse(url_name)
    return [{"key": key, "url": f"{base}?range={key}", "active": key == window.key} for key in RANGES]


def _price_cost(requests: int, gb_s: float, architecture: str, basis: str):
    return cost(
        requests=requests,
        gb_s=gb_s,
        architecture=architecture,
        prices=settings.HEALTH_PRICE_GB_SECOND,
        per_million_requests=settings.HEALTH_PRICE_PER_MILLION_REQUESTS,
        basis=basis,
    )


def _metric_charts(metrics: Metrics, deploys: list[tuple[datetime, str]] = ()) -> dict[str, Any]:
    w = metrics.window
    markers = [(when, text) for when, text in deploys if w.start <= when < w.end]
    buckets = w.buckets
    duration = [
        charts.Series(label, metrics.duration[key], key)
        for key, label in (("max", "max"), ("p99", "p99"), ("p90", "p90"), ("p50", "p50"), ("avg", "average"))
        if key in metrics.duration
    ]
    return {
        "invocations": charts.bar_chart(
            buckets,
            w.period,
            [
                charts.Series("invocations", metrics.invocations, "inv"),
                charts.Series("errors", metrics.errors, "err"),
                charts.Series("throttles", metrics.throttles, "thr"),
            ],
            label=f"Invocations, errors and throttles per {w.period // 60} min: {metrics.total_invocations} invocations, "
            f"{metrics.total_errors} errors, {metrics.total_throttles} throttles",
            markers=markers,
        ),
        "duration": charts.line_chart(
            buckets, w.period, duration, unit="ms", label=f"Duration per {w.period // 60} min", markers=markers
        ),
        "concurrency": charts.bar_chart(
            buckets,
            w.period,
            [charts.Series("concurrent executions", metrics.concurrency, "conc")],
            label=f"Peak concurrent executions per {w.period // 60} min: at most {metrics.peak_concurrency}",
            width=1160,
            height=150,
            markers=markers,
        ),
        "duration_keys": [s.css for s in duration],
        "markers": markers,
    }


def _bucket_rows(metrics: Metrics) -> list[dict[str, Any]]:
    rows = []
    for i, when in enumerate(metrics.window.buckets):
        rows.append(
            {
                "time": when,
                "invocations": metrics.invocations[i],
                "errors": metrics.errors[i],
                "throttles": metrics.throttles[i],
                "concurrency": metrics.concurrency[i],
                **{key: values[i] for key, values in metrics.duration.items()},
            }
        )
    return list(reversed(rows))


def _hint(config: FunctionConfig | None, sample: InvocationSample | None, aggregates: Aggregates | None = None):
    memory = (config.memory_mb if config else None) or (aggregates.memory_mb if aggregates else None)
    used: list[float | None] = [i.max_memory_mb for i in sample.invocations] if sample else []
    if aggregates and aggregates.max_memory_used_mb is not None:
        used = [aggregates.max_memory_used_mb]
    return memory_hint(int(memory) if memory else None, used)


def _deploy_markers(gateway: HealthGateway | None) -> list[tuple[datetime, str]]:
    """The deploys this process knows of (read by a GetFunction or the deploys panel in the last minutes):
    marked on every chart without a call of the page's own."""
    known = getattr(gateway, "known_deploys", None)
    return known() if known else []


# --- pages -----------------------------------------------------------------------------------------------


@require_safe
@admin_required
def overview(request: HttpRequest) -> HttpResponse:
    window = _window(request)
    reads = Reads()
    gw = reads.gateway
    config = reads.attempt("Configuration", gw.configuration) if gw else None
    metrics = reads.attempt("Metrics", gw.metrics, window) if gw else None
    sample = (
        reads.attempt("Recent invocations", gw.recent_invocations, window, limit=10, metrics=metrics) if gw else None
    )
    if gw:  # the Checks panel, loaded next, judges these without reading them again
        overview_reads.remember(gw.kind, gw.function_name, window.key, config, metrics, sample)
    estimate = None
    if metrics and config:
        estimate = _price_cost(
            metrics.total_invocations,
            estimated_gb_seconds(metrics, config.memory_mb),
            config.architecture,
            "the Duration metric",
        )
    context = {
        "window": window,
        "ranges": _ranges(request, window, "health_overview"),
        "config": config,
        "metrics": metrics,
        "sample": sample,
        "cost": estimate,
        "hint": _hint(config, sample),
        "charts": _metric_charts(metrics, _deploy_markers(gw)) if metrics else None,
        "app_failures": sum(1 for i in sample.invocations if i.app_failed) if sample else 0,
    }
    return _render(request, "console/health/overview.html", reads, context, tab="overview")


@require_safe
@admin_required
def configuration(request: HttpRequest) -> HttpResponse:
    reads = Reads()
    gw = reads.gateway
    config = reads.attempt("Configuration", gw.configuration) if gw else None
    stage = expected = None
    packaged = ()
    try:
        stage = load_stage(
            settings.HEALTH_ZAPPA_SETTINGS, function_name=config.name if config else "", wanted=settings.HEALTH_STAGE
        )
    except StageSettingsError as exc:
        reads.problems.append(Problem(str(exc), level="warning"))
    if stage:
        expected = expected_config(stage, function_name=config.name if config else "")
        packaged = redact_environment(stage.settings.get("environment_variables") or {})
    differences = drift(config, expected) if config and expected and config.source == "aws" else None
    process_values = getattr(gw, "process_values", None)
    context = {
        "config": config,
        "stage": stage,
        "expected": expected,
        "drift": differences,
        "packaged": packaged,
        "stage_path": settings.HEALTH_ZAPPA_SETTINGS.name,
        "process": process_values() if process_values else None,
    }
    return _render(request, "console/health/configuration.html", reads, context, tab="configuration")


@require_safe
@admin_required
def invocations(request: HttpRequest) -> HttpResponse:
    window = _window(request)
    reads = Reads()
    gw = reads.gateway
    metrics = reads.attempt("Metrics", gw.metrics, window) if gw else None
    sample = (
        reads.attempt("Recent invocations", gw.recent_invocations, window, limit=50, metrics=metrics) if gw else None
    )
    handle = reads.attempt("Cold starts and cost (Logs Insights)", gw.start_aggregates, window) if gw else None
    context = {
        "window": window,
        "ranges": _ranges(request, window, "health_invocations"),
        "metrics": metrics,
        "sample": sample,
        "charts": _metric_charts(metrics, _deploy_markers(gw)) if metrics else None,
        "rows": _bucket_rows(metrics) if metrics else [],
        "hint": _hint(None, sample) if sample else None,
        "aggregates_url": (
            f"{reverse('health_aggregates')}?{urlencode({'q': handle, 'range': window.key})}" if handle else ""
        ),
    }
    return _render(request, "console/health/invocations.html", reads, context, tab="invocations")


@require_safe
@admin_required
def aggregates(request: HttpRequest) -> HttpResponse:
    """Cold starts, init percentiles, GB-seconds and cost over the range: polled by htmx until the query
    is done (a full page without JavaScript)."""
    window = _window(request)
    handle = request.GET.get("q", "")
    reads = Reads()
    gw = reads.gateway
    result = reads.attempt("Cold starts and cost (Logs Insights)", gw.aggregates, handle) if gw else None
    config = exact = None
    if result and result.done:
        config = reads.attempt("Configuration", gw.configuration)
        architecture = config.architecture if config else "x86_64"
        exact = _price_cost(
            result.invocations,
            result.gb_seconds,
            architecture,
            "billed duration in REPORT lines (platform.report records in JSON format)",
        )
    memory = None
    if result and result.done:
        architecture = config.architecture if config else "x86_64"
        memory = memory_summary(
            memory_mb=(config.memory_mb if config else None) or result.memory_mb,
            p50_mb=result.memory_p50_mb,
            p99_mb=result.memory_p99_mb,
            max_mb=result.max_memory_used_mb,
            invocations=result.invocations,
            billed_ms=result.billed_ms,
            price_gb_second=settings.HEALTH_PRICE_GB_SECOND.get(architecture, 0.0),
            price_per_million_requests=settings.HEALTH_PRICE_PER_MILLION_REQUESTS,
        )
    context = {
        "window": window,
        "result": result,
        "cost": exact,
        "config": config,
        "memory": memory,
        "hint": _hint(config, None, result) if result and result.done else None,
        "poll_url": request.get_full_path(),
    }
    template = "console/health/_aggregates.html" if request.htmx else "console/health/aggregates_page.html"
    return _render(request, template, reads, context, tab="invocations")


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
    if form["range"] == "custom":
        try:
            start = _parse_local(form["from"]) if form["from"] else now - timedelta(hours=1)
            end = _parse_local(form["to"]) if form["to"] else now
        except (ValueError, OverflowError):  # OverflowError: a time zone moves it past year 1 or 9999
            problems.append(
                Problem(
                    "From and To are dates and times like 2026-11-27T10:00 (UTC), between the years 1 and 9999.",
                    level="warning",
                )
            )
        if end <= start or end - start > MAX_LOG_RANGE:
            problems.append(
                Problem("The time range must end after it starts and span at most 31 days.", level="warning")
            )
            start, end = now - timedelta(hours=1), now
        elif start < EARLIEST_LOG_TIME or end > now + timedelta(days=1):
            # Lambda's logs are no older than the function; far dates would overflow the charts' arithmetic.
            problems.append(Problem("The time range must lie between 2014 and tomorrow.", level="warning"))
            start, end = now - timedelta(hours=1), now
        form["live"] = False  # a range in the past gets no new lines
    if form["request"] and not REQUEST_ID.match(form["request"]):
        problems.append(Problem("A request id has only letters, digits and . _ : - (at most 128).", level="warning"))
        form["request"] = ""
    form["from"] = form["from"] or start.strftime("%Y-%m-%dT%H:%M")
    form["to"] = form["to"] or end.strftime("%Y-%m-%dT%H:%M")
    query = LogQuery(start=start, end=end, text=form["q"], level=form["level"], request_id=form["request"])
    return query, form


def _parse_local(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    page = reads.attempt("Logs", gw.logs, query, before_ms=before, token=token) if gw else None
    hidden = 0
    if page:
        page.lines, hidden = app_lines.without_console_polling(page.lines, reverse("health_logs_tail"))
        page.lines = app_lines.with_usernames(page.lines)
    shown = len(page.lines) if page else 0
    base = reverse("health_logs")
    newest_ms = max((line.event.timestamp for line in page.lines), default=None) if page else None
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
        "tail_url": f"{reverse('health_logs_tail')}?"
        f"{_query_string(form, after=newest_ms or int(query.end.timestamp() * 1000), shown=shown)}"
        if form["live"] and first_page
        else "",
        "shown": shown,
        "hidden_polling": hidden,
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return _render(request, "console/health/logs.html", reads, context, tab="logs")


@require_safe
@admin_required
def logs_tail(request: HttpRequest) -> HttpResponse:
    """New lines since the last poll: rows prepended to the table, and the poller with its new cursor."""
    if not request.htmx:
        return redirect(f"{reverse('health_logs')}?{request.GET.urlencode()}")
    reads = Reads()
    gw = reads.gateway
    query, form = _log_form(request, reads.problems)
    after = _int_or_none(request.GET.get("after")) or int(utcnow().timestamp() * 1000)
    seen = tuple(s for s in request.GET.get("seen", "").split(",") if s)[:500]
    tail = reads.attempt("Live tail", gw.tail, query, after_ms=after, seen=seen) if gw else None
    # this poll and the last few: their REPORT lines come after their answers
    own = [getattr(request, "correlation_id", ""), *request.GET.get("own", "").split(",")][:6]
    own = [i for i in own if i and REQUEST_ID.match(i)]
    if tail:  # the console's own polls would fill the tail with themselves every two seconds
        tail.lines, _ = app_lines.without_console_polling(tail.lines, reverse("health_logs_tail"), also=own)
        tail.lines = app_lines.with_usernames(tail.lines)
    next_after, next_seen = (tail.after_ms, tail.seen) if tail else (after, seen)
    shown = max(0, _int_or_none(request.GET.get("shown")) or 0) + (len(tail.lines) if tail else 0)
    context = {
        "tail": tail,
        "form": form,
        "shown": shown,
        "tail_url": f"{reverse('health_logs_tail')}?"
        f"{_query_string(form, after=next_after, seen=','.join(next_seen), shown=shown, own=','.join(own))}",
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return _render(request, "console/health/_tail.html", reads, context, tab="logs")


@require_safe
@admin_required
def triggers(request: HttpRequest) -> HttpResponse:
    """What invokes the function besides HTTP: event source mappings, schedules, and its API Gateway URL."""
    reads = Reads()
    gw = reads.gateway
    found = reads.attempt("Triggers", gw.triggers) if gw else None
    for what, exc in found.errors if found else []:
        reads.report(what, exc)
    context = {
        "triggers": found,
        "served_at": request.build_absolute_uri(reverse("home")),
        "stage_path": settings.HEALTH_ZAPPA_SETTINGS.name,
    }
    return _render(request, "console/health/triggers.html", reads, context, tab="triggers")


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
    detail = reads.attempt("Request", gw.request_detail, request_id, start=start, end=end) if gw else None
    context = {
        "request_id": request_id,
        "detail": detail,
        "start": start,
        "end": end,
        "searched_24h": not at,
        "logs_url": f"{reverse('health_logs')}?{urlencode({'range': '24h', 'request': request_id})}",
        "hint": _hint(None, InvocationSample([detail.invocation], None, None))
        if detail and detail.invocation
        else None,
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
        "level_order": LEVEL_ORDER,
    }
    if detail:
        detail.lines = app_lines.with_usernames(detail.lines)
    # Nothing carries the id: a 404, as for any other page about something that is not there.
    missing = detail is not None and not detail.lines and detail.invocation is None
    return _render(request, "console/health/request.html", reads, context, tab="logs", status=404 if missing else 200)


# --- failures grouped, routes ranked ---------------------------------------------------------------------


def _insights_report(
    request: HttpRequest,
    reads: Reads,
    window: Window,
    *,
    what: str,
    start: Callable[[Window], str],
    read: Callable[[str], T],
) -> tuple[T | None, str, str]:
    """One Logs Insights query across page loads: started by the first (one call), read by the next ones
    (`?q=`), while the page refreshes itself. Locally the handle is ready at once. Returns (result or None,
    the handle, the URL that reads it)."""
    handle = request.GET.get("q", "")
    if not handle:
        handle = reads.attempt(what, start, window) or ""
        if not handle:
            return None, "", ""
    poll_url = f"{request.path}?{urlencode({'range': window.key, 'q': handle, **_sort_params(request)})}"
    if not request.GET.get("q") and not handle.startswith("local-"):
        return None, handle, poll_url  # just started: its results are read on the next load
    return reads.attempt(what, read, handle), handle, poll_url


def _sort_params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET[k] for k in ("sort", "dir") if request.GET.get(k)}


def _failures(request: HttpRequest, reads: Reads, window: Window):
    gw = reads.gateway

    def read(handle: str):
        report = gw.failures(handle, window)
        if report.done:  # the deploy time and the throttles only once there is something to group
            config = reads.attempt("Configuration (last deploy)", gw.configuration)
            metrics = reads.attempt("Throttles", gw.metrics, window)
            deployed = config.last_modified if config and config.source == "aws" else report.deployed_at
            report.regroup(window, deployed_at=deployed, throttles=metrics.throttles if metrics else ())
        return report

    report, handle, poll_url = (
        _insights_report(request, reads, window, what="Failures (Logs Insights)", start=gw.start_failures, read=read)
        if gw
        else (None, "", "")
    )
    running = (
        bool(handle) and (report is None or not report.done) and not any(p.level == "error" for p in reads.problems)
    )
    groups = []
    for g in report.groups if report and report.done else []:
        groups.append(
            {
                "group": g,
                "chart": charts.sparkline(
                    g.per_bucket, label=f"{g.count} occurrences of {g.label} per {window.period // 60} min"
                ),
            }
        )
    return report, groups, running, poll_url


@require_safe
@admin_required
def errors(request: HttpRequest) -> HttpResponse:
    """Every failure of the range grouped into issues (Python exceptions by type and project frame,
    Lambda-level failures by kind), newest deploy marked."""
    window = _window(request)
    reads = Reads()
    report, groups, running, poll_url = _failures(request, reads, window)
    context = {
        "window": window,
        "ranges": _ranges(request, window, "health_errors"),
        "report": report,
        "groups": groups,
        "running": running,
        "poll_url": poll_url,
        "logs_url": reverse("health_logs"),
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return _render(request, "console/health/errors.html", reads, context, tab="errors")


@require_safe
@admin_required
def errors_panel(request: HttpRequest) -> HttpResponse:
    """The overview's failures panel: loaded by htmx after the page (the overview spends its own three AWS
    calls); without JavaScript the overview links to the errors page."""
    if not request.htmx:
        return redirect(f"{reverse('health_errors')}?{urlencode({'range': _window(request).key})}")
    window = _window(request)
    reads = Reads()
    report, groups, running, poll_url = _failures(request, reads, window)
    context = {
        "window": window,
        "report": report,
        "groups": groups[:5],
        "more": max(0, len(groups) - 5),
        "running": running,
        "poll_url": poll_url,
    }
    return _render(request, "console/health/_errors_panel.html", reads, context, tab="overview")


def _route_filter(route: str, condition: str) -> str:
    return '{ $.route = "' + route.replace('"', "") + '" && ' + condition + " }"


@require_safe
@admin_required
def routes(request: HttpRequest) -> HttpResponse:
    """Every route by its pattern: traffic, 4xx/5xx rates, latency percentiles, cold starts and DynamoDB
    cost per request, sortable by each column (links: no JavaScript needed)."""
    window = _window(request)
    reads = Reads()
    gw = reads.gateway
    report, handle, poll_url = (
        _insights_report(request, reads, window, what="Routes (Logs Insights)", start=gw.start_routes, read=gw.routes)
        if gw
        else (None, "", "")
    )
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in COLUMNS else DEFAULT_SORT
    descending = request.GET.get("dir", "asc" if sort == "route" else "desc") != "asc"
    rows = []
    if report and report.done:
        for r in sort_routes(report.routes, sort, descending=descending):
            logs = reverse("health_logs")
            slow_from = r.p95 if r.p95 is not None else 0
            rows.append(
                {
                    "r": r,
                    "slowest_url": f"{logs}?{urlencode({'range': window.key, 'q': _route_filter(r.route, f'$.duration_ms >= {slow_from:g}')})}",
                    "failed_url": f"{logs}?{urlencode({'range': window.key, 'q': _route_filter(r.route, '$.status >= 500')})}",
                }
            )
    base = reverse("health_routes")
    headings = []
    for key, (_, title) in COLUMNS.items():
        active = key == sort
        next_dir = ("asc" if descending else "desc") if active else ("asc" if key == "route" else "desc")
        query = {"range": window.key, "sort": key, "dir": next_dir}
        if handle and request.GET.get("q"):
            query["q"] = handle  # re-sorting reads the same results, no new query
        headings.append(
            {
                "key": key,
                "title": title,
                "url": f"{base}?{urlencode(query)}",
                "active": active,
                "aria": ("descending" if descending else "ascending") if active else "none",
            }
        )
    running = (
        bool(handle) and (report is None or not report.done) and not any(p.level == "error" for p in reads.problems)
    )
    context = {
        "window": window,
        "ranges": _ranges(request, window, "health_routes"),
        "report": report,
        "rows": rows,
        "headings": headings,
        "running": running,
        "poll_url": poll_url,
    }
    return _render(request, "console/health/routes.html", reads, context, tab="routes")


@require_safe
@admin_required
def streams(request: HttpRequest) -> HttpResponse:
    """Each stream trigger's lag and failures over the range: a section of the triggers page and a flag on
    the overview, both loaded by htmx (their pages spend their own calls); a page of its own without JS."""
    window = _window(request)
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Streams", gw.stream_health, window) if gw else None
    compact = request.GET.get("compact") == "1"
    context = {
        "window": window,
        "report": report,
        "compact": compact,
        "ranges": _ranges(request, window, "health_streams"),
        "lag_warn_s": LAG_WARN_MS // 1000,
    }
    if request.htmx:
        return _render(request, "console/health/_streams.html", reads, context, tab="triggers")
    return _render(request, "console/health/streams.html", reads, context, tab="triggers")


@require_safe
@admin_required
def alarms(request: HttpRequest) -> HttpResponse:
    """The function's CloudWatch alarms (state, threshold, last change) and which recommended ones are
    missing; `?panel=1` from htmx is the overview's panel."""
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Alarms", gw.alarms) if gw else None
    config = reads.attempt("Configuration", gw.configuration) if gw else None
    name = config.name if config else getattr(gw, "function_name", "")
    wanted = recommended(
        AlarmTarget(function_name=name, timeout_s=(config.timeout_s if config else 0) or 30, api_name=name)
    )
    present = {a.name for a in report.alarms} if report else set()
    missing = [d for d in wanted if d.name not in present] if report else []
    stage = settings.HEALTH_STAGE or name.rsplit("-", 1)[-1]
    context = {"report": report, "missing": missing, "recommended": wanted, "stage": stage}
    if request.htmx and request.GET.get("panel") == "1":
        return _render(request, "console/health/_alarms_panel.html", reads, context, tab="overview")
    return _render(request, "console/health/alarms.html", reads, context, tab="alarms")


@require_safe
@admin_required
def deploys(request: HttpRequest) -> HttpResponse:
    """The function's versions, and the hour before vs after the latest deploy: the overview's panel (htmx,
    its own three calls), a page without JavaScript."""
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Deploys", gw.deploys) if gw else None
    context = {"report": report}
    if request.htmx:
        return _render(request, "console/health/_deploys.html", reads, context, tab="overview")
    return _render(request, "console/health/deploys.html", reads, context, tab="overview")
