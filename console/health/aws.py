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
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from console.aws import clients as aws_clients
from console.aws.clients import call
from console.health import app_lines, patterns
from console.health.gateway import (
    Alarm,
    Deploy,
    EventSourceMapping,
    FunctionConfig,
    HealthError,
    InsightsResult,
    InvalidQuery,
    InvocationSample,
    LogPage,
    LogQuery,
    MetricData,
    RequestDetail,
    ScheduleRule,
    TailPage,
    Throttled,
    Triggers,
    Unavailable,
    merge_events,
    parse_time,
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

LOG_FORMAT_TTL_S = 600.0  # a format change replaces every execution environment; ten minutes of a stale one is safe


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

    def metrics(self, window: Window) -> Metrics:
        data = self.metric_data(self.metric_queries(window), window.start, window.end)
        points, warnings = data.points, data.warnings

        def series(qid: str, combine: str = "sum") -> list[float]:
            return fill_buckets(window, points.get(qid, []), combine=combine)

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
            warnings=warnings,
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

    def log_events(self, *, start_ms: int, end_ms: int, pattern: str, limit: int) -> tuple[list[LogEvent], bool]:
        """One FilterLogEvents: the oldest `limit` events of the span matching the pattern, and whether more
        matched."""
        events, token = self._filter(start_ms=start_ms, end_ms=end_ms, pattern=pattern, limit=limit)
        return events, bool(token)

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
            found.mappings, more = self._mappings(routes)
            if more:
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

    def event_source_mappings(self) -> list[EventSourceMapping]:
        return self._mappings(None)[0]

    def _mappings(self, routes: dict[str, tuple[str, ...]] | None) -> tuple[list[EventSourceMapping], bool]:
        resp = self._call("lambda", "ListEventSourceMappings", FunctionName=self.function_name, MaxItems=100)
        return [_mapping(m, routes) for m in resp.get("EventSourceMappings", [])], bool(resp.get("NextMarker"))

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
    def start_insights(self, window: Window, query: str, limit: int) -> str:
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

    def insights_results(self, handle: str) -> InsightsResult:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,256}", handle or ""):
            raise InvalidQuery("Not a Logs Insights query id.")
        resp = self._call("logs", "GetQueryResults", queryId=handle)
        return InsightsResult(
            status=resp.get("status", "Unknown"),
            rows=resp.get("results") or [],
            bytes_scanned=(resp.get("statistics") or {}).get("bytesScanned"),
        )

    # -- what only the local gateway holds --------------------------------------------------------------
    def process_values(self) -> None:
        """On AWS the function's values are its configuration's: no process of its own to compare."""
        return None

    def requests(self, window: Window | None = None) -> list:
        """On AWS requests are read from the function's logs (Logs Insights), not held in memory."""
        return []

    def invocations_of(self, records: list) -> list:
        return []

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
    if a.get("Metrics"):
        shown = next(
            (m.get("Expression") for m in a["Metrics"] if m.get("ReturnData", True) and m.get("Expression")),
            "metric math",
        )
        metric = f"metric math: {shown}"
    else:
        stat = a.get("ExtendedStatistic") or a.get("Statistic") or ""
        metric = f"{a.get('Namespace', '')} {a.get('MetricName', '')} {stat}".strip()
    return Alarm(
        name=a.get("AlarmName", ""),
        state=a.get("StateValue", ""),
        metric=metric,
        comparison=_COMPARISONS.get(a.get("ComparisonOperator", ""), a.get("ComparisonOperator", "")),
        threshold=a.get("Threshold"),
        state_reason=a.get("StateReason", ""),
        state_updated=parse_time(a.get("StateUpdatedTimestamp")),
        actions=tuple(a.get("AlarmActions") or ()),
        description=a.get("AlarmDescription", ""),
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
        last_modified=parse_time(m.get("LastModified")),
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
