"""The stage in zappa_settings.json: what the function should look like, its drift, and redaction.

Zappa's defaults are applied the way `zappa update` applies them (memory_size 512, timeout_seconds 30,
ephemeral_storage 512, architecture x86_64, lambda_handler handler.lambda_handler, `extends`), so the drift
lists only what would change at the next deploy, or what someone changed by hand since the last one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings

from console.health.gateway import EnvVar, EventSourceMapping, FunctionConfig, ScheduleRule

# Names that look secret: the value is never shown (KEY matches API_KEY, SECRET_KEY, ...).
SECRET_MARKERS = (
    "KEY",
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASS",
    "CREDENTIAL",
    "DSN",
    "PRIVATE",
    "AUTH",
    "SIGNATURE",
    "SALT",
    "COOKIE",
    "CERT",
)
_URL_WITH_USERINFO = re.compile(r"^[a-z][a-z0-9+.\-]*://[^/@\s]+@", re.I)
MASK = "••••••"


def looks_secret(name: str, value: str = "") -> bool:
    upper = name.upper()
    # A URL with user:password@ is a credential whatever its name (DATABASE_URL, REDIS_URL, ...).
    return any(marker in upper for marker in SECRET_MARKERS) or bool(_URL_WITH_USERINFO.match(value or ""))


_DIGEST_KEY = os.urandom(32)


def digest(value: str) -> str:
    """Keyed per process, so a digest of a weak secret is useless outside it."""
    return hmac.new(_DIGEST_KEY, value.encode(), hashlib.sha256).hexdigest()


def redact_environment(variables: dict[str, Any]) -> tuple[EnvVar, ...]:
    result = []
    for name in sorted(variables):
        value = "" if variables[name] is None else str(variables[name])
        secret = looks_secret(name, value)
        result.append(EnvVar(name=name, shown=MASK if secret else value, redacted=secret, digest=digest(value)))
    return tuple(result)


class StageSettingsError(Exception):
    pass


@dataclass(frozen=True)
class Stage:
    name: str
    path: Path
    settings: dict[str, Any]
    stages: tuple[str, ...]

    @property
    def lambda_name(self) -> str:
        project = self.settings.get("project_name")
        return _slug(f"{project}-{self.name}") if project else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_stage(path: Path, *, function_name: str = "", wanted: str = "") -> Stage | None:
    """The stage to compare with: `wanted` if named, else the one whose function name matches, else the
    first. None when there is no zappa_settings.json."""
    try:
        raw = json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StageSettingsError(f"{Path(path).name} could not be read: {exc}") from exc
    if not isinstance(raw, dict) or not raw:
        raise StageSettingsError(f"{Path(path).name} has no stages")
    names = tuple(raw)
    chosen = wanted if wanted in raw else ""
    if not chosen and function_name:
        for name in names:
            project = (raw[name] or {}).get("project_name")
            if (project and _slug(f"{project}-{name}") == function_name) or function_name.endswith(f"-{name}"):
                chosen = name
                break
    chosen = chosen or names[0]
    return Stage(name=chosen, path=Path(path), settings=_resolve(raw, chosen, []), stages=names)


def _resolve(raw: dict[str, Any], stage: str, seen: list[str]) -> dict[str, Any]:
    if stage in seen or stage not in raw:
        raise StageSettingsError(f"stage {stage!r} extends a missing or circular stage")
    seen.append(stage)
    settings = dict(raw[stage] or {})
    parent = settings.get("extends")
    if not parent:
        return settings
    merged = _resolve(raw, parent, seen)
    merged.update(settings)
    return merged


def expected_config(stage: Stage, *, function_name: str = "") -> FunctionConfig:
    """The function as this stage would deploy it, with Zappa's defaults."""
    s = stage.settings
    name = function_name or stage.lambda_name or f"(project)-{stage.name}"
    vpc = s.get("vpc_config") or {}
    role = s.get("role_arn") or s.get("role_name") or f"{name}-ZappaLambdaExecutionRole"
    return FunctionConfig(
        name=name,
        runtime=s.get("runtime") or f"python{sys.version_info.major}.{sys.version_info.minor}",
        handler=s.get("lambda_handler", "handler.lambda_handler"),
        architecture=s.get("architecture", "x86_64"),
        memory_mb=int(s.get("memory_size", 512)),
        timeout_s=int(s.get("timeout_seconds", 30)),
        ephemeral_mb=int((s.get("ephemeral_storage") or {}).get("Size", 512)),
        role=role,
        layers=tuple(s.get("layers") or ()),
        vpc_subnets=tuple(vpc.get("SubnetIds") or ()),
        vpc_security_groups=tuple(vpc.get("SecurityGroupIds") or ()),
        reserved_concurrency=s.get("lambda_concurrency"),
        environment=redact_environment(s.get("aws_environment_variables") or {}),
        tracing="Active" if s.get("xray_tracing") else "PassThrough",
        description=s.get("lambda_description", "Zappa Deployment"),
        log_group=f"/aws/lambda/{name}",
        source="local",
        source_detail=f"stage {stage.name!r} of {stage.path.name}",
    )


@dataclass(frozen=True)
class Drift:
    field: str
    deployed: str
    expected: str
    note: str = ""


def _fmt(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def drift(deployed: FunctionConfig, expected: FunctionConfig) -> list[Drift]:
    """Fields where the deployed function differs from the stage. Secret values are compared by digest
    and never shown."""
    out: list[Drift] = []
    for label, attr in [
        ("Runtime", "runtime"),
        ("Handler", "handler"),
        ("Architecture", "architecture"),
        ("Memory (MB)", "memory_mb"),
        ("Timeout (s)", "timeout_s"),
        ("Ephemeral storage (MB)", "ephemeral_mb"),
        ("Reserved concurrency", "reserved_concurrency"),
        ("Tracing", "tracing"),
    ]:
        a, b = getattr(deployed, attr), getattr(expected, attr)
        if a != b:
            out.append(Drift(label, _fmt(a), _fmt(b)))
    if set(deployed.layers) != set(expected.layers):
        out.append(Drift("Layers", _fmt(deployed.layers), _fmt(expected.layers)))
    if set(deployed.vpc_subnets) != set(expected.vpc_subnets):
        out.append(Drift("VPC subnets", _fmt(deployed.vpc_subnets), _fmt(expected.vpc_subnets)))
    if set(deployed.vpc_security_groups) != set(expected.vpc_security_groups):
        out.append(Drift("VPC security groups", _fmt(deployed.vpc_security_groups), _fmt(expected.vpc_security_groups)))
    deployed_role = deployed.role.rsplit("/", 1)[-1]
    expected_role = expected.role.rsplit("/", 1)[-1]
    if deployed.role and deployed_role != expected_role:
        out.append(Drift("Role", deployed.role, expected.role))
    out.extend(_env_drift(deployed.environment, expected.environment))
    return out


def _env_drift(deployed: tuple[EnvVar, ...], expected: tuple[EnvVar, ...]) -> list[Drift]:
    out: list[Drift] = []
    have = {v.name: v for v in deployed}
    want = {v.name: v for v in expected}
    for name in sorted(set(have) | set(want)):
        a, b = have.get(name), want.get(name)
        if a and not b:
            # Zappa keeps variables added by hand (it merges), so these survive deploys unseen.
            out.append(Drift(f"Environment {name}", "set", "(not in stage)", "added outside zappa_settings.json"))
        elif b and not a:
            out.append(Drift(f"Environment {name}", "(missing)", "set", "not deployed yet"))
        elif a and b and a.digest != b.digest:
            if a.redacted or b.redacted:
                out.append(Drift(f"Environment {name}", MASK, MASK, "secret value differs"))
            else:
                out.append(Drift(f"Environment {name}", a.shown, b.shown))
    return out


# --- the stage's triggers: Zappa's `events`, as Zappa names and routes them ------------------------------

KEEP_WARM_FUNCTION = "handler.keep_warm_callback"
_RULE_NAME_MAX = 64


def zappa_rule_name(lambda_name: str, function: str, *, name: str = "", index: int = 0) -> str:
    """The EventBridge rule name Zappa gives a schedule (zappa.core.Zappa.get_scheduled_event_name): its
    handler later runs the dotted function after the rule name's last '-'."""
    label = name or function
    if label != function:
        label = f"{label}-{function}"
    if index:
        label = f"{index}-{label}"
    rule = f"{lambda_name:.{max(0, 63 - len(label))}}-{label}"[:_RULE_NAME_MAX]
    if len(rule) >= _RULE_NAME_MAX:
        hashed = hashlib.sha1(lambda_name.encode()).hexdigest()  # noqa: S324 - Zappa's naming, not security
        rule = f"{hashed:.{max(0, 63 - len(label))}}-{label}"[:_RULE_NAME_MAX]
    return rule


def rule_runs(rule_name: str) -> str:
    """What Zappa's handler runs for a scheduled event from this rule (it splits the name the same way)."""
    function = rule_name.split("/")[-1].split("-")[-1]
    if function.endswith("keep_warm_callback"):
        return "keep warm"
    return function if "." in function else ""


def stage_rules(stage: Stage) -> list[ScheduleRule]:
    """The schedules `zappa deploy`/`update` create for the stage, keep-warm included (Zappa's default is on)."""
    s = stage.settings
    events = [e for e in s.get("events") or [] if isinstance(e, dict)]
    if s.get("keep_warm", True):
        events.append(
            {
                "name": "zappa-keep-warm",
                "function": KEEP_WARM_FUNCTION,
                "expression": s.get("keep_warm_expression", "rate(4 minutes)"),
            }
        )
    rules = []
    for event in events:
        expressions = [event["expression"]] if event.get("expression") else list(event.get("expressions") or [])
        for index, expression in enumerate(expressions):
            name = zappa_rule_name(
                stage.lambda_name, event.get("function", ""), name=event.get("name", ""), index=index
            )
            rules.append(
                ScheduleRule(
                    name=name,
                    expression=expression,
                    state="ENABLED" if event.get("enabled", True) else "DISABLED",
                    runs=rule_runs(name),
                    origin="stage",
                    description=event.get("description", ""),
                )
            )
    return rules


def stage_routes(stage: Stage) -> dict[str, tuple[str, ...]]:
    """Zappa's AWS_EVENT_MAPPING for the stage: source ARN -> the functions its handler runs for a batch."""
    routes: dict[str, tuple[str, ...]] = {}
    for event in stage.settings.get("events") or []:
        arn = ((event or {}).get("event_source") or {}).get("arn")
        if arn and event.get("function"):
            routes[arn] = (*routes.get(arn, ()), event["function"])
    return routes


def stage_mappings(stage: Stage) -> list[EventSourceMapping]:
    out = []
    for event in stage.settings.get("events") or []:
        source = (event or {}).get("event_source") or {}
        if not source.get("arn") or event.get("expression") or event.get("expressions"):
            continue
        out.append(
            EventSourceMapping(
                source_arn=source["arn"],
                source=describe_source(source["arn"]),
                state="Enabled" if source.get("enabled", True) else "Disabled",
                origin="stage",
                batch_size=source.get("batch_size", 10),
                routed_to=(event.get("function", ""),),
                detail=f"stage {stage.name!r} of {stage.path.name}: on Lambda only",
            )
        )
    return out


def describe_source(arn: str) -> str:
    """A person's name for an event source ARN."""
    parts = arn.split(":", 5)
    service, resource = (parts[2], parts[5]) if len(parts) == 6 else ("", arn)
    if service == "dynamodb" and "/stream/" in resource:
        return f"DynamoDB stream of {resource.split('/')[1]}"
    if service == "kinesis":
        return f"Kinesis stream {resource.split('/', 1)[-1]}"
    if service == "sqs":
        return f"SQS queue {resource}"
    return arn


def packaged_routes() -> dict[str, tuple[str, ...]] | None:
    """The routes in the package this process runs from: Zappa's handler imported its generated
    `zappa_settings` module before Django started. None when not running under Zappa's handler."""
    module = sys.modules.get("zappa_settings")
    mapping = getattr(module, "AWS_EVENT_MAPPING", None)
    if not isinstance(mapping, dict):
        return None
    return {arn: (functions,) if isinstance(functions, str) else tuple(functions) for arn, functions in mapping.items()}


def packaged_stage() -> str:
    return str(getattr(sys.modules.get("zappa_settings"), "API_STAGE", "") or "")


# --- which stage a deployed function is, and what its handler routes (the AWS gateway's triggers) -------


def routes_for(function_name: str) -> tuple[dict[str, tuple[str, ...]] | None, str]:
    """Which functions Zappa's handler runs for each event source ARN: the package's own routes when this
    process runs under Zappa's handler, else what the stage in zappa_settings.json would deploy."""
    packaged = packaged_routes()
    if packaged is not None:
        return packaged, "the routes of this deployed package (Zappa's AWS_EVENT_MAPPING)"
    try:
        stage = load_stage(
            django_settings.HEALTH_ZAPPA_SETTINGS, function_name=function_name, wanted=django_settings.HEALTH_STAGE
        )
    except StageSettingsError:
        stage = None
    if stage is None:
        return None, ""
    return stage_routes(stage), f"the events of stage {stage.name!r} in {stage.path.name} (what zappa update packages)"


def stage_name(function_name: str) -> str:
    stage = packaged_stage() or django_settings.HEALTH_STAGE
    if not stage:
        try:
            found = load_stage(django_settings.HEALTH_ZAPPA_SETTINGS, function_name=function_name)
        except StageSettingsError:
            found = None
        stage = found.name if found and found.lambda_name == function_name else function_name.rsplit("-", 1)[-1]
    return stage
