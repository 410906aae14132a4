"""The health gateway on AWS: the only module that talks to Lambda, CloudWatch, CloudWatch Logs, EventBridge
and CloudFormation (the console's reads, and `call()` for the stream wiring command).

Every page render stays within three AWS calls (the console's budget): one GetFunction, one GetMetricData
for every series of the page, and at most one or two log reads; the triggers page one call per part. Clients are process-wide, created lazily
with short timeouts and few retries, so a slow service cannot eat the function's own timeout.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

from django.conf import settings

from console.aws import clients as aws_clients
from console.aws.clients import call
from console.aws.errors import AwsError
from console.health import aws_setup, log_filter
from console.health.aws_async import AsyncReads
from console.health.aws_logs import MAX_CALLS_PER_READ, LogReads
from console.health.deploy_reads import RecordedDeployReads, forget
from console.health.gateway import (
    Alarm,
    Deploy,
    EventRule,
    EventSourceMapping,
    FunctionConfig,
    LocalRunner,
    MetricData,
    Throttled,
    TriggerFacts,
    Unavailable,
    parse_time,
)
from console.health.stage import redact_environment
from console.health.window import Window

__all__ = ["AwsGateway", "client", "reset_clients"]

LOG_FORMAT_TTL_S = 600.0  # a format change replaces every execution environment; ten minutes of a stale one is safe


_log_formats: dict[str, tuple[str, float]] = {}  # function name -> (LogFormat, monotonic time read)


def client(service: str):
    """The process-wide client for `service` (console.aws.clients); tests stub it."""
    return aws_clients.client(service)


def reset_clients() -> None:
    """Forget the process-wide clients and the log formats read (tests)."""
    aws_clients.reset_clients()
    _log_formats.clear()
    _deploys_seen.clear()
    forget()  # the recorded deploys read


# function name -> ({(time, label)}, monotonic time read): the deploys this process has read (GetFunction's
# LastModified, ListVersionsByFunction's versions), so every page's charts mark them without a call of its own.
_deploys_seen: dict[str, tuple[dict[datetime, str], float]] = {}


def remember_deploys(function_name: str, found: dict[datetime, str]) -> None:
    known, _ = _deploys_seen.get(function_name, ({}, 0.0))
    _deploys_seen[function_name] = ({**known, **found}, time.monotonic())


def remember_log_format(function_name: str, log_format: str) -> None:
    """Kept process-wide: pages that have no GetFunction in their three calls still pick the right patterns."""
    if log_filter.normalize_format(log_format):
        _log_formats[function_name] = (log_filter.normalize_format(log_format), time.monotonic())


class AwsGateway(LogReads, AsyncReads, RecordedDeployReads):
    kind = "aws"

    def __init__(
        self,
        function_name: str,
        *,
        log_group: str = "",
        percentiles: tuple[str, ...] = ("p50", "p90", "p99"),
        log_format: str = "",
    ) -> None:
        if not function_name:
            raise AwsError("No function to show: set HEALTH_FUNCTION_NAME (on Lambda it is this function).")
        self.function_name = function_name
        self.log_group = log_group or getattr(settings, "HEALTH_LOG_GROUP", "") or f"/aws/lambda/{function_name}"
        # HEALTH_PERCENTILES may drop them (moto cannot compute percentiles; Stubber tests cover them).
        self.percentiles = tuple(percentiles)
        self.calls = 0
        self._log_format = log_filter.normalize_format(log_format)

    def log_format(self) -> str:
        """The function's LoggingConfig.LogFormat ("Text" or "JSON"), without an AWS call of its own: this
        gateway's GetFunction, else the function's own environment when the console runs on it (Lambda sets
        AWS_LAMBDA_LOG_FORMAT from the same setting), else what this process read in the last ten minutes.
        "" when none of those knows: the patterns then cover both formats."""
        if self._log_format:
            return self._log_format
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") == self.function_name:
            own = log_filter.normalize_format(os.environ.get("AWS_LAMBDA_LOG_FORMAT", ""))
            if own:
                return own
        cached = _log_formats.get(self.function_name)
        if cached and time.monotonic() - cached[1] < LOG_FORMAT_TTL_S:
            return cached[0]
        return ""

    def known_deploys(self) -> list[tuple[datetime, str]]:
        """Deploys read by this process in the last ten minutes (no AWS call): markers for any page's charts."""
        found = _deploys_seen.get(self.function_name)
        if not found or time.monotonic() - found[1] >= LOG_FORMAT_TTL_S:
            return []
        return sorted(found[0].items())

    def _call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        return call(service, operation, **kwargs)

    # -- configuration --------------------------------------------------------------------------------
    def configuration(self) -> FunctionConfig:
        resp = self._call("lambda", "GetFunction", FunctionName=self.function_name)
        c = resp.get("Configuration", {})
        vpc = c.get("VpcConfig") or {}
        logging_config = c.get("LoggingConfig") or {}
        # Responses without LoggingConfig predate the JSON format: such functions log text.
        log_format = log_filter.normalize_format(logging_config.get("LogFormat", "")) or log_filter.LOG_FORMAT_TEXT
        self._log_format = log_format
        remember_log_format(self.function_name, log_format)
        modified = parse_time(c.get("LastModified"))
        if modified:
            code = c.get("CodeSha256", "")
            remember_deploys(self.function_name, {modified: f"deploy, code {code[:10]}" if code else "deploy"})
        return FunctionConfig(
            name=c.get("FunctionName", self.function_name),
            arn=c.get("FunctionArn", ""),
            runtime=c.get("Runtime", "") or c.get("PackageType", ""),
            handler=c.get("Handler", ""),
            architecture=(c.get("Architectures") or ["x86_64"])[0],
            memory_mb=int(c.get("MemorySize", 0)),
            timeout_s=int(c.get("Timeout", 0)),
            ephemeral_mb=int((c.get("EphemeralStorage") or {}).get("Size", 512)),
            code_size=c.get("CodeSize"),
            last_modified=parse_time(c.get("LastModified")),
            state=c.get("State", ""),
            state_reason=c.get("StateReason", ""),
            last_update_status=c.get("LastUpdateStatus", ""),
            last_update_reason=c.get("LastUpdateStatusReason", ""),
            role=c.get("Role", ""),
            layers=tuple(layer.get("Arn", "") for layer in c.get("Layers") or ()),
            vpc_subnets=tuple(vpc.get("SubnetIds") or ()),
            vpc_security_groups=tuple(vpc.get("SecurityGroupIds") or ()),
            vpc_id=vpc.get("VpcId", ""),
            reserved_concurrency=(resp.get("Concurrency") or {}).get("ReservedConcurrentExecutions"),
            environment=redact_environment((c.get("Environment") or {}).get("Variables") or {}),
            tracing=(c.get("TracingConfig") or {}).get("Mode", ""),
            snap_start="" if (c.get("SnapStart") or {}).get("ApplyOn", "None") == "None" else c["SnapStart"]["ApplyOn"],
            description=c.get("Description", ""),
            log_group=logging_config.get("LogGroup") or self.log_group,
            log_format=log_format,
            source="aws",
            source_detail=f"lambda:GetFunction in {settings.AWS_REGION}",
            code_sha256=c.get("CodeSha256", ""),
        )

    setup_facts = aws_setup.gateway_setup_facts  # the Checks page's own reads

    # -- metrics: what GetMetricData returns for the questions' queries (invocation_metrics, streams, ...) --
    def metric_data(self, queries: list[dict[str, Any]], start: datetime, end: datetime) -> MetricData:
        """GetMetricData, following NextToken up to the read's budget; a throttle after the first page keeps
        what was read and says so."""
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        data = MetricData()
        for page in range(MAX_CALLS_PER_READ):
            try:
                resp = self._call("cloudwatch", "GetMetricData", **kwargs)
            except (Throttled, Unavailable) as exc:
                if page == 0:
                    raise
                data.warnings.append(f"{exc.message} Some datapoints are missing.")
                break
            for result in resp.get("MetricDataResults", []):
                series = data.points.setdefault(result["Id"], [])
                times = (parse_time(t) for t in result.get("Timestamps", []))
                series.extend((t, v) for t, v in zip(times, result.get("Values", []), strict=False) if t)
                if result.get("StatusCode") == "PartialData":
                    data.warnings.append(f"CloudWatch returned partial data for {result['Id']}.")
            for message in resp.get("Messages", []):
                data.warnings.append(f"CloudWatch: {message.get('Value', message.get('Code', ''))}")
            if not resp.get("NextToken"):
                break
            kwargs["NextToken"] = resp["NextToken"]
        data.warnings = list(dict.fromkeys(data.warnings))
        return data

    # -- triggers: three reads, each allowed to fail alone (console.health.triggers says what they mean) --
    def triggers(self) -> TriggerFacts:
        """The function's event source mappings, the EventBridge rules Zappa named after it (it prefixes them
        with the function name to find them again), and the "Api" resource of the CloudFormation stack Zappa
        deployed (as `zappa status` finds it)."""
        found = TriggerFacts(region=settings.AWS_REGION, api_stack=self.function_name)
        try:
            found.mappings, found.more_mappings = self._mappings()
        except AwsError as exc:
            found.errors.append(("Event source mappings", exc))
        try:
            resp = self._call("events", "ListRules", NamePrefix=f"{self.function_name}-", Limit=100)
            found.rules = [_rule(r) for r in resp.get("Rules", [])]
        except AwsError as exc:
            found.errors.append(("Schedule rules", exc))
        try:
            resp = self._call(
                "cloudformation", "DescribeStackResource", StackName=self.function_name, LogicalResourceId="Api"
            )
            found.api_id = (resp.get("StackResourceDetail") or {}).get("PhysicalResourceId", "")
        except AwsError as exc:
            found.errors.append(("API Gateway URL", exc))
        return found

    def event_source_mappings(self) -> list[EventSourceMapping]:
        return self._mappings()[0]

    def _mappings(self) -> tuple[list[EventSourceMapping], bool]:
        resp = self._call("lambda", "ListEventSourceMappings", FunctionName=self.function_name, MaxItems=100)
        return [_mapping(m) for m in resp.get("EventSourceMappings", [])], bool(resp.get("NextMarker"))

    def local_runners(self) -> list[LocalRunner]:
        """No local stand-ins on AWS: Lambda runs the triggers."""
        return []

    # -- what only the local gateway holds --------------------------------------------------------------
    def process_values(self) -> None:
        """On AWS the function's values are its configuration's: no process of its own to compare."""
        return None

    def requests(self, window: Window | None = None) -> list:
        """On AWS requests are read from the function's logs (Logs Insights), not held in memory."""
        return []

    def process_init_ms(self) -> None:
        return None

    # -- alarms: the function's are named after it, as create_alarms names them (one call) --------------
    def alarms(self) -> tuple[list[Alarm], bool]:
        resp = self._call("cloudwatch", "DescribeAlarms", AlarmNamePrefix=f"{self.function_name}-", MaxRecords=100)
        return [_alarm(a) for a in resp.get("MetricAlarms", [])], bool(resp.get("NextToken"))

    # -- deploys: the function's versions (one call) ------------------------------------------------------
    def versions(self) -> tuple[list[Deploy], bool]:
        resp = self._call("lambda", "ListVersionsByFunction", FunctionName=self.function_name, MaxItems=50)
        found = [
            Deploy(
                version=v.get("Version", ""),
                at=at,
                code_sha256=v.get("CodeSha256", ""),
                description=v.get("Description", ""),
            )
            for v in resp.get("Versions", [])
            if (at := parse_time(v.get("LastModified")))
        ]
        remember_deploys(self.function_name, {d.at: f"deploy {d.version} {d.short_hash}".strip() for d in found})
        return found, bool(resp.get("NextMarker"))


def _alarm(a: dict[str, Any]) -> Alarm:
    math = None
    if a.get("Metrics"):
        returned = (m.get("Expression") for m in a["Metrics"] if m.get("ReturnData", True) and m.get("Expression"))
        math = next(returned, "")
    return Alarm(
        name=a.get("AlarmName", ""),
        state=a.get("StateValue", ""),
        comparison_operator=a.get("ComparisonOperator", ""),
        threshold=a.get("Threshold"),
        namespace=a.get("Namespace", ""),
        metric_name=a.get("MetricName", ""),
        statistic=a.get("ExtendedStatistic") or a.get("Statistic") or "",
        math=math,
        state_reason=a.get("StateReason", ""),
        state_updated=parse_time(a.get("StateUpdatedTimestamp")),
        actions=tuple(a.get("AlarmActions") or ()),
        description=a.get("AlarmDescription", ""),
    )


def _rule(r: dict[str, Any]) -> EventRule:
    return EventRule(
        name=r.get("Name", ""),
        schedule_expression=r.get("ScheduleExpression", ""),
        event_pattern=r.get("EventPattern", ""),
        state=r.get("State", ""),
        description=r.get("Description", ""),
        arn=r.get("Arn", ""),
    )


def _mapping(m: dict[str, Any]) -> EventSourceMapping:
    return EventSourceMapping(
        source_arn=m.get("EventSourceArn", ""),
        source="",
        state=m.get("State", ""),
        uuid=m.get("UUID", ""),
        batch_size=m.get("BatchSize"),
        starting_position=m.get("StartingPosition", ""),
        last_result=m.get("LastProcessingResult", ""),
        last_modified=parse_time(m.get("LastModified")),
        state_reason=m.get("StateTransitionReason", ""),
        max_retries=m.get("MaximumRetryAttempts"),
        max_record_age_s=m.get("MaximumRecordAgeInSeconds"),
        bisect_on_error=m.get("BisectBatchOnFunctionError"),
        report_item_failures="ReportBatchItemFailures" in (m.get("FunctionResponseTypes") or ()),
        on_failure=((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", ""),
    )
