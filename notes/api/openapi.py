"""The OpenAPI 3 document of the JSON API, served at /api/openapi.json: its info and security, and its parts
assembled in order (notes, history and trash, bulk, labels, attachments, transfer, and the error responses
they all refer to; one module each).

Built from the same constants the API validates with (notes/api/input.py, notes/domain.py), so the two
cannot drift; schemathesis (tests/integration/test_api_schemathesis.py) checks the running API against it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django.conf import settings

from notes.api import (
    openapi_attachments,
    openapi_bulk,
    openapi_errors,
    openapi_history,
    openapi_labels,
    openapi_notes,
    openapi_transfer,
)
from notes.domain import TRASH_DAYS

_SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


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
                **openapi_notes.paths(),
                **openapi_history.paths(),
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
                    **openapi_notes.SCHEMAS,
                    **openapi_history.SCHEMAS,
                    **openapi_bulk.SCHEMAS,
                    **openapi_labels.SCHEMAS,
                    **openapi_attachments.SCHEMAS,
                    **openapi_transfer.SCHEMAS,
                },
                "parameters": {
                    **openapi_notes.PARAMETERS,
                    **openapi_bulk.PARAMETERS,
                    **openapi_attachments.PARAMETERS,
                    **openapi_transfer.PARAMETERS,
                },
                "responses": {
                    **openapi_errors.RESPONSES,
                    **openapi_bulk.RESPONSES,
                    **openapi_labels.RESPONSES,
                    **openapi_attachments.RESPONSES,
                    **openapi_transfer.RESPONSES,
                },
            },
        }
    )
