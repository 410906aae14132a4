"""Invocations from Lambda's lines: each REPORT (or platform.report) with what its request's other lines say
of its outcome. Lambda decides the outcome: its REPORT / runtimeDone status, the runtime's timeout, crash
and unhandled-error reports; an application's own ERROR line does not fail an invocation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from console.health.logparse import CRASH_TEXT, InitReport, LogEvent, LogLine, Report, parse_line

OUTCOME_OK = "ok"
OUTCOME_ERROR = "error"
OUTCOME_TIMEOUT = "timeout"
OUTCOME_CRASH = "runtime exit"
_OUTCOME_RANK = {OUTCOME_OK: 0, OUTCOME_ERROR: 1, OUTCOME_CRASH: 2, OUTCOME_TIMEOUT: 3}
_CRASH_TYPES = ("Runtime.ExitError", "Runtime.OutOfMemory")
_TRACEBACK = "Traceback (most recent call last)"


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
    if any(sign in text for sign in CRASH_TEXT):
        return OUTCOME_CRASH
    # The runtime's report of an unhandled exception names its type or carries its traceback; an app's or an
    # extension's ERROR line with neither (a failed GetParameter the app handled) leaves the outcome to Lambda.
    return OUTCOME_ERROR if line.is_error and (line.error_type or _TRACEBACK in text) else OUTCOME_OK


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
    outcomes = _Outcomes()
    reports: list[tuple[LogEvent, Report, InitReport | None]] = []
    for stream_events in by_stream.values():
        reports.extend(_read_stream(sorted(stream_events, key=lambda e: e.timestamp), outcomes))
    invocations = [_invocation(event, report, init, outcomes) for event, report, init in reports]
    invocations.sort(key=lambda inv: inv.time, reverse=True)
    return invocations


class _Outcomes(dict[str, tuple[str, str, str]]):
    """Request id -> (outcome, detail, error type): the worst its lines told."""

    def note(self, request_id: str, outcome: str, detail: str, error_type: str) -> None:
        previous = self.get(request_id, (OUTCOME_OK, "", ""))
        if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[previous[0]]:
            self[request_id] = (outcome, detail[:300], error_type)


def _read_stream(ordered: list[LogEvent], outcomes: _Outcomes) -> list[tuple[LogEvent, Report, InitReport | None]]:
    reports = []
    current = ""
    pending_init: InitReport | None = None
    for event in ordered:
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
            outcomes.note(request_id, outcome, _detail(line), line.error_type)
        if line.report is not None:
            init = pending_init
            if init is not None and init.phase == "invoke" and init.failed:
                outcomes.note(
                    line.report.request_id,
                    OUTCOME_TIMEOUT if init.status == "timeout" else OUTCOME_ERROR,
                    f"Init {init.status} in the invoke: {init.error_type or 'no error type'}",
                    init.error_type,
                )
            reports.append((event, line.report, init))
            current, pending_init = "", None
    return reports


def _invocation(event: LogEvent, report: Report, init: InitReport | None, outcomes: _Outcomes) -> Invocation:
    outcome, detail, error_type = outcomes.get(report.request_id, (OUTCOME_OK, "", ""))
    init_ms = report.init_ms
    # An init that succeeded ahead of the request (provisioned concurrency, proactive init) is no cold
    # start of it; one that failed, or ran inside the invoke, is.
    if init_ms is None and report.restore_ms is None and init is not None and (init.phase == "invoke" or init.failed):
        init_ms = init.duration_ms if init.duration_ms is not None else 0.0
    return Invocation(
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
