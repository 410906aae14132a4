"""console/health/checks.py: each check of the function's setup, flagged and healthy, from typed facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from console.health import checks as c
from console.health.async_facts import AsyncConfig
from console.health.gateway import FunctionConfig, SetupFacts
from console.health.invocation_lines import Invocation
from console.health.stage import redact_environment

TODAY = date(2026, 12, 7)
FN = "notes-console-prod"


def config(**kw) -> FunctionConfig:
    base = FunctionConfig(
        name=FN,
        runtime="python3.13",
        architecture="arm64",
        memory_mb=512,
        timeout_s=28,
        log_group=f"/aws/lambda/{FN}",
        environment=redact_environment({"DYNAMODB_TABLE": FN, "SECRET_KEY_PARAMETER": "/notes-console/prod/key"}),
    )
    return replace(base, **kw)


def inv(
    *,
    status: int | None = 200,
    init: float | None = None,
    mem: int = 200,
    billed: float = 40.0,
    size: int = 512,
    error: str = "",
) -> Invocation:
    return Invocation(
        request_id="r",
        time=datetime(2026, 12, 7, 12, tzinfo=UTC),
        duration_ms=billed,
        billed_ms=billed,
        memory_mb=size,
        max_memory_mb=mem,
        init_ms=init,
        restore_ms=None,
        outcome="ok",
        http_status=status,
        error_type=error,
    )


HEALTHY_SETUP = SetupFacts(
    function_url_auth="",
    async_config=AsyncConfig(
        configured=True, on_failure="arn:aws:sqs:us-east-1:123456789012:notes-console-prod-failed"
    ),
    log_group_found=True,
    log_retention_days=30,
    alarm_names=("notes-console-prod-errors", "notes-console-prod-throttles"),
)


def facts(**kw) -> c.CheckFacts:
    base = c.CheckFacts(
        config=config(),
        stage={"keep_warm": False},
        stage_name="prod",
        setup=HEALTHY_SETUP,
        peak_concurrency=4,
        invocations=[inv(), inv(init=600.0), inv()],
        compiled=("markupsafe", "nh3"),
        recommended_alarms=("notes-console-prod-errors", "notes-console-prod-throttles"),
        today=TODAY,
    )
    return replace(base, **kw)


def one(check_id: str, f: c.CheckFacts) -> c.Check:
    return next(x for x in c.run_checks(f) if x.id == check_id)


def test_it_passes_every_check_of_a_healthy_function():
    results = c.run_checks(facts())
    assert {x.id: x.status for x in results if x.status != c.OK} == {}
    assert len(results) == 12 and c.failing(results) == []


def test_it_fails_a_timeout_above_api_gateways_29_seconds():
    check = one("timeout", facts(config=config(timeout_s=30)))
    assert check.status == c.FAIL and "29 s" in check.title
    assert '"timeout_seconds": 28' in check.fix and "zappa update prod" in check.fix
    assert one("timeout", facts(config=config(timeout_s=29))).status == c.OK
    assert one("timeout", facts(config=config(timeout_s=300), stage={"apigateway_enabled": False})).status == c.OK
    pending = one("timeout", facts(stage={"timeout_seconds": 60}))  # deployed 28, the stage says 60
    assert pending.status == c.FAIL and "at the next deploy" in pending.why


def test_it_counts_user_cold_starts_apart_from_keep_warm_pings_and_prices_the_pings():
    sample = [inv(), inv(init=850.0), inv(status=None, init=700.0, billed=2.0), inv(status=None, billed=2.0)]
    check = one("keep_warm", facts(stage={"keep_warm_expression": "rate(5 minutes)"}, invocations=sample))
    assert check.status == c.WARN and "1 of 2 user requests" in check.title
    assert "2 invocations without a request line" in check.why
    # 8,640 pings a month x 2 ms x 0.5 GB x $0.0000166667 + 8,640 requests x $0.20 per million
    assert "8,640 pings a month (rate(5 minutes)), 2 ms billed each" in check.why and "$0.0019 a month" in check.why
    assert "put-provisioned-concurrency-config" in check.fix


def test_keep_warm_with_warm_users_is_ok_and_off_is_ok():
    sample = [inv(), inv(status=None, init=700.0, billed=2.0)]  # the ping paid the cold start, not the user
    assert one("keep_warm", facts(stage={}, invocations=sample)).status == c.OK
    assert one("keep_warm", facts(stage={"keep_warm": False}, invocations=[inv(init=900.0)])).status == c.OK
    assert one("keep_warm", facts(stage={}, invocations=None)).status == c.UNKNOWN


def test_keep_warm_cost_follows_memory_and_rate():
    from console.health.keep_warm import keep_warm_cost

    dollars, basis = keep_warm_cost(
        expression="rate(1 minute)",
        memory_mb=1024,
        pings=[inv(status=None, billed=100.0), inv(status=None, billed=2500.0)],  # a ping, a stream batch
        price_gb_second=0.0000166667,
        price_per_million=0.20,
    )
    # 43,200 pings x 0.1 s x 1 GB x $0.0000166667 + 43,200 x $0.2/1e6
    assert dollars == pytest.approx(43_200 * 0.1 * 0.0000166667 + 43_200 * 0.2 / 1e6)
    assert "43,200 pings" in basis and "the shortest invocation without a request line" in basis


def test_it_fails_a_vpc_subnet_with_no_route_to_dynamodb():
    vpc_config = config(vpc_subnets=("subnet-a", "subnet-b"), vpc_id="vpc-1")
    unrouted = replace(HEALTHY_SETUP, vpc_unrouted_subnets=("subnet-b",), vpc_routes="NAT nat-1")
    check = one("vpc", facts(config=vpc_config, setup=unrouted))
    assert check.status == c.FAIL and "subnet-b" in check.why and "times out" in check.why
    assert "create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id vpc-1" in check.fix
    assert "com.amazonaws.us-east-1.dynamodb" in check.fix
    routed = replace(HEALTHY_SETUP, vpc_routes="gateway endpoint vpce-1")
    assert one("vpc", facts(config=vpc_config, setup=routed)).status == c.OK
    unread = replace(HEALTHY_SETUP, unread={"vpc": "Not read: budget"})
    assert one("vpc", facts(config=vpc_config, setup=unread)).status == c.UNKNOWN


def test_it_warns_of_a_log_group_without_retention():
    check = one("log_retention", facts(setup=replace(HEALTHY_SETUP, log_retention_days=None)))
    assert check.status == c.WARN
    assert check.fix == (f"aws logs put-retention-policy --log-group-name /aws/lambda/{FN} --retention-in-days 30")


def test_it_fails_reserved_concurrency_zero_and_warns_below_the_peak():
    zero = one("reserved_concurrency", facts(config=config(reserved_concurrency=0)))
    assert zero.status == c.FAIL and f"delete-function-concurrency --function-name {FN}" in zero.fix
    low = one("reserved_concurrency", facts(config=config(reserved_concurrency=3), peak_concurrency=7))
    assert (
        low.status == c.WARN and "below the peak of 7" in low.title and "--reserved-concurrent-executions 7" in low.fix
    )
    assert one("reserved_concurrency", facts(config=config(reserved_concurrency=10))).status == c.OK


def test_it_warns_of_memory_within_ten_percent_or_far_above_use():
    tight = one("memory", facts(invocations=[inv(mem=470)]))
    assert tight.status == c.WARN and "within 10 %" in tight.title and '"memory_size"' in tight.fix
    big = one("memory", facts(config=config(memory_mb=1769), invocations=[inv(mem=140)]))
    assert big.status == c.WARN and "far above" in big.title and "to 320" in big.fix
    assert one("memory", facts(invocations=[inv(mem=300)])).status == c.OK
    # an invocation that ran at 256 MB before a resize to 512, and died of it
    oom = one("memory", facts(invocations=[inv(mem=256, size=256, error="Runtime.OutOfMemory"), inv(mem=300)]))
    assert oom.status == c.WARN and "256 MB size" in oom.title and "as it did: Runtime.OutOfMemory" in oom.why
    assert one("memory", facts(invocations=[])).status == c.UNKNOWN


def test_it_suggests_arm64_only_for_packages_that_run_there():
    x86 = config(architecture="x86_64")
    check = one("architecture", facts(config=x86, compiled=("markupsafe", "nh3")))
    assert check.status == c.WARN and "20 %" in check.title and '"architecture": "arm64"' in check.fix
    # A compiled package nobody checked for an arm64 wheel keeps the function where it is.
    blocked = one("architecture", facts(config=x86, compiled=("nh3", "unchecked-native")))
    assert blocked.status == c.OK and "unchecked-native" in blocked.why and "unchecked-native" not in c.ARM64_WHEELS


def test_arm64_for_pure_python_left_alone_on_arm64_and_unknown_without_the_package():
    """From the console branch's architecture tests: an x86_64 function with no compiled code is told arm64
    costs 20 % less; an arm64 one is left alone; without the package's facts the check does not guess."""
    x86 = config(architecture="x86_64")
    assert one("architecture", facts(config=x86, compiled=())).status == c.WARN
    assert one("architecture", facts(config=config(architecture="arm64"), compiled=("pillow",))).status == c.OK
    assert one("architecture", facts(config=x86, compiled=None)).status == c.UNKNOWN


def test_it_flags_a_deprecated_or_soon_deprecated_runtime_with_the_source():
    gone = one("runtime", facts(config=config(runtime="python3.11")))
    assert gone.status == c.FAIL and "30 Jun 2026" in gone.why and c.RUNTIME_DEPRECATION_SOURCE in gone.why
    assert '"runtime": "python3.13"' in gone.fix
    soon = one("runtime", facts(config=config(runtime="python3.12"), today=date(2028, 7, 1)))
    assert soon.status == c.WARN and "in 122 days" in soon.title
    assert one("runtime", facts(config=config(runtime="python3.12"))).status == c.OK
    assert one("runtime", facts(config=config(runtime="nodejs22.x"))).status == c.UNKNOWN


def test_it_fails_a_function_url_open_to_anyone():
    check = one("function_url", facts(setup=replace(HEALTHY_SETUP, function_url_auth="NONE")))
    assert check.status == c.FAIL and '"function_url_enabled": false' in check.fix
    assert one("function_url", facts(setup=replace(HEALTHY_SETUP, function_url_auth="AWS_IAM"))).status == c.OK


def test_it_names_plaintext_secrets_without_showing_them():
    env = redact_environment(
        {"STRIPE_API_KEY": "sk_live_abc123", "DB_PASSWORD": "hunter2", "SECRET_KEY_PARAMETER": "/x"}
    )
    check = one(
        "plaintext_secrets",
        facts(config=config(environment=env), stage={"environment_variables": {"GH_TOKEN": "ghp_1"}}),
    )
    assert check.status == c.WARN and "3 environment values" in check.title
    assert "DB_PASSWORD, GH_TOKEN, STRIPE_API_KEY" in check.why and "SECRET_KEY_PARAMETER" not in check.why
    text = f"{check.title} {check.why} {check.fix}"
    assert "sk_live_abc123" not in text and "hunter2" not in text and "ghp_1" not in text
    empty = redact_environment({"API_TOKEN": ""})
    assert one("plaintext_secrets", facts(config=config(environment=empty))).status == c.OK


def test_it_lists_missing_recommended_alarms_with_the_command():
    check = one("alarms", facts(setup=replace(HEALTHY_SETUP, alarm_names=("notes-console-prod-errors",))))
    assert check.status == c.WARN and "notes-console-prod-throttles" in check.why
    assert check.fix.startswith("make alarms STAGE=prod EMAIL=")


def test_it_flags_a_missing_async_config_or_on_failure_destination():
    none = one("async_on_failure", facts(setup=replace(HEALTHY_SETUP, async_config=AsyncConfig(configured=False))))
    assert none.status == c.WARN and none.title == "No asynchronous invocation config"
    assert f"put-function-event-invoke-config --function-name {FN}" in none.fix
    no_dest = one("async_on_failure", facts(setup=replace(HEALTHY_SETUP, async_config=AsyncConfig(configured=True))))
    assert no_dest.status == c.WARN and no_dest.title == "No on-failure destination"


def test_a_fact_not_read_is_unknown_with_why():
    unread = SetupFacts(unread={k: "unknown — needs AWS" for k in ("url", "async", "logs", "alarms")})
    results = {x.id: x for x in c.run_checks(facts(setup=unread))}
    for key in ("function_url", "async_on_failure", "log_retention", "alarms"):
        assert results[key].status == c.UNKNOWN and "needs AWS" in results[key].why


def test_the_shipped_compiled_packages_follow_the_stages_exclude():
    """This venv: nh3, MarkupSafe, Pillow and pi-heif ship compiled modules (all publish arm64 wheels);
    PyYAML's and charset-normalizer's are dropped by the stage's `exclude`, so they do not count."""
    import json
    from pathlib import Path

    from console.health.packages import compiled_distributions

    root = Path(__file__).resolve().parents[2]
    exclude = json.loads((root / "zappa_settings.json").read_text())["dev"]["exclude"]
    shipped = compiled_distributions(root / "requirements.txt", exclude)
    assert shipped == ("markupsafe", "nh3", "pi-heif", "pillow")
    assert {"pyyaml", "charset-normalizer"} <= set(compiled_distributions(root / "requirements.txt"))
    assert one("architecture", facts(config=config(architecture="x86_64"), compiled=shipped)).status == c.WARN


def test_the_shipped_packages_are_read_once_per_process(monkeypatch):
    """Reading every shipped distribution's metadata and file list took ~60 ms a Checks page (bench_app_time):
    what is installed does not change under a running process, so a second page reads none of it."""
    import importlib.metadata as md
    from pathlib import Path

    from console.health import packages

    root = Path(__file__).resolve().parents[2]
    first = packages.compiled_distributions(root / "requirements.txt", ["nothing-excluded*"])
    reads = []
    monkeypatch.setattr(md, "distribution", lambda name: reads.append(name) or md.Distribution.from_name(name))
    assert packages.compiled_distributions(root / "requirements.txt", ["nothing-excluded*"]) == first
    assert reads == []
