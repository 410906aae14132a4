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

from console.health.gateway import EnvVar, FunctionConfig

# Names that look secret: the value is never shown (KEY matches API_KEY, SECRET_KEY, ...).
SECRET_MARKERS = ("KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PWD", "PASS", "CREDENTIAL", "DSN",
                  "PRIVATE", "AUTH", "SIGNATURE", "SALT", "COOKIE", "CERT")
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
    for label, attr in [("Runtime", "runtime"), ("Handler", "handler"), ("Architecture", "architecture"),
                        ("Memory (MB)", "memory_mb"), ("Timeout (s)", "timeout_s"),
                        ("Ephemeral storage (MB)", "ephemeral_mb"), ("Reserved concurrency", "reserved_concurrency"),
                        ("Tracing", "tracing")]:
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
