"""The attachments operations of the OpenAPI document (merged into it by notes/api/openapi.py), built from the
rules notes/attachments.py enforces."""

from __future__ import annotations

from functools import partial
from typing import Any

from notes.api.openapi_errors import error_refs
from notes.api.openapi_refs import JSON, ref
from notes.attachments import (
    ALLOWED_TYPES,
    ATTACHMENT_ID_PATTERN,
    FORM_DECLARED,
    MAX_BYTES,
    NAME_MAX_CHARS,
    STATUSES,
)

NOTE_ID_PATTERN = "^[0-9a-f]{32}$"


_errors = partial(error_refs, names={404: "AttachmentNotFound", 422: "AttachmentUnprocessable", 507: "QuotaExceeded"})


_URL = {"type": "string", "nullable": True, "description": "A short-lived presigned GET (minutes); null until ready."}

SCHEMAS: dict[str, Any] = {
    "Attachment": {
        "type": "object",
        "required": ["id", "name", "content_type", "size", "status", "reason", "url", "thumbnail_url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": f"^{ATTACHMENT_ID_PATTERN}$"},
            "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_CHARS},
            "content_type": {
                "type": "string",
                "enum": [*ALLOWED_TYPES, FORM_DECLARED],
                "description": f"The checked type once ready; `{FORM_DECLARED}` while a file sent by the page's "
                "plain form (whose own field declares the type) is pending.",
            },
            "size": {"type": "integer", "minimum": 1, "maximum": MAX_BYTES},
            "status": {
                "type": "string",
                "enum": list(STATUSES),
                "description": "pending until S3's event is processed; then ready, or rejected with a reason.",
            },
            "reason": {"type": "string", "nullable": True, "description": "Why the file was rejected."},
            "url": {
                **_URL,
                "description": _URL["description"] + " Served as a download unless a JPEG, PNG, GIF or WebP image.",
            },
            "thumbnail_url": _URL,
        },
    },
    "AttachmentCreate": {
        "type": "object",
        "required": ["name", "content_type", "size"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "type": "string",
                "minLength": 1,
                "description": f"The file's name; folders are dropped and it is cut to {NAME_MAX_CHARS} characters.",
            },
            "content_type": {"type": "string", "enum": list(ALLOWED_TYPES)},
            "size": {"type": "integer", "minimum": 1, "maximum": MAX_BYTES},
        },
    },
    "AttachmentList": {
        "type": "object",
        "required": ["attachments"],
        "additionalProperties": False,
        "properties": {"attachments": {"type": "array", "items": ref("schemas", "Attachment")}},
    },
    "AttachmentUpload": {
        "type": "object",
        "required": ["attachment", "upload"],
        "additionalProperties": False,
        "properties": {
            "attachment": ref("schemas", "Attachment"),
            "upload": {
                "type": "object",
                "required": ["url", "fields"],
                "additionalProperties": False,
                "description": (
                    "A presigned POST: send multipart/form-data to `url` with every field of `fields`, then the file "
                    f"as the last field, `file`. S3 refuses a file over {MAX_BYTES:,} bytes or of another type, and "
                    "the form after a few minutes."
                ),
                "properties": {
                    "url": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
    },
}

PARAMETERS: dict[str, Any] = {
    "AttachmentId": {
        "name": "attachment_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": f"^{ATTACHMENT_ID_PATTERN}$"},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ref("schemas", "Error")}}}


RESPONSES: dict[str, Any] = {
    "AttachmentNotFound": _error("You have no note with this id, or it has no such attachment."),
    "AttachmentUnprocessable": _error("The name, type or size is not allowed; see fields."),
    "QuotaExceeded": _error("The file would not fit in your storage quota."),
}


def paths() -> dict[str, Any]:
    note = ref("parameters", "NoteId")
    return {
        "/notes/{id}/attachments": {
            "get": {
                "operationId": "listAttachments",
                "summary": "List a note's attachments",
                "parameters": [note],
                "responses": {
                    "200": {
                        "description": "Oldest first.",
                        "content": {JSON: {"schema": ref("schemas", "AttachmentList")}},
                    },
                    **_errors(401, 404, 429, 503),
                },
            },
            "post": {
                "operationId": "startAttachmentUpload",
                "summary": "Attach a file: get the presigned POST that uploads it to S3",
                "description": (
                    "The file's bytes go straight to S3, never through this API. Once S3 has it, the app checks the "
                    "bytes (the real type, not the name or the claim), strips image metadata and makes a thumbnail; "
                    "the attachment then turns ready or rejected."
                ),
                "parameters": [note],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("schemas", "AttachmentCreate")}}},
                "responses": {
                    "201": {
                        "description": "Pending; upload the file with `upload`.",
                        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                        "content": {JSON: {"schema": ref("schemas", "AttachmentUpload")}},
                        "links": {
                            name: {
                                "operationId": op,
                                "parameters": {
                                    "id": "$request.path.id",
                                    "attachment_id": "$response.body#/attachment/id",
                                },
                            }
                            for name, op in (
                                ("GetAttachment", "getAttachment"),
                                ("DeleteAttachment", "deleteAttachment"),
                            )
                        },
                    },
                    **_errors(400, 401, 403, 404, 413, 415, 422, 429, 503, 507),
                },
            },
        },
        "/notes/{id}/attachments/{attachment_id}": {
            "get": {
                "operationId": "getAttachment",
                "summary": "Read one attachment (with a short-lived URL once ready)",
                "parameters": [note, ref("parameters", "AttachmentId")],
                "responses": {
                    "200": {
                        "description": "The attachment.",
                        "content": {JSON: {"schema": ref("schemas", "Attachment")}},
                    },
                    **_errors(401, 404, 429, 503),
                },
            },
            "delete": {
                "operationId": "deleteAttachment",
                "summary": "Remove an attachment and its file",
                "parameters": [note, ref("parameters", "AttachmentId")],
                "responses": {"204": {"description": "Removed."}, **_errors(401, 403, 404, 429, 503)},
            },
        },
    }
