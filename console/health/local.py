"""The health gateway for local mode: this process, not a deployed function.

Invocations are the requests `console.observability.RequestLogMiddleware` recorded (bounded, in memory),
log lines are the ones its in-memory handler kept, and the configuration is the stage's settings in
zappa_settings.json with Zappa's defaults. Every figure is labelled local by the pages. No AWS call.
"""

from __future__ import annotations

import logging
import math
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings

from console import observability
from console.health import patterns
from console.health.async_facts import AsyncConfig
from console.health.deploy_reads import RecordedDeployReads
from console.health.gateway import (
    Alarm,
    Deploy,
    EventSourceMapping,
    FunctionConfig,
    InsightsResult,
    InvalidQuery,
    InvocationSample,
    LogPage,
    LogQuery,
    MetricData,
    RequestDetail,
    TailPage,
    Triggers,
)
from console.health.invocation_lines import OUTCOME_ERROR, OUTCOME_OK, Invocation
from console.health.log_pages import tail_page
from console.health.logparse import LogEvent, LogLine, parse_line
from console.health.metrics import DURATION_STATS, Metrics, Window, fill_buckets, summarize
from console.health.setup_facts import SetupFacts
from console.health.stage import (
    StageSettingsError,
    expected_config,
    load_stage,
    redact_environment,
    stage_mappings,
    stage_rules,
)

LOG_PAGE_LINES = 100
LOCAL_STREAM = "local process"


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class LocalGateway(RecordedDeployReads):
    kind = "local"

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

    # -- metrics --------------------------------------------------------------------------------------
    def _records(self, window: Window) -> list[observability.RequestRecord]:
        start, end = window.start.timestamp(), window.end.timestamp()
        return [r for r in observability.recent_requests() if start <= r.started_at < end]

    def metrics(self, window: Window) -> Metrics:
        records = self._records(window)
        times = [datetime.fromtimestamp(r.started_at, tz=UTC) for r in records]  # once per record, not per series

        per_bucket: list[list[float]] = [[] for _ in window.buckets]
        for r, at in zip(records, times, strict=True):
            index = window.bucket_index(at)
            if index is not None:
                per_bucket[index].append(r.duration_ms)
        duration: dict[str, list[float]] = {key: [] for key in DURATION_STATS}
        for samples in per_bucket:
            stats = summarize(samples)
            for key in DURATION_STATS:
                duration[key].append(stats[key] or 0.0)
        return Metrics(
            window=window,
            invocations=fill_buckets(window, [(at, 1.0) for at in times]),
            errors=fill_buckets(window, [(at, 1.0) for r, at in zip(records, times, strict=True) if r.status >= 500]),
            throttles=[0.0] * len(window.buckets),
            concurrency=fill_buckets(
                window, [(at, float(r.concurrent)) for r, at in zip(records, times, strict=True)], combine="max"
            ),
            duration=duration,
            overall_duration=summarize([r.duration_ms for r in records]),
            source="local",
        )

    # -- invocations ----------------------------------------------------------------------------------
    def _invocation(self, r: observability.RequestRecord) -> Invocation:
        return Invocation(
            request_id=r.correlation_id,
            time=datetime.fromtimestamp(r.started_at + r.duration_ms / 1000, tz=UTC),
            duration_ms=r.duration_ms,
            billed_ms=float(math.ceil(r.duration_ms)),
            memory_mb=self.memory_mb,
            max_memory_mb=int(math.ceil(r.max_rss_mb)),
            init_ms=observability.process_init_ms() if r.cold_start else None,
            restore_ms=None,
            outcome=OUTCOME_ERROR if r.status >= 500 else OUTCOME_OK,
            detail=(f"{r.exc_type}: {r.exc_message}" if r.exc_type else f"HTTP {r.status}") if r.status >= 500 else "",
            stream=LOCAL_STREAM,
            label=f"{r.method} {r.path} {r.status}",
            http_status=r.status,
            user=r.username or r.user_id,
        )

    def recent_invocations(
        self, window: Window, *, limit: int = 20, metrics: Metrics | None = None
    ) -> InvocationSample:
        records = self._records(window)[-limit:] if limit > 0 else []  # only the rows shown are built
        invocations = [self._invocation(r) for r in reversed(records)]
        return InvocationSample(invocations=invocations, since=window.start, until=window.end)

    def invocations_of(self, records: list[observability.RequestRecord]) -> list[Invocation]:
        return [self._invocation(r) for r in records]

    # -- logs -----------------------------------------------------------------------------------------
    def _events(self) -> list[LogEvent]:
        return [
            LogEvent(
                timestamp=int(line.timestamp * 1000), message=line.line, stream=LOCAL_STREAM, event_id=str(line.seq)
            )
            for line in observability.recent_log_lines()
        ]

    def _select(self, query: LogQuery, lo: int, hi: int) -> tuple[list[LogEvent], Callable[[LogLine], bool]]:
        pattern, keep = patterns.plan(query)
        match = patterns.compile_pattern(pattern)
        return [e for e in self._events() if lo <= e.timestamp <= hi and match(e.message)], keep

    def logs(self, query: LogQuery, *, before_ms: int | None = None, token: str | None = None) -> LogPage:
        if token:
            raise InvalidQuery("Local logs have no continuation tokens.")
        lo, hi = _ms(query.start), _ms(query.end)
        if before_ms is not None:
            hi = min(hi, before_ms)
        events, keep = self._select(query, lo, hi)
        page = events[-LOG_PAGE_LINES:]
        older = None
        if len(page) < len(events):
            # keep every line of the boundary millisecond on one page, so the next page starts cleanly
            boundary = page[0].timestamp
            page = [e for e in events if e.timestamp >= boundary]
            older = boundary - 1 if any(e.timestamp < boundary for e in events) else None
        lines = [line for line in (parse_line(e) for e in reversed(page)) if keep(line)]
        return LogPage(lines=lines, older_before_ms=older)

    def tail(self, query: LogQuery, *, after_ms: int, seen: tuple[str, ...] = ()) -> TailPage:
        events, keep = self._select(query, after_ms, 2**62)
        return tail_page(events, keep, after_ms=after_ms, seen=seen, warnings=[])

    def request_detail(self, request_id: str, *, start: datetime, end: datetime) -> RequestDetail:
        if not patterns.REQUEST_ID.match(request_id):
            raise InvalidQuery("A request id has only letters, digits and . _ : - (at most 128).")
        ids = {line.seq for line in observability.recent_log_lines() if line.correlation_id == request_id}
        events = [e for e in self._events() if int(e.event_id) in ids]
        records = [r for r in observability.recent_requests() if r.correlation_id == request_id]
        return RequestDetail(
            request_id=request_id,
            lines=[parse_line(e) for e in events],
            lambda_request_id="",
            invocation=self._invocation(records[-1]) if records else None,
        )

    # -- triggers -------------------------------------------------------------------------------------
    def triggers(self) -> Triggers:
        """The stage's `events` (what Lambda would run; nothing schedules them here) and the local stream
        poller that stands in for the stream trigger."""
        found = Triggers(
            source_detail="local process",
            api_detail="None locally: runserver serves the app; API Gateway exists only on Lambda.",
        )
        found.mappings.append(self._poller())
        if self.stage:
            found.mappings.extend(stage_mappings(self.stage))
            found.rules = stage_rules(self.stage)
            found.routing_detail = f"the events of stage {self.stage.name!r} in {self.stage.path.name}"
        elif self.stage_error:
            found.warnings.append(self.stage_error)
        return found

    @staticmethod
    def _poller() -> EventSourceMapping:
        from notes import stream_poller  # imports boto3: only when the page asks

        table = settings.DYNAMODB_TABLE
        every = f"{stream_poller.POLL_INTERVAL_S:g} s"
        # manage.py's own process owns the embedded endpoint and polls it; runserver's reloaded child serves
        # this page, and a second manage.py process reuses ("shared") the first one's endpoint and poller.
        last_result = ""
        status = None
        if os.environ.get("NOTES_EMBEDDED_DYNAMODB") in {"1", "shared"}:
            state, detail = (
                "Enabled",
                (
                    f"local stream poller: polling the embedded endpoint every {every}, in the "
                    "manage.py process that started it"
                ),
            )
            status = stream_poller.read_status()
            if status is None:
                last_result = "PROBLEM: the poller has written no status yet: it may not have started"
            elif not status.healthy:
                state = "Stopped" if "stopped" in status.problem else "Failing"
                last_result = f"PROBLEM: {status.problem}; version history is not being recorded"
            else:
                last_result = "OK"
        elif settings.DYNAMODB_ENDPOINT_URL:
            state, detail = (
                "Not running",
                (
                    "the local poller follows only the embedded endpoint; with "
                    "DYNAMODB_ENDPOINT_URL set, version history does not update here"
                ),
            )
        else:
            state, detail = "Not running", "no embedded endpoint: the table's own trigger (on AWS) keeps its history"
        return EventSourceMapping(
            source_arn=settings.DYNAMODB_ENDPOINT_URL or "",
            source=f"DynamoDB stream of {table}",
            state=state,
            origin="local",
            batch_size=stream_poller.BATCH_LIMIT,
            starting_position="LATEST",
            routed_to=("notes.events.handle_stream",),
            detail=detail,
            last_result=last_result,
            batches_handled=status.batches if status else None,
            records_handled=status.records if status else None,
        )

    def event_source_mappings(self) -> list[EventSourceMapping]:
        return [self._poller()]

    def async_config(self) -> AsyncConfig:
        """Lambda's asynchronous queue does not exist locally: local stand-ins call the handlers in-process."""
        return AsyncConfig(
            configured=False,
            origin="local",
            detail="Locally no queue stands between an event and its handler: Lambda's retries, maximum event "
            "age and on-failure destination apply on AWS only.",
        )

    # -- what the questions read: the process's own records and lines ------------------------------------
    def requests(self, window: Window | None = None) -> list[observability.RequestRecord]:
        return self._records(window) if window else list(observability.recent_requests())

    def log_events(self, *, start_ms: int, end_ms: int, pattern: str, limit: int) -> tuple[list[LogEvent], bool]:
        match = patterns.compile_pattern(pattern)
        found = [e for e in self._events() if start_ms <= e.timestamp < end_ms and match(e.message)]
        return found[:limit], len(found) > limit

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
