"""The asynchronous-invocations page: a panel of the triggers page, a flag on the overview (both loaded by
htmx, spending their own two calls), and a page of its own without JavaScript."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.health import async_invocations as async_question
from console.health.reads import Reads, ranges_for, render_page, window_of
from console.web.htmx_request import HtmxHttpRequest


@require_safe
@admin_required
def async_invocations(request: HtmxHttpRequest) -> HttpResponse:
    window = window_of(request)
    reads = Reads()
    gw = reads.gateway
    report = reads.attempt("Asynchronous invocations", async_question.report, gw, window) if gw else None
    context = {
        "window": window,
        "report": report,
        "compact": request.GET.get("compact") == "1",
        "ranges": ranges_for(request, window, "health:async"),
    }
    if request.htmx:
        return render_page(request, "console/health/_async.html", reads, context, tab="triggers")
    return render_page(request, "console/health/async.html", reads, context, tab="triggers")
