"""The labels operations of the OpenAPI document (merged into it by notes/api/openapi.py), from the label rule
of notes/domain.py and the batch of notes/services.py."""

from __future__ import annotations

from functools import partial
from typing import Any

from notes.api.openapi_errors import error_refs
from notes.api.openapi_refs import JSON, ref
from notes.domain import LABEL_MAX_CHARS, LABEL_PATTERN
from notes.services import LABEL_CHANGE_BATCH

_errors = partial(error_refs, names={422: "LabelRefused"})


_LABEL = {
    "type": "string",
    "minLength": 1,
    "maxLength": LABEL_MAX_CHARS,
    "pattern": LABEL_PATTERN,
    "description": "A label as typed; compared ignoring case and accents (`fete` is `Fête`).",
}

SCHEMAS: dict[str, Any] = {
    "LabelList": {
        "type": "object",
        "required": ["labels"],
        "additionalProperties": False,
        "properties": {
            "labels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["label", "notes"],
                    "additionalProperties": False,
                    "properties": {
                        "label": {"type": "string"},
                        "notes": {"type": "integer", "minimum": 0, "description": "Live notes with it."},
                    },
                },
            }
        },
    },
    "LabelRename": {
        "type": "object",
        "required": ["from", "to"],
        "additionalProperties": False,
        "properties": {"from": _LABEL, "to": _LABEL},
        "example": {"from": "work", "to": "Job"},
    },
    "LabelDelete": {
        "type": "object",
        "required": ["label"],
        "additionalProperties": False,
        "properties": {"label": _LABEL},
        "example": {"label": "old"},
    },
    "LabelChange": {
        "type": "object",
        "required": ["changed", "merged", "more", "skipped", "message"],
        "additionalProperties": False,
        "properties": {
            "changed": {"type": "integer", "minimum": 0, "description": "Notes written by this request."},
            "merged": {
                "type": "boolean",
                "description": "The new name was a label already: the two are one label now.",
            },
            "more": {
                "type": "boolean",
                "description": f"More notes have the label (at most {LABEL_CHANGE_BATCH} change per request): "
                "send the same request again to go on.",
            },
            "skipped": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Titles of notes that kept changing meanwhile and were left as they are.",
            },
            "message": {"type": "string"},
        },
    },
}

PARAMETERS: dict[str, Any] = {}

RESPONSES: dict[str, Any] = {
    "LabelRefused": {
        "description": "A label is missing or not one this app stores (`fields` says which and why); nothing changed.",
        "content": {JSON: {"schema": ref("schemas", "Error")}},
    },
}

_CHANGE_NOTE = (
    "Every note with the label is changed as a write conditional on the version read: a note changed meanwhile is "
    "read again and retried, never overwritten. Archived notes are included; the trash is not."
)


def _change(operation_id: str, summary: str, description: str, body: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "description": f"{description} {_CHANGE_NOTE}",
            "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", body)}}},
            "responses": {
                "200": {"description": "What was done.", "content": {JSON: {"schema": ref("schemas", "LabelChange")}}},
                **_errors(400, 401, 403, 413, 415, 422, 429, 503),
            },
        }
    }


def paths() -> dict[str, Any]:
    return {
        "/labels": {
            "get": {
                "operationId": "listLabels",
                "summary": "List your labels with how many notes have each",
                "description": "From the label index, kept from the notes' changes: a moment behind a write.",
                "responses": {
                    "200": {"description": "The labels.", "content": {JSON: {"schema": ref("schemas", "LabelList")}}},
                    **_errors(401, 429, 503),
                },
            }
        },
        "/labels/rename": _change(
            "renameLabel",
            "Rename a label on every note that has it",
            "Renaming onto a label you have merges the two (`merged`).",
            "LabelRename",
        ),
        "/labels/delete": _change(
            "deleteLabel",
            "Take a label off every note that has it",
            "The notes stay; only the label goes.",
            "LabelDelete",
        ),
    }
