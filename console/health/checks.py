"""Checks of the function's setup: what is wrong, why it matters, and the exact fix.

Pure functions from typed facts (the configuration, the stage in zappa_settings.json, the metrics and
invocations the overview reads, and SetupFacts from the gateway) to a list of Checks: the question's one
entry point (`run_checks`). The checks of the configuration, stage and metrics are here; those of what the
page reads itself in setup_checks.py; the result and facts types in check_result.py. Nothing does I/O;
console/health/check_views.py gathers the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from console.health.check_result import FAIL, OK, UNKNOWN, WARN, Check, CheckFacts, update
from console.health.check_tables import (
    ARM64_WHEELS,
    NEWEST_PYTHON_RUNTIME,
    RUNTIME_DEPRECATION_SOURCE,
    RUNTIME_DEPRECATIONS,
)
from console.health.keep_warm import keep_warm_cost, split_user_requests
from console.health.setup_checks import alarms, async_on_failure, function_url, log_retention, plaintext_secrets, vpc

__all__ = ["FAIL", "OK", "UNKNOWN", "WARN", "Check", "CheckFacts", "failing", "run_checks"]

API_GATEWAY_TIMEOUT_S = 29  # API Gateway's integration timeout (REST and HTTP APIs)
MEMORY_HEADROOM = 0.10  # warn when the largest use seen is within 10 % of the memory size
MEMORY_OVERSIZED = 3.0  # "far above": the size is at least three times the largest use seen
DEPRECATION_WARN_DAYS = 180


def run_checks(facts: CheckFacts) -> list[Check]:
    return [check(facts) for check in CHECKS]


def failing(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if c.status in (FAIL, WARN)]


# --- the checks of the configuration, the stage and the metrics, one function each ----------------------------------------------------------------------


def timeout(facts: CheckFacts) -> Check:
    """The deployed timeout, or the stage's when it is larger (the next deploy brings it)."""
    deployed, staged = facts.config.timeout_s, int(facts.stage.get("timeout_seconds") or 0)
    t = max(deployed, staged)
    title = "Timeout within API Gateway's 29 s"
    if facts.stage.get("apigateway_enabled", True) is False:
        return Check("timeout", OK, title, "No API Gateway in front of the function: its own timeout rules.")
    if t > API_GATEWAY_TIMEOUT_S:
        where = "the deployed function" if deployed == t else "zappa_settings.json, at the next deploy"
        return Check(
            "timeout",
            FAIL,
            f"Timeout {t} s is above API Gateway's {API_GATEWAY_TIMEOUT_S} s",
            "API Gateway answers 504 at 29 s while the function keeps running (and billing) up to "
            f"{t} s ({where}): the user never sees the answer, and a retry runs the work twice.",
            f'In zappa_settings.json, stage "{facts.stage_name}": "timeout_seconds": 28, {update(facts)}.',
        )
    return Check("timeout", OK, title, f"Timeout {t} s: the function gives up before API Gateway does.")


def keep_warm(facts: CheckFacts) -> Check:
    on = bool(facts.stage.get("keep_warm", True))
    title = "Keep-warm keeps users off cold starts"
    if facts.invocations is None:
        return Check("keep_warm", UNKNOWN, title, "Recent invocations could not be read.")
    users, pings = split_user_requests(facts.invocations)
    cold = [i for i in users if i.cold_start]
    rate = f"{len(cold)} of {len(users)} user requests" if users else "no user request"
    if not on:
        return Check("keep_warm", OK, "Keep-warm is off", f"Keep-warm is off; cold starts of users: {rate} seen.")
    dollars, basis = keep_warm_cost(
        expression=facts.stage.get("keep_warm_expression", "rate(4 minutes)"),
        memory_mb=facts.config.memory_mb,
        pings=pings,
        price_gb_second=facts.price_gb_second,
        price_per_million=facts.price_per_million,
    )
    cost = (
        f"Keep-warm costs about ${dollars:.2f} a month ({basis})."
        if dollars >= 0.01
        else (f"Keep-warm costs about ${dollars:.4f} a month ({basis}).")
    )
    if not users:
        return Check("keep_warm", UNKNOWN, title, f"No user request among the invocations read. {cost}")
    if not cold:
        return Check(
            "keep_warm",
            OK,
            title,
            f"Cold starts of users: {rate} ({len(pings)} invocations without a request line apart). {cost}",
        )
    return Check(
        "keep_warm",
        WARN,
        f"Keep-warm is on, yet {len(cold)} of {len(users)} user requests met a cold start",
        f"One ping keeps one execution environment warm; concurrent requests and Lambda's recycling still "
        f"start new ones ({len(pings)} invocations without a request line, the pings among them, counted "
        f"apart). {cost}",
        "Pre-warm for the concurrency users bring: aws lambda put-provisioned-concurrency-config "
        f"--function-name {facts.config.name} --qualifier <alias> --provisioned-concurrent-executions "
        f"{max(2, facts.peak_concurrency or 2)}; or cut the cold start itself and turn pings off "
        f'("keep_warm": false in stage "{facts.stage_name}", {update(facts)}).',
    )


def reserved_concurrency(facts: CheckFacts) -> Check:
    reserved, peak = facts.config.reserved_concurrency, facts.peak_concurrency
    title = "Reserved concurrency leaves room to run"
    fix_key = f'"lambda_concurrency" in stage "{facts.stage_name}"'
    if reserved == 0:
        return Check(
            "reserved_concurrency",
            FAIL,
            "Reserved concurrency is 0: the function cannot run",
            "Every invocation is throttled: users get 429/502 and events are dropped or retried.",
            f"aws lambda delete-function-concurrency --function-name {facts.config.name} and remove {fix_key}.",
        )
    if reserved is None:
        return Check("reserved_concurrency", OK, title, "No reservation: the account's unreserved pool applies.")
    if peak is None:
        return Check("reserved_concurrency", UNKNOWN, title, f"Reserved {reserved}; peak concurrency not read.")
    if reserved < peak:
        return Check(
            "reserved_concurrency",
            WARN,
            f"Reserved concurrency {reserved} is below the peak of {peak} seen",
            "At the peak, requests above the reservation are throttled.",
            f"Set {fix_key} to at least {peak} ({update(facts)}), or aws lambda put-function-concurrency "
            f"--function-name {facts.config.name} --reserved-concurrent-executions {peak}.",
        )
    return Check("reserved_concurrency", OK, title, f"Reserved {reserved}, peak seen {peak}.")


def memory(facts: CheckFacts) -> Check:
    """Near the limit against the size each invocation ran with (its REPORT's Memory Size); far above
    against today's size."""
    size = facts.config.memory_mb
    ran = [i for i in facts.invocations or () if i.max_memory_mb]
    title = "Memory fits what the function uses"
    if not ran or not size:
        return Check("memory", UNKNOWN, title, "No invocation's memory use was read.")
    top = max(i.max_memory_mb for i in ran)
    key = f'"memory_size" in stage "{facts.stage_name}"'
    near = [i for i in ran if i.max_memory_mb >= (i.memory_mb or size) * (1 - MEMORY_HEADROOM)]
    if near:
        worst = max(near, key=lambda i: i.max_memory_mb)
        oom = next((i.error_type for i in near if i.error_type), "")
        return Check(
            "memory",
            WARN,
            f"Memory use {worst.max_memory_mb} MB is within 10 % of the {worst.memory_mb or size} MB size",
            "A larger request or a leak across warm invocations ends in Runtime.OutOfMemory"
            + (f" (as it did: {oom})." if oom else "."),
            f"Set {key} to {_round_up(top * 1.5)}, {update(facts)}.",
        )
    if size >= top * MEMORY_OVERSIZED and size > 256:
        return Check(
            "memory",
            WARN,
            f"Memory {size} MB is far above the largest use seen ({top} MB)",
            "Every millisecond is billed at the size; CPU grows with memory too, so check Duration after lowering it.",
            f"Set {key} to {_round_up(max(256, top * 2))}, {update(facts)}.",
        )
    return Check("memory", OK, title, f"Largest use seen {top} MB of {size} MB ({len(ran)} invocations).")


def _round_up(mb: float) -> int:
    return int(-(-mb // 64) * 64)


def architecture(facts: CheckFacts) -> Check:
    title = "Architecture: arm64 costs 20 % less"
    if facts.config.architecture == "arm64":
        return Check("architecture", OK, title, "Runs on arm64 (Graviton).")
    if facts.compiled is None:
        return Check("architecture", UNKNOWN, title, "The shipped packages could not be inspected.")
    blocking = sorted(set(facts.compiled) - ARM64_WHEELS)
    if blocking:
        return Check(
            "architecture",
            OK,
            "Stays on x86_64: compiled packages",
            f"{', '.join(blocking)} ship compiled extension modules with no arm64 wheel known here "
            f"(the rule: pure Python, or a package in {sorted(ARM64_WHEELS)} with a checked manylinux aarch64 wheel).",
        )
    return Check(
        "architecture",
        WARN,
        "x86_64 where arm64 would cost 20 % less",
        "The shipped code is pure Python"
        + (f" apart from {', '.join(sorted(facts.compiled))}, which publish arm64 wheels" if facts.compiled else "")
        + ": the same code on Graviton is billed 20 % less per GB-second.",
        f'In stage "{facts.stage_name}": "architecture": "arm64"; package from an arm64 Python 3.11 '
        f"(use_precompiled_packages is false), {update(facts)}.",
    )


def runtime(facts: CheckFacts) -> Check:
    name = facts.config.runtime
    when = RUNTIME_DEPRECATIONS.get(name)
    title = "Runtime supported"
    fix = (
        f'In stage "{facts.stage_name}": "runtime": "{NEWEST_PYTHON_RUNTIME}", packaged from a Python '
        f"{NEWEST_PYTHON_RUNTIME[6:]} venv and tested on it, {update(facts)}."
    )
    if when is None:
        return Check(
            "runtime", UNKNOWN, title, f"{name or 'The runtime'} is not in the table ({RUNTIME_DEPRECATION_SOURCE})."
        )
    days = (when - facts.today).days
    if days < 0:
        why = f"{name} was deprecated on {when:%d %b %Y} (AWS, {RUNTIME_DEPRECATION_SOURCE}): no security patches."
        return Check("runtime", FAIL, f"{name} is deprecated", why, fix)
    if days <= DEPRECATION_WARN_DAYS:
        why = f"AWS deprecates {name} on {when:%d %b %Y}, in {days} days ({RUNTIME_DEPRECATION_SOURCE})."
        return Check("runtime", WARN, f"{name} is deprecated in {days} days", why, fix)
    return Check("runtime", OK, title, f"{name} is supported until {when:%d %b %Y}.")


CHECKS: tuple[Callable[[CheckFacts], Check], ...] = (
    vpc,
    reserved_concurrency,
    function_url,
    timeout,
    runtime,
    plaintext_secrets,
    async_on_failure,
    alarms,
    log_retention,
    memory,
    keep_warm,
    architecture,
)
