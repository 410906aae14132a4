"""Request logging and correlation ids.

Every request gets a correlation id: the client's `X-Correlation-Id` header when it is well formed, else
the Lambda request id Zappa puts in the WSGI environ (so app lines and Lambda's own START/REPORT lines
share one id), else the API Gateway request id, else a new one. It is on `request.correlation_id`, in
`current_correlation_id()` for code without the request (error pages, API errors), on every log line
(`CorrelationIdFilter`) and in the `X-Correlation-Id` response header.

`RequestLogMiddleware` writes one JSON line per request and keeps the last requests and log lines in
bounded in-memory buffers: the local health gateway reads them to show the running process. A streamed
response (an export's download) is logged when its stream ends, with its real outcome
(console/web/stream_log.py).
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import os
import re
import resource
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

CORRELATION_HEADER = "X-Correlation-Id"
REQUEST_LOGGER = "console.request"
_VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
_NO_ID = "-"

_correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default=_NO_ID)
log = logging.getLogger(REQUEST_LOGGER)


class _AwsCalls:
    """The DynamoDB calls one request made: how many, the time spent waiting on them, and each call for the
    request's timeline (operation, table, start offset, duration, retries, throttled)."""

    # A plain class, as the records below are named tuples: a dataclass is built (its methods compiled) when
    # this module is imported, ~6 M instructions each, on every cold start.
    __slots__ = ("count", "ms", "origin", "calls")

    def __init__(self) -> None:
        self.count = 0
        self.ms = 0.0
        self.origin = time.perf_counter()  # the request's start, for each call's offset
        self.calls: list[dict[str, Any]] = []


_aws_calls: contextvars.ContextVar[_AwsCalls | None] = contextvars.ContextVar("aws_calls", default=None)

# The error codes AWS answers a throttled call with (DynamoDB's own, and the generic ones).
THROTTLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
        "TooManyRequestsException",
    }
)
MAX_LOGGED_CALLS = 50  # a request line stays well under CloudWatch's 256 KB event limit
_CALL_KEY = "console_call"  # where a call's entry waits in botocore's per-call context


def _resource_of(params: dict[str, Any]) -> str:
    """The table (and index) a call names; a batch or transaction names each table once."""
    for key in ("FunctionName", "logGroupName", "StackName", "Bucket", "QueueUrl"):
        if isinstance(params.get(key), str) and params[key]:
            return params[key].rsplit("/", 1)[-1] if key == "QueueUrl" else params[key]
    if params.get("TableName"):
        index = params.get("IndexName")
        return f"{params['TableName']} / {index}" if index else str(params["TableName"])
    tables = list(params.get("RequestItems") or {})
    for item in params.get("TransactItems") or []:
        tables.extend(v.get("TableName", "") for v in item.values() if isinstance(v, dict))
    return ", ".join(dict.fromkeys(t for t in tables if t))


def _call_named(params: Any = None, context: Any = None, **_: Any) -> None:
    """botocore's `before-parameter-build`: the caller's own parameters (before-call sees them serialized)."""
    if isinstance(context, dict) and isinstance(params, dict):
        context[_CALL_KEY + "_resource"] = _resource_of(params)


def _call_started(model: Any = None, context: Any = None, database: bool = True, **_: Any) -> None:
    calls = _aws_calls.get()
    if calls is None or not isinstance(context, dict):
        return
    context[_CALL_KEY] = {
        "op": getattr(model, "name", ""),
        "resource": context.get(_CALL_KEY + "_resource", ""),
        "started": time.perf_counter(),
        "attempts": 1,
        "throttled": False,
        "database": database,
    }
    if database:
        calls.count += 1


def _call_attempted(response: Any = None, attempts: int = 1, request_dict: Any = None, **_: Any) -> None:
    """botocore's `needs-retry`, after every attempt: how many were made, and whether any was throttled."""
    entry = ((request_dict or {}).get("context") or {}).get(_CALL_KEY)
    if entry is None:
        return
    entry["attempts"] = max(entry["attempts"], int(attempts or 1))
    parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
    if (parsed or {}).get("Error", {}).get("Code") in THROTTLE_CODES:
        entry["throttled"] = True


def _call_ended(context: Any = None, parsed: Any = None, exception: Any = None, **_: Any) -> None:
    calls = _aws_calls.get()
    entry = context.pop(_CALL_KEY, None) if isinstance(context, dict) else None
    if calls is None or entry is None:
        return
    ended = time.perf_counter()
    ms = (ended - entry["started"]) * 1000
    if entry["database"]:
        calls.ms += ms
    parsed = parsed if isinstance(parsed, dict) else {}
    code = parsed.get("Error", {}).get("Code", "") or (type(exception).__name__ if exception else "")
    retried = parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0
    if len(calls.calls) < MAX_LOGGED_CALLS:
        call = {
            "op": entry["op"],
            "resource": entry["resource"],
            "start_ms": round((entry["started"] - calls.origin) * 1000, 2),
            "ms": round(ms, 2),
            "retries": max(int(retried), entry["attempts"] - 1),
            "throttled": entry["throttled"] or code in THROTTLE_CODES,
        }
        if code:
            call["error"] = code
        calls.calls.append(call)


def count_calls(client: Any, *, database: bool = True) -> None:
    """Counts and times every call `client` makes (retries included in its time) for the request log line
    (`db_calls`, `db_ms`: the DynamoDB client's only, `database=True`), and notes each call of any client for
    the request's timeline (start, duration, retries, throttling)."""
    events = client.meta.events
    events.register("before-parameter-build", _call_named)
    events.register("before-call", functools.partial(_call_started, database=database))
    events.register("needs-retry", _call_attempted)
    events.register("after-call", _call_ended)
    events.register("after-call-error", _call_ended)


def route_of(request: HttpRequest | None) -> str:
    """The URL pattern that served the request, as a person writes it: "/notes/<note_id>/", "" when none."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", "") or ""
    if not match or not route and not getattr(match, "url_name", ""):
        return ""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route).lstrip("^").rstrip("$")


def exception_fields(exc_info: Any) -> dict[str, str]:
    """What grouping an error needs, as fields: the exception's type and the innermost frame in the project's
    own code (file:function), not a library's."""
    exc_type, exc, tb = exc_info if isinstance(exc_info, tuple) else (type(exc_info), exc_info, exc_info.__traceback__)
    if exc_type is None:
        return {}
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        relative = _project_file(code.co_filename)
        if relative:
            frames.append(f"{relative}:{code.co_name}")
        tb = tb.tb_next
    return {"exc_type": exc_type.__name__, "exc_frame": innermost_own_frame(frames), "exc_message": str(exc)[:500]}


# The project's AWS plumbing: every DynamoDB error passes through its one call(), so its frame names nothing
# about where the failure is; the frame that called it does.
PLUMBING = ("console/aws/",)


def innermost_own_frame(frames: list[str]) -> str:
    """The innermost "file:function" outside the plumbing, else the innermost one (a bug in the plumbing)."""
    for frame in reversed(frames):
        if not frame.startswith(PLUMBING):
            return frame
    return frames[-1] if frames else ""


def _project_file(filename: str) -> str:
    root = str(getattr(settings, "BASE_DIR", "")) if settings.configured else ""
    path = filename.replace("\\", "/")
    if "site-packages/" in path or "/lib/python" in path or not root:
        return ""
    root = root.replace("\\", "/").rstrip("/") + "/"
    return path[len(root) :] if path.startswith(root) else ""


def _process_started_at() -> float:
    """When this process started (epoch seconds): from /proc on Linux (Lambda too), else now."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()


PROCESS_STARTED_AT = _process_started_at()
_init_ms: float | None = None  # process start -> first request handler ready: the local "Init Duration"


def current_correlation_id() -> str:
    """The correlation id of the request being served by this thread/task, or "-" outside a request."""
    return _correlation_id.get()


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def correlation_id_for(request: HttpRequest) -> str:
    header = request.headers.get(CORRELATION_HEADER, "").strip()
    if _VALID_ID.match(header):
        return header
    return lambda_request_id(request) or apigw_request_id(request) or new_correlation_id()


def lambda_request_id(request: HttpRequest) -> str:
    context = request.META.get("lambda.context")
    value = str(getattr(context, "aws_request_id", "") or "")
    return value if _VALID_ID.match(value) else ""


def apigw_request_id(request: HttpRequest) -> str:
    event = request.META.get("lambda.event")
    if not isinstance(event, dict):
        return ""
    value = str((event.get("requestContext") or {}).get("requestId") or "")
    return value if _VALID_ID.match(value) else ""


# --- in-memory records (read by the local health gateway) ----------------------------------------


class RequestRecord(NamedTuple):
    """One request as the middleware saw it: what the local gateway turns into an "invocation".

    These records are named tuples, not frozen dataclasses: as cheap to read and as immutable, and a named tuple
    class costs a fraction of a dataclass's to create at import, on every cold start (bench_cold_start)."""

    correlation_id: str
    started_at: float  # epoch seconds
    duration_ms: float
    method: str
    path: str
    status: int
    user_id: str
    username: str
    cold_start: bool
    concurrent: int  # requests in flight when this one started, itself included
    max_rss_mb: float
    route: str = ""  # the URL pattern: "/notes/<note_id>/"
    db_calls: int = 0
    db_ms: float = 0.0
    exc_type: str = ""
    exc_frame: str = ""
    exc_message: str = ""
    traceback: str = ""


class LogRecordLine(NamedTuple):
    """One formatted log line kept in memory, with the fields the console shows as columns."""

    timestamp: float  # epoch seconds
    level: str
    logger: str
    message: str
    correlation_id: str
    line: str  # the JSON line as written
    seq: int = 0  # order of arrival: a stable id for the line


class _Buffers:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: deque[RequestRecord] = deque(maxlen=_setting("HEALTH_LOCAL_MAX_REQUESTS", 1000))
        self.lines: deque[LogRecordLine] = deque(maxlen=_setting("HEALTH_LOCAL_MAX_LOG_LINES", 2000))
        self.cold = True
        self.in_flight = 0
        self.seq = 0


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default)) if settings.configured else default


_buffers = _Buffers()


def recent_requests() -> list[RequestRecord]:
    """The process's last requests, oldest first (bounded: HEALTH_LOCAL_MAX_REQUESTS)."""
    with _buffers.lock:
        return list(_buffers.requests)


def recent_log_lines() -> list[LogRecordLine]:
    """The process's last log lines, oldest first (bounded: HEALTH_LOCAL_MAX_LOG_LINES)."""
    with _buffers.lock:
        return list(_buffers.lines)


def process_init_ms() -> float | None:
    """From process start until Django's request handler was ready (settings, apps, middleware):
    the local stand-in for Lambda's Init Duration."""
    return _init_ms


def reset_buffers() -> None:
    """Forget every record and become "cold" again (tests)."""
    global _buffers
    _buffers = _Buffers()


def _max_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


# --- middleware ------------------------------------------------------------------------------------


class RequestLogMiddleware:
    """Times the request, sets its correlation id, logs one JSON line and records it in memory.
    Registered first in MIDDLEWARE so its duration covers every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        global _init_ms
        self.get_response = get_response
        if _init_ms is None:  # Django builds the middleware chain once the app is loaded
            _init_ms = round((time.time() - PROCESS_STARTED_AT) * 1000, 2)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        correlation_id = correlation_id_for(request)
        request.correlation_id = correlation_id  # type: ignore[attr-defined]
        token = _correlation_id.set(correlation_id)
        calls_token = _aws_calls.set(_AwsCalls())  # its origin: this request's start
        buffers = _buffers
        with buffers.lock:
            cold = buffers.cold
            buffers.cold = False
            buffers.in_flight += 1
            concurrent = buffers.in_flight
        started_at = time.time()
        started = time.perf_counter()
        status = 500
        streamed = False
        try:
            response = self.get_response(request)
            status = response.status_code
            response[CORRELATION_HEADER] = correlation_id
            if response.streaming:
                calls = _aws_calls.get()

                def finish(outcome: str, failure: dict[str, str] | None) -> None:
                    if failure:
                        request._health_exception = failure  # type: ignore[attr-defined]
                    duration_ms = round((time.perf_counter() - started) * 1000, 2)
                    with buffers.lock:
                        buffers.in_flight -= 1
                    final = 500 if outcome == "failed" else status
                    self._record(request, correlation_id, started_at, duration_ms, final, cold, concurrent, outcome)

                from console.web.stream_log import WatchedStream  # only a streamed response needs it

                response.streaming_content = WatchedStream(
                    response.streaming_content,
                    context=((_correlation_id, correlation_id), (_aws_calls, calls)),
                    describe=exception_fields,
                    finish=finish,
                )
                streamed = True
            return response
        finally:
            if not streamed:
                duration_ms = round((time.perf_counter() - started) * 1000, 2)
                with buffers.lock:
                    buffers.in_flight -= 1
                self._record(request, correlation_id, started_at, duration_ms, status, cold, concurrent)
            _aws_calls.reset(calls_token)
            _correlation_id.reset(token)

    def _record(
        self,
        request: HttpRequest,
        correlation_id: str,
        started_at: float,
        duration_ms: float,
        status: int,
        cold: bool,
        concurrent: int,
        outcome: str | None = None,  # a streamed response's: "complete", "failed" or "aborted"
    ) -> None:
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:
            user = None  # never evaluated by the request: don't read its session just to log it
        authenticated = bool(getattr(user, "is_authenticated", False))
        user_id = str(getattr(user, "id", "") or "") if authenticated else ""
        username = str(getattr(user, "username", "") or "") if authenticated else ""
        calls = _aws_calls.get() or _AwsCalls()
        failure: dict[str, str] = getattr(request, "_health_exception", None) or {}
        record = RequestRecord(
            correlation_id=correlation_id,
            started_at=started_at,
            duration_ms=duration_ms,
            method=request.method or "",
            path=request.path,
            status=status,
            user_id=user_id,
            username=username,
            cold_start=cold,
            concurrent=concurrent,
            max_rss_mb=_max_rss_mb(),
            route=route_of(request),
            db_calls=calls.count,
            db_ms=round(calls.ms, 2),
            exc_type=failure.get("exc_type", ""),
            exc_frame=failure.get("exc_frame", ""),
            exc_message=failure.get("exc_message", ""),
            traceback=failure.get("traceback", ""),
        )
        with _buffers.lock:
            _buffers.requests.append(record)
        fields: dict[str, Any] = {
            "method": record.method,
            "path": record.path,  # never the query string: it may carry tokens
            "status": status,
            "duration_ms": duration_ms,
            "user": user_id or None,
            "username": username or None,
            "cold_start": cold,
            "route": record.route,
            "db_calls": record.db_calls,
            "db_ms": record.db_ms,
        }
        if outcome:
            fields["streamed"] = outcome
        if calls.calls:  # the request page draws them as its timeline (console/health/timeline.py)
            fields["aws_calls"] = calls.calls
        if record.exc_type:  # the exception Django turned into this 500, for grouping failures by it
            fields.update(exc_type=record.exc_type, exc_frame=record.exc_frame)
        lambda_id, apigw_id = lambda_request_id(request), apigw_request_id(request)
        if lambda_id and lambda_id != correlation_id:
            fields["lambda_request_id"] = lambda_id
        if apigw_id and apigw_id != correlation_id:
            fields["apigw_request_id"] = apigw_id
        level = (
            logging.ERROR
            if status >= 500
            else logging.WARNING
            if status >= 400 or outcome == "aborted"
            else logging.INFO
        )
        suffix = f" (stream {outcome})" if outcome and outcome != "complete" else ""
        log.log(
            level,
            "%s %s %s %.1fms%s",
            record.method,
            record.path,
            status,
            duration_ms,
            suffix,
            extra={"http": fields},
        )


# --- logging: filter, JSON formatter, in-memory handler ------------------------------------------


class CorrelationIdFilter(logging.Filter):
    """Stamps every record with the current correlation id (attach to handlers, so library loggers get it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", None):
            # Django logs 4xx/5xx responses (django.request) after the middleware chain has returned,
            # so the id comes from the request the record carries, when it carries one.
            request = getattr(record, "request", None)
            record.correlation_id = getattr(request, "correlation_id", None) or current_correlation_id()
        return True


def _record_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation_id, then a request's fields, or
    the line's own (`log.info("...", extra={"fields": {...}})`), which never replace the ones above."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _record_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or current_correlation_id(),
        }
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            data.update(http)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                data.setdefault(key, value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
            for key, value in exception_fields(record.exc_info).items():
                data.setdefault(key, value)
            request = getattr(record, "request", None)
            if request is not None and "route" not in data:
                data["route"] = route_of(request)
        return json.dumps(data, separators=(",", ":"), default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a developer's terminal (LOG_FORMAT=text): still carries the correlation id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s")


class MemoryLogHandler(logging.Handler):
    """Keeps the last lines in memory (bounded) for the local console's log page."""

    def __init__(self) -> None:
        super().__init__()
        self.json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = LogRecordLine(
                timestamp=record.created,
                level=record.levelname,
                logger=record.name,
                message=record.getMessage(),
                correlation_id=getattr(record, "correlation_id", None) or current_correlation_id(),
                line=self.json.format(record),
            )
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)
            return
        with _buffers.lock:
            _buffers.seq += 1
            _buffers.lines.append(line._replace(seq=_buffers.seq))


def remember_exception(sender: Any = None, request: HttpRequest | None = None, **_: Any) -> None:
    """`got_request_exception` receiver: the exception behind a 500 goes onto that request's log line."""
    import sys
    import traceback

    info = sys.exc_info()
    if request is None or info[0] is None:
        return
    found = exception_fields(info)
    found["traceback"] = "".join(traceback.format_exception(*info))[-4000:]
    request._health_exception = found  # type: ignore[attr-defined]


def _connect() -> None:
    from django.core.signals import got_request_exception

    got_request_exception.connect(remember_exception, dispatch_uid="console.observability.remember_exception")


_connect()
