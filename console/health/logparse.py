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

Parsed fields (the API only grows: fields are added, never renamed): `LogLine` below; `Report` and `InitReport`
in lambda_reports.py; `Invocation` in invocation_lines.py; tracebacks in tracebacks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from console.health.gateway import LogEvent as LogEvent  # the raw fact every parse starts from
from console.health.json_lines import json_line_fields
from console.health.lambda_reports import (
    FAILED_STATUSES,
    XRAY,
    InitReport,
    Report,
    json_object,
    parse_init_report,
    parse_report,
    parse_restore_report,
)
from console.health.tracebacks import exception_of_traceback, old_runtime_exception, traceback_frames

__all__ = [
    "FAILED_STATUSES",
    "InitReport",
    "LogEvent",
    "LogLine",
    "Report",
    "exception_of_traceback",
    "parse_init_report",
    "parse_line",
    "parse_report",
    "traceback_frames",
]

_REQUEST_ID_AFTER = re.compile(r"(?:START|END|REPORT) RequestId: ([\w\-.]+)|^RequestId: ([\w\-]+)")
_LEVEL_NAMES = "DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE"
# The Python runtime's logger: [LEVEL]\t<time>\t<request id>\t<message> (copies in docs turn the tabs into spaces)
_RUNTIME_LINE = re.compile(rf"^\[({_LEVEL_NAMES})\]\t([^\t]*)\t([\w\-]*)\t?(.*)", re.S)
_RUNTIME_LINE_SPACED = re.compile(
    rf"^\[({_LEVEL_NAMES})\][\t ]+(\d{{4}}-\d\d-\d\dT[\d:.]+Z?)[\t ]+([0-9a-zA-Z]{{8}}-[\w\-]+)[\t ]+(.*)", re.S
)
# The runtime's own error report, and log lines without time or id: [ERROR] KeyError: 'x'\rTraceback ...
_LEVEL_PREFIX = re.compile(rf"^\[({_LEVEL_NAMES})\][\t ]?(.*)", re.S)
# Extensions: [<name>] 2024/06/26 02:34:51 <LEVEL> <message> (AWS Parameters and Secrets, AppConfig agent, ...)
_EXTENSION_LINE = re.compile(
    rf"^\[([^\]]+)\][\t ]+\d{{4}}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?[\t ]+({_LEVEL_NAMES})\b[\t ]*(.*)", re.S
)
# A level word as a word of its own, as loggers write it: "ERROR", not the "error" of "HTTP error occurred"
_LEVEL_WORD = re.compile(r"\b(CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG)\b")
# Node.js: <time>\t<request id>\t<LEVEL>\t<message>
_NODE_LINE = re.compile(rf"^(\d{{4}}-\d\d-\d\dT[\d:.]+Z)\t([\w\-]+)\t({_LEVEL_NAMES})\t(.*)", re.S)
_TIMEOUT = re.compile(r"^(\S+)\s+([\w\-]{8,})\s+Task timed out after ([\d.]+) seconds")
_PLATFORM_ERROR = re.compile(r"[\r\n](Runtime\.[A-Za-z]+)\s*$")
# An exception's type: a name ending like one, or Lambda's own (Runtime.HandlerNotFound, Sandbox.Timedout)
_ERROR_TYPE = re.compile(
    r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Fault|Timeout|Interrupt)\w*"
    r"|(?:Runtime|Sandbox)\.[A-Za-z]\w*)(?::\s|$)"
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
CRASH_TEXT = ("Runtime exited", "Runtime.ExitError", "Process exited before completing request")


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
        return re.split(r"\s", self.message, maxsplit=1)[0] if self.kind == "platform" else ""


def parse_line(event: LogEvent) -> LogLine:
    """The one reading of a line: the first form (below, most specific first) that knows it; else plain text
    with the level it names at its start."""
    stripped = event.message.rstrip("\n").lstrip()
    for read in _FORMS:
        line = read(event, stripped)
        if line is not None:
            return line
    return LogLine(event=event, kind="text", level=_guess_level(stripped), message=stripped)


def _report_line(event: LogEvent, stripped: str) -> LogLine | None:
    report = parse_report(stripped)
    if report is None:
        return None
    return LogLine(
        event=event,
        kind="report",
        request_id=report.request_id,
        report=report,
        level="ERROR" if report.status in FAILED_STATUSES else "",
        message=report.summary,
        status=report.status,
        error_type=report.error_type,
        trace_id=report.trace_id,
        log_format="json" if stripped.startswith("{") else "text",
    )


def _json_shaped_line(event: LogEvent, stripped: str) -> LogLine | None:
    data = json_object(stripped) if stripped.startswith("{") else None
    return LogLine(event=event, **json_line_fields(data)) if data is not None else None


def _platform_text_line(event: LogEvent, stripped: str) -> LogLine | None:
    return _text_platform_line(event, stripped) if stripped.startswith(_PLATFORM_TEXT) else None


def _logger_line(event: LogEvent, stripped: str) -> LogLine | None:
    """The runtimes' loggers: Python's tab-separated (or spaced) form, Node's, and a bare [LEVEL] prefix."""
    for pattern in (_RUNTIME_LINE, _RUNTIME_LINE_SPACED):
        runtime = pattern.match(stripped)
        if runtime:
            return _text_line(event, runtime.group(1), runtime.group(4), request_id=runtime.group(3))
    node = _NODE_LINE.match(stripped)
    if node:
        return _text_line(event, node.group(3), node.group(4), request_id=node.group(2))
    extension = _EXTENSION_LINE.match(stripped)
    if extension:
        return _text_line(event, extension.group(2), stripped)
    prefixed = _LEVEL_PREFIX.match(stripped)
    return _text_line(event, prefixed.group(1), prefixed.group(2)) if prefixed else None


def _timeout_line(event: LogEvent, stripped: str) -> LogLine | None:
    timeout = _TIMEOUT.match(stripped)
    if timeout is None and not stripped.startswith("Task timed out after"):
        return None
    return LogLine(
        event=event,
        kind="text",
        level="ERROR",
        message=stripped,
        request_id=timeout.group(2) if timeout else "",
        error_type="Task timed out",
        status="timeout",
    )


def _crash_line(event: LogEvent, stripped: str) -> LogLine | None:
    if not any(sign in stripped for sign in CRASH_TEXT):
        return None
    match = _REQUEST_ID_AFTER.search(stripped)
    return LogLine(
        event=event,
        kind="text",
        level="ERROR",
        message=_first_line(stripped),
        request_id=(match.group(1) or match.group(2)) if match else "",
        error_type="Runtime.ExitError" if "Process exited" not in stripped else "Process exited",
        status="failure",
        fields=_rest(stripped),
    )


def _platform_error_line(event: LogEvent, stripped: str) -> LogLine | None:
    """Lambda's own "<what happened>\nRuntime.<ErrorType>" lines."""
    platform_error = _PLATFORM_ERROR.search(stripped)
    if platform_error is None:
        return None
    return LogLine(
        event=event, kind="text", level="ERROR", message=_first_line(stripped), error_type=platform_error.group(1)
    )


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
    xray = XRAY.search(stripped)
    if stripped.startswith("RESTORE_REPORT"):
        restore = parse_restore_report(stripped)
        return LogLine(
            event=event,
            kind="platform",
            message=stripped,
            status=restore.status,
            level="ERROR" if restore.failed else "",
            error_type=restore.error_type,
        )
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
    word = _LEVEL_WORD.search(text[:40])
    if word:
        return _LEVELS.get(word.group(1), word.group(1))
    return "ERROR" if text.startswith("Traceback") else ""


def _old_runtime_line(event: LogEvent, stripped: str) -> LogLine | None:
    """The pre-3.7 Python runtime's unhandled exception: `<message>: <Type>` and the traceback."""
    found = old_runtime_exception(stripped)
    if found is None:
        return None
    error_type, error_message = found
    return LogLine(
        event=event,
        kind="text",
        level="ERROR",
        message=f"{error_type}: {error_message}",
        fields=_rest(stripped),
        error_type=error_type,
        error_message=error_message,
    )


_FORMS = (
    _report_line,
    _json_shaped_line,
    _platform_text_line,
    _logger_line,
    _timeout_line,
    _crash_line,
    _old_runtime_line,
    _platform_error_line,
)
