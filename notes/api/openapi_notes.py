"""The notes' own part of the OpenAPI document (merged into it by notes/api/openapi.py): the note's fields from
notes/domain.py and notes/api/input.py, its schemas (the trashed and exported note derive from it), the parameters
the notes, history and trash operations use, and the /notes and /notes/{id} operations."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django.conf import settings

from notes.api.input import (
    CONTENT_MAX_CHARS,
    CURSOR_MAX_CHARS,
    IDEMPOTENCY_KEY_PATTERN,
    QUERY_TEXT_MAX_CHARS,
    VERSION_MAX,
)
from notes.api.openapi_errors import ERROR_SCHEMA, error_refs
from notes.api.openapi_refs import JSON, ref
from notes.attachments import STATUSES
from notes.domain import (
    CATEGORY_MAX_CHARS,
    CONTENT_MAX_BYTES,
    DEFAULT_CATEGORY,
    FIELD,
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
VERSION_IN = {
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
        properties["version"] = VERSION_IN
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


SCHEMAS: dict[str, Any] = {
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
    "Error": ERROR_SCHEMA,
}


def _trashed_note_schema() -> dict[str, Any]:
    schema = deepcopy(SCHEMAS["Note"])
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


SCHEMAS["TrashedNote"] = _trashed_note_schema()


def _exported_note_schema() -> dict[str, Any]:
    """A note of the JSON export: every field, and its attachments listed (their files are in the zip export)."""
    schema = deepcopy(SCHEMAS["Note"])
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


SCHEMAS["ExportedNote"] = _exported_note_schema()

PARAMETERS: dict[str, Any] = {
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


_ETAG_HEADER = {
    "description": "The note's version as an entity tag, for If-Match / If-None-Match.",
    "required": True,
    "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
}


def note_ok(description: str, *, links: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": _ETAG_HEADER},
        "content": {JSON: {"schema": ref("schemas", "Note")}},
        "links": links,
    }


_CONDITIONAL = {"updateNote", "replaceNote", "deleteNote"}


def note_links(*operations: str, body: str = "$response.body#/id") -> dict[str, Any]:
    links: dict[str, Any] = {}
    for operation in operations:
        parameters: dict[str, str] = {"id": body}
        if operation in _CONDITIONAL:
            parameters["header.If-Match"] = "$response.header.ETag"
        links[operation[0].upper() + operation[1:]] = {"operationId": operation, "parameters": parameters}
    return links


NOTE_LINKS = ("getNote", "updateNote", "replaceNote", "deleteNote", "listNoteHistory")


def paths() -> dict[str, Any]:
    note_id = ref("parameters", "NoteId")
    write_errors = error_refs(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 503, 507)
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
                    **error_refs(400, 401, 429, 503),
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
                        "links": note_links(*NOTE_LINKS),
                    },
                    **error_refs(400, 401, 403, 413, 415, 422, 429, 503, 507),
                },
            },
        },
        "/notes/{id}": {
            "get": {
                "operationId": "getNote",
                "summary": "Get one note",
                "parameters": [note_id, ref("parameters", "IfNoneMatch")],
                "responses": {
                    "200": note_ok(
                        "The note.", links=note_links("updateNote", "replaceNote", "deleteNote", "listNoteHistory")
                    ),
                    "304": {"description": "Not modified since the ETag you hold.", "headers": {"ETag": _ETAG_HEADER}},
                    **error_refs(401, 404, 429, 503),
                },
            },
            "put": {
                "operationId": "replaceNote",
                "summary": "Replace a note's editable fields",
                "description": "Conditional: send the version you read (`version` or If-Match).",
                "parameters": [note_id, ref("parameters", "IfMatch")],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "NoteReplace")}}},
                "responses": {
                    "200": note_ok(
                        "The note as saved.", links=note_links("getNote", "updateNote", "deleteNote", "listNoteHistory")
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
                    "200": note_ok(
                        "The note as saved.", links=note_links("getNote", "updateNote", "deleteNote", "listNoteHistory")
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
                    **error_refs(400, 401, 403, 404, 409, 412, 413, 428, 429, 503),
                },
            },
        },
    }
