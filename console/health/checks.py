"""Checks of the function's setup: what is wrong, why it matters, and the exact fix.

Pure functions from typed facts (the configuration, the stage in zappa_settings.json, the metrics and
invocations the overview reads, and SetupFacts from the gateway) to a list of Checks. Nothing here does
I/O; console/health/check_views.py gathers the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from console.health.check_tables import (
    ARM64_WHEELS,
    NEWEST_PYTHON_RUNTIME,
    RUNTIME_DEPRECATION_SOURCE,
    RUNTIME_DEPRECATIONS,
)
from console.health.gateway import EnvVar, FunctionConfig
from console.health.keep_warm import keep_warm_cost, split_user_requests
from console.health.logparse import Invocation
from console.health.setup_facts import SetupFacts
from console.health.stage import digest, redact_environment

OK, WARN, FAIL, UNKNOWN = "ok", "warn", "fail", "unknown"
API_GATEWAY_TIMEOUT_S = 29  # API Gateway's integration timeout (REST and HTTP APIs)
MEMORY_HEADROOM = 0.10  # warn when the largest use seen is within 10 % of the memory size
MEMORY_OVERSIZED = 3.0  # "far above": the size is at least three times the largest use seen
DEPRECATION_WARN_DAYS = 180

# Names that hold a reference to a secret (an SSM parameter's name, an ARN), not the secret itself.
_REFERENCE_SUFFIXES = ("_PARAMETER", "_PARAM", "_ARN", "_NAME", "_ID", "_PATH", "_FILE", "_REGION")
_SECRET_WORDS = ("SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE")


@dataclass(frozen=True)
class Check:
    id: str
    status: str  # ok, warn, fail, unknown
    title: str
    why: str
    fix: str = ""  # a command or a zappa_settings.json change


@dataclass(frozen=True)
class CheckFacts:
    config: FunctionConfig
    stage: dict[str, Any] = field(default_factory=dict)  # the stage's resolved zappa_settings.json settings
    stage_name: str = "dev"
    setup: SetupFacts | None = None
    peak_concurrency: int | None = None  # the ConcurrentExecutions maximum of the range; None: not read
    invocations: Sequence[Invocation] | None = None  # recent invocations (REPORT lines); None: not read
    compiled: tuple[str, ...] | None = None  # shipped distributions with compiled extension modules
    recommended_alarms: tuple[str, ...] = ()
    today: date = field(default_factory=date.today)
    price_gb_second: float = 0.0000166667
    price_per_million: float = 0.20
    region: str = "us-east-1"


def run_checks(facts: CheckFacts) -> list[Check]:
    return [check(facts) for check in CHECKS]


def failing(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if c.status in (FAIL, WARN)]


def _unread(facts: CheckFacts, key: str) -> str | None:
    if facts.setup is None:
        return "The setup reads did not run."
    return facts.setup.unread.get(key)


def _update(facts: CheckFacts) -> str:
    return f"then zappa update {facts.stage_name}"


# --- the checks, one function each ----------------------------------------------------------------------


def timeout(facts: CheckFacts) -> Check:
    t = facts.config.timeout_s
    title = "Timeout within API Gateway's 29 s"
    if facts.stage.get("apigateway_enabled", True) is False:
        return Check("timeout", OK, title, "No API Gateway in front of the function: its own timeout rules.")
    if t > API_GATEWAY_TIMEOUT_S:
        return Check(
            "timeout",
            FAIL,
            f"Timeout {t} s is above API Gateway's {API_GATEWAY_TIMEOUT_S} s",
            "API Gateway answers 504 at 29 s while the function keeps running (and billing) up to "
            f"{t} s: the user never sees the answer, and a retry runs the work twice.",
            f'In zappa_settings.json, stage "{facts.stage_name}": "timeout_seconds": 28, {_update(facts)}.',
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
        f'("keep_warm": false in stage "{facts.stage_name}", {_update(facts)}).',
    )


def vpc(facts: CheckFacts) -> Check:
    title = "The function reaches DynamoDB"
    if not facts.config.vpc_subnets and "vpc" not in (facts.setup.unread if facts.setup else {}):
        return Check("vpc", OK, title, "Not attached to a VPC: Lambda reaches DynamoDB over AWS's network.")
    reason = _unread(facts, "vpc")
    if reason:
        return Check("vpc", UNKNOWN, title, f"Attached to a VPC; its routes were not read: {reason}")
    assert facts.setup is not None
    unrouted = facts.setup.vpc_unrouted_subnets
    if not unrouted:
        return Check("vpc", OK, title, f"Every subnet of the function routes to DynamoDB: {facts.setup.vpc_routes}.")
    return Check(
        "vpc",
        FAIL,
        f"{len(unrouted)} subnet{'s' if len(unrouted) != 1 else ''} with no route to DynamoDB",
        f"Subnets {', '.join(unrouted)} have neither a DynamoDB gateway endpoint nor a NAT: every DynamoDB call "
        "from an execution environment there times out.",
        f"aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id {facts.config.vpc_id or '<vpc-id>'} "
        f"--service-name com.amazonaws.{facts.region}.dynamodb --route-table-ids <the route tables of "
        f"{', '.join(unrouted)}> (a gateway endpoint costs nothing).",
    )


def log_retention(facts: CheckFacts) -> Check:
    title = "The log group has a retention"
    reason = _unread(facts, "logs")
    if reason:
        return Check("log_retention", UNKNOWN, title, reason)
    assert facts.setup is not None
    days = facts.setup.log_retention_days
    if days:
        return Check("log_retention", OK, title, f"Logs are kept {days} days.")
    return Check(
        "log_retention",
        WARN,
        "The log group keeps logs forever",
        "Without a retention every line is stored (and billed per GB-month) for ever: the cost only grows.",
        f"aws logs put-retention-policy --log-group-name {facts.config.log_group} --retention-in-days 30",
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
            f"Set {fix_key} to at least {peak} ({_update(facts)}), or aws lambda put-function-concurrency "
            f"--function-name {facts.config.name} --reserved-concurrent-executions {peak}.",
        )
    return Check("reserved_concurrency", OK, title, f"Reserved {reserved}, peak seen {peak}.")


def memory(facts: CheckFacts) -> Check:
    size = facts.config.memory_mb
    used = [i.max_memory_mb for i in facts.invocations or () if i.max_memory_mb]
    title = "Memory fits what the function uses"
    if not used or not size:
        return Check("memory", UNKNOWN, title, "No invocation's memory use was read.")
    top = max(used)
    key = f'"memory_size" in stage "{facts.stage_name}"'
    if top >= size * (1 - MEMORY_HEADROOM):
        return Check(
            "memory",
            WARN,
            f"Memory use {top} MB is within 10 % of the {size} MB size",
            "A larger request or a leak across warm invocations ends in Runtime.OutOfMemory.",
            f"Set {key} to {_round_up(top * 1.5)}, {_update(facts)}.",
        )
    if size >= top * MEMORY_OVERSIZED and size > 256:
        return Check(
            "memory",
            WARN,
            f"Memory {size} MB is far above the largest use seen ({top} MB)",
            "Every millisecond is billed at the size; CPU grows with memory too, so check Duration after lowering it.",
            f"Set {key} to {_round_up(max(256, top * 2))}, {_update(facts)}.",
        )
    return Check("memory", OK, title, f"Largest use seen {top} MB of {size} MB ({len(used)} invocations).")


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
        f"(use_precompiled_packages is false), {_update(facts)}.",
    )


def runtime(facts: CheckFacts) -> Check:
    name = facts.config.runtime
    when = RUNTIME_DEPRECATIONS.get(name)
    title = "Runtime supported"
    fix = (
        f'In stage "{facts.stage_name}": "runtime": "{NEWEST_PYTHON_RUNTIME}", packaged from a Python '
        f"{NEWEST_PYTHON_RUNTIME[6:]} venv and tested on it, {_update(facts)}."
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


def function_url(facts: CheckFacts) -> Check:
    title = "No public function URL"
    reason = _unread(facts, "url")
    if reason:
        return Check("function_url", UNKNOWN, title, reason)
    assert facts.setup is not None
    auth = facts.setup.function_url_auth
    if auth == "NONE":
        return Check(
            "function_url",
            FAIL,
            "A function URL with auth type NONE",
            "Anyone can invoke the function directly, bypassing API Gateway's throttling, stage and logs.",
            f'In stage "{facts.stage_name}": "function_url_enabled": false (or "function_url_config": '
            f'{{"authorizer": "AWS_IAM"}}), {_update(facts)}.',
        )
    return Check("function_url", OK, title, f"Function URL auth {auth}." if auth else "No function URL.")


def _literal_secret(var: EnvVar) -> bool:
    name = var.name.upper()
    if not any(word in name for word in _SECRET_WORDS) or name.endswith(_REFERENCE_SUFFIXES):
        return False
    return var.digest != digest("")


def plaintext_secrets(facts: CheckFacts) -> Check:
    packaged = facts.stage.get("environment_variables") or {}
    found = sorted({v.name for v in (*facts.config.environment, *redact_environment(packaged)) if _literal_secret(v)})
    title = "No secret in plaintext environment variables"
    if not found:
        return Check("plaintext_secrets", OK, title, "No variable named like a secret holds a literal value.")
    return Check(
        "plaintext_secrets",
        WARN,
        f"{len(found)} environment value{'s' if len(found) != 1 else ''} look{'s' if len(found) == 1 else ''} "
        "like a secret",
        f"{', '.join(found)}: readable by anyone who may read the function's configuration (or the package).",
        "Store each in SSM: aws ssm put-parameter --type SecureString --name /<project>/<stage>/<name> "
        "--value ..., replace the variable with its parameter's name (as SECRET_KEY_PARAMETER does), "
        f"{_update(facts)}.",
    )


def alarms(facts: CheckFacts) -> Check:
    title = "Recommended alarms in place"
    reason = _unread(facts, "alarms")
    if reason:
        return Check("alarms", UNKNOWN, title, reason)
    assert facts.setup is not None
    missing = [name for name in facts.recommended_alarms if name not in facts.setup.alarm_names]
    if not missing:
        return Check("alarms", OK, title, f"All {len(facts.recommended_alarms)} recommended alarms exist.")
    return Check(
        "alarms",
        WARN,
        f"{len(missing)} recommended alarm{'s' if len(missing) != 1 else ''} missing",
        f"Nobody hears of {', '.join(missing)} until a user complains.",
        f"make alarms STAGE={facts.stage_name} EMAIL=you@example.com (console/health/alarms.py).",
    )


def async_on_failure(facts: CheckFacts) -> Check:
    title = "Asynchronous failures reach a destination"
    reason = _unread(facts, "async")
    if reason:
        return Check("async_on_failure", UNKNOWN, title, reason)
    assert facts.setup is not None
    if facts.setup.on_failure:
        return Check("async_on_failure", OK, title, f"On failure: {facts.setup.on_failure}.")
    what = "No asynchronous invocation config" if not facts.setup.async_config else "No on-failure destination"
    return Check(
        "async_on_failure",
        WARN,
        what,
        "An S3 event whose handling fails every retry is dropped without a trace (AsyncEventsDropped).",
        f"aws lambda put-function-event-invoke-config --function-name {facts.config.name} "
        "--maximum-retry-attempts 2 --destination-config "
        f'\'{{"OnFailure":{{"Destination":"arn:aws:sqs:{facts.region}:<account>:{facts.config.name}-failed"}}}}\'',
    )


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
