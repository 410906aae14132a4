"""The bulk operations of the OpenAPI document (merged into it by notes/api/openapi.py), built from the rules
notes/bulk.py and notes/api/bulk.py enforce."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from notes.api.bulk import UNDO_ID_MAX_CHARS
from notes.api.input import IDEMPOTENCY_KEY_PATTERN, VERSION_MAX
from notes.api.openapi_errors import error_refs
from notes.api.openapi_refs import JSON, ref
from notes.bulk_actions import ACTIONS, BULK_MAX, CONFLICT, DONE, LABEL_ACTIONS, MISSING, UNCHANGED, UNDO_SECONDS
from notes.domain import LABEL_MAX_CHARS, LABEL_PATTERN
from notes.domain import NOTE_ID_PATTERN as _NOTE_ID
from notes.idempotency import KEY_MAX_CHARS

_OPERATION = {
    "type": "object",
    "required": ["id", "version", "action"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": f"^{_NOTE_ID}$"},
        "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": VERSION_MAX,
            "description": "The version of the note you saw: the write is conditional on it (for `restore`, the "
            "trashed note's version; a note in the trash does not change, so it is not checked).",
        },
        "action": {"type": "string", "enum": list(ACTIONS)},
        "label": {
            "type": "string",
            "maxLength": LABEL_MAX_CHARS,
            "pattern": LABEL_PATTERN,
            "description": f"Required by {' and '.join(f'`{a}`' for a in LABEL_ACTIONS)}; ignored by the others.",
        },
    },
}

_RESULT = {
    "type": "object",
    "required": ["id", "action", "status", "title", "version"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "action": {"type": "string", "enum": [*ACTIONS, "undo"]},
        "status": {
            "type": "string",
            "enum": [DONE, UNCHANGED, CONFLICT, MISSING],
            "description": f"`{DONE}`: changed. `{UNCHANGED}`: it was so already. `{CONFLICT}`: it changed since "
            f"the version you sent (or cannot take the change, e.g. a label over the limit), so it was left as it is. "
            f"`{MISSING}`: you have no such note (for `restore`: not in the trash).",
        },
        "title": {"type": "string", "nullable": True, "description": "Its title now; null when it is not found."},
        "version": {"type": "integer", "nullable": True, "description": "Its version now; null when not found."},
    },
}

SCHEMAS: dict[str, Any] = {
    "BulkOperation": _OPERATION,
    "BulkRequest": {
        "type": "object",
        "required": ["operations"],
        "additionalProperties": False,
        "properties": {
            "operations": {
                "type": "array",
                "minItems": 1,
                "maxItems": BULK_MAX,
                "items": ref("schemas", "BulkOperation"),
                "description": f"At most {BULK_MAX}, each on a different note; more is a 422 and nothing changes.",
            }
        },
    },
    "BulkResult": _RESULT,
    "BulkAnswer": {
        "type": "object",
        "required": ["results", "applied", "unchanged", "refused", "undo_id"],
        "additionalProperties": False,
        "properties": {
            "results": {"type": "array", "items": ref("schemas", "BulkResult"), "description": "One per operation."},
            "applied": {"type": "integer", "minimum": 0},
            "unchanged": {"type": "integer", "minimum": 0},
            "refused": {"type": "integer", "minimum": 0},
            "undo_id": {
                "type": "string",
                "nullable": True,
                "description": f"Send it to /notes/bulk/undo within {UNDO_SECONDS // 60} minutes to put back "
                "every note this changed; null when nothing changed.",
            },
        },
    },
    "BulkUndoRequest": {
        "type": "object",
        "required": ["undo_id"],
        "additionalProperties": False,
        "properties": {"undo_id": {"type": "string", "minLength": 1, "maxLength": UNDO_ID_MAX_CHARS}},
    },
}

PARAMETERS: dict[str, Any] = {
    "BulkIdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": (
            "A unique key per batch (e.g. a UUID). A retry with the same key and body within "
            f"{settings.API_IDEMPOTENCY_TTL_SECONDS // 3600} hours gets the first answer again (with "
            "`Idempotent-Replayed: true`) and changes nothing; the same key with another body is a 422."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_CHARS, "pattern": IDEMPOTENCY_KEY_PATTERN},
    }
}

_COMMON = (400, 401, 403, 413, 415, 422, 429, 503)


def _answer(description: str, *, replay: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": {JSON: {"schema": ref("schemas", "BulkAnswer")}}}
    if replay:
        answer["headers"] = {
            "Idempotent-Replayed": {
                "description": "Present on a replayed answer.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        }
    return answer


def paths() -> dict[str, Any]:
    return {
        "/notes/bulk": {
            "post": {
                "operationId": "bulkNotes",
                "summary": "Act on many notes at once",
                "description": (
                    f"Up to {BULK_MAX} operations, each on one note: {', '.join(f'`{a}`' for a in ACTIONS)}. Each "
                    "note's write is conditional on the `version` you sent: a note changed since is reported as "
                    "`conflict` (with its title) and the others still apply; no note is ever half-changed. The "
                    "answer says what happened to each, and gives an `undo_id`."
                ),
                "parameters": [ref("parameters", "BulkIdempotencyKey")],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "BulkRequest")}}},
                "responses": {
                    "200": _answer("What happened to each note, in the order sent.", replay=True),
                    **error_refs(*_COMMON),
                },
            }
        },
        "/notes/bulk/undo": {
            "post": {
                "operationId": "undoBulkNotes",
                "summary": "Undo a bulk action",
                "description": (
                    "Puts every note the batch changed back as it was, each conditional on the version the batch "
                    "left: a note changed since is reported as `conflict` and left as it is. Runs once."
                ),
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "BulkUndoRequest")}}},
                "responses": {
                    "200": _answer("What happened to each note.", replay=False),
                    **error_refs(*_COMMON, 404, names={404: "NoSuchBulk"}),
                },
            }
        },
    }


RESPONSES: dict[str, Any] = {
    "NoSuchBulk": {
        "description": "No such batch to undo (undone already, or too long ago).",
        "content": {JSON: {"schema": ref("schemas", "Error")}},
    }
}
