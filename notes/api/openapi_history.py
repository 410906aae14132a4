"""The history and trash operations of the OpenAPI document (merged into it by notes/api/openapi.py): a note's
recorded versions and their restore, and the deleted notes (listed, restored, deleted for good)."""

from __future__ import annotations

from typing import Any

from notes.api.openapi_errors import error_refs
from notes.api.openapi_notes import NOTE_LINKS, VERSION_IN, note_links, note_ok
from notes.api.openapi_refs import JSON, ref
from notes.domain import HISTORY_KEEP, TRASH_DAYS

SCHEMAS: dict[str, Any] = {
    "TrashList": {
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
    },
    "NoteHistory": {
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
    },
    "VersionRestore": {
        "type": "object",
        "description": "Optional: the note's current version, if not sent as If-Match.",
        "properties": {"version": VERSION_IN},
        "additionalProperties": False,
        "example": {"version": 3},
    },
}


def paths() -> dict[str, Any]:
    note_id = ref("parameters", "NoteId")
    return {
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
                    **error_refs(401, 404, 429, 503),
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
                    "200": note_ok(
                        "The note as restored (a new version).",
                        links=note_links("getNote", "updateNote", "deleteNote", "listNoteHistory"),
                    ),
                    **error_refs(400, 401, 403, 409, 412, 413, 415, 422, 428, 429, 503, 507),
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
                    **error_refs(401, 429, 503),
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
                    **error_refs(401, 403, 429, 503),
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
                    **error_refs(400, 401, 403, 413, 429, 503),
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
                    "200": note_ok("The restored note.", links=note_links(*NOTE_LINKS)),
                    **error_refs(400, 401, 403, 413, 429, 503),
                    "404": ref("responses", "NotInTrash"),
                },
            }
        },
    }
