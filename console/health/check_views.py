"""The Checks page: what is wrong with the function's setup, and the fix for each (console/health/checks.py).

It judges what the overview reads (configuration, metrics, recent invocations: console/health/overview_reads.py
keeps them a minute, else the page reads them itself) and spends at most three AWS calls of its own
(`HealthGateway.setup_facts`); `?panel=1` from htmx is the overview's panel with the count.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from accounts.auth import admin_required
from console.health import invocation_metrics, invocations, overview_reads
from console.health.alarms import AlarmTarget, recommended
from console.health.checks import FAIL, UNKNOWN, WARN, CheckFacts, failing, run_checks
from console.health.metrics import Window
from console.health.packages import compiled_distributions
from console.health.reads import Problem, Reads, render_page
from console.health.stage import StageSettingsError, load_stage
from console.web.htmx_request import HtmxHttpRequest

SETUP_BUDGET = 3  # AWS calls of the page's own, beyond the overview's reads
STATUS_ORDER = {FAIL: 0, WARN: 1, UNKNOWN: 2}


def _facts(request: HttpRequest, reads: Reads) -> tuple[CheckFacts | None, bool]:
    """What the checks judge: the overview's reads, then the page's own (`?more=1`: its next part)."""
    gw = reads.gateway
    if gw is None:
        return None, False
    window = Window.for_range(request.GET.get("range", ""))
    kept = overview_reads.recall(gw.kind, gw.function_name, window.key)
    if kept:
        config, metrics, sample = kept.config, kept.metrics, kept.sample
    else:
        config = reads.attempt("Configuration", gw.configuration)
        if config is None:
            return None, False
        metrics = reads.attempt("Metrics", invocation_metrics.read, gw, window)
        sample = reads.attempt("Recent invocations", invocations.recent, gw, window, limit=1000, metrics=metrics)
    offset = SETUP_BUDGET if request.GET.get("more") == "1" else 0
    setup = reads.attempt("Setup", gw.setup_facts, config, budget=SETUP_BUDGET, offset=offset)
    stage = None
    try:
        stage = load_stage(settings.HEALTH_ZAPPA_SETTINGS, function_name=config.name, wanted=settings.HEALTH_STAGE)
    except StageSettingsError as exc:
        reads.problems.append(Problem(str(exc), level="warning"))
    stage_settings = stage.settings if stage else {}
    requirements = Path(settings.BASE_DIR) / "requirements.txt"
    facts = CheckFacts(
        config=config,
        stage=stage_settings,
        stage_name=stage.name if stage else (settings.HEALTH_STAGE or config.name.rsplit("-", 1)[-1]),
        setup=setup,
        peak_concurrency=metrics.peak_concurrency if metrics else None,
        invocations=sample.invocations if sample else None,
        compiled=compiled_distributions(requirements, stage_settings.get("exclude") or ()),
        recommended_alarms=tuple(
            d.name
            for d in recommended(
                AlarmTarget(function_name=config.name, timeout_s=config.timeout_s or 30, api_name=config.name)
            )
        ),
        price_gb_second=settings.HEALTH_PRICE_GB_SECOND.get(config.architecture, 0.0000166667),
        price_per_million=settings.HEALTH_PRICE_PER_MILLION_REQUESTS,
        region=settings.AWS_REGION,
    )
    return facts, kept is not None


@require_safe
@admin_required
def checks(request: HtmxHttpRequest) -> HttpResponse:
    reads = Reads()
    facts, reused = _facts(request, reads)
    results = sorted(run_checks(facts), key=lambda c: STATUS_ORDER.get(c.status, 3)) if facts else []
    context = {
        "checks": results,
        "failing": failing(results),
        "unknown": [c for c in results if c.status == UNKNOWN],
        "budget": SETUP_BUDGET,
        "more": bool(facts and facts.setup and facts.setup.more),
        "part_two": request.GET.get("more") == "1",
        "reused": reused,
    }
    if request.htmx and request.GET.get("panel") == "1":
        return render_page(request, "console/health/_checks_panel.html", reads, context, tab="overview")
    return render_page(request, "console/health/checks.html", reads, context, tab="checks")
