"""The one interface the console pages read the function through, its data types and its errors.

Two implementations: `aws.AwsGateway` (Lambda, CloudWatch, CloudWatch Logs; the only module that imports
boto3 for them) and `local.LocalGateway` (this process's own request records and log lines, and the stage's
settings from zappa_settings.json). `console.health.wiring.get_gateway()` picks one from settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol

from console.aws.errors import AccessDenied as AccessDenied
from console.aws.errors import AwsError as AwsError
from console.aws.errors import InvalidQuery as InvalidQuery
from console.aws.errors import NotFound as NotFound
from console.aws.errors import Throttled as Throttled
from console.aws.errors import Unavailable as Unavailable
from console.health.async_facts import AsyncConfig
from console.health.setup_facts import SetupFacts
from console.health.window import Window
from console.observability import RequestRecord

# Errors (console.aws.errors) are re-exported: what went wrong, said so a person can act on it.
__all__ = ["AccessDenied", "AwsError", "InvalidQuery", "NotFound", "Throttled", "Unavailable"]

LOCAL_STREAM = "local process"  # the one "log stream" of local mode: the process's own lines and requests

# --- data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvVar:
    name: str
    shown: str  # the value, or "••••••" when the name looks secret
    redacted: bool
    digest: str  # sha256 of the real value: lets drift compare secrets without carrying them


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    arn: str = ""
    runtime: str = ""
    handler: str = ""
    architecture: str = "x86_64"
    memory_mb: int = 0
    timeout_s: int = 0
    ephemeral_mb: int = 512
    code_size: int | None = None  # bytes
    last_modified: datetime | None = None
    state: str = ""
    state_reason: str = ""
    last_update_status: str = ""
    last_update_reason: str = ""
    role: str = ""
    layers: tuple[str, ...] = ()
    vpc_subnets: tuple[str, ...] = ()
    vpc_security_groups: tuple[str, ...] = ()
    vpc_id: str = ""
    reserved_concurrency: int | None = None
    environment: tuple[EnvVar, ...] = ()
    tracing: str = ""
    snap_start: str = ""
    description: str = ""
    log_group: str = ""
    log_format: str = ""  # LoggingConfig.LogFormat: "Text" or "JSON" ("" locally)
    source: str = "aws"  # "aws" or "local": where these values come from
    source_detail: str = ""
    code_sha256: str = ""


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch Logs event (or a local line in the same shape)."""

    timestamp: int  # epoch milliseconds
    message: str
    stream: str = ""
    event_id: str = ""
    correlation_id: str = ""  # locally: the request the line was logged in (AWS's events carry it in the text)

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp / 1000, tz=UTC)


@dataclass
class LogRead:
    """One read of log events (FilterLogEvents on AWS), oldest first: `next_token` continues it (AWS only),
    `more` says the span held more than the read returned."""

    events: list[LogEvent]
    next_token: str | None = None
    more: bool = False


@dataclass(frozen=True)
class LogQuery:
    start: datetime
    end: datetime
    text: str = ""  # a CloudWatch filter pattern
    level: str = ""  # "", "DEBUG", "INFO", "WARNING", "ERROR": this level and above
    request_id: str = ""


@dataclass(frozen=True)
class EventSourceMapping:
    """A source Lambda polls for the function (the table's stream here), or local mode's stand-in for one."""

    source_arn: str
    source: str  # readable: "DynamoDB stream of notes-console-dev" ("" as a gateway reads it: triggers names it)
    state: str  # Lambda's: Enabled, Disabled, Creating, Updating, Enabling, Disabling, Deleting
    origin: str = "aws"  # "aws": a deployed mapping; "stage": zappa_settings.json's `events`; "local": the poller
    uuid: str = ""
    batch_size: int | None = None
    starting_position: str = ""
    last_result: str = ""  # LastProcessingResult: "OK", "PROBLEM: ...", "No records processed"
    last_modified: datetime | None = None
    state_reason: str = ""
    max_retries: int | None = None  # -1: until the record expires
    max_record_age_s: int | None = None  # -1: until the record expires
    bisect_on_error: bool | None = None
    report_item_failures: bool = False
    on_failure: str = ""
    routed_to: tuple[str, ...] | None = None  # what Zappa's handler runs for this ARN; None: not known (yet)
    detail: str = ""
    batches_handled: int | None = None  # the local poller's own count since it started (None on AWS)
    records_handled: int | None = None

    @property
    def is_stream(self) -> bool:
        return ":dynamodb:" in self.source_arn or ":kinesis:" in self.source_arn


@dataclass(frozen=True)
class ScheduleRule:
    name: str
    expression: str
    state: str  # ENABLED or DISABLED
    runs: str  # what Zappa's handler runs for it: a dotted function, or "keep warm"
    origin: str = "aws"  # "aws": a deployed EventBridge rule; "stage": from zappa_settings.json
    description: str = ""
    arn: str = ""


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule as ListRules answers it (Zappa names the function's schedules after it)."""

    name: str
    schedule_expression: str = ""
    event_pattern: str = ""
    state: str = ""  # ENABLED or DISABLED
    description: str = ""
    arn: str = ""


@dataclass(frozen=True)
class LocalRunner:
    """A local stand-in for one of Lambda's triggers ("stream poller", "S3 notifier"), as this process finds it:
    whether manage.py's process runs it here, the endpoint and target settings name, and its status file's
    record as written (None: nothing written, or not run here)."""

    kind: str
    runs_here: bool
    endpoint_url: str = ""
    target: str = ""  # the table (poller) or bucket (notifier) it follows
    status: Any = None  # notes.stream_poller.PollerStatus / notes.s3_notifier.NotifierStatus


@dataclass
class TriggerFacts:
    """The triggers' raw reads: the event source mappings as ListEventSourceMappings answers them (no readable
    name, no route), the rules as ListRules answers them, the "Api" resource of the stack named after the
    function, and locally the stage read from zappa_settings.json. A read that failed is in `errors` (what,
    error), the others are still filled; what it all means is console.health.triggers'."""

    region: str = ""
    mappings: list[EventSourceMapping] = field(default_factory=list)
    more_mappings: bool = False  # ListEventSourceMappings had a NextMarker
    rules: list[EventRule] = field(default_factory=list)
    api_stack: str = ""
    api_id: str = ""  # the stack's "Api" PhysicalResourceId
    stage: Any = None  # locally: console.health.stage.Stage, or None
    stage_error: str = ""
    errors: list[tuple[str, AwsError]] = field(default_factory=list)


@dataclass
class Triggers:
    """What invokes the function besides HTTP, and its API Gateway URL (console.health.triggers' report). A
    part that could not be read is in `errors` (what, error); the others are still filled."""

    mappings: list[EventSourceMapping] = field(default_factory=list)
    rules: list[ScheduleRule] = field(default_factory=list)
    api_url: str = ""
    api_detail: str = ""  # where the URL comes from, or why there is none
    routing_detail: str = ""  # where `routed_to` comes from
    source_detail: str = ""
    errors: list[tuple[str, AwsError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Alarm:
    """A CloudWatch alarm on the function, as DescribeAlarms tells it."""

    name: str
    state: str  # OK, ALARM, INSUFFICIENT_DATA
    comparison_operator: str  # "GreaterThanThreshold", ...
    threshold: float | None
    namespace: str = ""
    metric_name: str = ""
    statistic: str = ""  # ExtendedStatistic (p99) or Statistic (Sum)
    math: str | None = None  # metric math: the returned expression ("" if none shows); None: a single metric
    state_reason: str = ""
    state_updated: datetime | None = None
    actions: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Deploy:
    """A version of the function: `$LATEST` (its last change) or a published one."""

    version: str  # "$LATEST", "12"
    at: datetime
    code_sha256: str = ""
    description: str = ""

    @property
    def short_hash(self) -> str:
        return self.code_sha256[:10]


@dataclass
class InsightsResult:
    """GetQueryResults as read: its status, its rows (each a list of {"field", "value"} cells)."""

    status: str
    rows: list[list[dict[str, str]]] = field(default_factory=list)
    bytes_scanned: float | None = None

    @property
    def done(self) -> bool:
        return self.status not in {"Running", "Scheduled"}


@dataclass
class MetricData:
    """GetMetricData's points by query id, oldest first, and what CloudWatch said was missing."""

    points: dict[str, list[tuple[datetime, float]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AlarmReport:
    alarms: list[Alarm] = field(default_factory=list)
    source: str = "aws"
    detail: str = ""
    command: str = ""  # what creates the missing alarms, shown as code
    warnings: list[str] = field(default_factory=list)

    @property
    def firing(self) -> list[Alarm]:
        return [a for a in self.alarms if a.state == "ALARM"]


class HealthGateway(Protocol):
    """Reads, and nothing else: each member returns what AWS (or this process) holds, typed. What the facts
    mean is for the question modules (invocations, invocation_metrics, log_pages, request_lines, failures,
    routes, streams, triggers, async_invocations, deploys, alarms, checks)."""

    kind: str  # "aws" or "local"
    function_name: str
    log_group: str
    calls: int  # AWS calls made so far (0 locally)
    percentiles: tuple[str, ...]  # the duration percentiles CloudWatch is asked for (HEALTH_PERCENTILES)

    def log_format(self) -> str: ...

    def configuration(self) -> FunctionConfig: ...

    def process_values(self) -> list[dict[str, str]] | None: ...

    def known_deploys(self) -> list[tuple[datetime, str]]: ...

    def recorded_deploys(self) -> list[Deploy]: ...

    def metric_data(self, queries: list[dict], start: datetime, end: datetime) -> MetricData: ...

    # FilterLogEvents on AWS (one call); locally the process's lines, the pattern matched the same way.
    def log_events(
        self,
        *,
        start_ms: int,
        end_ms: int,
        pattern: str,
        limit: int,
        token: str | None = None,
        streams: list[str] | None = None,
    ) -> LogRead: ...

    def triggers(self) -> TriggerFacts: ...

    def event_source_mappings(self) -> list[EventSourceMapping]: ...  # as Lambda answers (none locally)

    def local_runners(self) -> list[LocalRunner]: ...  # the local stand-ins for triggers (none on AWS)

    def async_config(self) -> AsyncConfig: ...

    # Logs Insights on AWS (start, then read the results by handle); locally the handle names the window.
    def start_insights(self, window: Window, query: str, limit: int) -> str: ...

    def insights_results(self, handle: str) -> InsightsResult: ...

    # This process's own request records (none on AWS, where requests are read from the logs).
    def requests(self, window: Window | None = None) -> list[RequestRecord]: ...

    def process_init_ms(self) -> float | None: ...  # this process's start-up, for its cold request (None on AWS)

    def alarms(self) -> tuple[list[Alarm], bool]: ...

    def versions(self) -> tuple[list[Deploy], bool]: ...

    def setup_facts(self, config: FunctionConfig, *, budget: int = 3, offset: int = 0) -> SetupFacts: ...


# --- helpers both gateways use ------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return None
    text = str(value)
    # Lambda says 2026-11-27T12:58:36.343+0000; some endpoints give nanoseconds and Z.
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?", text)
    if not match:
        return None
    base = datetime.fromisoformat(match.group(1))
    micros = int((match.group(2) or "0")[:6].ljust(6, "0"))
    zone = match.group(3) or "Z"
    offset = 0 if zone == "Z" else (int(zone[1:3]) * 60 + int(zone[-2:])) * (1 if zone[0] == "+" else -1)
    return base.replace(microsecond=micros, tzinfo=timezone(timedelta(minutes=offset))).astimezone(UTC)


LEVEL_ORDER = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def level_at_least(line_level: str, minimum: str) -> bool:
    if not minimum:
        return True
    if line_level not in LEVEL_ORDER:
        return False
    return LEVEL_ORDER.index(line_level) >= LEVEL_ORDER.index(minimum)
