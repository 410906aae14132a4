"""What one line says went wrong: app JSON lines, the runtime's lines and Lambda's platform lines, in both log
formats, as `Failure`s; one per request and group (`failures_from_events`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.health.app_lines import is_request_line, request_ids, status_of
from console.health.logparse import (
    LogEvent,
    LogLine,
    exception_of_traceback,
    parse_line,
    parse_report,
    traceback_frames,
)
from console.observability import innermost_own_frame

KIND_EXCEPTION = "exception"
KIND_TIMEOUT = "timeout"
KIND_EXIT = "runtime exit"
KIND_INIT = "init failure"
KIND_THROTTLE = "throttle"
KIND_HTTP = "http 5xx"
LAMBDA_KINDS = (KIND_TIMEOUT, KIND_EXIT, KIND_INIT, KIND_THROTTLE)

# The runtime's error types for a function that cannot start (its code would not load).
INIT_ERROR_TYPES = {
    "Runtime.ImportModuleError",
    "Runtime.HandlerNotFound",
    "Runtime.UserCodeSyntaxError",
    "Runtime.MalformedHandlerName",
}

_TIMEOUT = re.compile(r"Task timed out after ([\d.]+) seconds")


@dataclass(frozen=True)
class Failure:
    """One failing occurrence."""

    time: datetime
    kind: str
    title: str  # "KeyError", "Task timed out", "HTTP 503"
    frame: str = ""  # innermost project frame: "notes/views.py:note_detail"
    message: str = ""
    traceback: str = ""
    request_id: str = ""
    route: str = ""
    count: int = 1  # a throttle bucket stands for many

    @property
    def key(self) -> tuple[str, str, str]:
        return (
            self.kind,
            self.title,
            self.frame if self.kind == KIND_EXCEPTION else self.route if self.kind == KIND_HTTP else "",
        )


# --- from log lines (AWS) ----------------------------------------------------------------------------


def project_frame(frames: Iterable[tuple[str, str]], packages: Sequence[str]) -> str:
    """The innermost (path, function) whose file is in one of the project's packages, as "pkg/file.py:function".
    Lambda puts the project and its dependencies side by side in /var/task: the package names tell them apart."""
    own = []
    for path, function in frames:
        relative = _relative(path, packages)
        if relative:
            own.append(f"{relative}:{function}")
    return innermost_own_frame(own)


def _relative(path: str, packages: Sequence[str]) -> str:
    path = path.replace("\\", "/")
    if "site-packages/" in path or "/lib/python" in path:
        return ""
    parts = path.split("/")
    for i, part in enumerate(parts[:-1]):
        if part in packages:
            return "/".join(parts[i:])
    return ""


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) if str(v).endswith("\n") else f"{v}\n" for v in value)
    return str(value or "")


def failure_of_line(line: LogLine, packages: Sequence[str]) -> Failure | None:
    """The failure one line tells of, if any (app JSON lines, the runtime's lines, Lambda's platform lines)."""
    text = line.event.message.strip()
    if line.kind == "json":
        if is_request_line(line):
            return _request_line_failure(line)
        return _app_exception(line, packages)
    if line.kind == "platform" and (line.message.startswith("platform.") or text.startswith("{")):
        return _platform_failure(line)
    if line.kind == "platform" and text.startswith("INIT_REPORT"):
        return (
            Failure(line.event.time, KIND_INIT, "Init failure", message=text)
            if line.init and line.init.failed
            else None
        )
    if line.kind == "platform" and text.startswith("RESTORE_REPORT"):
        # SnapStart could not resume the snapshot (a runtime hook failed, or the restore timed out)
        return Failure(line.event.time, KIND_INIT, "Restore failure", message=text) if line.level == "ERROR" else None
    if line.kind == "report" and line.report is not None:
        return _report_failure(line)
    return _text_failure(line, text, packages)


def _request_line_failure(line: LogLine) -> Failure | None:
    """The app's request line of a 5xx: its exception when one escaped the view, else its status."""
    status = status_of(line) or 0
    if status < 500:
        return None
    fields, when, route = line.fields, line.event.time, str(line.fields.get("route") or "")
    if fields.get("exc_type"):
        return Failure(
            when,
            KIND_EXCEPTION,
            str(fields["exc_type"]),
            str(fields.get("exc_frame") or ""),
            line.message,
            "",
            line.request_id,
            route,
        )
    return Failure(when, KIND_HTTP, f"HTTP {status}", message=line.message, request_id=line.request_id, route=route)


def _app_exception(line: LogLine, packages: Sequence[str]) -> Failure | None:
    fields, when = line.fields, line.event.time
    exc_type = str(fields.get("exc_type") or line.error_type or fields.get("errorType") or "")
    trace = _as_text(fields.get("exception") or fields.get("stackTrace") or "")
    if not exc_type and trace:
        exc_type, _ = exception_of_traceback(trace)
    if not exc_type:
        return None
    error_message = str(line.error_message or fields.get("errorMessage") or "")
    if exc_type in INIT_ERROR_TYPES:
        return Failure(
            when,
            KIND_INIT,
            "Init failure",
            message=f"{exc_type}: {error_message}".rstrip(": "),
            traceback=trace,
            request_id=line.request_id,
        )
    if exc_type.startswith("Runtime.") or exc_type == "Sandbox.Timedout":
        return _runtime_failure(when, exc_type, error_message or line.message, line.request_id)
    frame = str(fields.get("exc_frame") or "") or project_frame(traceback_frames(trace), packages)
    message = str(fields.get("exc_message") or error_message or line.message)
    return Failure(
        when, KIND_EXCEPTION, exc_type, frame, message, trace, line.request_id, str(fields.get("route") or "")
    )


def _report_failure(line: LogLine) -> Failure | None:
    report, when = line.report, line.event.time
    if report.status == "timeout":
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=line.message, request_id=line.request_id)
    if report.status in {"error", "failure"} and (report.error_type.startswith("Runtime.") or "signal" in line.message):
        return _runtime_failure(when, report.error_type, line.message, line.request_id)
    return None


def _text_failure(line: LogLine, text: str, packages: Sequence[str]) -> Failure | None:
    when = line.event.time
    if _TIMEOUT.search(text):
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=text, request_id=line.request_id)
    if "Runtime exited" in text or "Runtime.ExitError" in text:
        return _runtime_failure(when, "Runtime.ExitError", text, line.request_id)
    if text.endswith("Runtime.Unknown"):  # "Unknown application error occurred\nRuntime.Unknown"
        return _runtime_failure(when, "Runtime.Unknown", text, line.request_id)
    if not (line.is_error and line.error_type):
        return None
    exc_type, message = line.error_type, line.error_message
    if exc_type in INIT_ERROR_TYPES:
        return Failure(
            when,
            KIND_INIT,
            "Init failure",
            message=f"{exc_type}: {message}",
            traceback=text,
            request_id=line.request_id,
        )
    if exc_type.startswith("Runtime."):
        return _runtime_failure(when, exc_type, message, line.request_id)
    frame = project_frame(traceback_frames(text), packages)
    return Failure(when, KIND_EXCEPTION, exc_type.rsplit(".", 1)[-1], frame, message, text, line.request_id)


def _runtime_failure(when: datetime, error_type: str, message: str, request_id: str) -> Failure:
    if "Sandbox.Timedout" in error_type:
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=message, request_id=request_id)
    oom = "signal: killed" in message or "OutOfMemory" in error_type or "out of memory" in message.lower()
    if oom:
        return Failure(when, KIND_EXIT, "Runtime exit (out of memory?)", message=message, request_id=request_id)
    if error_type and "ExitError" not in error_type:
        return Failure(when, KIND_EXIT, f"Runtime error ({error_type})", message=message, request_id=request_id)
    return Failure(when, KIND_EXIT, "Runtime exit", message=message, request_id=request_id)


def _platform_failure(line: LogLine) -> Failure | None:
    """Lambda's JSON log format: platform.runtimeDone / platform.initReport / platform.report with a status
    (as logparse read it: "" for success)."""
    status, error_type, kind_of, when = line.status, line.error_type, line.tag, line.event.time
    if not status:
        return None
    message = f"{kind_of} status {status}" + (f" ({error_type})" if error_type else "")
    if kind_of in {"platform.initReport", "platform.initRuntimeDone"}:
        return Failure(when, KIND_INIT, "Init failure", message=message)
    if status == "timeout":
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=message, request_id=line.request_id)
    if error_type.startswith("Runtime.") or status == "failure":
        return _runtime_failure(when, error_type, message, line.request_id)
    return None  # status "error" alone: the exception's own line says which


def failures_from_events(events: Iterable[LogEvent], packages: Sequence[str]) -> list[Failure]:
    """Every failure the lines tell of, one per request and group: a request's exception is logged by Django
    and again on its request line; its timeout by the runtime and again on its REPORT line."""
    lines = [parse_line(e) for e in events if parse_report(e.message) is not None or e.message.strip()]
    canonical, routes = _request_ids_and_routes(lines)
    found: dict[tuple[str, tuple[str, str, str]], Failure] = {}
    loose: list[Failure] = []
    for line in lines:
        failure = failure_of_line(line, packages)
        if failure is None:
            continue
        rid = canonical.get(failure.request_id, failure.request_id)
        route = failure.route or routes.get(failure.request_id, "") or routes.get(rid, "")
        failure = Failure(
            failure.time, failure.kind, failure.title, failure.frame, failure.message, failure.traceback, rid, route
        )
        if not rid:
            loose.append(failure)
            continue
        key = (rid, failure.key)
        kept = found.get(key)
        # keep the richest telling (with a traceback, a frame, a route)
        if kept is None or (not kept.traceback and failure.traceback) or (not kept.route and failure.route):
            found[key] = _merge(kept, failure) if kept else failure
    return sorted([*_without_echoes(list(found.values())), *loose], key=lambda f: f.time)


def _request_ids_and_routes(lines: list[LogLine]) -> tuple[dict[str, str], dict[str, str]]:
    """The app's request line joins its correlation id to Lambda's request id, and says the route."""
    canonical: dict[str, str] = {}
    routes: dict[str, str] = {}
    for line in lines:
        if not is_request_line(line):
            continue
        lambda_id = str(line.fields.get("lambda_request_id") or line.request_id)
        for rid in request_ids(line):
            canonical[rid] = lambda_id
            if line.fields.get("route"):
                routes[rid] = str(line.fields["route"])
    return canonical, routes


def _without_echoes(per_request: list[Failure]) -> list[Failure]:
    """An HTTP 5xx with an exception behind it is that exception, not a group of its own; likewise an
    exception the frame-less request line names is the one with the frame."""
    with_exception = {f.request_id for f in per_request if f.kind == KIND_EXCEPTION}
    per_request = [f for f in per_request if not (f.kind == KIND_HTTP and f.request_id in with_exception)]
    framed = {(f.request_id, f.title) for f in per_request if f.kind == KIND_EXCEPTION and f.frame}
    return [
        f for f in per_request if not (f.kind == KIND_EXCEPTION and not f.frame and (f.request_id, f.title) in framed)
    ]


def _merge(kept: Failure, new: Failure) -> Failure:
    return Failure(
        min(kept.time, new.time),
        kept.kind,
        kept.title,
        kept.frame or new.frame,
        new.message if new.traceback else kept.message or new.message,
        new.traceback or kept.traceback,
        kept.request_id,
        kept.route or new.route,
    )
