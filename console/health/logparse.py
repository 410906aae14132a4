"""Lambda's log lines: REPORT lines, request attribution, outcomes, and display columns.

Formats handled (text log format unless noted):
  START RequestId: <id> Version: $LATEST
  REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t
    + `Init Duration: 120.5 ms` on a cold start, `Restore Duration` / `Billed Restore Duration` with SnapStart,
    `Status: timeout` / `Status: error` + `Error Type: ...` on newer runtimes, and an `XRAY TraceId: ...` line
    in the same event when tracing is on
  <time> <id> Task timed out after 3.00 seconds
  RequestId: <id> Error: Runtime exited with error: signal: killed / Runtime.ExitError
  [ERROR]\t<time>\t<id>\tmessage              (the Python runtime's own format)
  {"level": "ERROR", "message": ..., "requestId"|"correlation_id": ...}   (JSON app lines, Lambda's JSON format)
  {"type": "platform.report", "record": {"requestId": ..., "metrics": {...}}}  (Lambda's JSON log format)
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_REPORT_KEYS = re.compile(
    r"(?:^|[\t ])(RequestId|Billed Restore Duration|Billed Duration|Restore Duration|Init Duration|"
    r"Max Memory Used|Memory Size|Duration|Status|Error Type):[ ]*"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_REQUEST_ID_AFTER = re.compile(r"(?:START|END|REPORT) RequestId: ([\w\-]+)|^RequestId: ([\w\-]+)")
_RUNTIME_LINE = re.compile(r"^\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE)\]\t([^\t]*)\t([\w\-]*)\t?(.*)", re.S)
_TIMEOUT = re.compile(r"^(\S+)\s+([\w\-]{8,})\s+Task timed out after ([\d.]+) seconds")
_XRAY = re.compile(r"XRAY TraceId: ([^\t\s]+)")
_LEVELS = {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR", "TRACE": "DEBUG"}
ERROR_LEVELS = {"ERROR", "CRITICAL"}

OUTCOME_OK = "ok"
OUTCOME_ERROR = "error"
OUTCOME_TIMEOUT = "timeout"
OUTCOME_CRASH = "runtime exit"
_OUTCOME_RANK = {OUTCOME_OK: 0, OUTCOME_ERROR: 1, OUTCOME_CRASH: 2, OUTCOME_TIMEOUT: 3}


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch Logs event (or a local line in the same shape)."""

    timestamp: int  # epoch milliseconds
    message: str
    stream: str = ""
    event_id: str = ""

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp / 1000, tz=UTC)


@dataclass(frozen=True)
class Report:
    request_id: str
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None = None
    restore_ms: float | None = None
    billed_restore_ms: float | None = None
    status: str = ""  # "", "timeout", "error", ... (newer runtimes, JSON format)
    error_type: str = ""
    trace_id: str = ""

    @property
    def cold_start(self) -> bool:
        return self.init_ms is not None or self.restore_ms is not None


def _number(text: str) -> float | None:
    match = _NUMBER.search(text)
    return float(match.group()) if match else None


def parse_report(message: str) -> Report | None:
    """The REPORT line of an event (text or JSON format), or None when the event is not one."""
    stripped = message.lstrip()
    if stripped.startswith("{"):
        return _parse_json_report(stripped)
    if not stripped.startswith("REPORT "):
        return None
    first, _, rest = stripped.partition("\n")
    fields: dict[str, str] = {}
    matches = list(_REPORT_KEYS.finditer(first))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(first)
        fields[match.group(1)] = first[match.end() : end].strip()
    request_id = fields.get("RequestId", "")
    duration = _number(fields.get("Duration", ""))
    if not request_id or duration is None:
        return None
    billed = _number(fields.get("Billed Duration", ""))
    xray = _XRAY.search(rest) or _XRAY.search(first)
    return Report(
        request_id=request_id,
        duration_ms=duration,
        billed_ms=billed if billed is not None else float(int(duration) + 1),
        memory_mb=int(_number(fields.get("Memory Size", "")) or 0),
        max_memory_mb=int(_number(fields.get("Max Memory Used", "")) or 0),
        init_ms=_number(fields["Init Duration"]) if "Init Duration" in fields else None,
        restore_ms=_number(fields["Restore Duration"]) if "Restore Duration" in fields else None,
        billed_restore_ms=_number(fields["Billed Restore Duration"]) if "Billed Restore Duration" in fields else None,
        status=fields.get("Status", "").lower(),
        error_type=fields.get("Error Type", ""),
        trace_id=xray.group(1) if xray else "",
    )


def _parse_json_report(message: str) -> Report | None:
    data = _json(message)
    if not data or data.get("type") != "platform.report":
        return None
    record = data.get("record") or {}
    metrics = record.get("metrics") or {}
    if "durationMs" not in metrics:
        return None
    tracing = record.get("tracing") or {}
    trace = re.search(r"Root=([^;]+)", str(tracing.get("value", "")))
    status = str(record.get("status", "")).lower()
    return Report(
        request_id=str(record.get("requestId", "")),
        duration_ms=float(metrics["durationMs"]),
        billed_ms=float(metrics.get("billedDurationMs", metrics["durationMs"])),
        memory_mb=int(metrics.get("memorySizeMB", 0)),
        max_memory_mb=int(metrics.get("maxMemoryUsedMB", 0)),
        init_ms=_float_or_none(metrics.get("initDurationMs")),
        restore_ms=_float_or_none(metrics.get("restoreDurationMs")),
        billed_restore_ms=_float_or_none(metrics.get("billedRestoreDurationMs")),
        status="" if status == "success" else status,
        error_type=str(record.get("errorType", "")),
        trace_id=trace.group(1) if trace else "",
    )


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _json(message: str) -> dict[str, Any] | None:
    try:
        data = json.loads(message)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# --- one line for display ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    """An event as the logs page shows it: columns for JSON lines, a summary for REPORT lines."""

    event: LogEvent
    kind: str  # "report", "platform" (START/END/INIT_START), "json", "text"
    level: str = ""
    message: str = ""
    request_id: str = ""  # Lambda's request id, or the app's correlation id: what the request page finds
    report: Report | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # a JSON line's other fields

    @property
    def is_error(self) -> bool:
        return self.level in ERROR_LEVELS

    @property
    def tag(self) -> str:
        """START, END, INIT_START, ... for a platform line."""
        return self.message.split(" ", 1)[0] if self.kind == "platform" else ""


def parse_line(event: LogEvent) -> LogLine:
    text = event.message.rstrip("\n")
    report = parse_report(text)
    if report is not None:
        return LogLine(event=event, kind="report", request_id=report.request_id, report=report,
                       level="ERROR" if report.status in {"timeout", "error", "failure"} else "",
                       message=_report_summary(report))
    stripped = text.lstrip()
    if stripped.startswith("{"):
        data = _json(stripped)
        if data is not None:
            return _json_line(event, data)
    if stripped.startswith(("START RequestId:", "END RequestId:", "INIT_START", "INIT_REPORT", "EXTENSION", "TELEMETRY")):
        match = _REQUEST_ID_AFTER.search(stripped)
        return LogLine(event=event, kind="platform", message=stripped,
                       request_id=(match.group(1) or match.group(2)) if match else "")
    runtime = _RUNTIME_LINE.match(stripped)
    if runtime:
        level = _LEVELS.get(runtime.group(1), runtime.group(1))
        return LogLine(event=event, kind="text", level=level, message=runtime.group(4).strip(),
                       request_id=runtime.group(3))
    timeout = _TIMEOUT.match(stripped)
    if timeout:
        return LogLine(event=event, kind="text", level="ERROR", message=stripped, request_id=timeout.group(2))
    if "Runtime exited" in stripped or "Runtime.ExitError" in stripped:
        match = _REQUEST_ID_AFTER.search(stripped)
        return LogLine(event=event, kind="text", level="ERROR", message=stripped,
                       request_id=(match.group(1) or match.group(2)) if match else "")
    return LogLine(event=event, kind="text", level=_guess_level(stripped), message=stripped)


def _guess_level(text: str) -> str:
    head = text[:40].upper()
    for level in ("CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG"):
        if level in head:
            return _LEVELS.get(level, level)
    if text.startswith("Traceback"):
        return "ERROR"
    return ""


def _json_line(event: LogEvent, data: dict[str, Any]) -> LogLine:
    if str(data.get("type", "")).startswith("platform."):
        record = data.get("record") or {}
        return LogLine(event=event, kind="platform", message=f"{data['type']} {json.dumps(record)[:300]}",
                       request_id=str(record.get("requestId", "")) if isinstance(record, dict) else "")
    level = str(data.get("level") or data.get("levelname") or data.get("severity") or "").upper()
    level = _LEVELS.get(level, level)
    message = data.get("message", data.get("msg", ""))
    request_id = (data.get("correlation_id") or data.get("requestId") or data.get("request_id")
                  or data.get("AWSRequestId") or "")
    shown = {k: v for k, v in data.items()
             if k not in {"time", "timestamp", "level", "levelname", "severity", "message", "msg", "correlation_id",
                          "requestId", "request_id", "AWSRequestId"}}
    return LogLine(event=event, kind="json", level=level, message=str(message), request_id=str(request_id),
                   fields=shown)


def _report_summary(report: Report) -> str:
    parts = [f"{report.duration_ms:g} ms (billed {report.billed_ms:g} ms)",
             f"{report.max_memory_mb}/{report.memory_mb} MB"]
    if report.init_ms is not None:
        parts.append(f"cold start, init {report.init_ms:g} ms")
    if report.restore_ms is not None:
        parts.append(f"SnapStart restore {report.restore_ms:g} ms")
    if report.status:
        parts.append(f"status {report.status}")
    return " · ".join(parts)


# --- invocations: REPORT lines plus what the request's other lines say about its outcome ------------


@dataclass(frozen=True)
class Invocation:
    request_id: str
    time: datetime  # when its REPORT line was written (the end of the invocation)
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None
    restore_ms: float | None
    outcome: str
    detail: str = ""  # the first error line, for a failed invocation
    trace_id: str = ""
    stream: str = ""
    label: str = ""  # what was served, when known (local mode: "GET /notes/ 200")
    http_status: int | None = None  # what the app answered, from its request line; None: not known
    user: str = ""  # the username (or user id) the request line names

    @property
    def cold_start(self) -> bool:
        return self.init_ms is not None or self.restore_ms is not None

    @property
    def failed(self) -> bool:
        return self.outcome != OUTCOME_OK

    @property
    def app_failed(self) -> bool:
        """Lambda may say "ok" for an answer the app failed: a 5xx is a failure of the app."""
        return self.http_status is not None and self.http_status >= 500


def _line_outcome(line: LogLine) -> str:
    text = line.event.message
    if line.kind == "json" and line.fields.get("logger") == "console.request":
        return OUTCOME_OK  # the app's summary of its answer: its level mirrors the HTTP status, not Lambda's outcome
    if line.report is not None:
        if line.report.status == "timeout":
            return OUTCOME_TIMEOUT
        if "Runtime.ExitError" in line.report.error_type:
            return OUTCOME_CRASH
        return OUTCOME_ERROR if line.report.status in {"error", "failure"} else OUTCOME_OK
    if "Task timed out after" in text:
        return OUTCOME_TIMEOUT
    if "Runtime exited" in text or "Runtime.ExitError" in text:
        return OUTCOME_CRASH
    return OUTCOME_ERROR if line.is_error else OUTCOME_OK


def invocations_from_events(events: Iterable[LogEvent]) -> list[Invocation]:
    """Every invocation whose REPORT line is among the events, newest first.

    A line without a request id belongs to the request running in its stream at that time: one execution
    environment (one stream) serves one request at a time, between its START and REPORT lines."""
    by_stream: dict[str, list[LogEvent]] = defaultdict(list)
    for event in events:
        by_stream[event.stream].append(event)
    outcomes: dict[str, tuple[str, str]] = {}
    reports: list[tuple[LogEvent, Report]] = []
    for stream_events in by_stream.values():
        current = ""
        for event in sorted(stream_events, key=lambda e: e.timestamp):
            line = parse_line(event)
            if line.kind == "platform" and event.message.lstrip().startswith("START") and line.request_id:
                current = line.request_id
            # The stream's running request wins: an app line may carry the client's correlation id instead.
            request_id = line.request_id if line.kind in {"report", "platform"} else (current or line.request_id)
            outcome = _line_outcome(line)
            if request_id and outcome != OUTCOME_OK:
                previous = outcomes.get(request_id, (OUTCOME_OK, ""))
                if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[previous[0]]:
                    detail = line.message if line.report is None else (line.report.error_type or line.message)
                    outcomes[request_id] = (outcome, detail[:300])
            if line.report is not None:
                reports.append((event, line.report))
                current = ""
    invocations = [
        Invocation(
            request_id=report.request_id, time=event.time, duration_ms=report.duration_ms,
            billed_ms=report.billed_ms, memory_mb=report.memory_mb, max_memory_mb=report.max_memory_mb,
            init_ms=report.init_ms, restore_ms=report.restore_ms,
            outcome=outcomes.get(report.request_id, (OUTCOME_OK, ""))[0],
            detail=outcomes.get(report.request_id, (OUTCOME_OK, ""))[1],
            trace_id=report.trace_id, stream=event.stream,
        )
        for event, report in reports
    ]
    invocations.sort(key=lambda inv: inv.time, reverse=True)
    return invocations
