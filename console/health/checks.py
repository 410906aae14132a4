"""Checks: what is wrong with this function's setup, why it matters, and the exact fix.

Read from what the pages already fetch (the configuration, the metrics of the range, the newest invocations)
and the stage in zappa_settings.json: no call of their own. Each check returns its finding or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from console.health.gateway import FunctionConfig, HealthError, HealthGateway, InvocationSample
from console.health.metrics import Metrics, Window
from console.health.stage import Stage

API_GATEWAY_TIMEOUT_S = 29  # API Gateway's integration timeout for a REST API: the request dies there first
MEMORY_FAR_ABOVE = 0.25  # the largest Max Memory Used under a quarter of the size
MEMORY_NEAR = 0.9  # within 10 % of the size: one larger request away from Runtime.OutOfMemory


@dataclass(frozen=True)
class Finding:
    key: str
    title: str
    why: str
    fix: str
    severity: str = "warn"  # "bad": the function fails or will; "warn": it costs or risks


@dataclass(frozen=True)
class Facts:
    """What the checks read: all optional, a check whose facts are missing says nothing."""

    config: FunctionConfig | None = None
    metrics: Metrics | None = None
    sample: InvocationSample | None = None
    stage: Stage | None = None
    compiled: tuple[str, ...] | None = None  # distributions of the package with compiled code; None: unknown


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # the checks that had their facts
    warnings: list[str] = field(default_factory=list)

    @property
    def bad(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "bad"]


def _timeout(facts: Facts) -> Finding | None:
    stage_timeout = (facts.stage.settings.get("timeout_seconds") if facts.stage else None) or 0
    deployed = facts.config.timeout_s if facts.config else 0
    timeout = max(int(stage_timeout or 0), deployed)
    if timeout <= API_GATEWAY_TIMEOUT_S:
        return None
    where = "zappa_settings.json" if int(stage_timeout or 0) == timeout else "the deployed function"
    return Finding(
        "timeout-above-api-gateway",
        f"Timeout {timeout} s is above API Gateway's {API_GATEWAY_TIMEOUT_S} s",
        f"An HTTP request still running at {API_GATEWAY_TIMEOUT_S} s is answered 504 by API Gateway while the "
        f"function runs on (and is billed) up to {timeout} s ({where}).",
        f'Set "timeout_seconds": {API_GATEWAY_TIMEOUT_S} (or less) in the stage of zappa_settings.json and run '
        "zappa update; move longer work to an asynchronous task.",
    )


def _reserved_concurrency(facts: Facts) -> Finding | None:
    reserved = facts.config.reserved_concurrency if facts.config else None
    if reserved is None:
        return None
    if reserved == 0:
        return Finding(
            "reserved-concurrency-zero",
            "Reserved concurrency is 0: the function cannot run",
            "Lambda throttles every invocation of a function whose reserved concurrency is 0.",
            "Remove it (aws lambda delete-function-concurrency --function-name "
            f'{facts.config.name}) or set "lambda_concurrency" in the stage to the peak you expect.',
            "bad",
        )
    peak = facts.metrics.peak_concurrency if facts.metrics else 0
    if peak and reserved < peak:
        return Finding(
            "reserved-concurrency-below-peak",
            f"Reserved concurrency {reserved} is below the peak of {peak} seen",
            "Invocations past the reserved concurrency are throttled: API Gateway answers them 502/429.",
            f'Raise "lambda_concurrency" in the stage to at least {peak} and run zappa update.',
            "bad",
        )
    return None


def _memory(facts: Facts) -> Finding | None:
    memory = facts.config.memory_mb if facts.config else 0
    invocations = facts.sample.invocations if facts.sample else []
    if not memory or not invocations:
        return None
    # Near the limit: against the size each invocation ran with (its REPORT's Memory Size).
    near = [i for i in invocations if i.max_memory_mb >= (i.memory_mb or memory) * MEMORY_NEAR]
    if near:
        worst = max(near, key=lambda i: i.max_memory_mb)
        return Finding(
            "memory-near-limit",
            f"Memory used {worst.max_memory_mb} MB is within 10 % of the {worst.memory_mb or memory} MB size",
            "One larger request and Lambda stops the invocation with Runtime.OutOfMemory"
            + (f" (as it did: {worst.error_type})." if worst.error_type else "."),
            f'Raise "memory_size" in the stage (for example to {memory * 2}) and run zappa update.',
            "bad",
        )
    largest = max(i.max_memory_mb for i in invocations)
    if largest < memory * MEMORY_FAR_ABOVE and memory > 128:
        return Finding(
            "memory-far-above-use",
            f"Memory size {memory} MB is far above the largest use seen ({largest} MB)",
            "Lambda bills GB-seconds of the size, not of the use. (CPU grows with memory: compare durations.)",
            f'Try "memory_size": {max(128, memory // 2)} in the stage and compare duration after zappa update.',
        )
    return None


# Names that hold where a secret is kept, not the secret: DJANGO_SECRET_KEY_PARAMETER=/notes/dev/secret
_REFERENCE_SUFFIXES = ("_PARAMETER", "_PARAMETER_NAME", "_ARN", "_SECRET_ID", "_SECRET_NAME", "_PATH")


def _plaintext_secrets(facts: Facts) -> Finding | None:
    environment = facts.config.environment if facts.config else ()
    names = [v.name for v in environment if v.redacted and not v.name.upper().endswith(_REFERENCE_SUFFIXES)]
    if not names:
        return None
    return Finding(
        "plaintext-secret-in-environment",
        f"Secret-looking environment value{'s' if len(names) > 1 else ''} in plain text: {', '.join(names)}",
        "Environment variables are readable by anyone allowed lambda:GetFunction or GetFunctionConfiguration, "
        "and are copied into every deployment package's settings.",
        "Put the value in SSM Parameter Store (SecureString) or Secrets Manager, name it in the stage "
        "(e.g. DJANGO_SECRET_KEY_PARAMETER), and remove the plain value.",
    )


def _architecture(facts: Facts) -> Finding | None:
    if facts.config is None or facts.config.architecture != "x86_64" or facts.compiled:
        return None
    return Finding(
        "x86-where-arm64-is-cheaper",
        "x86_64, where arm64 runs the same pure-Python package for 20 % less",
        "Lambda's arm64 (Graviton) price per GB-second is 20 % below x86_64's, and a package without compiled "
        "code runs unchanged on it.",
        'Set "architecture": "arm64" in the stage of zappa_settings.json and deploy (zappa update); compare '
        "durations after.",
    )


CHECKS: dict[str, Callable[[Facts], Finding | None]] = {
    "API Gateway timeout": _timeout,
    "Reserved concurrency": _reserved_concurrency,
    "Memory size against use": _memory,
    "Secrets in the environment": _plaintext_secrets,
    "Architecture": _architecture,
}
_NEEDS = {
    "API Gateway timeout": lambda f: f.config is not None or f.stage is not None,
    "Reserved concurrency": lambda f: f.config is not None,
    "Memory size against use": lambda f: f.config is not None and f.sample is not None,
    "Secrets in the environment": lambda f: f.config is not None,
    "Architecture": lambda f: f.config is not None and f.compiled is not None,
}


def evaluate(facts: Facts) -> CheckReport:
    """Every check whose facts are there; the report lists the findings, worst first."""
    report = CheckReport()
    for name, check in CHECKS.items():
        if not _NEEDS[name](facts):
            continue
        report.checked.append(name)
        found = check(facts)
        if found is not None:
            report.findings.append(found)
    report.findings.sort(key=lambda f: f.severity != "bad")
    return report


def report(
    gateway: HealthGateway, window: Window, stage: Stage | None, compiled: tuple[str, ...] | None = None
) -> CheckReport:
    """Reads the configuration, the range's metrics and the newest invocations (three calls on AWS), then
    checks. A read that fails leaves its checks out and says so."""
    warnings: list[str] = []

    def read(what: str, fn: Callable, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except HealthError as exc:
            warnings.append(f"{what}: {exc.message} Its checks are left out.")
            return None

    config = read("Configuration", gateway.configuration)
    metrics = read("Metrics", gateway.metrics, window)
    sample = read("Recent invocations", gateway.recent_invocations, window, limit=50, metrics=metrics)
    found = evaluate(Facts(config=config, metrics=metrics, sample=sample, stage=stage, compiled=compiled))
    found.warnings.extend(warnings)
    return found
