"""Mounted at /api/ by console/urls.py."""

from __future__ import annotations

from django.urls import path, re_path

from notes import api

urlpatterns = [
    path("", api.api_docs, name="api-docs"),
    path("openapi.json", api.openapi_document, name="api-openapi"),
    path("notes", api.notes_collection, name="api-notes"),
    path("notes/<str:note_id>", api.note_item, name="api-note"),
    path("notes/<str:note_id>/history", api.note_history, name="api-note-history"),
    path(
        "notes/<str:note_id>/history/<str:version>/restore", api.note_version_restore, name="api-note-version-restore"
    ),
    path("trash", api.trash_collection, name="api-trash"),
    path("trash/<str:note_id>", api.trash_item, name="api-trash-item"),
    path("trash/<str:note_id>/restore", api.trash_restore, name="api-trash-restore"),
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
