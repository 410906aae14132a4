"""Failures grouped and routes ranked: one Logs Insights query each, started by the first load and read
by the next ones (the page polls it while it runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.health import charts, failures, invocation_metrics
from console.health import routes as routes_question
from console.health.metrics import (
    Window,
)
from console.health.reads import REQUEST_SPAN, Reads, ranges_for, render_page, window_of
from console.health.routes import COLUMNS, DEFAULT_SORT, sort_routes
from console.web.htmx_request import HtmxHttpRequest

T = TypeVar("T")


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
        report = failures.report(gw, handle, window)
        if report.done:  # the deploy time and the throttles only once there is something to group
            config = reads.attempt("Configuration (last deploy)", gw.configuration)
            metrics = reads.attempt("Throttles", invocation_metrics.read, gw, window)
            deployed = config.last_modified if config and config.source == "aws" else report.deployed_at
            report.regroup(window, deployed_at=deployed, throttles=metrics.throttles if metrics else ())
        return report

    report, handle, poll_url = (
        _insights_report(
            request, reads, window, what="Failures (Logs Insights)", start=lambda w: failures.start(gw, w), read=read
        )
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
    window = window_of(request)
    reads = Reads()
    report, groups, running, poll_url = _failures(request, reads, window)
    context = {
        "window": window,
        "ranges": ranges_for(request, window, "health:errors"),
        "report": report,
        "groups": groups,
        "running": running,
        "poll_url": poll_url,
        "logs_url": reverse("health:logs"),
        "request_span_ms": int(REQUEST_SPAN.total_seconds() * 1000),
    }
    return render_page(request, "console/health/errors.html", reads, context, tab="errors")


@require_safe
@admin_required
def errors_panel(request: HtmxHttpRequest) -> HttpResponse:
    """The overview's failures panel: loaded by htmx after the page (the overview spends its own three AWS
    calls); without JavaScript the overview links to the errors page."""
    if not request.htmx:
        return redirect(f"{reverse('health:errors')}?{urlencode({'range': window_of(request).key})}")
    window = window_of(request)
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
    return render_page(request, "console/health/_errors_panel.html", reads, context, tab="overview")


def _route_filter(route: str, condition: str) -> str:
    return '{ $.route = "' + route.replace('"', "") + '" && ' + condition + " }"


@require_safe
@admin_required
def routes(request: HttpRequest) -> HttpResponse:
    """Every route by its pattern: traffic, 4xx/5xx rates, latency percentiles, cold starts and DynamoDB
    cost per request, sortable by each column (links: no JavaScript needed)."""
    window = window_of(request)
    reads = Reads()
    gw = reads.gateway
    report, handle, poll_url = (
        _insights_report(
            request,
            reads,
            window,
            what="Routes (Logs Insights)",
            start=lambda w: routes_question.start(gw, w),
            read=lambda h: routes_question.report(gw, h),
        )
        if gw
        else (None, "", "")
    )
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in COLUMNS else DEFAULT_SORT
    descending = request.GET.get("dir", "asc" if sort == "route" else "desc") != "asc"
    rows = []
    if report and report.done:
        for r in sort_routes(report.routes, sort, descending=descending):
            logs = reverse("health:logs")
            slow_from = r.p95 if r.p95 is not None else 0
            rows.append(
                {
                    "r": r,
                    "slowest_url": f"{logs}?{urlencode({'range': window.key, 'q': _route_filter(r.route, f'$.duration_ms >= {slow_from:g}')})}",
                    "failed_url": f"{logs}?{urlencode({'range': window.key, 'q': _route_filter(r.route, '$.status >= 500')})}",
                }
            )
    headings = _route_headings(request, window, handle, sort=sort, descending=descending)
    running = (
        bool(handle) and (report is None or not report.done) and not any(p.level == "error" for p in reads.problems)
    )
    context = {
        "window": window,
        "ranges": ranges_for(request, window, "health:routes"),
        "report": report,
        "rows": rows,
        "headings": headings,
        "running": running,
        "poll_url": poll_url,
    }
    return render_page(request, "console/health/routes.html", reads, context, tab="routes")


def _route_headings(
    request: HttpRequest, window: Window, handle: str, *, sort: str, descending: bool
) -> list[dict[str, Any]]:
    """Each column's heading: a link that sorts by it (again: the other way round)."""
    base = reverse("health:routes")
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
    return headings
