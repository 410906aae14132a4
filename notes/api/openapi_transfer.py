"""The export and import operations of the OpenAPI document (merged into it by notes/api/openapi.py), built
from the limits notes/exports.py and notes/imports.py enforce."""

from __future__ import annotations

from functools import partial
from typing import Any

from notes.api.openapi_errors import error_refs
from notes.api.openapi_refs import JSON, ref
from notes.exports import LAMBDA_RESPONSE_LIMIT, PART_MAX_BYTES, PART_TARGET_BYTES
from notes.imports import IMPORT_MAX_BYTES, IMPORT_TIME_BUDGET_SECONDS

ZIP = "application/zip"
NOTE_ID_PATTERN = "^[0-9a-f]{32}$"


_errors = partial(error_refs, names={422: "ImportRejected"})


_PART = {
    "type": "object",
    "required": ["part", "notes", "bytes", "url"],
    "additionalProperties": False,
    "properties": {
        "part": {"type": "integer", "minimum": 1},
        "notes": {"type": "integer", "minimum": 0, "description": "Notes in the part when planned."},
        "bytes": {
            "type": "integer",
            "minimum": 0,
            "description": "Its size as Lambda sends it (an upper bound for the zip).",
        },
        "url": {"type": "string", "description": "Where to download it (a range of note ids)."},
    },
}

SCHEMAS: dict[str, Any] = {
    "ExportPart": _PART,
    "ExportPlan": {
        "type": "object",
        "required": ["notes", "part_max_bytes", "json", "markdown"],
        "additionalProperties": False,
        "properties": {
            "notes": {"type": "integer", "minimum": 0},
            "part_max_bytes": {"type": "integer", "enum": [PART_TARGET_BYTES]},
            "json": {"type": "array", "minItems": 1, "items": ref("schemas", "ExportPart")},
            "markdown": {"type": "array", "minItems": 1, "items": ref("schemas", "ExportPart")},
        },
    },
    "ExportFile": {
        "type": "object",
        "required": ["format", "version", "exported_at", "part", "notes", "complete", "rest"],
        "additionalProperties": False,
        "properties": {
            "format": {"type": "string", "enum": ["notes-console"]},
            "version": {"type": "integer", "enum": [1]},
            "exported_at": {"type": "string", "format": "date-time"},
            "part": {"type": "integer", "minimum": 1},
            "notes": {"type": "array", "items": ref("schemas", "ExportedNote")},
            "complete": {
                "type": "boolean",
                "description": "False if the part grew past its limit since it was planned.",
            },
            "rest": {"type": "string", "nullable": True, "description": "Then: the URL of the rest of the part."},
        },
    },
    "ImportResult": {
        "type": "object",
        "required": [
            "formats",
            "found",
            "created",
            "already",
            "left_out",
            "attachments",
            "remaining",
            "trashed",
            "created_ids",
            "not_kept",
            "not_kept_total",
        ],
        "additionalProperties": False,
        "properties": {
            "formats": {"type": "array", "items": {"type": "string", "enum": ["Notes Console", "Simplenote", "Keep"]}},
            "found": {"type": "integer", "minimum": 0, "description": "Notes in the file."},
            "created": {"type": "integer", "minimum": 0},
            "already": {
                "type": "integer",
                "minimum": 0,
                "description": "Imported before, or already yours: not added.",
            },
            "left_out": {
                "type": "integer",
                "minimum": 0,
                "deprecated": True,
                "description": "Always 0: notes of the other app's trash are imported into the trash (trashed).",
            },
            "attachments": {
                "type": "integer",
                "minimum": 0,
                "description": "Files attached to the imported notes (a file refused is listed in not_kept).",
            },
            "trashed": {
                "type": "integer",
                "minimum": 0,
                "description": "Of created: put in the trash, as they were in the other app's.",
            },
            "remaining": {
                "type": "integer",
                "minimum": 0,
                "description": "Not imported for lack of time: send the same file again to add them.",
            },
            "created_ids": {"type": "array", "items": {"type": "string", "pattern": NOTE_ID_PATTERN}},
            "not_kept": {
                "type": "array",
                "description": "What the notes held that could not be kept (they were imported without it), per "
                "file or note: the first files only (not_kept_total counts every finding).",
                "items": {
                    "type": "object",
                    "required": ["source", "what"],
                    "additionalProperties": False,
                    "properties": {
                        "source": {
                            "type": "string",
                            "description": 'The file, and the note in it: "notes.json, note 3".',
                        },
                        "what": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "not_kept_total": {"type": "integer", "minimum": 0},
        },
    },
}

PARAMETERS: dict[str, Any] = {
    "Part": {
        "name": "part",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 99999, "default": 1},
    },
    "After": {
        "name": "after",
        "in": "query",
        "description": "The part holds notes with a greater id.",
        "schema": {"type": "string", "pattern": NOTE_ID_PATTERN},
    },
    "Until": {
        "name": "until",
        "in": "query",
        "description": "... up to this id (none: to the last note).",
        "schema": {"type": "string", "pattern": NOTE_ID_PATTERN},
    },
}

RESPONSES: dict[str, Any] = {
    "ImportRejected": {
        "description": "The file cannot be imported as it is (`problems` says what and where); nothing was stored.",
        "content": {JSON: {"schema": ref("schemas", "Error")}},
    },
}

_PARTS_NOTE = (
    f"A response leaves Lambda as at most {LAMBDA_RESPONSE_LIMIT:,} bytes, so an export comes in parts of at most "
    f"{PART_TARGET_BYTES:,} bytes as sent (a JSON body is escaped once more by Lambda, a zip is base64). Get the "
    "plan, then every part's `url`. Parts are ranges of note ids: a note edited meanwhile stays in its part. A part "
    f"that grew past {PART_MAX_BYTES:,} bytes since the plan stops early and says where its rest is."
)


def paths() -> dict[str, Any]:
    part_parameters = [ref("parameters", name) for name in ("Part", "After", "Until")]
    return {
        "/export": {
            "get": {
                "operationId": "planExport",
                "summary": "Plan an export of all your notes, in parts",
                "description": _PARTS_NOTE + " Only live notes are exported, not the trash.",
                "responses": {
                    "200": {
                        "description": "The parts of each format.",
                        "content": {JSON: {"schema": ref("schemas", "ExportPlan")}},
                    },
                    **_errors(401, 429, 503),
                },
            }
        },
        "/export/notes.json": {
            "get": {
                "operationId": "exportJsonPart",
                "summary": "Download a part of the export as JSON",
                "description": "Every field of every note; `POST /import` takes it back.",
                "parameters": part_parameters,
                "responses": {
                    "200": {"description": "The part.", "content": {JSON: {"schema": ref("schemas", "ExportFile")}}},
                    **_errors(400, 401, 429, 503),
                },
            }
        },
        "/export/notes.zip": {
            "get": {
                "operationId": "exportMarkdownPart",
                "summary": "Download a part of the export as a zip of Markdown files",
                "description": "One `.md` file per note, its fields in YAML front matter.",
                "parameters": part_parameters,
                "responses": {
                    "200": {
                        "description": "The part.",
                        "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **_errors(400, 401, 429, 503),
                },
            }
        },
        "/import": {
            "post": {
                "operationId": "importNotes",
                "summary": "Import notes from an export file",
                "description": (
                    "The body is the file: a part of this app's JSON export, Simplenote's `notes.json` or its "
                    "`notes.zip`, one Google Keep note's JSON from Takeout or Takeout's zip. Every note is checked "
                    "before any is stored (a file that cannot be imported as it is is a 422 naming the file, the note "
                    "and the field). The same file again adds nothing. An import stops after "
                    f"{IMPORT_TIME_BUDGET_SECONDS:g} s, before the request's deadline, or when the store stops "
                    "answering once some notes are stored; `remaining` then says how many are left for the next "
                    "try. This app's Markdown export (a zip of .md files) imports too."
                ),
                "requestBody": {
                    "required": True,
                    "description": f"At most {IMPORT_MAX_BYTES:,} bytes.",
                    "content": {
                        JSON: {"schema": {"type": "object"}},
                        ZIP: {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "What was imported.",
                        "content": {JSON: {"schema": ref("schemas", "ImportResult")}},
                    },
                    **_errors(400, 401, 403, 413, 415, 422, 429, 503),
                },
            }
        },
    }
