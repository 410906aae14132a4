"""Mounted at /api/ by console/urls.py."""

from __future__ import annotations

from django.urls import path, re_path

from notes import api

urlpatterns = [
    path("", api.api_docs, name="api-docs"),
    path("openapi.json", api.openapi_document, name="api-openapi"),
    path("notes", api.notes_collection, name="api-notes"),
    path("notes/<str:note_id>", api.note_item, name="api-note"),
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
