"""The function-health console's pages: admin only, read through one gateway, at most three AWS calls each.

A failed read never makes a 500: each section shows what was fetched, and the problem says what to do
(AccessDenied names the IAM action to grant). The logs pages are in log_views.py, errors and routes (Logs
Insights, polled) in insights_views.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.aws.errors import AwsError
from console.health import alarms as alarms_question
from console.health import charts, invocation_metrics, overview_reads
from console.health import deploys as deploys_question
from console.health import invocations as invocations_question
from console.health import streams as streams_question
from console.health import triggers as triggers_question
from console.health.alarms import AlarmTarget, recommended
from console.health.gateway import HealthGateway
from console.health.metrics import (
    Metrics,
    cost,
    estimated_gb_seconds,
    memory_summary,
)
from console.health.reads import Problem, Reads, hint_for, ranges_for, render_page, window_of
from console.health.stage import StageSettingsError, drift, expected_config, load_stage, redact_environment
from console.health.streams import LAG_WARN_MS
from console.web.htmx_request import HtmxHttpRequest
from console.web.integers import parse_int


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


def _deploy_markers(gateway: HealthGateway | None) -> list[tuple[datetime, str]]:
    """The deploys this process knows of (read by a GetFunction or the deploys panel in the last minutes):
    marked on every chart without a call of the page's own."""
    if not gateway:
        return []
    try:  # and every deploy recorded at cold start (one DynamoDB Query per process in ten minutes)
        recorded = [(d.at, f"deploy {d.short_hash}") for d in gateway.recorded_deploys()]
    except AwsError:
        recorded = []
    return sorted({**dict(recorded), **dict(gateway.known_deploys())}.items())


# --- pages -----------------------------------------------------------------------------------------------


@require_safe
@admin_required
def overview(request: HttpRequest) -> HttpResponse:
    window = window_of(request)
    reads = Reads()
    gw = reads.gateway
    config = reads.attempt("Configuration", gw.configuration) if gw else None
    metrics = reads.attempt("Metrics", invocation_metrics.read, gw, window) if gw else None
    sample = (
        reads.attempt("Recent invocations", invocations_question.recent, gw, window, limit=10, metrics=metrics)
        if gw
        else None
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
        "ranges": ranges_for(request, window, "health:overview"),
        "config": config,
        "metrics": metrics,
        "sample": sample,
        "cost": estimate,
        "hint": hint_for(config, sample),
        "charts": _metric_charts(metrics, _deploy_markers(gw)) if metrics else None,
        "app_failures": sum(1 for i in sample.invocations if i.app_failed) if sample else 0,
    }
    return render_page(request, "console/health/overview.html", reads, context, tab="overview")


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
    context = {
        "config": config,
        "stage": stage,
        "expected": expected,
        "drift": differences,
        "packaged": packaged,
        "stage_path": settings.HEALTH_ZAPPA_SETTINGS.name,
        "process": gw.process_values() if gw else None,
    }
    return render_page(request, "console/health/configuration.html", reads, context, tab="configuration")


@require_safe
@admin_required
def invocations(request: HttpRequest) -> HttpResponse:
    window = window_of(request)
    reads = Reads()
    gw = reads.gateway
    metrics = reads.attempt("Metrics", invocation_metrics.read, gw, window) if gw else None
    sample = (
        reads.attempt("Recent invocations", invocations_question.recent, gw, window, limit=50, metrics=metrics)
        if gw
        else None
    )
    handle = (
        reads.attempt("Cold starts and cost (Logs Insights)", invocations_question.start_aggregates, gw, window)
        if gw
        else None
    )
    context = {
        "window": window,
        "ranges": ranges_for(request, window, "health:invocations"),
        "metrics": metrics,
        "sample": sample,
        "charts": _metric_charts(metrics, _deploy_markers(gw)) if metrics else None,
        "rows": _bucket_rows(metrics) if metrics else [],
        "hint": hint_for(None, sample) if sample else None,
        "aggregates_url": (
            f"{reverse('health:aggregates')}?{urlencode({'q': handle, 'range': window.key})}" if handle else ""
        ),
    }
    return render_page(request, "console/health/invocations.html", reads, context, tab="invocations")


@require_safe
@admin_required
def aggregates(request: HtmxHttpRequest) -> HttpResponse:
    """Cold starts, init percentiles, GB-seconds and cost over the range: polled by htmx until the query
    is done (a full page without JavaScript)."""
    window = window_of(request)
    handle = request.GET.get("q", "")
    reads = Reads()
    gw = reads.gateway
    result = (
        reads.attempt("Cold starts and cost (Logs Insights)", invocations_question.aggregates, gw, handle)
        if gw
        else None
    )
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
        "hint": hint_for(config, None, result) if result and result.done else None,
        "poll_url": request.get_full_path(),
    }
    template = "console/health/_aggregates.html" if request.htmx else "console/health/aggregates_page.html"
    return render_page(request, template, reads, context, tab="invocations")


@require_safe
@admin_required
def triggers(request: HttpRequest) -> HttpResponse:
    """What invokes the function besides HTTP: event source mappings, schedules, and its API Gateway URL."""
    reads = Reads()
    gw = reads.gateway
    found = reads.attempt("Triggers", triggers_question.report, gw) if gw else None
    for what, exc in found.errors if found else []:
        reads.report(what, exc)
    context = {
        "triggers": found,
        "served_at": request.build_absolute_uri(reverse("home")),
        "stage_path": settings.HEALTH_ZAPPA_SETTINGS.name,
    }
    return render_page(request, "console/health/triggers.html", reads, context, tab="triggers")


@require_safe
@admin_required
@require_safe
@admin_required
def streams(request: HtmxHttpRequest) -> HttpResponse:
    """Each stream trigger's lag and failures over the range: a section of the triggers page and a flag on
    the overview, both loaded by htmx (their pages spend their own calls); a page of its own without JS."""
    window = window_of(request)
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Streams", streams_question.report, gw, window) if gw else None
    compact = request.GET.get("compact") == "1"
    context = {
        "window": window,
        "report": report,
        "compact": compact,
        "ranges": ranges_for(request, window, "health:streams"),
        "lag_warn_s": LAG_WARN_MS // 1000,
    }
    if request.htmx:
        return render_page(request, "console/health/_streams.html", reads, context, tab="triggers")
    return render_page(request, "console/health/streams.html", reads, context, tab="triggers")


@require_safe
@admin_required
def alarms(request: HtmxHttpRequest) -> HttpResponse:
    """The function's CloudWatch alarms (state, threshold, last change) and which recommended ones are
    missing; `?panel=1` from htmx is the overview's panel."""
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Alarms", alarms_question.report, gw) if gw else None
    config = reads.attempt("Configuration", gw.configuration) if gw else None
    name = config.name if config else (gw.function_name if gw else "")
    wanted = recommended(
        AlarmTarget(function_name=name, timeout_s=(config.timeout_s if config else 0) or 30, api_name=name)
    )
    present = {a.name for a in report.alarms} if report else set()
    missing = [d for d in wanted if d.name not in present] if report else []
    stage = settings.HEALTH_STAGE or name.rsplit("-", 1)[-1]
    context = {"report": report, "missing": missing, "recommended": wanted, "stage": stage}
    if request.htmx and request.GET.get("panel") == "1":
        return render_page(request, "console/health/_alarms_panel.html", reads, context, tab="overview")
    return render_page(request, "console/health/alarms.html", reads, context, tab="alarms")


@require_safe
@admin_required
def deploys(request: HtmxHttpRequest) -> HttpResponse:
    """The function's versions, and the hour before vs after the latest deploy: the overview's panel (htmx,
    its own three calls), a page without JavaScript."""
    reads = Reads()
    gw = reads.gateway
    report = (
        reads.attempt(
            "Deploys",
            deploys_question.report,
            gw,
            p99="p99" in settings.HEALTH_PERCENTILES,
            chosen_ms=parse_int(request.GET.get("at")),  # a deploy of the list, compared instead of the latest
        )
        if gw
        else None
    )
    context = {"report": report}
    if request.htmx:
        return render_page(request, "console/health/_deploys.html", reads, context, tab="overview")
    return render_page(request, "console/health/deploys.html", reads, context, tab="overview")
