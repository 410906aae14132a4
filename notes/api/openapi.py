"""The OpenAPI 3 document of the JSON API, served at /api/openapi.json.

Built from the same constants the API validates with (notes/api/input.py, notes/domain.py), so the two
cannot drift; schemathesis (tests/integration/test_api_schemathesis.py) checks the running API against it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django.conf import settings

from notes.api import openapi_attachments, openapi_bulk, openapi_labels, openapi_transfer
from notes.api.input import (
    CONTENT_MAX_CHARS,
    CURSOR_MAX_CHARS,
    IDEMPOTENCY_KEY_PATTERN,
    QUERY_TEXT_MAX_CHARS,
    VERSION_MAX,
)
from notes.api.openapi_refs import JSON, ref
from notes.attachments import STATUSES
from notes.domain import (
    CATEGORY_MAX_CHARS,
    CONTENT_MAX_BYTES,
    DEFAULT_CATEGORY,
    FIELD,
    HISTORY_KEEP,
    LABEL_MAX_CHARS,
    LABEL_PATTERN,
    LABELS_MAX,
    NO_CONTROL_PATTERN,
    TITLE_MAX_CHARS,
    TRASH_DAYS,
)
from notes.domain import NOTE_ID_PATTERN as _NOTE_ID
from notes.idempotency import KEY_MAX_CHARS
from notes.services import MAX_PAGE_SIZE

NOTE_ID_PATTERN = f"^{_NOTE_ID}$"


def _error_response(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": ref("schemas", "Error")}}}
    if headers:
        response["headers"] = headers
    return response


_RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 0}}

_TITLE = {
    "type": "string",
    "minLength": 1,
    "maxLength": TITLE_MAX_CHARS,
    "pattern": FIELD["title"].pattern,
    "description": f"1-{TITLE_MAX_CHARS} characters, not blank, no NUL; stored without surrounding spaces.",
}
_CONTENT = {
    "type": "string",
    "maxLength": CONTENT_MAX_CHARS,
    "pattern": FIELD["content"].pattern,
    "description": f"Free text, no NUL, and at most {CONTENT_MAX_BYTES:,} bytes of UTF-8 (a 422 otherwise).",
}
_LABEL = {
    "type": "string",
    "minLength": 1,
    "maxLength": LABEL_MAX_CHARS,
    "pattern": LABEL_PATTERN,
    "description": (
        f"1-{LABEL_MAX_CHARS} characters of any script, punctuation allowed, no control characters; stored "
        "without surrounding spaces. Compared ignoring case and accents (`fete` is `Fête`), shown as typed."
    ),
}
_LABELS = {
    "type": "array",
    "maxItems": LABELS_MAX,
    "items": _LABEL,
    "description": f"0-{LABELS_MAX} labels; a label given twice (ignoring case and accents) is kept once.",
}
_CATEGORY = {
    "type": "string",
    "maxLength": LABEL_MAX_CHARS,
    "pattern": NO_CONTROL_PATTERN,
    "deprecated": True,
    "description": (
        "Deprecated: use `labels`. Sent without `labels`, it becomes the note's only label (blank: none). "
        f'Read, it is the first label, or "{DEFAULT_CATEGORY}" when the note has none.'
    ),
}
_VERSION_IN = {
    "type": "integer",
    "minimum": 1,
    "maximum": VERSION_MAX,
    "description": "The version you read. Required here or as If-Match; a stale one is a 409.",
}


def _note_input(
    *, required: list[str], with_version: bool, description: str, example: dict[str, Any]
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "title": _TITLE,
        "content": _CONTENT,
        "labels": _LABELS,
        "category": _CATEGORY,
        "important": {"type": "boolean"},
        "completed": {"type": "boolean"},
        "pinned": {"type": "boolean", "description": "Pinned notes come first on the list and in results."},
        "archived": {
            "type": "boolean",
            "description": "Archived notes leave the list (not to the trash, never purged); `archived=true` lists them.",
        },
    }
    if with_version:
        properties["version"] = _VERSION_IN
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
        "example": example,
    }
    if required:
        schema["required"] = required
    return schema


_SCHEMAS: dict[str, Any] = {
    "Note": {
        "type": "object",
        "required": [
            "id",
            "title",
            "content",
            "labels",
            "category",
            "important",
            "completed",
            "pinned",
            "archived",
            "created_at",
            "updated_at",
            "version",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": NOTE_ID_PATTERN},
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX_CHARS},
            "content": {"type": "string"},
            "labels": {"type": "array", "items": {"type": "string"}, "maxItems": LABELS_MAX},
            "category": {
                "type": "string",
                "minLength": 1,
                "deprecated": True,
                "description": f'Deprecated: the first label, or "{DEFAULT_CATEGORY}" when there is none.',
            },
            "important": {"type": "boolean"},
            "completed": {"type": "boolean"},
            "pinned": {"type": "boolean"},
            "archived": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "Goes up by one with every change; the ETag is this number in quotes.",
            },
        },
        "example": {
            "id": "3f2a9c4e8b7d4e1fa0c65b2d9e8f7a61",
            "title": "Buy milk",
            "content": "Two litres.",
            "labels": ["errands", "Fête"],
            "category": "errands",
            "important": True,
            "completed": False,
            "pinned": False,
            "archived": False,
            "created_at": "2026-11-27T09:30:00.000000Z",
            "updated_at": "2026-11-27T09:30:00.000000Z",
            "version": 1,
        },
    },
    "NoteList": {
        "type": "object",
        "required": ["notes", "next_cursor"],
        "additionalProperties": False,
        "properties": {
            "notes": {"type": "array", "items": ref("schemas", "Note"), "maxItems": MAX_PAGE_SIZE},
            "next_cursor": {
                "type": "string",
                "nullable": True,
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
    },
    "NoteCreate": _note_input(
        required=["title"],
        with_version=False,
        description="A new note.",
        example={"title": "Buy milk", "content": "Two litres.", "labels": ["errands"], "important": True},
    ),
    "NoteReplace": _note_input(
        required=["title"],
        with_version=True,
        description="Every editable field; a missing optional one goes back to its default.",
        example={"title": "Buy oat milk", "labels": ["errands"], "important": False, "completed": False, "version": 1},
    ),
    "NotePatch": _note_input(
        required=[],
        with_version=True,
        description="Only the fields to change.",
        example={"completed": True, "version": 1},
    ),
    "Error": {
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
    },
}


def _trashed_note_schema() -> dict[str, Any]:
    schema = deepcopy(_SCHEMAS["Note"])
    schema["required"] = [*schema["required"], "deleted_at", "purge_at"]
    schema["properties"]["deleted_at"] = {"type": "string", "format": "date-time"}
    schema["properties"]["purge_at"] = {
        "type": "string",
        "format": "date-time",
        "description": f"When the daily purge deletes it for good ({TRASH_DAYS} days after deleted_at).",
    }
    schema["example"] = {
        **schema["example"],
        "deleted_at": "2026-11-28T10:00:00.000000Z",
        "purge_at": "2026-12-28T10:00:00.000000Z",
    }
    return schema


_SCHEMAS["TrashedNote"] = _trashed_note_schema()


def _exported_note_schema() -> dict[str, Any]:
    """A note of the JSON export: every field, and its attachments listed (their files are in the zip export)."""
    schema = deepcopy(_SCHEMAS["Note"])
    schema["required"] = [*schema["required"], "attachments"]
    schema["properties"]["attachments"] = {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "name", "content_type", "size", "status"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "content_type": {"type": "string"},
                "size": {"type": "integer", "minimum": 0},
                "status": {"type": "string", "enum": list(STATUSES)},
            },
        },
    }
    schema["example"] = {**schema["example"], "attachments": []}
    return schema


_SCHEMAS["ExportedNote"] = _exported_note_schema()
_SCHEMAS["TrashList"] = {
    "type": "object",
    "required": ["notes"],
    "additionalProperties": False,
    "properties": {
        "notes": {
            "type": "array",
            "items": ref("schemas", "TrashedNote"),
            "description": "Most recently deleted first; all of them (the trash keeps each note for a limited time).",
        }
    },
}
_SCHEMAS["NoteHistory"] = {
    "type": "object",
    "required": ["current_version", "versions"],
    "additionalProperties": False,
    "properties": {
        "current_version": {
            "type": "integer",
            "minimum": 1,
            "description": "The note's version now: what a restore must name (`version` or If-Match).",
        },
        "versions": {
            "type": "array",
            "items": ref("schemas", "Note"),
            "description": (
                f"Recorded versions, newest first (the last {HISTORY_KEEP}). A version is recorded a moment after "
                "its change, so the newest may briefly be missing."
            ),
        },
    },
}
_SCHEMAS["VersionRestore"] = {
    "type": "object",
    "description": "Optional: the note's current version, if not sent as If-Match.",
    "properties": {"version": _VERSION_IN},
    "additionalProperties": False,
    "example": {"version": 3},
}

_PARAMETERS: dict[str, Any] = {
    "NoteId": {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": NOTE_ID_PATTERN}},
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": (
            'The ETag you read, e.g. `"3"` (RFC 9110: `*` or a list of entity tags, compared strongly). '
            "If it does not match the note, a 412."
        ),
        "schema": {"type": "string"},
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETags you hold; a 304 with no body when the note is still at one of them.",
        "schema": {"type": "string"},
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": (
            "A unique key per note you mean to create (e.g. a UUID). A retry with the same key and body within "
            f"{settings.API_IDEMPOTENCY_TTL_SECONDS // 3600} hours gets the first answer again (with "
            "`Idempotent-Replayed: true`) and creates nothing; the same key with another body is a 422."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_CHARS, "pattern": IDEMPOTENCY_KEY_PATTERN},
    },
    "Limit": {
        "name": "limit",
        "in": "query",
        "description": "Notes per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": settings.NOTES_PAGE_SIZE},
    },
    "Cursor": {
        "name": "cursor",
        "in": "query",
        "description": "`next_cursor` of the previous page (opaque; only valid for the same user and the same filters and `q`: a search pages through the index, a listing through the notes).",
        "schema": {"type": "string", "maxLength": CURSOR_MAX_CHARS, "format": "notes-cursor"},
    },
    "Category": {
        "name": "category",
        "in": "query",
        "deprecated": True,
        "description": "Deprecated: use `label`. Only notes with this label.",
        "schema": {"type": "string", "maxLength": CATEGORY_MAX_CHARS},
    },
    "Label": {
        "name": "label",
        "in": "query",
        "description": (
            "Only notes with this label (ignoring case and accents). Repeat it for several: all must match. "
            "Results come newest-created first from the label index."
        ),
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "maxItems": LABELS_MAX, "items": _LABEL},
    },
    "Important": {"name": "important", "in": "query", "schema": {"type": "boolean"}},
    "Completed": {"name": "completed", "in": "query", "schema": {"type": "boolean"}},
    "Pinned": {"name": "pinned", "in": "query", "schema": {"type": "boolean"}},
    "Archived": {
        "name": "archived",
        "in": "query",
        "description": "true: the archive only. Otherwise archived notes are left out.",
        "schema": {"type": "boolean"},
    },
    "Q": {
        "name": "q",
        "in": "query",
        "description": (
            "Only notes where every word of this text begins a word of the title, content or labels, "
            "ignoring case and accents (`cafe` finds `Café`, `caf` finds `cafeteria`). Operators: "
            '`"exact phrase"`, `-word` (without it), `label:name`, `label:"with spaces"`, `is:pinned`, '
            "`is:important`, `is:completed`, `in:archive`, `in:trash`. An unknown operator or an unclosed "
            "quote is a 400 that says so. Results come newest-created first from the index, pinned ones "
            "first within a page; a note saved a moment ago is included."
        ),
        "schema": {"type": "string", "maxLength": QUERY_TEXT_MAX_CHARS},
    },
    "VersionNumber": {
        "name": "version",
        "in": "path",
        "required": True,
        "description": "A recorded version's number (from the note's history).",
        "schema": {"type": "integer", "minimum": 1, "maximum": VERSION_MAX},
    },
    "Version": {
        "name": "version",
        "in": "query",
        "description": "The version you read (or send If-Match). A stale one is a 409.",
        "schema": {"type": "integer", "minimum": 1, "maximum": VERSION_MAX},
    },
}

_RESPONSES: dict[str, Any] = {
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

_ETAG_HEADER = {
    "description": "The note's version as an entity tag, for If-Match / If-None-Match.",
    "required": True,
    "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
}


def _note_ok(description: str, *, links: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": _ETAG_HEADER},
        "content": {JSON: {"schema": ref("schemas", "Note")}},
        "links": links,
    }


def _errors(*codes: int) -> dict[str, Any]:
    names = {
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
    return {str(code): ref("responses", names[code]) for code in codes}


_CONDITIONAL = {"updateNote", "replaceNote", "deleteNote"}


def _links(*operations: str, body: str = "$response.body#/id") -> dict[str, Any]:
    links: dict[str, Any] = {}
    for operation in operations:
        parameters: dict[str, str] = {"id": body}
        if operation in _CONDITIONAL:
            parameters["header.If-Match"] = "$response.header.ETag"
        links[operation[0].upper() + operation[1:]] = {"operationId": operation, "parameters": parameters}
    return links


_NOTE_LINKS = ("getNote", "updateNote", "replaceNote", "deleteNote", "listNoteHistory")


_SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


def _paths() -> dict[str, Any]:
    note_id = ref("parameters", "NoteId")
    write_errors = _errors(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 503, 507)
    return {
        "/notes": {
            "get": {
                "operationId": "listNotes",
                "summary": "List your notes, most recently updated first",
                "description": "One page at a time; follow `next_cursor` for the next. Filters combine.",
                "parameters": [
                    ref("parameters", name)
                    for name in (
                        "Limit",
                        "Cursor",
                        "Label",
                        "Category",
                        "Important",
                        "Completed",
                        "Pinned",
                        "Archived",
                        "Q",
                    )
                ],
                "responses": {
                    "200": {
                        "description": "A page of notes.",
                        "content": {JSON: {"schema": ref("schemas", "NoteList")}},
                        "links": {
                            "NextPage": {
                                "operationId": "listNotes",
                                "parameters": {"cursor": "$response.body#/next_cursor"},
                            }
                        },
                    },
                    **_errors(400, 401, 429, 503),
                },
            },
            "post": {
                "operationId": "createNote",
                "summary": "Create a note",
                "parameters": [ref("parameters", "IdempotencyKey")],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "NoteCreate")}}},
                "responses": {
                    "201": {
                        "description": "Created (or, with a reused Idempotency-Key and the same body, created before).",
                        "headers": {
                            "ETag": _ETAG_HEADER,
                            "Location": {"required": True, "schema": {"type": "string"}},
                            "Idempotent-Replayed": {
                                "description": "Present on a replayed answer.",
                                "schema": {"type": "string", "enum": ["true"]},
                            },
                        },
                        "content": {JSON: {"schema": ref("schemas", "Note")}},
                        "links": _links(*_NOTE_LINKS),
                    },
                    **_errors(400, 401, 403, 413, 415, 422, 429, 503, 507),
                },
            },
        },
        "/notes/{id}": {
            "get": {
                "operationId": "getNote",
                "summary": "Get one note",
                "parameters": [note_id, ref("parameters", "IfNoneMatch")],
                "responses": {
                    "200": _note_ok(
                        "The note.", links=_links("updateNote", "replaceNote", "deleteNote", "listNoteHistory")
                    ),
                    "304": {"description": "Not modified since the ETag you hold.", "headers": {"ETag": _ETAG_HEADER}},
                    **_errors(401, 404, 429, 503),
                },
            },
            "put": {
                "operationId": "replaceNote",
                "summary": "Replace a note's editable fields",
                "description": "Conditional: send the version you read (`version` or If-Match).",
                "parameters": [note_id, ref("parameters", "IfMatch")],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "NoteReplace")}}},
                "responses": {
                    "200": _note_ok(
                        "The note as saved.", links=_links("getNote", "updateNote", "deleteNote", "listNoteHistory")
                    ),
                    **write_errors,
                },
            },
            "patch": {
                "operationId": "updateNote",
                "summary": "Change some fields of a note",
                "description": "Conditional: send the version you read (`version` or If-Match).",
                "parameters": [note_id, ref("parameters", "IfMatch")],
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {"schema": ref("schemas", "NotePatch")},
                        "application/merge-patch+json": {"schema": ref("schemas", "NotePatch")},
                    },
                },
                "responses": {
                    "200": _note_ok(
                        "The note as saved.", links=_links("getNote", "updateNote", "deleteNote", "listNoteHistory")
                    ),
                    **write_errors,
                },
            },
            "delete": {
                "operationId": "deleteNote",
                "summary": "Delete a note (to the trash)",
                "description": (
                    f"Moves the note to the trash: it leaves your notes and can be restored for {TRASH_DAYS} days "
                    "(`POST /trash/{id}/restore`), then a daily purge deletes it for good (`DELETE /trash/{id}` "
                    "does so at once). Conditional: send the version you read (`version` or If-Match)."
                ),
                "parameters": [note_id, ref("parameters", "IfMatch"), ref("parameters", "Version")],
                "responses": {
                    "204": {
                        "description": "Moved to the trash.",
                        "links": {
                            "RestoreTrashedNote": {
                                "operationId": "restoreTrashedNote",
                                "parameters": {"id": "$request.path.id"},
                            },
                            "DeleteTrashedNote": {
                                "operationId": "deleteTrashedNote",
                                "parameters": {"id": "$request.path.id"},
                            },
                        },
                    },
                    **_errors(400, 401, 403, 404, 409, 412, 413, 428, 429, 503),
                },
            },
        },
        "/notes/{id}/history": {
            "get": {
                "operationId": "listNoteHistory",
                "summary": "List a note's recorded versions, newest first",
                "description": (
                    f"Every saved change is recorded as a version, a moment after it is made; the last {HISTORY_KEEP} "
                    "are kept while the note lives (and while it is in the trash)."
                ),
                "parameters": [note_id],
                "responses": {
                    "200": {
                        "description": "The note's current version and its recorded versions.",
                        "content": {JSON: {"schema": ref("schemas", "NoteHistory")}},
                        "links": {
                            "RestoreNoteVersion": {
                                "operationId": "restoreNoteVersion",
                                "parameters": {
                                    "id": "$request.path.id",
                                    "version": "$response.body#/versions/0/version",
                                },
                                "requestBody": {"version": "$response.body#/current_version"},
                            }
                        },
                    },
                    **_errors(401, 404, 429, 503),
                },
            }
        },
        "/notes/{id}/history/{version}/restore": {
            "post": {
                "operationId": "restoreNoteVersion",
                "summary": "Make a recorded version the current one again",
                "description": (
                    "The note gets that version's title, content, category and flags as a new version, so nothing "
                    "is lost. Conditional: send the note's current version (`version` in the body, or If-Match)."
                ),
                "parameters": [note_id, ref("parameters", "VersionNumber"), ref("parameters", "IfMatch")],
                "requestBody": {"required": False, "content": {JSON: {"schema": ref("schemas", "VersionRestore")}}},
                "responses": {
                    "200": _note_ok(
                        "The note as restored (a new version).",
                        links=_links("getNote", "updateNote", "deleteNote", "listNoteHistory"),
                    ),
                    **_errors(400, 401, 403, 409, 412, 413, 415, 422, 428, 429, 503, 507),
                    "404": ref("responses", "VersionNotFound"),
                },
            }
        },
        "/trash": {
            "get": {
                "operationId": "listTrash",
                "summary": "List your deleted notes",
                "description": f"Deleted notes stay in the trash for {TRASH_DAYS} days, then are deleted for good.",
                "responses": {
                    "200": {
                        "description": "The trash, most recently deleted first.",
                        "content": {JSON: {"schema": ref("schemas", "TrashList")}},
                    },
                    **_errors(401, 429, 503),
                },
            },
            "delete": {
                "operationId": "emptyTrash",
                "summary": "Empty the trash",
                "description": (
                    "Every note in the trash, and its history, is deleted for good; this cannot be undone. Notes go "
                    "one by one: if the call is interrupted, call it again to finish."
                ),
                "responses": {
                    "200": {
                        "description": "The trash is empty.",
                        "content": {
                            JSON: {
                                "schema": {
                                    "type": "object",
                                    "required": ["deleted"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "deleted": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "description": "How many notes were deleted for good.",
                                        }
                                    },
                                }
                            }
                        },
                    },
                    **_errors(401, 403, 429, 503),
                },
            },
        },
        "/trash/{id}": {
            "delete": {
                "operationId": "deleteTrashedNote",
                "summary": "Delete a note in the trash for good",
                "description": "The note and its history are gone; this cannot be undone. Only notes in the trash.",
                "parameters": [note_id],
                "responses": {
                    "204": {"description": "Deleted for good."},
                    **_errors(400, 401, 403, 413, 429, 503),
                    "404": ref("responses", "NotInTrash"),
                },
            }
        },
        "/trash/{id}/restore": {
            "post": {
                "operationId": "restoreTrashedNote",
                "summary": "Restore a note from the trash",
                "description": "It is back with your notes, as a new version (so its ETag changes).",
                "parameters": [note_id],
                "responses": {
                    "200": _note_ok("The restored note.", links=_links(*_NOTE_LINKS)),
                    **_errors(400, 401, 403, 413, 429, 503),
                    "404": ref("responses", "NotInTrash"),
                },
            }
        },
    }


def build_document(*, server_url: str = "/api") -> dict[str, Any]:
    """The whole document; `server_url` is where the API is mounted (it carries any stage prefix)."""
    return deepcopy(
        {
            "openapi": "3.0.3",
            "info": {
                "title": "Notes Console API",
                "version": "1.0.0",
                "description": (
                    "Your notes as JSON. Authenticate with a personal API token (make one on the Tokens page, "
                    "/accounts/tokens/) as `Authorization: Bearer nc_...`, or with the browser session (then "
                    "changes also need the `X-CSRFToken` header).\n\n"
                    'Every error is JSON: `{"error": {"code", "message", "fields", "reference"}}`, where '
                    "`reference` is the request's correlation id. A method a path does not support is a 405 with "
                    "`Allow`; an unknown path is a 404.\n\n"
                    "Changes are conditional on the version you read: send it as `version` (body, or query for "
                    "DELETE) or as If-Match with the ETag. A stale `version` is a 409, a stale If-Match a 412, "
                    "neither a 428.\n\n"
                    f"Deleting moves a note to the trash (`/trash`), restorable for {TRASH_DAYS} days. Every saved "
                    "change is recorded as a version (`/notes/{id}/history`), and any recorded version can be "
                    "restored as a new one."
                ),
            },
            "servers": [{"url": server_url or "/"}],
            "security": _SECURITY,
            "paths": {
                **_paths(),
                **openapi_bulk.paths(),
                **openapi_labels.paths(),
                **openapi_attachments.paths(),
                **openapi_transfer.paths(),
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "bearerFormat": "nc_<43 characters>",
                        "description": "A personal API token from /accounts/tokens/.",
                    },
                    "sessionCookie": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": settings.SESSION_COOKIE_NAME,
                        "description": "The browser session; unsafe methods also need the X-CSRFToken header.",
                    },
                },
                "schemas": {
                    **_SCHEMAS,
                    **openapi_bulk.SCHEMAS,
                    **openapi_labels.SCHEMAS,
                    **openapi_attachments.SCHEMAS,
                    **openapi_transfer.SCHEMAS,
                },
                "parameters": {
                    **_PARAMETERS,
                    **openapi_bulk.PARAMETERS,
                    **openapi_attachments.PARAMETERS,
                    **openapi_transfer.PARAMETERS,
                },
                "responses": {
                    **_RESPONSES,
                    **openapi_bulk.RESPONSES,
                    **openapi_labels.RESPONSES,
                    **openapi_attachments.RESPONSES,
                    **openapi_transfer.RESPONSES,
                },
            },
        }
    )
