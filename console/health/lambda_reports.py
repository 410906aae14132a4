r"""Lambda's reports of an invocation and of an init, in both log formats: the text REPORT / INIT_REPORT lines
and the JSON platform.report / platform.initReport records (see logparse.py for every form)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_REPORT_KEYS = re.compile(
    r"(?:^|[\t ])(RequestId|Billed Restore Duration|Billed Duration|Restore Duration|Init Duration|"
    r"Max Memory Used|Memory Size|Duration|Status|Error Type|Phase):[ ]*"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
XRAY = re.compile(r"XRAY TraceId: ([^\t\s]+)")
_TRACE_ROOT = re.compile(r"Root=([^;\s]+)")
FAILED_STATUSES = {"error", "timeout", "failure"}


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

    @property
    def summary(self) -> str:
        """One line for the logs page."""
        parts = [
            f"{self.duration_ms:g} ms (billed {self.billed_ms:g} ms)",
            f"{self.max_memory_mb}/{self.memory_mb} MB",
        ]
        if self.init_ms is not None:
            parts.append(f"cold start, init {self.init_ms:g} ms")
        if self.restore_ms is not None:
            parts.append(f"SnapStart restore {self.restore_ms:g} ms")
        if self.status:
            parts.append(f"status {self.status}")
        if self.error_type:
            parts.append(self.error_type)
        return " · ".join(parts)


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


def status_of(value: Any) -> str:
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
    xray = XRAY.search(rest) or XRAY.search(first)
    return Report(
        request_id=request_id,
        duration_ms=duration,
        billed_ms=billed if billed is not None else float(int(duration) + 1),
        memory_mb=int(_number(fields.get("Memory Size", "")) or 0),
        max_memory_mb=int(_number(fields.get("Max Memory Used", "")) or 0),
        init_ms=_number(fields["Init Duration"]) if "Init Duration" in fields else None,
        restore_ms=_number(fields["Restore Duration"]) if "Restore Duration" in fields else None,
        billed_restore_ms=_number(fields["Billed Restore Duration"]) if "Billed Restore Duration" in fields else None,
        status=status_of(fields.get("Status", "")),
        error_type=fields.get("Error Type", ""),
        trace_id=xray.group(1) if xray else "",
    )


def trace_root(record: dict[str, Any]) -> str:
    tracing = record.get("tracing") or {}
    found = _TRACE_ROOT.search(str(tracing.get("value", ""))) if isinstance(tracing, dict) else None
    return found.group(1) if found else ""


def _parse_json_report(message: str) -> Report | None:
    data = json_object(message)
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
        status=status_of(record.get("status")),
        error_type=str(record.get("errorType", "")),
        trace_id=trace_root(record),
    )


def parse_init_report(message: str) -> InitReport | None:
    """An INIT_REPORT line (text) or a platform.initReport record (JSON), or None."""
    stripped = message.strip()
    if stripped.startswith("INIT_REPORT"):
        fields = _key_values(stripped)
        return InitReport(
            duration_ms=_number(fields.get("Init Duration", "")),
            phase=fields.get("Phase", "").lower(),
            status=status_of(fields.get("Status", "")),
            error_type=fields.get("Error Type", ""),
        )
    data = json_object(stripped) if stripped.startswith("{") else None
    if not data or data.get("type") != "platform.initReport":
        return None
    record = data.get("record") if isinstance(data.get("record"), dict) else {}
    metrics = record.get("metrics") if isinstance(record.get("metrics"), dict) else {}
    return InitReport(
        duration_ms=_float_or_none(metrics.get("durationMs")),
        phase=str(record.get("phase", "")).lower(),
        status=status_of(record.get("status")),
        error_type=str(record.get("errorType", "")),
    )


@dataclass(frozen=True)
class RestoreReport:
    """RESTORE_REPORT (SnapStart, Text format): how restoring the snapshot went; a failed restore says
    `Status: timeout`, or `Status: error` and its `Error Type` (a runtime hook that failed)."""

    duration_ms: float | None
    status: str = ""
    error_type: str = ""

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


def parse_restore_report(message: str) -> RestoreReport:
    """A RESTORE_REPORT line's fields. Lambda separates them with spaces here, not tabs."""
    fields = _key_values(message.strip())
    return RestoreReport(
        duration_ms=_number(fields.get("Restore Duration", "")),
        status=status_of(fields.get("Status", "")),
        error_type=fields.get("Error Type", ""),
    )


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def json_object(message: str) -> dict[str, Any] | None:
    try:
        data = json.loads(message)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
