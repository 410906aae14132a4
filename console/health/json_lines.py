"""JSON-shaped lines, as the logs page shows them: Lambda's platform records (JSON log format) and the
application's structured lines (Django's, the runtime's JSON logger, Powertools')."""

from __future__ import annotations

import json
from typing import Any

from console.health.lambda_reports import FAILED_STATUSES, parse_init_report, status_of, trace_root

_LEVELS = {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR", "TRACE": "DEBUG"}

# Powertools' structured lines carry Lambda's request id as function_request_id.
_JSON_REQUEST_IDS = ("correlation_id", "requestId", "request_id", "AWSRequestId", "function_request_id")
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
    "function_request_id",
    "errorType",
    "errorMessage",
    "stackTrace",
}


def json_line_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON line's LogLine fields: a platform record (JSON format) or an application line."""
    kind = str(data.get("type", ""))
    if kind.startswith("platform."):
        return _platform_fields(data, kind)
    level = _json_level(data)
    error_type = str(data.get("errorType") or data.get("exception_name") or "")
    error_message = str(data.get("errorMessage") or "")
    message = data.get("message", data.get("msg"))
    if message in (None, "") and (error_type or error_message):
        message = f"{error_type}: {error_message}" if error_type else error_message
    return dict(
        kind="json",
        level=level,
        message=str(message if message is not None else ""),
        request_id=str(_json_request_id(data)),
        fields=_json_fields(data, str(message), error_type, error_message),
        error_type=error_type,
        error_message=error_message,
        trace_id=str(data.get("xray_trace_id") or ""),
        log_format="json",
    )


def _platform_fields(data: dict[str, Any], kind: str) -> dict[str, Any]:
    record = data.get("record") if isinstance(data.get("record"), dict) else {}
    init = parse_init_report(json.dumps(data)) if kind == "platform.initReport" else None
    status = status_of(record.get("status"))
    return dict(
        kind="platform",
        message=f"{kind} {json.dumps(record)[:300]}",
        request_id=str(record.get("requestId", "")),
        init=init,
        status=status,
        level="ERROR" if status in FAILED_STATUSES else "",
        trace_id=trace_root(record),
        error_type=str(record.get("errorType", "")),
        log_format="json",
    )


def _json_level(data: dict[str, Any]) -> str:
    level = str(data.get("level") or data.get("levelname") or data.get("severity") or data.get("log_level") or "")
    level = _LEVELS.get(level.upper(), level.upper())
    if not level and data.get("errorType"):
        return "ERROR"  # the runtime's unhandled-error object carries no level in text format
    return level


def _json_request_id(data: dict[str, Any]) -> Any:
    return next((data[key] for key in _JSON_REQUEST_IDS if data.get(key)), "")


def _json_fields(data: dict[str, Any], message: str, error_type: str, error_message: str) -> dict[str, Any]:
    """The fields a JSON line shows besides its columns; "exception" holds its traceback."""
    shown = {k: v for k, v in data.items() if k not in _JSON_KNOWN}
    stack = data.get("stackTrace")
    if stack and "exception" not in shown:
        shown["exception"] = (
            "".join(stack)
            if isinstance(stack, list) and all(isinstance(s, str) for s in stack)
            else json.dumps(stack, indent=1)
        )
    if error_type and error_type not in message:
        shown.setdefault("error", f"{error_type}: {error_message}".rstrip(": "))
    return shown
