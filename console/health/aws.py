"""The health gateway on AWS: the only module that talks to Lambda, CloudWatch, CloudWatch Logs, EventBridge
and CloudFormation (the console's reads, and `call()` for the stream wiring command).

Every page render stays within three AWS calls (the console's budget): one GetFunction, one GetMetricData
for every series of the page, and at most one or two log reads; the triggers page one call per part. Clients are process-wide, created lazily
with short timeouts and few retries, so a slow service cannot eat the function's own timeout.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from django.conf import settings

from console.aws import clients as aws_clients
from console.aws.clients import call
from console.health import app_lines, aws_setup, patterns
from console.health import deploys as deploys_mod
from console.health import failures as failures_mod
from console.health import routes as routes_mod
from console.health import streams as streams_mod
from console.health.gateway import (
    Aggregates,
    Alarm,
    AlarmReport,
    EventSourceMapping,
    FunctionConfig,
    HealthError,
    InvalidQuery,
    InvocationSample,
    LogPage,
    LogQuery,
    RequestDetail,
    ScheduleRule,
    TailPage,
    Throttled,
    Triggers,
    Unavailable,
    merge_events,
    request_detail_from,
    tail_page,
)
from console.health.logparse import LogEvent, invocations_from_events, parse_line
from console.health.metrics import DURATION_STATS, Metrics, Window, fill_buckets
from console.health.stage import (
    StageSettingsError,
    describe_source,
    load_stage,
    packaged_routes,
    packaged_stage,
    redact_environment,
    rule_runs,
    stage_routes,
)

MAX_CALLS_PER_READ = 3
LOG_PAGE_LINES = 100
RECENT_EVENTS_LIMIT = 10_000  # FilterLogEvents' maximum; a response also stops at 1 MB
INIT_LOOKBACK_MS = 15_000  # Lambda's init phase is cut at 10 s; its lines end just before the START line
REQUEST_WINDOW_MS = 16 * 60 * 1000  # a request lasts at most 15 minutes (Lambda's longest timeout)

# Text format: Logs Insights extracts @duration, @initDuration, ... from REPORT lines (@memorySize in bytes).
INSIGHTS_QUERY = """filter @type = "REPORT"
| stats count(*) as invocations,
  count(@initDuration) as coldStarts,
  sum(@billedDuration) as billedMs,
  sum(@billedDuration * @memorySize / 1000000) as billedMbMs,
  avg(@initDuration) as initAvg,
  pct(@initDuration, 50) as initP50,
  pct(@initDuration, 90) as initP90,
  pct(@initDuration, 99) as initP99,
  max(@initDuration) as initMax,
  max(@maxMemoryUsed / 1000000) as maxMemoryUsedMB,
  pct(@maxMemoryUsed / 1000000, 50) as memP50,
  pct(@maxMemoryUsed / 1000000, 99) as memP99,
  max(@memorySize / 1000000) as memoryMB"""

# JSON format: no REPORT lines, so no @duration/@initDuration; Insights discovers the platform.report record's
# JSON fields instead (its metrics are already in MB).
INSIGHTS_QUERY_JSON = """filter type = "platform.report"
| stats count(*) as invocations,
  count(record.metrics.initDurationMs) as coldStarts,
  sum(record.metrics.billedDurationMs) as billedMs,
  sum(record.metrics.billedDurationMs * record.metrics.memorySizeMB) as billedMbMs,
  avg(record.metrics.initDurationMs) as initAvg,
  pct(record.metrics.initDurationMs, 50) as initP50,
  pct(record.metrics.initDurationMs, 90) as initP90,
  pct(record.metrics.initDurationMs, 99) as initP99,
  max(record.metrics.initDurationMs) as initMax,
  max(record.metrics.maxMemoryUsedMB) as maxMemoryUsedMB,
  pct(record.metrics.maxMemoryUsedMB, 50) as memP50,
  pct(record.metrics.maxMemoryUsedMB, 99) as memP99,
  max(record.metrics.memorySizeMB) as memoryMB"""

# Format not known (no GetFunction this process, not running on the function): both record kinds; Insights'
# coalesce() takes the first field that is present, so each row contributes whichever format it is in.
INSIGHTS_QUERY_ANY = """filter @type = "REPORT" or type = "platform.report"
| fields coalesce(@initDuration, record.metrics.initDurationMs) as initMs,
  coalesce(@billedDuration, record.metrics.billedDurationMs) as billedOne,
  coalesce(@memorySize / 1000000, record.metrics.memorySizeMB) as memoryOne,
  coalesce(@maxMemoryUsed / 1000000, record.metrics.maxMemoryUsedMB) as usedOne
| stats count(*) as invocations,
  count(initMs) as coldStarts,
  sum(billedOne) as billedMs,
  sum(billedOne * memoryOne) as billedMbMs,
  avg(initMs) as initAvg,
  pct(initMs, 50) as initP50,
  pct(initMs, 90) as initP90,
  pct(initMs, 99) as initP99,
  max(initMs) as initMax,
  max(usedOne) as maxMemoryUsedMB,
  pct(usedOne, 50) as memP50,
  pct(usedOne, 99) as memP99,
  max(memoryOne) as memoryMB"""

LOG_FORMAT_TTL_S = 600.0  # a format change replaces every execution environment; ten minutes of a stale one is safe


def insights_query(log_format: str) -> str:
    """The aggregates query for the function's log format; both formats' fields when it is not known."""
    known = patterns.normalize_format(log_format)
    return {patterns.LOG_FORMAT_TEXT: INSIGHTS_QUERY, patterns.LOG_FORMAT_JSON: INSIGHTS_QUERY_JSON}.get(
        known, INSIGHTS_QUERY_ANY
    )


_COMPARISONS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": "≥",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "≤",
}

_log_formats: dict[str, tuple[str, float]] = {}  # function name -> (LogFormat, monotonic time read)


def client(service: str):
    """The process-wide client for `service` (console.aws.clients); tests stub it."""
    return aws_clients.client(service)


def reset_clients() -> None:
    """Forget the process-wide clients and the log formats read (tests)."""
    aws_clients.reset_clients()
    _log_formats.clear()
    _deploys_seen.clear()


# function name -> ({(time, label)}, monotonic time read): the deploys this process has read (GetFunction's
# LastModified, ListVersionsByFunction's versions), so every page's charts mark them without a call of its own.
_deploys_seen: dict[str, tuple[dict[datetime, str], float]] = {}


def remember_deploys(function_name: str, found: dict[datetime, str]) -> None:
    known, _ = _deploys_seen.get(function_name, ({}, 0.0))
    _deploys_seen[function_name] = ({**known, **found}, time.monotonic())


def remember_log_format(function_name: str, log_format: str) -> None:
    """Kept process-wide: pages that have no GetFunction in their three calls still pick the right patterns."""
    if patterns.normalize_format(log_format):
        _log_formats[function_name] = (patterns.normalize_format(log_format), time.monotonic())


def _parse_time(value: Any) -> datetime | None:
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


def _event(raw: dict[str, Any]) -> LogEvent:
    return LogEvent(
        timestamp=int(raw["timestamp"]),
        message=raw.get("message", ""),
        stream=raw.get("logStreamName", ""),
        event_id=raw.get("eventId", ""),
    )


class AwsGateway:
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
            raise HealthError("No function to show: set HEALTH_FUNCTION_NAME (on Lambda it is this function).")
        self.function_name = function_name
        self.log_group = log_group or getattr(settings, "HEALTH_LOG_GROUP", "") or f"/aws/lambda/{function_name}"
        # HEALTH_PERCENTILES may drop them (moto cannot compute percentiles; Stubber tests cover them).
        self.percentiles = tuple(p for p in percentiles if p in DURATION_STATS)
        self.calls = 0
        self._log_format = patterns.normalize_format(log_format)

    def log_format(self) -> str:
        """The function's LoggingConfig.LogFormat ("Text" or "JSON"), without an AWS call of its own: this
        gateway's GetFunction, else the function's own environment when the console runs on it (Lambda sets
        AWS_LAMBDA_LOG_FORMAT from the same setting), else what this process read in the last ten minutes.
        "" when none of those knows: the patterns then cover both formats."""
        if self._log_format:
            return self._log_format
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") == self.function_name:
            own = patterns.normalize_format(os.environ.get("AWS_LAMBDA_LOG_FORMAT", ""))
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
        log_format = patterns.normalize_format(logging_config.get("LogFormat", "")) or patterns.LOG_FORMAT_TEXT
        self._log_format = log_format
        remember_log_format(self.function_name, log_format)
        modified = _parse_time(c.get("LastModified"))
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
            last_modified=_parse_time(c.get("LastModified")),
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

    # -- metrics --------------------------------------------------------------------------------------
    def _query(self, qid: str, metric: str, stat: str, period: int) -> dict[str, Any]:
        return {
            "Id": qid,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": self.function_name}],
                },
                "Period": period,
                "Stat": stat,
            },
            "ReturnData": True,
        }

    def metric_queries(self, window: Window) -> list[dict[str, Any]]:
        stats = {"avg": "Average", "max": "Maximum", **{p: p for p in self.percentiles}}
        queries = [
            self._query("invocations", "Invocations", "Sum", window.period),
            self._query("errors", "Errors", "Sum", window.period),
            self._query("throttles", "Throttles", "Sum", window.period),
            self._query("concurrency", "ConcurrentExecutions", "Maximum", window.period),
        ]
        for key, stat in stats.items():
            queries.append(self._query(f"d_{key}", "Duration", stat, window.period))
            # One period covering the whole window: the range's real percentiles, not an average of them.
            queries.append(self._query(f"o_{key}", "Duration", stat, window.seconds))
        return queries

    def metrics(self, window: Window) -> Metrics:
        kwargs: dict[str, Any] = {
            "MetricDataQueries": self.metric_queries(window),
            "StartTime": window.start,
            "EndTime": window.end,
            "ScanBy": "TimestampAscending",
        }
        points: dict[str, list[tuple[datetime, float]]] = {}
        warnings: list[str] = []
        for page in range(MAX_CALLS_PER_READ):
            try:
                resp = self._call("cloudwatch", "GetMetricData", **kwargs)
            except (Throttled, Unavailable) as exc:
                if page == 0:
                    raise
                warnings.append(f"{exc.message} Some datapoints are missing.")
                break
            for result in resp.get("MetricDataResults", []):
                series = points.setdefault(result["Id"], [])
                series.extend(
                    zip((_parse_time(t) for t in result.get("Timestamps", [])), result.get("Values", []), strict=False)
                )
                if result.get("StatusCode") == "PartialData":
                    warnings.append(f"CloudWatch returned partial data for {result['Id']}.")
            for message in resp.get("Messages", []):
                warnings.append(f"CloudWatch: {message.get('Value', message.get('Code', ''))}")
            if not resp.get("NextToken"):
                break
            kwargs["NextToken"] = resp["NextToken"]

        def series(qid: str, combine: str = "sum") -> list[float]:
            return fill_buckets(window, [(t, v) for t, v in points.get(qid, []) if t], combine=combine)

        overall = {}
        for key in DURATION_STATS:
            values = [v for _, v in points.get(f"o_{key}", [])]
            overall[key] = (max(values) if key == "max" else values[0]) if values else None
        return Metrics(
            window=window,
            invocations=series("invocations"),
            errors=series("errors"),
            throttles=series("throttles"),
            concurrency=series("concurrency", "max"),
            duration={
                key: series(f"d_{key}", "max")
                for key in DURATION_STATS
                if key in {"avg", "max"} or key in self.percentiles
            },
            overall_duration=overall,
            source="aws",
            warnings=list(dict.fromkeys(warnings)),
        )

    # -- invocations from REPORT lines ----------------------------------------------------------------
    def recent_invocations(
        self, window: Window, *, limit: int = 20, metrics: Metrics | None = None
    ) -> InvocationSample:
        start_ms = window.start_ms
        if metrics is not None and metrics.total_invocations > limit:
            # Read only the newest buckets that hold about `limit` invocations (plus the latest buckets,
            # whose metrics may lag the logs): one call, and not a week of lines to find twenty.
            needed, index = limit * 1.5, len(metrics.invocations)
            count = 0.0
            while index > 0 and count < needed:
                index -= 1
                count += metrics.invocations[index]
            start_ms = int(window.buckets[index].timestamp() * 1000)
        resp = self._call(
            "logs",
            "FilterLogEvents",
            logGroupName=self.log_group,
            startTime=start_ms,
            endTime=window.end_ms,
            filterPattern=patterns.invocation_pattern(self.log_format()),
            limit=RECENT_EVENTS_LIMIT,
        )
        events = [_event(e) for e in resp.get("events", [])]
        invocations = app_lines.with_http_status(invocations_from_events(events), events)
        complete = not resp.get("nextToken")
        warnings = (
            [] if complete else ["More lines than one read returns: these are the oldest invocations of the span read."]
        )
        return InvocationSample(
            invocations=invocations[:limit] if complete else invocations[-limit:],
            since=datetime.fromtimestamp(start_ms / 1000, tz=UTC),
            until=window.end,
            complete=complete,
            warnings=warnings,
        )

    # -- range-wide aggregates (Logs Insights) --------------------------------------------------------
    def start_aggregates(self, window: Window) -> str:
        resp = self._call(
            "logs",
            "StartQuery",
            logGroupName=self.log_group,
            startTime=window.start_ms // 1000,
            endTime=window.end_ms // 1000,
            queryString=insights_query(self.log_format()),
            limit=1,
        )
        return resp["queryId"]

    def aggregates(self, handle: str) -> Aggregates:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,256}", handle or ""):
            raise InvalidQuery("Not a Logs Insights query id.")
        resp = self._call("logs", "GetQueryResults", queryId=handle)
        status = resp.get("status", "Unknown")
        rows = resp.get("results") or []
        values: dict[str, float | None] = {}
        for cell in rows[0] if rows else []:
            try:
                values[cell["field"]] = float(cell["value"])
            except (KeyError, TypeError, ValueError):
                continue
        billed_mb_ms = values.get("billedMbMs") or 0.0
        return Aggregates(
            status=status,
            invocations=int(values.get("invocations") or 0),
            cold_starts=int(values.get("coldStarts") or 0),
            billed_ms=values.get("billedMs") or 0.0,
            gb_seconds=billed_mb_ms / 1000 / 1024,
            init_ms={
                "avg": values.get("initAvg"),
                "p50": values.get("initP50"),
                "p90": values.get("initP90"),
                "p99": values.get("initP99"),
                "max": values.get("initMax"),
            },
            max_memory_used_mb=values.get("maxMemoryUsedMB"),
            memory_mb=values.get("memoryMB"),
            memory_p50_mb=values.get("memP50"),
            memory_p99_mb=values.get("memP99"),
            bytes_scanned=(resp.get("statistics") or {}).get("bytesScanned"),
        )

    # -- logs -----------------------------------------------------------------------------------------
    def _filter(
        self,
        *,
        start_ms: int,
        end_ms: int,
        pattern: str,
        limit: int,
        token: str | None = None,
        streams: list[str] | None = None,
    ) -> tuple[list[LogEvent], str | None]:
        kwargs: dict[str, Any] = {
            "logGroupName": self.log_group,
            "startTime": start_ms,
            "endTime": end_ms,
            "limit": limit,
        }
        if pattern:
            kwargs["filterPattern"] = pattern
        if token:
            kwargs["nextToken"] = token
        if streams:
            kwargs["logStreamNames"] = streams
        resp = self._call("logs", "FilterLogEvents", **kwargs)
        events = sorted((_event(e) for e in resp.get("events", [])), key=lambda e: (e.timestamp, e.event_id))
        return events, resp.get("nextToken")

    def logs(self, query: LogQuery, *, before_ms: int | None = None, token: str | None = None) -> LogPage:
        """The newest lines of the window first, across every stream.

        FilterLogEvents returns the oldest lines of a time range first, so a page reads backwards: it asks
        for a span ending at `before_ms`; a span holding more than a page of lines is narrowed (from the
        density seen) and asked again, up to three calls. Pages never overlap and never skip a line: the
        next page ends just before the oldest complete span. A single dense second that still holds more
        than a page is read forwards with nextToken (`token`)."""
        pattern, keep = patterns.plan(query, log_format=self.log_format())
        lo = int(query.start.timestamp() * 1000)
        hi = min(before_ms if before_ms is not None else 2**62, int(query.end.timestamp() * 1000))
        if token:
            return self._continue(token, pattern, keep, lo)
        collected: list[LogEvent] = []  # complete spans read so far, [hi + 1, first hi]
        warnings: list[str] = []
        partial: tuple[list[LogEvent], str, int, int] | None = None  # the last dense span's oldest lines
        span = hi - lo
        calls = 0
        while hi >= lo:
            win_lo = max(lo, hi - span)
            try:
                events, next_token = self._filter(start_ms=win_lo, end_ms=hi, pattern=pattern, limit=LOG_PAGE_LINES)
            except (Throttled, Unavailable) as exc:
                if collected:
                    warnings.append(f"{exc.message} Showing the lines read before it.")
                    return self._page(collected, keep, older=hi, warnings=warnings, calls=calls + 1)
                if partial:
                    warnings.append(f"{exc.message} Showing the lines read before it.")
                    return self._dense_page(*partial, keep=keep, lo=lo, warnings=warnings, calls=calls + 1)
                raise
            calls += 1
            if not next_token:
                collected = events + collected
                if len(collected) >= LOG_PAGE_LINES // 2 or win_lo <= lo or calls >= MAX_CALLS_PER_READ:
                    return self._page(
                        collected, keep, older=win_lo - 1 if win_lo > lo else None, warnings=warnings, calls=calls
                    )
                hi, span = win_lo - 1, span * 8
                continue
            if collected:  # what is older than the complete spans waits for the next page
                return self._page(collected, keep, older=hi, warnings=warnings, calls=calls)
            # More than a page in this span: estimate the density and narrow it to about a page.
            partial = (events, next_token, win_lo, hi)
            seen_ms = max(1, events[-1].timestamp - win_lo + 1) if events else span
            narrowed = int(seen_ms * 0.8)
            if calls >= MAX_CALLS_PER_READ or narrowed < 1000:
                return self._dense_page(*partial, keep=keep, lo=lo, warnings=warnings, calls=calls)
            span = narrowed
        return self._page(collected, keep, older=None, warnings=warnings, calls=calls)

    def _dense_page(
        self,
        events: list[LogEvent],
        next_token: str,
        win_lo: int,
        hi: int,
        *,
        keep,
        lo: int,
        warnings: list[str],
        calls: int,
    ) -> LogPage:
        """The oldest lines of a span too dense for a page; `token` reads the rest of it forwards."""
        page = self._page(events, keep, older=win_lo - 1 if win_lo > lo else None, warnings=warnings, calls=calls)
        page.token = _encode_token(next_token, win_lo, hi)
        page.warnings.append(
            "This span holds more lines than a page: these are its oldest; \u201cnewer in this span\u201d reads on."
        )
        return page

    def _continue(self, token: str, pattern: str, keep, lo: int) -> LogPage:
        next_token, win_lo, hi = _decode_token(token)
        events, following = self._filter(
            start_ms=win_lo, end_ms=hi, pattern=pattern, limit=LOG_PAGE_LINES, token=next_token
        )
        page = self._page(events, keep, older=win_lo - 1 if win_lo > lo else None, warnings=[], calls=1)
        page.token = _encode_token(following, win_lo, hi) if following else None
        return page

    @staticmethod
    def _page(events: list[LogEvent], keep, *, older: int | None, warnings: list[str], calls: int) -> LogPage:
        lines = [line for line in (parse_line(e) for e in reversed(events)) if keep(line)]
        return LogPage(lines=lines, older_before_ms=older, warnings=warnings, calls=calls)

    def tail(self, query: LogQuery, *, after_ms: int, seen: tuple[str, ...] = ()) -> TailPage:
        pattern, keep = patterns.plan(query, log_format=self.log_format())
        end_ms = int(datetime.now(tz=UTC).timestamp() * 1000)
        events: list[LogEvent] = []
        warnings: list[str] = []
        token = None
        for _ in range(MAX_CALLS_PER_READ):
            try:
                batch, token = self._filter(
                    start_ms=after_ms, end_ms=end_ms, pattern=pattern, limit=LOG_PAGE_LINES, token=token
                )
            except (Throttled, Unavailable) as exc:
                if not events:
                    raise
                warnings.append(exc.message)
                break
            events.extend(batch)
            if not token:
                break
        return tail_page(events, keep, after_ms=after_ms, seen=seen, warnings=warnings)

    # -- triggers -------------------------------------------------------------------------------------
    def triggers(self) -> Triggers:
        """Three calls, each allowed to fail alone: the function's event source mappings, the schedule rules
        Zappa named after it (it prefixes them with the function name to find them again), and the REST API
        of the stack Zappa deployed (as `zappa status` finds it: the stack's "Api" resource)."""
        found = Triggers(source_detail=f"AWS, {settings.AWS_REGION}")
        routes, found.routing_detail = _routes(self.function_name)
        try:
            resp = self._call("lambda", "ListEventSourceMappings", FunctionName=self.function_name, MaxItems=100)
            found.mappings = [_mapping(m, routes) for m in resp.get("EventSourceMappings", [])]
            if resp.get("NextMarker"):
                found.warnings.append("The function has more than 100 event source mappings: the first 100 are shown.")
        except HealthError as exc:
            found.errors.append(("Event source mappings", exc))
        try:
            resp = self._call("events", "ListRules", NamePrefix=f"{self.function_name}-", Limit=100)
            found.rules = [
                ScheduleRule(
                    name=r.get("Name", ""),
                    expression=r.get("ScheduleExpression", "") or "(event pattern)",
                    state=r.get("State", ""),
                    runs=rule_runs(r.get("Name", "")),
                    description=r.get("Description", ""),
                    arn=r.get("Arn", ""),
                )
                for r in resp.get("Rules", [])
            ]
        except HealthError as exc:
            found.errors.append(("Schedule rules", exc))
        try:
            resp = self._call(
                "cloudformation", "DescribeStackResource", StackName=self.function_name, LogicalResourceId="Api"
            )
            api_id = (resp.get("StackResourceDetail") or {}).get("PhysicalResourceId", "")
            stage = _stage_name(self.function_name)
            found.api_url = (
                f"https://{api_id}.execute-api.{settings.AWS_REGION}.amazonaws.com/{stage}" if api_id else ""
            )
            found.api_detail = f'REST API {api_id}, resource "Api" of the CloudFormation stack {self.function_name}'
        except InvalidQuery as exc:
            if "does not exist" not in exc.message:
                found.errors.append(("API Gateway URL", exc))
            found.api_detail = (
                f"No CloudFormation stack {self.function_name}: Zappa makes one with the API at "
                "`zappa deploy` (none with apigateway_enabled false)."
            )
        except HealthError as exc:
            found.errors.append(("API Gateway URL", exc))
        return found

    # -- one request ----------------------------------------------------------------------------------
    def request_detail(self, request_id: str, *, start: datetime, end: datetime) -> RequestDetail:
        """Every line of one request: find its START/REPORT lines by id (via the app's request line when the
        id is a correlation id), then read its stream between them: one execution environment serves one
        request at a time, so those are exactly its lines, including any that do not carry the id."""
        if not patterns.REQUEST_ID.match(request_id):
            raise InvalidQuery("A request id has only letters, digits and . _ : - (at most 128).")
        start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
        events, _ = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=f'"{request_id}"', limit=1000)
        lambda_id = _lambda_request_id(events, request_id)
        if lambda_id and lambda_id != request_id:
            more, _ = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=f'"{lambda_id}"', limit=1000)
            events = merge_events(events, more)
        bounds = _request_bounds(events, lambda_id or request_id)
        warnings: list[str] = []
        if bounds and self.calls < MAX_CALLS_PER_READ:
            stream, first_ms, last_ms = bounds
            try:
                # From a little before START: an init that failed and re-ran inside this invoke reports (and
                # logs its errors) just before the START line, without the request id.
                around, _ = self._filter(
                    start_ms=first_ms - INIT_LOOKBACK_MS, end_ms=last_ms, pattern="", limit=1000, streams=[stream]
                )
                events = merge_events(events, _since_previous_request(around, first_ms))
            except (Throttled, Unavailable) as exc:
                warnings.append(f"{exc.message} Lines without the id may be missing.")
        return request_detail_from(request_id, lambda_id, events, warnings)

    # -- failures and routes (one Logs Insights query each: start, then read by id) ---------------------
    def _start_insights(self, window: Window, query: str, limit: int) -> str:
        resp = self._call(
            "logs",
            "StartQuery",
            logGroupName=self.log_group,
            startTime=window.start_ms // 1000,
            endTime=window.end_ms // 1000,
            queryString=query,
            limit=limit,
        )
        return resp["queryId"]

    def _insights_results(self, handle: str) -> dict[str, Any]:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,256}", handle or ""):
            raise InvalidQuery("Not a Logs Insights query id.")
        return self._call("logs", "GetQueryResults", queryId=handle)

    def start_failures(self, window: Window) -> str:
        return self._start_insights(window, failures_mod.INSIGHTS_QUERY, failures_mod.INSIGHTS_LIMIT)

    def failures(
        self, handle: str, window: Window, *, deployed_at: datetime | None = None, throttles=()
    ) -> failures_mod.FailureReport:
        resp = self._insights_results(handle)
        status = resp.get("status", "Unknown")
        report = failures_mod.FailureReport(
            status=status,
            deployed_at=deployed_at,
            deploy_in_range=bool(deployed_at and window.start <= deployed_at < window.end),
        )
        if not report.done:
            return report
        if status != "Complete":
            report.warnings.append(f"The Logs Insights query ended {status}: the failures shown may be incomplete.")
        events = [_insights_event(row) for row in resp.get("results") or []]
        events = [e for e in events if e is not None]
        report.lines_read = len(events)
        report.truncated = len(events) >= failures_mod.INSIGHTS_LIMIT
        if report.truncated:
            report.warnings.append(
                "The range holds more failure lines than one query returns (10,000): "
                "the oldest are not counted; choose a shorter range."
            )
        report.failures = failures_mod.failures_from_events(events, failures_mod.project_packages())
        report.regroup(window, deployed_at=deployed_at, throttles=throttles)
        return report

    def start_routes(self, window: Window) -> str:
        return self._start_insights(window, routes_mod.INSIGHTS_QUERY, 1000)

    def routes(self, handle: str) -> routes_mod.RouteReport:
        resp = self._insights_results(handle)
        report = routes_mod.RouteReport(
            status=resp.get("status", "Unknown"), bytes_scanned=(resp.get("statistics") or {}).get("bytesScanned")
        )
        if report.done:
            report.routes = routes_mod.from_insights_rows(resp.get("results") or [])
        return report

    # -- streams: lag, failed batches, what went to the on-failure destination (three calls) ------------
    def stream_health(self, window: Window) -> streams_mod.StreamReport:
        report = streams_mod.StreamReport()
        resp = self._call("lambda", "ListEventSourceMappings", FunctionName=self.function_name, MaxItems=100)
        mappings = [
            m
            for m in resp.get("EventSourceMappings", [])
            if ":dynamodb:" in m.get("EventSourceArn", "") or ":kinesis:" in m.get("EventSourceArn", "")
        ]
        if not mappings:
            return report
        dims = [{"Name": "FunctionName", "Value": self.function_name}]
        queries = [
            {
                "Id": "age",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/Lambda", "MetricName": "IteratorAge", "Dimensions": dims},
                    "Period": window.period,
                    "Stat": "Maximum",
                },
            },
            {
                "Id": "age_all",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/Lambda", "MetricName": "IteratorAge", "Dimensions": dims},
                    "Period": window.seconds,
                    "Stat": "Maximum",
                },
            },
        ]
        for i, m in enumerate(mappings):
            target = streams_mod.destination_metric(
                ((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", "")
            )
            if target:
                namespace, metric, dimension, value = target
                queries.append(
                    {
                        "Id": f"dest{i}",
                        "MetricStat": {
                            "Metric": {
                                "Namespace": namespace,
                                "MetricName": metric,
                                "Dimensions": [{"Name": dimension, "Value": value}],
                            },
                            "Period": window.seconds,
                            "Stat": "Sum",
                        },
                    }
                )
        points: dict[str, list[tuple[datetime, float]]] = {}
        try:
            data = self._call(
                "cloudwatch",
                "GetMetricData",
                MetricDataQueries=queries,
                StartTime=window.start,
                EndTime=window.end,
                ScanBy="TimestampAscending",
            )
            for result in data.get("MetricDataResults", []):
                points[result["Id"]] = list(
                    zip((_parse_time(t) for t in result.get("Timestamps", [])), result.get("Values", []), strict=False)
                )
        except HealthError as exc:
            report.warnings.append(f"Stream lag (GetMetricData): {exc.message}")
        try:
            events, _ = self._filter(
                start_ms=window.start_ms,
                end_ms=window.end_ms,
                pattern=f'"{streams_mod.BATCH_MESSAGE}"',
                limit=RECENT_EVENTS_LIMIT,
            )
            counts = streams_mod.batch_counts(events)
        except HealthError as exc:
            report.warnings.append(f"Stream handler lines (FilterLogEvents): {exc.message}")
            counts = streams_mod.BatchCounts()
        age = fill_buckets(window, [(t, v) for t, v in points.get("age", []) if t], combine="max")
        age_all = [v for _, v in points.get("age_all", [])]
        for i, m in enumerate(mappings):
            on_failure = ((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", "")
            sent = points.get(f"dest{i}")
            report.streams.append(
                streams_mod.StreamHealth(
                    source=describe_source(m.get("EventSourceArn", "")),
                    uuid=m.get("UUID", ""),
                    iterator_age_max_ms=max(age_all) if age_all else (max(age) if any(age) else None),
                    iterator_age=age,
                    counts=counts,
                    on_failure=on_failure,
                    sent_to_destination=int(sum(v for _, v in sent)) if sent is not None else None,
                    last_result=m.get("LastProcessingResult", ""),
                    detail="IteratorAge and the handler's lines are the function's: shared by its "
                    f"{len(mappings)} stream triggers"
                    if len(mappings) > 1
                    else "",
                )
            )
        return report

    # -- alarms (one call: the function's alarms are named after it, as create_alarms names them) -------
    def alarms(self) -> AlarmReport:
        resp = self._call("cloudwatch", "DescribeAlarms", AlarmNamePrefix=f"{self.function_name}-", MaxRecords=100)
        report = AlarmReport(detail=f"cloudwatch:DescribeAlarms, names starting {self.function_name}-")
        for a in resp.get("MetricAlarms", []):
            if a.get("Metrics"):
                shown = next(
                    (m.get("Expression") for m in a["Metrics"] if m.get("ReturnData", True) and m.get("Expression")),
                    "metric math",
                )
                metric = f"metric math: {shown}"
            else:
                stat = a.get("ExtendedStatistic") or a.get("Statistic") or ""
                metric = f"{a.get('Namespace', '')} {a.get('MetricName', '')} {stat}".strip()
            report.alarms.append(
                Alarm(
                    name=a.get("AlarmName", ""),
                    state=a.get("StateValue", ""),
                    metric=metric,
                    comparison=_COMPARISONS.get(a.get("ComparisonOperator", ""), a.get("ComparisonOperator", "")),
                    threshold=a.get("Threshold"),
                    state_reason=a.get("StateReason", ""),
                    state_updated=_parse_time(a.get("StateUpdatedTimestamp")),
                    actions=tuple(a.get("AlarmActions") or ()),
                    description=a.get("AlarmDescription", ""),
                )
            )
        if resp.get("NextToken"):
            report.warnings.append("More than 100 alarms: the first 100 are shown.")
        return report

    # -- deploys: versions, and the hour before vs after the latest (three calls) -----------------------
    def deploys(self) -> deploys_mod.DeployReport:
        resp = self._call("lambda", "ListVersionsByFunction", FunctionName=self.function_name, MaxItems=50)
        found = [
            deploys_mod.Deploy(
                version=v.get("Version", ""),
                at=at,
                code_sha256=v.get("CodeSha256", ""),
                description=v.get("Description", ""),
            )
            for v in resp.get("Versions", [])
            if (at := _parse_time(v.get("LastModified")))
        ]
        found.sort(key=lambda d: d.at, reverse=True)
        # $LATEST's LastModified is the latest change (code or configuration); a published version's is when
        # it was published. The newest of them is the latest deploy.
        report = deploys_mod.DeployReport(
            deploys=found, latest=found[0] if found else None, detail="lambda:ListVersionsByFunction"
        )
        remember_deploys(
            self.function_name,
            dict(deploys_mod.markers_in(found, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))),
        )
        if resp.get("NextMarker"):
            report.warnings.append("More than 50 versions: the newest are among the first 50 AWS returned.")
        if report.latest is None:
            return report
        at = report.latest.at.replace(second=0, microsecond=0)  # CloudWatch starts periods on whole minutes
        now = datetime.now(tz=UTC)
        dims = [{"Name": "FunctionName", "Value": self.function_name}]

        def q(qid: str, metric: str, stat: str) -> dict[str, Any]:
            return {
                "Id": qid,
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dims},
                    "Period": 3600,
                    "Stat": stat,
                },
            }

        queries = [q("inv", "Invocations", "Sum"), q("err", "Errors", "Sum")]
        if "p99" in self.percentiles:
            queries.append(q("p99", "Duration", "p99"))
        sides: dict[str, dict[str, float]] = {"before": {}, "after": {}}
        try:
            data = self._call(
                "cloudwatch",
                "GetMetricData",
                MetricDataQueries=queries,
                StartTime=at - deploys_mod.HOUR,
                EndTime=at + deploys_mod.HOUR,
                ScanBy="TimestampAscending",
            )
            for result in data.get("MetricDataResults", []):
                for when, value in zip(result.get("Timestamps", []), result.get("Values", []), strict=False):
                    side = "after" if _parse_time(when) >= at else "before"
                    sides[side][result["Id"]] = value
        except HealthError as exc:
            report.warnings.append(f"Before/after metrics: {exc.message}")
        cold = {"before": 0, "after": 0}
        cold_read = True
        try:
            events, more = self._filter(
                start_ms=int((at - deploys_mod.HOUR).timestamp() * 1000),
                end_ms=int((at + deploys_mod.HOUR).timestamp() * 1000),
                pattern='?"Init Duration" ?initDurationMs',
                limit=RECENT_EVENTS_LIMIT,
            )
            for event in events:
                report_line = parse_line(event).report
                if report_line is not None and report_line.cold_start:
                    cold["after" if event.time >= at else "before"] += 1
            if more:
                report.warnings.append("More cold starts around the deploy than one read returns: counts are partial.")
        except HealthError as exc:
            cold_read = False
            report.warnings.append(f"Cold starts around the deploy: {exc.message}")
        after_minutes = max(0.0, min(60.0, (now - at).total_seconds() / 60))
        for name in ("before", "after"):
            values = sides[name]
            side = deploys_mod.Side(
                invocations=int(values.get("inv", 0)),
                errors=int(values.get("err", 0)),
                p99_ms=values.get("p99"),
                cold_starts=cold[name] if cold_read else None,
                minutes=60.0 if name == "before" else after_minutes,
            )
            setattr(report, name, side)
        return report


def _insights_event(row: list[dict[str, Any]]) -> LogEvent | None:
    """A result row of `fields @timestamp, @message, @logStream` as a log event. Insights gives the time as
    "2026-11-27 10:00:33.012" (UTC)."""
    cells = {cell.get("field"): cell.get("value", "") for cell in row}
    when = _parse_time(str(cells.get("@timestamp", "")).replace(" ", "T", 1))
    if when is None or "@message" not in cells:
        return None
    return LogEvent(
        timestamp=int(when.timestamp() * 1000),
        message=cells["@message"],
        stream=cells.get("@logStream", ""),
        event_id=cells.get("@ptr", ""),
    )


def _routes(function_name: str) -> tuple[dict[str, tuple[str, ...]] | None, str]:
    """Which functions Zappa's handler runs for each event source ARN: the package's own routes when this
    process runs under Zappa's handler, else what the stage in zappa_settings.json would deploy."""
    packaged = packaged_routes()
    if packaged is not None:
        return packaged, "the routes of this deployed package (Zappa's AWS_EVENT_MAPPING)"
    try:
        stage = load_stage(settings.HEALTH_ZAPPA_SETTINGS, function_name=function_name, wanted=settings.HEALTH_STAGE)
    except StageSettingsError:
        stage = None
    if stage is None:
        return None, ""
    return stage_routes(stage), f"the events of stage {stage.name!r} in {stage.path.name} (what zappa update packages)"


def _stage_name(function_name: str) -> str:
    stage = packaged_stage() or settings.HEALTH_STAGE
    if not stage:
        try:
            found = load_stage(settings.HEALTH_ZAPPA_SETTINGS, function_name=function_name)
        except StageSettingsError:
            found = None
        stage = found.name if found and found.lambda_name == function_name else function_name.rsplit("-", 1)[-1]
    return stage


def _mapping(m: dict[str, Any], routes: dict[str, tuple[str, ...]] | None) -> EventSourceMapping:
    arn = m.get("EventSourceArn", "")
    return EventSourceMapping(
        source_arn=arn,
        source=describe_source(arn),
        state=m.get("State", ""),
        uuid=m.get("UUID", ""),
        batch_size=m.get("BatchSize"),
        starting_position=m.get("StartingPosition", ""),
        last_result=m.get("LastProcessingResult", ""),
        last_modified=_parse_time(m.get("LastModified")),
        state_reason=m.get("StateTransitionReason", ""),
        max_retries=m.get("MaximumRetryAttempts"),
        max_record_age_s=m.get("MaximumRecordAgeInSeconds"),
        bisect_on_error=m.get("BisectBatchOnFunctionError"),
        report_item_failures="ReportBatchItemFailures" in (m.get("FunctionResponseTypes") or ()),
        on_failure=((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", ""),
        routed_to=routes.get(arn, ()) if routes is not None else None,
    )


def _lambda_request_id(events: list[LogEvent], request_id: str) -> str:
    for event in events:
        line = parse_line(event)
        if line.kind in {"report", "platform"} and line.request_id == request_id:
            return request_id
    for event in events:
        line = parse_line(event)
        if line.kind == "json" and line.fields.get("lambda_request_id"):
            return str(line.fields["lambda_request_id"])
    return ""


def _request_bounds(events: list[LogEvent], lambda_id: str) -> tuple[str, int, int] | None:
    if not lambda_id:
        return None
    mine = [e for e in events if lambda_id in e.message and e.stream]
    starts = [e for e in mine if parse_line(e).tag in {"START", "platform.start"}]
    reports = [e for e in mine if parse_line(e).kind == "report"]
    if not starts and not reports:
        return None
    stream = (starts or reports)[0].stream
    first = starts[0].timestamp if starts else min(e.timestamp for e in mine)
    last = reports[-1].timestamp if reports else max(e.timestamp for e in mine)
    return stream, first, last


def _since_previous_request(events: list[LogEvent], start_ms: int) -> list[LogEvent]:
    """The stream's events of this request: from START on, plus the init that re-ran inside this invoke (its
    lines and its INIT_REPORT ... Phase: invoke come just before START, without the request id). An ordinary
    init before START stays out: its duration is on the REPORT line."""
    ordered = sorted(events, key=lambda e: (e.timestamp, e.event_id))
    before = [e for e in ordered if e.timestamp < start_ms]
    keep_from, invoke_init = len(before), False
    for index, event in enumerate(before):
        line = parse_line(event)
        if (
            line.kind == "report"
            or line.tag in {"END", "platform.end", "platform.runtimeDone"}
            or (line.init is not None and line.init.phase != "invoke")
        ):
            keep_from, invoke_init = index + 1, False
        elif line.init is not None:
            invoke_init = True
    return (before[keep_from:] if invoke_init else []) + ordered[len(before) :]


def _encode_token(next_token: str, win_lo: int, hi: int) -> str:
    return json.dumps([next_token, win_lo, hi], separators=(",", ":"))


def _decode_token(token: str) -> tuple[str, int, int]:
    try:
        next_token, win_lo, hi = json.loads(token)
        return str(next_token), int(win_lo), int(hi)
    except (ValueError, TypeError) as exc:
        raise InvalidQuery("That page link has expired; start again from the newest lines.") from exc
