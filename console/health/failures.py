"""Failures grouped into issues: what is broken, since when, for whom, and whether the last deploy did it.

A failure is a Python exception (grouped by its type and the innermost frame in the project's own code,
file:function) or a Lambda-level failure (grouped by kind: timeout, runtime exit / out of memory, init
failure, throttle), or an HTTP 5xx answer with no exception behind it (grouped by status and route).
Both gateways build the same `Failure`s: the AWS one from the lines one Logs Insights query returns (text
and JSON log formats), the local one from the process's own records; `group()` does the rest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from console.health.app_lines import is_request_line, request_ids, status_of
from console.health.logparse import LogEvent, LogLine, parse_line, parse_report
from console.health.metrics import Window
from console.observability import innermost_own_frame

KIND_EXCEPTION = "exception"
KIND_TIMEOUT = "timeout"
KIND_EXIT = "runtime exit"
KIND_INIT = "init failure"
KIND_THROTTLE = "throttle"
KIND_HTTP = "http 5xx"
LAMBDA_KINDS = (KIND_TIMEOUT, KIND_EXIT, KIND_INIT, KIND_THROTTLE)
MAX_LINKS = 8  # links to a group's newest requests
# The runtime's error types for a function that cannot start (its code would not load).
INIT_ERROR_TYPES = {
    "Runtime.ImportModuleError",
    "Runtime.HandlerNotFound",
    "Runtime.UserCodeSyntaxError",
    "Runtime.MalformedHandlerName",
}

# Every line that can tell of a failure, for the one Logs Insights query (both log formats): the newest
# 10,000 such lines of the range, grouped by `failures_from_events` as the local records are.
INSIGHTS_QUERY = r"""fields @timestamp, @message, @logStream
| filter @message like /Task timed out|Runtime exited|Runtime\.|INIT_REPORT|platform\.initReport|platform\.runtimeDone|"level": ?"(ERROR|CRITICAL)"|\[ERROR\]|errorType|Status: (error|timeout)|"status": ?"(error|timeout|failure)"/
| sort @timestamp desc
| limit 10000"""
INSIGHTS_LIMIT = 10_000

_FRAME = re.compile(r'File "([^"]+)", line (\d+), in ([^\s]+)')
_EXC_LAST_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")
_TIMEOUT = re.compile(r"Task timed out after ([\d.]+) seconds")
_INIT_STATUS = re.compile(r"Status: (error|timeout)(?:\s+Error Type: (\S+))?")
_RUNTIME_ERROR_LINE = re.compile(r"^\[ERROR\]\s+(?:[^\t]*\t[\w\-]*\t)?([A-Za-z_][\w.]*): ?(.*)", re.S)


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


@dataclass
class FailureGroup:
    kind: str
    title: str
    frame: str
    count: int = 0
    request_ids: list[str] = field(default_factory=list)  # newest first
    request_links: list[tuple[str, int]] = field(default_factory=list)  # (id, epoch ms): the newest few
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    per_bucket: list[float] = field(default_factory=list)
    routes: list[tuple[str, int]] = field(default_factory=list)  # (route, occurrences), most first
    latest_message: str = ""
    latest_traceback: str = ""
    new_since_deploy: bool = False

    @property
    def lambda_level(self) -> bool:
        return self.kind in LAMBDA_KINDS

    @property
    def requests_affected(self) -> int:
        return len(self.request_ids)

    @property
    def label(self) -> str:
        if self.kind == KIND_EXCEPTION:
            return f"{self.title} in {self.frame}" if self.frame else self.title
        return self.title


@dataclass
class FailureReport:
    status: str  # Logs Insights' status; "Complete" locally
    groups: list[FailureGroup] = field(default_factory=list)
    deployed_at: datetime | None = None
    deploy_in_range: bool = False
    lines_read: int = 0
    truncated: bool = False  # the query's line limit was reached: the oldest failures are not counted
    warnings: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # what the groups were made of (throttles apart)

    def regroup(self, window: Window, *, deployed_at: datetime | None, throttles: Sequence[float] = ()) -> None:
        """Groups again with the deploy time and the Throttles metric, read once the query is done."""
        self.deployed_at = deployed_at
        self.deploy_in_range = bool(deployed_at and window.start <= deployed_at < window.end)
        self.groups = group(
            [*self.failures, *throttle_failures(window, list(throttles))], window, deployed_at=deployed_at
        )

    @property
    def done(self) -> bool:
        return self.status not in {"Running", "Scheduled"}

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def new_groups(self) -> list[FailureGroup]:
        return [g for g in self.groups if g.new_since_deploy]


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


def _traceback_frames(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(3)) for m in _FRAME.finditer(text.replace("\u00a0", " "))]


def _exception_from_text(text: str) -> tuple[str, str]:
    """(type, message) from a formatted traceback's last line."""
    for line in reversed([line.strip() for line in text.replace("\u00a0", " ").splitlines() if line.strip()]):
        match = _EXC_LAST_LINE.match(line)
        if match and not line.startswith("File "):
            return match.group(1).rsplit(".", 1)[-1], match.group(2) or ""
    return "", ""


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) if str(v).endswith("\n") else f"{v}\n" for v in value)
    return str(value or "")


def failure_of_line(line: LogLine, packages: Sequence[str]) -> Failure | None:
    """The failure one line tells of, if any (app JSON lines, the runtime's lines, Lambda's platform lines)."""
    text = line.event.message.strip()
    when = line.event.time
    fields = line.fields
    if line.kind == "json":
        if is_request_line(line):
            status = status_of(line) or 0
            if status < 500:
                return None
            if fields.get("exc_type"):
                return Failure(
                    when,
                    KIND_EXCEPTION,
                    str(fields["exc_type"]),
                    str(fields.get("exc_frame") or ""),
                    line.message,
                    "",
                    line.request_id,
                    str(fields.get("route") or ""),
                )
            return Failure(
                when,
                KIND_HTTP,
                f"HTTP {status}",
                message=line.message,
                request_id=line.request_id,
                route=str(fields.get("route") or ""),
            )
        exc_type = str(fields.get("exc_type") or line.error_type or fields.get("errorType") or "")
        trace = _as_text(fields.get("exception") or fields.get("stackTrace") or "")
        if not exc_type and trace:
            exc_type, _ = _exception_from_text(trace)
        if exc_type:
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
            frame = str(fields.get("exc_frame") or "") or project_frame(_traceback_frames(trace), packages)
            message = str(fields.get("exc_message") or error_message or line.message)
            return Failure(
                when, KIND_EXCEPTION, exc_type, frame, message, trace, line.request_id, str(fields.get("route") or "")
            )
        return None
    if line.kind == "platform" and (line.message.startswith("platform.") or text.startswith("{")):
        return _platform_failure(line)
    if line.kind == "platform" and text.startswith("INIT_REPORT"):
        status = _INIT_STATUS.search(text)
        if status:
            return Failure(when, KIND_INIT, "Init failure", message=text)
        return None
    if line.kind == "report" and line.report is not None:
        if line.report.status == "timeout":
            return Failure(when, KIND_TIMEOUT, "Task timed out", message=line.message, request_id=line.request_id)
        if line.report.status in {"error", "failure"}:
            if line.report.error_type.startswith("Runtime.") or "signal" in line.message:
                return _runtime_failure(when, line.report.error_type, line.message, line.request_id)
        return None
    if _TIMEOUT.search(text):
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=text, request_id=line.request_id)
    if "Runtime exited" in text or "Runtime.ExitError" in text:
        return _runtime_failure(when, "Runtime.ExitError", text, line.request_id)
    if text.endswith("Runtime.Unknown"):  # "Unknown application error occurred\nRuntime.Unknown"
        return _runtime_failure(when, "Runtime.Unknown", text, line.request_id)
    runtime = _RUNTIME_ERROR_LINE.match(text)
    if runtime:
        exc_type, message = runtime.group(1), runtime.group(2).split("\n", 1)[0]
        if exc_type.startswith("Runtime."):
            kind = KIND_INIT if exc_type in INIT_ERROR_TYPES else None
            if kind:
                return Failure(
                    when,
                    kind,
                    "Init failure",
                    message=f"{exc_type}: {message}",
                    traceback=text,
                    request_id=line.request_id,
                )
            return _runtime_failure(when, exc_type, message, line.request_id)
        frame = project_frame(_traceback_frames(text), packages)
        return Failure(when, KIND_EXCEPTION, exc_type.rsplit(".", 1)[-1], frame, message, text, line.request_id)
    return None


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
    """Lambda's JSON log format: platform.runtimeDone / platform.initReport / platform.report with a status."""
    data = _json(line.event.message)
    record = data.get("record") or {}
    status = str(record.get("status", "")).lower()
    if status in {"", "success"}:
        return None
    kind_of = str(data.get("type", ""))
    error_type = str(record.get("errorType", ""))
    when = line.event.time
    request_id = str(record.get("requestId", ""))
    message = f"{kind_of} status {status}" + (f" ({error_type})" if error_type else "")
    if kind_of in {"platform.initReport", "platform.initRuntimeDone"}:
        return Failure(when, KIND_INIT, "Init failure", message=message)
    if status == "timeout":
        return Failure(when, KIND_TIMEOUT, "Task timed out", message=message, request_id=request_id)
    if error_type.startswith("Runtime.") or status == "failure":
        return _runtime_failure(when, error_type, message, request_id)
    return None  # status "error" alone: the exception's own line says which


def _json(message: str) -> dict[str, Any]:
    import json

    try:
        data = json.loads(message)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def failures_from_events(events: Iterable[LogEvent], packages: Sequence[str]) -> list[Failure]:
    """Every failure the lines tell of, one per request and group: a request's exception is logged by Django
    and again on its request line; its timeout by the runtime and again on its REPORT line."""
    lines = [parse_line(e) for e in events if parse_report(e.message) is not None or e.message.strip()]
    # The app's request line joins its correlation id to Lambda's request id, and says the route.
    canonical: dict[str, str] = {}
    routes: dict[str, str] = {}
    for line in lines:
        if is_request_line(line):
            ids = request_ids(line)
            lambda_id = str(line.fields.get("lambda_request_id") or line.request_id)
            for rid in ids:
                canonical[rid] = lambda_id
                if line.fields.get("route"):
                    routes[rid] = str(line.fields["route"])
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
    per_request = list(found.values())
    # An HTTP 5xx with an exception behind it is that exception, not a group of its own.
    with_exception = {f.request_id for f in per_request if f.kind == KIND_EXCEPTION}
    per_request = [f for f in per_request if not (f.kind == KIND_HTTP and f.request_id in with_exception)]
    # Likewise an exception the frame-less request line names is the one with the frame.
    framed = {(f.request_id, f.title) for f in per_request if f.kind == KIND_EXCEPTION and f.frame}
    per_request = [
        f for f in per_request if not (f.kind == KIND_EXCEPTION and not f.frame and (f.request_id, f.title) in framed)
    ]
    return sorted([*per_request, *loose], key=lambda f: f.time)


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


# --- grouping (both gateways) ------------------------------------------------------------------------


def group(failures: Iterable[Failure], window: Window, *, deployed_at: datetime | None = None) -> list[FailureGroup]:
    """Issues, most occurrences first; `new_since_deploy` when every occurrence is after a deploy inside
    the range (before it, the range cannot say whether the group is new)."""
    by_key: dict[tuple[str, str, str], list[Failure]] = defaultdict(list)
    for failure in failures:
        if window.start <= failure.time < window.end:
            by_key[failure.key].append(failure)
    groups = []
    deploy_in_range = deployed_at is not None and window.start <= deployed_at < window.end
    for (kind, title, _), items in by_key.items():
        items.sort(key=lambda f: f.time)
        latest = items[-1]
        with_trace = next((f for f in reversed(items) if f.traceback), latest)
        per_bucket = [0.0] * len(window.buckets)
        for f in items:
            index = window.bucket_index(f.time)
            if index is not None:
                per_bucket[index] += f.count
        route_counts = Counter(f.route for f in items if f.route)
        ids = list(dict.fromkeys(f.request_id for f in reversed(items) if f.request_id))
        when_of = {f.request_id: int(f.time.timestamp() * 1000) for f in items if f.request_id}
        first = items[0].time
        groups.append(
            FailureGroup(
                kind=kind,
                title=title,
                frame=items[0].frame if kind == KIND_EXCEPTION else "",
                count=sum(f.count for f in items),
                request_ids=ids,
                first_seen=first,
                last_seen=latest.time,
                request_links=[(rid, when_of[rid]) for rid in ids[:MAX_LINKS]],
                per_bucket=per_bucket,
                routes=route_counts.most_common(),
                latest_message=latest.message,
                latest_traceback=with_trace.traceback,
                new_since_deploy=bool(deploy_in_range and first >= deployed_at),
            )
        )
    groups.sort(key=lambda g: (-g.count, g.label))
    return groups


def throttle_failures(window: Window, throttles: Sequence[float]) -> list[Failure]:
    """Throttled invocations never run, so no line tells of them: the Throttles metric does, per bucket."""
    return [
        Failure(
            when, KIND_THROTTLE, "Throttled", message=f"{int(value)} invocations throttled", count=int(round(value))
        )
        for when, value in zip(window.buckets, throttles, strict=False)
        if value > 0
    ]


def utc_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def project_packages() -> tuple[str, ...]:
    """The project's own top-level packages (console, notes, accounts, ...): a traceback's frame in one of
    them is the project's code; anything else in /var/task is a dependency Zappa packaged beside it."""
    root = Path(settings.BASE_DIR)
    return tuple(
        sorted(
            p.name
            for p in root.iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"tests", "bench"}
        )
    )
