"""Mounted at /api/ by console/urls.py."""

from __future__ import annotations

from functools import partial

from django.urls import path, re_path

from console.web.lazy_views import lazy_view

# Loaded on the first API request: a cold start that serves a page skips the API's modules. The note
# endpoints check CSRF themselves (only for session-authenticated requests), so they are csrf_exempt.
_api = partial(lazy_view, "notes.api.views", csrf_exempt=True)
# The public ones (the page, the document, the catch-all 404) change nothing and answer only GET, so CSRF has
# nothing to protect there: exempt, a POST to them (or to any unknown /api/ path) gets the API's JSON 405/404
# rather than the CSRF failure.
_public = partial(lazy_view, "notes.api.views", csrf_exempt=True)
_transfer = partial(lazy_view, "notes.api.transfer", csrf_exempt=True)
_attachments = partial(lazy_view, "notes.api.attachments", csrf_exempt=True)
_bulk = partial(lazy_view, "notes.api.bulk", csrf_exempt=True)
_labels = partial(lazy_view, "notes.api.labels", csrf_exempt=True)

# Reversed as "api:docs", "api:note", ...
app_name = "api"

urlpatterns = [
    path("", _public("api_docs"), name="docs"),
    path("openapi.json", _public("openapi_document"), name="openapi"),
    path("notes", _api("notes_collection"), name="notes"),
    # Before notes/<id>: "bulk" is not a note id.
    path("notes/bulk", _bulk("bulk_collection"), name="notes-bulk"),
    path("notes/bulk/undo", _bulk("bulk_undo"), name="notes-bulk-undo"),
    path("notes/<str:note_id>", _api("note_item"), name="note"),
    path("notes/<str:note_id>/history", _api("note_history"), name="note-history"),
    path(
        "notes/<str:note_id>/history/<str:version>/restore",
        _api("note_version_restore"),
        name="note-version-restore",
    ),
    path("notes/<str:note_id>/attachments", _attachments("attachments_collection"), name="note-attachments"),
    path(
        "notes/<str:note_id>/attachments/<str:attachment_id>",
        _attachments("attachment_item"),
        name="note-attachment",
    ),
    path("labels", _labels("labels_collection"), name="labels"),
    path("labels/rename", _labels("labels_rename"), name="labels-rename"),
    path("labels/delete", _labels("labels_delete"), name="labels-delete"),
    path("trash", _api("trash_collection"), name="trash"),
    path("trash/<str:note_id>", _api("trash_item"), name="trash-item"),
    path("trash/<str:note_id>/restore", _api("trash_restore"), name="trash-restore"),
    path("export", _transfer("export_collection"), name="export"),
    path("export/notes.json", _transfer("export_json"), name="export-json"),
    path("export/notes.zip", _transfer("export_markdown"), name="export-markdown"),
    path("import", _transfer("import_collection"), name="import"),
    re_path(r"^(?P<rest>.*)$", _public("not_found")),
]
