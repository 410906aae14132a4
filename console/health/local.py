"""The health gateway for local mode: this process, not a deployed function.

Invocations are the requests `console.observability.RequestLogMiddleware` recorded (bounded, in memory),
log lines are the ones its in-memory handler kept, and the configuration is the stage's settings in
zappa_settings.json with Zappa's defaults. Every figure is labelled local by the pages. No AWS call.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from dataclasses import replace
from datetime import datetime

from django.conf import settings

from console import observability
from console.health import local_notifier, log_filter
from console.health.async_facts import AsyncConfig
from console.health.deploy_reads import RecordedDeployReads
from console.health.gateway import (
    LOCAL_STREAM,
    Alarm,
    Deploy,
    EventSourceMapping,
    FunctionConfig,
    InsightsResult,
    InvalidQuery,
    LocalRunner,
    LogEvent,
    LogRead,
    MetricData,
    TriggerFacts,
)
from console.health.setup_facts import SetupFacts
from console.health.stage import (
    StageSettingsError,
    expected_config,
    load_stage,
    redact_environment,
)
from console.health.window import Window


class LocalGateway(RecordedDeployReads):
    kind = "local"

    percentiles = ("p50", "p90", "p99")  # computed from the process's own samples

    def __init__(self) -> None:
        self.calls = 0  # never an AWS call; kept so pages can count uniformly
        self.stage = None
        self.stage_error = ""
        try:
            self.stage = load_stage(
                settings.HEALTH_ZAPPA_SETTINGS,
                function_name=settings.HEALTH_FUNCTION_NAME,
                wanted=settings.HEALTH_STAGE,
            )
        except StageSettingsError as exc:
            self.stage_error = str(exc)
        self.function_name = (self.stage.lambda_name if self.stage else "") or "this process"
        self.log_group = "in-memory log of this process"

    @property
    def memory_mb(self) -> int:
        return int((self.stage.settings.get("memory_size", 512)) if self.stage else 512)

    # -- configuration --------------------------------------------------------------------------------
    def configuration(self) -> FunctionConfig:
        process = f"pid {os.getpid()}, Python {platform.python_version()} ({sys.platform})"
        if self.stage is None:
            return FunctionConfig(
                name=self.function_name,
                runtime=f"python{sys.version_info.major}.{sys.version_info.minor}",
                handler="manage.py runserver",
                memory_mb=self.memory_mb,
                architecture=platform.machine(),
                environment=redact_environment({}),
                log_group=self.log_group,
                source="local",
                source_detail=self.stage_error
                or f"no zappa_settings.json at {settings.HEALTH_ZAPPA_SETTINGS}; {process}",
                state="Running locally",
            )
        expected = expected_config(self.stage)
        return replace(
            expected,
            state="Running locally",
            log_group=self.log_group,
            source_detail=f"{expected.source_detail}; {process}",
        )

    def packaged_environment(self):
        """Zappa's `environment_variables`: baked into the package, not visible in Lambda's configuration."""
        return redact_environment((self.stage.settings.get("environment_variables") or {}) if self.stage else {})

    def process_values(self) -> list[dict[str, str]]:
        """The settings that differ between Lambda and a laptop: what the stage gives the function, next to
        what this process really runs with (local mode uses its own table, endpoint and log level)."""
        stage_env: dict[str, str] = {}
        if self.stage:
            stage_env = {
                **(self.stage.settings.get("environment_variables") or {}),
                **(self.stage.settings.get("aws_environment_variables") or {}),
            }
        running = {
            "DYNAMODB_TABLE": settings.DYNAMODB_TABLE,
            "DYNAMODB_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL or "(embedded or AWS default)",
            "AWS_REGION": settings.AWS_REGION,
            "LOG_LEVEL": logging.getLevelName(logging.getLogger().level),
            "DEBUG": str(settings.DEBUG),
        }
        region = (self.stage.settings.get("aws_region") if self.stage else "") or ""
        rows = []
        for name, now in running.items():
            stage_value = str(stage_env.get(name, region if name == "AWS_REGION" else ""))
            rows.append(
                {
                    "name": name,
                    "stage": stage_value or "(not set)",
                    "process": str(now),
                    "differs": bool(stage_value) and stage_value != str(now),
                }
            )
        return rows

    # -- the process's own records and lines ------------------------------------------------------------
    def _records(self, window: Window) -> list[observability.RequestRecord]:
        start, end = window.start.timestamp(), window.end.timestamp()
        return [r for r in observability.recent_requests() if start <= r.started_at < end]

    def requests(self, window: Window | None = None) -> list[observability.RequestRecord]:
        return self._records(window) if window else list(observability.recent_requests())

    def process_init_ms(self) -> float | None:
        return observability.process_init_ms()

    def log_events(
        self,
        *,
        start_ms: int,
        end_ms: int,
        pattern: str,
        limit: int,
        token: str | None = None,
        streams: list[str] | None = None,
    ) -> LogRead:
        """The process's lines in [start_ms, end_ms) matching the pattern as CloudWatch would, oldest first
        (one stream, no continuation: the buffer is bounded)."""
        if token:
            raise InvalidQuery("Local logs have no continuation tokens.")
        match = log_filter.compile_pattern(pattern)
        found = [
            LogEvent(
                timestamp=int(line.timestamp * 1000),
                message=line.line,
                stream=LOCAL_STREAM,
                event_id=str(line.seq),
                correlation_id=line.correlation_id or "",
            )
            for line in observability.recent_log_lines()
            if start_ms <= int(line.timestamp * 1000) < end_ms and match(line.line)
        ]
        return LogRead(events=found[:limit], more=len(found) > limit)

    # -- triggers: the stage's `events` and the local stand-ins, as read (console.health.triggers words them) --
    def triggers(self) -> TriggerFacts:
        """The stage read from zappa_settings.json (its `events`: what Lambda would run; nothing schedules them
        here). No AWS reads locally: no mappings, rules or API."""
        return TriggerFacts(region=settings.AWS_REGION, stage=self.stage, stage_error=self.stage_error)

    def event_source_mappings(self) -> list[EventSourceMapping]:
        """No Lambda polls anything locally: the stream poller stands in (`local_runners`)."""
        return []

    def local_runners(self) -> list[LocalRunner]:
        """The stream poller (for the table's stream trigger) and the S3 notifier (for the bucket's
        notification), with what their status files hold."""
        return [_poller(), local_notifier.notifier_runner()]

    def async_config(self) -> AsyncConfig:
        """Lambda's asynchronous queue does not exist locally: local stand-ins call the handlers in-process."""
        return AsyncConfig(
            configured=False,
            origin="local",
            detail="Locally no queue stands between an event and its handler: Lambda's retries, maximum event "
            "age and on-failure destination apply on AWS only.",
        )

    # -- Logs Insights, CloudWatch, alarms, versions: AWS only ------------------------------------------
    def start_insights(self, window: Window, query: str, limit: int) -> str:
        """No Logs Insights locally: the questions read the records of the window this handle names."""
        return f"local-{window.key}"

    def insights_results(self, handle: str) -> InsightsResult:
        raise InvalidQuery("Logs Insights runs on AWS only; local questions read the process's records.")

    def metric_data(self, queries: list[dict], start: datetime, end: datetime) -> MetricData:
        return MetricData(warnings=["CloudWatch metrics exist on AWS only."])

    def alarms(self) -> tuple[list[Alarm], bool]:
        return [], False

    def versions(self) -> tuple[list[Deploy], bool]:
        return [], False

    def known_deploys(self) -> list[tuple[datetime, str]]:
        return []

    def log_format(self) -> str:
        return ""

    def setup_facts(self, config: FunctionConfig, *, budget: int = 3, offset: int = 0) -> SetupFacts:
        """What zappa_settings.json tells (Zappa's function URL defaults to auth NONE, a stage without
        `vpc_config` is outside any VPC); the rest exists on AWS only."""
        needs_aws = "unknown — needs AWS: run the console on the deployed function (or HEALTH_GATEWAY=aws)."
        s = self.stage.settings if self.stage else {}
        facts = SetupFacts(source="local", unread={k: needs_aws for k in ("async", "logs", "alarms")})
        if not self.stage:
            facts.unread.update(url=needs_aws, vpc=needs_aws)
        elif s.get("function_url_enabled"):
            facts.function_url_auth = str((s.get("function_url_config") or {}).get("authorizer", "NONE"))
        if (s.get("vpc_config") or {}).get("SubnetIds"):
            facts.unread["vpc"] = needs_aws
        return facts


def _poller() -> LocalRunner:
    """manage.py's own process owns the embedded endpoint and polls it; runserver's reloaded child serves the
    page, and a second manage.py process reuses ("shared") the first one's endpoint and poller."""
    from notes import stream_poller  # imports boto3: only when the page asks

    runs_here = os.environ.get("NOTES_EMBEDDED_DYNAMODB") in {"1", "shared"}
    return LocalRunner(
        kind="stream poller",
        runs_here=runs_here,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL or "",
        target=settings.DYNAMODB_TABLE,
        status=stream_poller.read_status() if runs_here else None,
    )
