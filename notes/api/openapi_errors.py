"""The error responses of the OpenAPI document, which every part refers to (merged into it by
notes/api/openapi.py): the Error schema every error body has, and one response per error status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from notes.api.openapi_refs import JSON, ref

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields", "reference"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable, e.g. `validation_failed`."},
                "message": {"type": "string", "description": "For people."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "What is wrong with each offending field, parameter or header.",
                },
                "reference": {"type": "string", "description": "The request's correlation id (in our logs)."},
                "current": {
                    **ref("schemas", "Note"),
                },
                "problems": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "An import's problems, each saying where (the first ones).",
                },
                "problems_total": {"type": "integer", "minimum": 1},
            },
        }
    },
}


def _error_response(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": ref("schemas", "Error")}}}
    if headers:
        response["headers"] = headers
    return response


_RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 0}}

RESPONSES: dict[str, Any] = {
    "BadRequest": _error_response("Malformed: invalid JSON, a bad query parameter, cursor or header."),
    "Unauthorized": _error_response(
        "No valid API token or session.",
        **{"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
    ),
    "Forbidden": _error_response("Signed in with the browser session but without a valid CSRF token."),
    "NotFound": _error_response("You have no note with this id."),
    "NotInTrash": _error_response("You have no note with this id in the trash."),
    "VersionNotFound": _error_response("You have no such note, or it has no recorded version with this number."),
    "Conflict": _error_response("The version in the request is stale; `current` is the stored note."),
    "PreconditionFailed": _error_response("If-Match does not match the note's ETag; `current` is the stored note."),
    "PayloadTooLarge": _error_response(f"The body is over {settings.API_MAX_BODY_BYTES:,} bytes."),
    "UnsupportedMediaType": _error_response("The body is not declared as JSON."),
    "Unprocessable": _error_response("The body is JSON but not a valid note, or an Idempotency-Key was reused."),
    "PreconditionRequired": _error_response("Neither a `version` nor If-Match was sent."),
    "TooManyRequests": _error_response("Throttled; retry after a moment.", **{"Retry-After": _RETRY_AFTER}),
    "Unavailable": _error_response("The store is unavailable; retry after a moment.", **{"Retry-After": _RETRY_AFTER}),
    "StorageFull": _error_response(
        "The store will not keep this much: the account's notes, history and trash reached DynamoDB's 10 GB per "
        "user. Retrying does not help; delete notes or empty the trash."
    ),
}


def error_refs(*codes: int, names: Mapping[int, str] | None = None) -> dict[str, Any]:
    """The responses of these statuses, in this order: each status's usual response, or the one `names` gives it
    (a part's own 404 or 422, e.g. {422: "LabelRefused"})."""
    usual = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        412: "PreconditionFailed",
        413: "PayloadTooLarge",
        415: "UnsupportedMediaType",
        422: "Unprocessable",
        428: "PreconditionRequired",
        429: "TooManyRequests",
        503: "Unavailable",
        507: "StorageFull",
    }
    names = {**usual, **(names or {})}
    return {str(code): ref("responses", names[code]) for code in codes}
