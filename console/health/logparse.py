r"""Lambda's log lines, in both of Lambda's log formats: parsed lines, REPORTs, request attribution, outcomes.

Text format (LoggingConfig.LogFormat "Text"):
  START RequestId: <id> Version: $LATEST                        END RequestId: <id>
  REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t
    + `Init Duration` on a cold start, `Restore Duration` / `Billed Restore Duration` with SnapStart,
    `Status: timeout|error` + `Error Type: ...` on newer runtimes, `XRAY TraceId: ...` (same event or inline)
  INIT_START Runtime Version: ...    INIT_REPORT Init Duration: 9.9 ms\tPhase: init|invoke\tStatus: error|timeout
    [\tError Type: Runtime.ImportModuleError]   (a failed init, or an init re-run inside the invoke)
  <time> <id> Task timed out after 3.00 seconds
  RequestId: <id> Error: Runtime exited with error: signal: killed\nRuntime.ExitError
  RequestId: <id> Process exited before completing request
  [ERROR]\t<time>\t<id>\tmessage\n<traceback>   [ERROR] Type: message\rTraceback ... (indented with U+00A0)
  {"errorMessage": ..., "errorType": ..., "requestId": ..., "stackTrace": [...]}  (the runtime's unhandled error)
JSON format (LoggingConfig.LogFormat "JSON"):
  {"time", "type": "platform.initStart|initReport|start|runtimeDone|report|...", "record": {...}}
  {"timestamp", "level" (or "log_level"), "message", "logger", "requestId", "errorType", "errorMessage",
   "stackTrace", ...}                                                                   (application lines)

Parsed fields, for the pages and for issue 15's grouping (the API only grows: fields are added, never renamed):
  LogLine: event (LogEvent: timestamp ms, message, stream, event_id), kind ("report" | "platform" | "json" |
    "text"), level ("DEBUG".."CRITICAL" or ""), message (one line to show), request_id (Lambda's id, or the
    app's correlation id), report (Report, for REPORT / platform.report), fields (a JSON line's other fields;
    "exception" holds a traceback), tag ("START", "INIT_REPORT", "platform.start", ...), init (InitReport, for
    INIT_REPORT / platform.initReport), status ("" = success, "error", "timeout", "failure": a platform
    line's), error_type ("Runtime.ImportModuleError", "KeyError", ...), error_message, trace_id (X-Ray root),
    is_error, log_format ("text" | "json": the line's own shape)
  Report: request_id, duration_ms, billed_ms, memory_mb, max_memory_mb, init_ms, restore_ms,
    billed_restore_ms, status, error_type, trace_id, cold_start
  InitReport: duration_ms, phase ("init" | "invoke"), status, error_type, failed
  Invocation: request_id, time, duration_ms, billed_ms, memory_mb, max_memory_mb, init_ms, restore_ms,
    outcome (OUTCOME_*), detail, trace_id, stream, label, error_type, init_phase, cold_start, failed
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
    r"Max Memory Used|Memory Size|Duration|Status|Error Type|Phase):[ ]*"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_REQUEST_ID_AFTER = re.compile(r"(?:START|END|REPORT) RequestId: ([\w\-.]+)|^RequestId: ([\w\-]+)")
_LEVEL_NAMES = "DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE"
# The Python runtime's logger: [LEVEL]\t<time>\t<request id>\t<message> (copies in docs turn the tabs into spaces)
_RUNTIME_LINE = re.compile(rf"^\[({_LEVEL_NAMES})\]\t([^\t]*)\t([\w\-]*)\t?(.*)", re.S)
_RUNTIME_LINE_SPACED = re.compile(
    rf"^\[({_LEVEL_NAMES})\][\t ]+(\d{{4}}-\d\d-\d\dT[\d:.]+Z?)[\t ]+([0-9a-zA-Z]{{8}}-[\w\-]+)[\t ]+(.*)", re.S
)
# The runtime's own error report, and log lines without time or id: [ERROR] KeyError: 'x'\rTraceback ...
_LEVEL_PREFIX = re.compile(rf"^\[({_LEVEL_NAMES})\][\t ]?(.*)", re.S)
# Node.js: <time>\t<request id>\t<LEVEL>\t<message>
_NODE_LINE = re.compile(rf"^(\d{{4}}-\d\d-\d\dT[\d:.]+Z)\t([\w\-]+)\t({_LEVEL_NAMES})\t(.*)", re.S)
_TIMEOUT = re.compile(r"^(\S+)\s+([\w\-]{8,})\s+Task timed out after ([\d.]+) seconds")
_PLATFORM_ERROR = re.compile(r"[\r\n](Runtime\.[A-Za-z]+)\s*$")
_XRAY = re.compile(r"XRAY TraceId: ([^\t\s]+)")
_TRACE_ROOT = re.compile(r"Root=([^;\s]+)")
_ERROR_TYPE = re.compile(
    r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Fault|Timeout|Interrupt)\w*)(?::\s|$)"
)
_PLATFORM_TEXT = (
    "START RequestId:",
    "END RequestId:",
    "INIT_START",
    "INIT_REPORT",
    "EXTENSION",
    "TELEMETRY",
    "RESTORE_START",
    "RESTORE_REPORT",
    "XRAY TraceId:",
)
_LEVELS = {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR", "TRACE": "DEBUG"}
ERROR_LEVELS = {"ERROR", "CRITICAL"}
FAILED_STATUSES = {"error", "timeout", "failure"}
_CRASH_TYPES = ("Runtime.ExitError", "Runtime.OutOfMemory")
_CRASH_TEXT = ("Runtime exited", "Runtime.ExitError", "Process exited before completing request")

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


@dataclass(frozen=True)
class InitReport:
    """INIT_REPORT / platform.initReport: how an execution environment's init went."""

    duration_ms: float | None
    phase: str = ""  # "init"; "invoke" when init failed (or timed out) and Lambda re-ran it inside an invoke
    status: str = ""  # "" (success), "error", "timeout", "failure"
    error_type: str = ""

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


def _number(text: str) -> float | None:
    match = _NUMBER.search(text)
    return float(match.group()) if match else None


def _key_values(line: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    matches = list(_REPORT_KEYS.finditer(line))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        fields[match.group(1)] = line[match.end() : end].strip()
    return fields


def _status(value: Any) -> str:
    status = str(value or "").strip().lower()
    return "" if status == "success" else status


def parse_report(message: str) -> Report | None:
    """The REPORT line of an event (text or JSON format), or None when the event is not one."""
    stripped = message.lstrip()
    if stripped.startswith("{"):
        return _parse_json_report(stripped)
    if not stripped.startswith("REPORT "):
        return None
    first, _, rest = stripped.partition("\n")
    fields = _key_values(first)
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
        status=_status(fields.get("Status", "")),
        error_type=fields.get("Error Type", ""),
        trace_id=xray.group(1) if xray else "",
    )


def _trace_root(record: dict[str, Any]) -> str:
    tracing = record.get("tracing") or {}
    found = _TRACE_ROOT.search(str(tracing.get("value", ""))) if isinstance(tracing, dict) else None
    return found.group(1) if found else ""


def _parse_json_report(message: str) -> Report | None:
    data = _json(message)
    if not data or data.get("type") != "platform.report":
        return None
    record = data.get("record") or {}
    metrics = record.get("metrics") or {}
    if not isinstance(metrics, dict) or "durationMs" not in metrics:
        return None
    return Report(
        request_id=str(record.get("requestId", "")),
        duration_ms=float(metrics["durationMs"]),
        billed_ms=float(metrics.get("billedDurationMs", metrics["durationMs"])),
        memory_mb=int(metrics.get("memorySizeMB", 0)),
        max_memory_mb=int(metrics.get("maxMemoryUsedMB", 0)),
        init_ms=_float_or_none(metrics.get("initDurationMs")),
        restore_ms=_float_or_none(metrics.get("restoreDurationMs")),
        billed_restore_ms=_float_or_none(metrics.get("billedRestoreDurationMs")),
        status=_status(record.get("status")),
        error_type=str(record.get("errorType", "")),
        trace_id=_trace_root(record),
    )


def parse_init_report(message: str) -> InitReport | None:
    """An INIT_REPORT line (text) or a platform.initReport record (JSON), or None."""
    stripped = message.strip()
    if stripped.startswith("INIT_REPORT"):
        fields = _key_values(stripped)
        return InitReport(
            duration_ms=_number(fields.get("Init Duration", "")),
            phase=fields.get("Phase", "").lower(),
            status=_status(fields.get("Status", "")),
            error_type=fields.get("Error Type", ""),
        )
    data = _json(stripped) if stripped.startswith("{") else None
    if not data or data.get("type") != "platform.initReport":
        return None
    record = data.get("record") if isinstance(data.get("record"), dict) else {}
    metrics = record.get("metrics") if isinstance(record.get("metrics"), dict) else {}
    return InitReport(
        duration_ms=_float_or_none(metrics.get("durationMs")),
        phase=str(record.get("phase", "")).lower(),
        status=_status(record.get("status")),
        error_type=str(record.get("errorType", "")),
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
    kind: str  # "report", "platform" (START/END/INIT_*, platform.*), "json", "text"
    level: str = ""
    message: str = ""
    request_id: str = ""  # Lambda's request id, or the app's correlation id: what the request page finds
    report: Report | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # a JSON line's other fields; "exception": a traceback
    init: InitReport | None = None
    status: str = ""  # a platform line's status: "" (success or none), "error", "timeout", "failure"
    error_type: str = ""
    error_message: str = ""
    trace_id: str = ""
    log_format: str = "text"  # "text" or "json": the shape of this line

    @property
    def is_error(self) -> bool:
        return self.level in ERROR_LEVELS

    @property
    def tag(self) -> str:
        """START, END, INIT_START, INIT_REPORT, platform.start, ... for a platform line."""
        return self.message.split(" ", 1)[0] if self.kind == "platform" else ""


def parse_line(event: LogEvent) -> LogLine:
    text = event.message.rstrip("\n")
    report = parse_report(text)
    stripped = text.lstrip()
    if report is not None:
        return LogLine(
            event=event,
            kind="report",
            request_id=report.request_id,
            report=report,
            level="ERROR" if report.status in FAILED_STATUSES else "",
            message=_report_summary(report),
            status=report.status,
            error_type=report.error_type,
            trace_id=report.trace_id,
            log_format="json" if stripped.startswith("{") else "text",
        )
    if stripped.startswith("{"):
        data = _json(stripped)
        if data is not None:
            return _json_line(event, data)
    if stripped.startswith(_PLATFORM_TEXT):
        return _text_platform_line(event, stripped)
    for pattern in (_RUNTIME_LINE, _RUNTIME_LINE_SPACED):
        runtime = pattern.match(stripped)
        if runtime:
            return _text_line(event, runtime.group(1), runtime.group(4), request_id=runtime.group(3))
    node = _NODE_LINE.match(stripped)
    if node:
        return _text_line(event, node.group(3), node.group(4), request_id=node.group(2))
    prefixed = _LEVEL_PREFIX.match(stripped)
    if prefixed:
        return _text_line(event, prefixed.group(1), prefixed.group(2))
    timeout = _TIMEOUT.match(stripped)
    if timeout:
        return LogLine(
            event=event,
            kind="text",
            level="ERROR",
            message=stripped,
            request_id=timeout.group(2),
            error_type="Task timed out",
            status="timeout",
        )
    if stripped.startswith("Task timed out after"):
        return LogLine(
            event=event, kind="text", level="ERROR", message=stripped, error_type="Task timed out", status="timeout"
        )
    if any(sign in stripped for sign in _CRASH_TEXT):
        match = _REQUEST_ID_AFTER.search(stripped)
        kind = "Runtime.ExitError" if "Process exited" not in stripped else "Process exited"
        return LogLine(
            event=event,
            kind="text",
            level="ERROR",
            message=_first_line(stripped),
            request_id=(match.group(1) or match.group(2)) if match else "",
            error_type=kind,
            status="failure",
            fields=_rest(stripped),
        )
    platform_error = _PLATFORM_ERROR.search(stripped)
    if platform_error:  # Lambda's own "<what happened>\nRuntime.<ErrorType>" lines
        return LogLine(
            event=event, kind="text", level="ERROR", message=_first_line(stripped), error_type=platform_error.group(1)
        )
    return LogLine(event=event, kind="text", level=_guess_level(stripped), message=stripped)


def _first_line(text: str) -> str:
    return re.split(r"[\r\n]", text.strip(), maxsplit=1)[0].strip()


def _rest(text: str) -> dict[str, Any]:
    parts = re.split(r"[\r\n]", text.strip(), maxsplit=1)
    rest = parts[1].strip("\r\n") if len(parts) > 1 else ""
    return {"exception": rest.replace("\r", "\n")} if rest.strip() else {}


def _text_platform_line(event: LogEvent, stripped: str) -> LogLine:
    match = _REQUEST_ID_AFTER.search(stripped)
    request_id = (match.group(1) or match.group(2)) if match else ""
    init = parse_init_report(stripped)
    xray = _XRAY.search(stripped)
    if init is not None:
        return LogLine(
            event=event,
            kind="platform",
            message=stripped,
            init=init,
            status=init.status,
            level="ERROR" if init.failed else "",
            error_type=init.error_type,
        )
    return LogLine(
        event=event, kind="platform", message=stripped, request_id=request_id, trace_id=xray.group(1) if xray else ""
    )


def _text_line(event: LogEvent, level: str, body: str, *, request_id: str = "") -> LogLine:
    level = _LEVELS.get(level, level)
    message = _first_line(body)
    error = _ERROR_TYPE.match(message) if level in ERROR_LEVELS else None
    error_type = error.group(1) if error else ""
    return LogLine(
        event=event,
        kind="text",
        level=level,
        message=message,
        request_id=request_id,
        fields=_rest(body),
        error_type=error_type,
        error_message=message[len(error_type) + 1 :].strip() if error_type else "",
    )


def _guess_level(text: str) -> str:
    head = text[:40].upper()
    for level in ("CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG"):
        if level in head:
            return _LEVELS.get(level, level)
    if text.startswith("Traceback"):
        return "ERROR"
    return ""


_JSON_KNOWN = {
    "time",
    "timestamp",
    "level",
    "levelname",
    "severity",
    "log_level",
    "message",
    "msg",
    "correlation_id",
    "requestId",
    "request_id",
    "AWSRequestId",
    "errorType",
    "errorMessage",
    "stackTrace",
}


def _json_line(event: LogEvent, data: dict[str, Any]) -> LogLine:
    kind = str(data.get("type", ""))
    if kind.startswith("platform."):
        record = data.get("record") if isinstance(data.get("record"), dict) else {}
        init = parse_init_report(json.dumps(data)) if kind == "platform.initReport" else None
        status = _status(record.get("status"))
        return LogLine(
            event=event,
            kind="platform",
            message=f"{kind} {json.dumps(record)[:300]}",
            request_id=str(record.get("requestId", "")),
            init=init,
            status=status,
            level="ERROR" if status in FAILED_STATUSES else "",
            trace_id=_trace_root(record),
            error_type=str(record.get("errorType", "")),
            log_format="json",
        )
    level = str(data.get("level") or data.get("levelname") or data.get("severity") or data.get("log_level") or "")
    level = _LEVELS.get(level.upper(), level.upper())
    error_type = str(data.get("errorType") or data.get("exception_name") or "")
    error_message = str(data.get("errorMessage") or "")
    if not level and data.get("errorType"):
        level = "ERROR"  # the runtime's unhandled-error object carries no level in text format
    message = data.get("message", data.get("msg"))
    if message in (None, "") and (error_type or error_message):
        message = f"{error_type}: {error_message}" if error_type else error_message
    request_id = (
        data.get("correlation_id") or data.get("requestId") or data.get("request_id") or data.get("AWSRequestId") or ""
    )
    shown = {k: v for k, v in data.items() if k not in _JSON_KNOWN}
    stack = data.get("stackTrace")
    if stack and "exception" not in shown:
        shown["exception"] = (
            "".join(stack)
            if isinstance(stack, list) and all(isinstance(s, str) for s in stack)
            else json.dumps(stack, indent=1)
        )
    if error_type and error_type not in str(message):
        shown.setdefault("error", f"{error_type}: {error_message}".rstrip(": "))
    xray = str(data.get("xray_trace_id") or "")
    return LogLine(
        event=event,
        kind="json",
        level=level,
        message=str(message if message is not None else ""),
        request_id=str(request_id),
        fields=shown,
        error_type=error_type,
        error_message=error_message,
        trace_id=xray,
        log_format="json",
    )


def _report_summary(report: Report) -> str:
    parts = [
        f"{report.duration_ms:g} ms (billed {report.billed_ms:g} ms)",
        f"{report.max_memory_mb}/{report.memory_mb} MB",
    ]
    if report.init_ms is not None:
        parts.append(f"cold start, init {report.init_ms:g} ms")
    if report.restore_ms is not None:
        parts.append(f"SnapStart restore {report.restore_ms:g} ms")
    if report.status:
        parts.append(f"status {report.status}")
    if report.error_type:
        parts.append(report.error_type)
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
    error_type: str = ""  # "Runtime.ImportModuleError", "KeyError", "Sandbox.Timedout", ...
    init_phase: str = ""  # "invoke" when its cold start is an INIT_REPORT re-run inside the invoke
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


def line_outcome(line: LogLine) -> str:
    """What one line says about its request's outcome (an init report's is decided with its request)."""
    text = line.event.message
    if line.kind == "json" and line.fields.get("logger") == "console.request":
        return OUTCOME_OK  # the app's summary of its answer: its level mirrors the HTTP status, not Lambda's outcome
    if line.init is not None:
        return OUTCOME_OK
    status, error_type = line.status, line.error_type
    if line.report is not None or line.kind == "platform":
        if status == "timeout":
            return OUTCOME_TIMEOUT
        if any(t in error_type for t in _CRASH_TYPES) or status == "failure":
            return OUTCOME_CRASH
        return OUTCOME_ERROR if status == "error" else OUTCOME_OK
    if "Task timed out after" in text:
        return OUTCOME_TIMEOUT
    if any(sign in text for sign in _CRASH_TEXT):
        return OUTCOME_CRASH
    return OUTCOME_ERROR if line.is_error else OUTCOME_OK


_line_outcome = line_outcome


def _detail(line: LogLine) -> str:
    if line.report is not None:
        return line.report.error_type or line.message
    if line.kind == "platform" and line.status:
        return line.error_type or f"{line.tag}: {line.status}"
    if line.error_type and line.error_message and line.kind == "json":
        return f"{line.error_type}: {line.error_message}"
    return line.message


def invocations_from_events(events: Iterable[LogEvent]) -> list[Invocation]:
    """Every invocation whose REPORT line is among the events, newest first.

    A line without a request id belongs to the request running in its stream at that time: one execution
    environment (one stream) serves one request at a time, between its START and REPORT lines. An init
    report (INIT_REPORT, platform.initReport) belongs to the next request of its stream: its cold start, and
    its failure when init failed inside that invoke."""
    by_stream: dict[str, list[LogEvent]] = defaultdict(list)
    for event in events:
        by_stream[event.stream].append(event)
    outcomes: dict[str, tuple[str, str, str]] = {}  # request id -> (outcome, detail, error type)
    reports: list[tuple[LogEvent, Report, InitReport | None]] = []

    def note(request_id: str, outcome: str, detail: str, error_type: str) -> None:
        previous = outcomes.get(request_id, (OUTCOME_OK, "", ""))
        if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[previous[0]]:
            outcomes[request_id] = (outcome, detail[:300], error_type)

    for stream_events in by_stream.values():
        current = ""
        pending_init: InitReport | None = None
        for event in sorted(stream_events, key=lambda e: e.timestamp):
            line = parse_line(event)
            if line.init is not None:
                pending_init = line.init
                continue
            if line.tag in {"START", "platform.start"} and line.request_id:
                current = line.request_id
            # The stream's running request wins: an app line may carry the client's correlation id instead.
            request_id = line.request_id if line.kind in {"report", "platform"} else (current or line.request_id)
            outcome = line_outcome(line)
            if request_id and outcome != OUTCOME_OK:
                note(request_id, outcome, _detail(line), line.error_type)
            if line.report is not None:
                init = pending_init
                if init is not None and init.phase == "invoke" and init.failed:
                    note(
                        line.report.request_id,
                        OUTCOME_TIMEOUT if init.status == "timeout" else OUTCOME_ERROR,
                        f"Init {init.status} in the invoke: {init.error_type or 'no error type'}",
                        init.error_type,
                    )
                reports.append((event, line.report, init))
                current, pending_init = "", None
    invocations = []
    for event, report, init in reports:
        outcome, detail, error_type = outcomes.get(report.request_id, (OUTCOME_OK, "", ""))
        init_ms = report.init_ms
        # An init that succeeded ahead of the request (provisioned concurrency, proactive init) is no cold
        # start of it; one that failed, or ran inside the invoke, is.
        if (
            init_ms is None
            and report.restore_ms is None
            and init is not None
            and (init.phase == "invoke" or init.failed)
        ):
            init_ms = init.duration_ms if init.duration_ms is not None else 0.0
        invocations.append(
            Invocation(
                request_id=report.request_id,
                time=event.time,
                duration_ms=report.duration_ms,
                billed_ms=report.billed_ms,
                memory_mb=report.memory_mb,
                max_memory_mb=report.max_memory_mb,
                init_ms=init_ms,
                restore_ms=report.restore_ms,
                outcome=outcome,
                detail=detail,
                trace_id=report.trace_id,
                stream=event.stream,
                error_type=error_type or report.error_type,
                init_phase=init.phase if init is not None and report.init_ms is None and init_ms is not None else "",
            )
        )
    invocations.sort(key=lambda inv: inv.time, reverse=True)
    return invocations
