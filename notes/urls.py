"""Notes pages. Included by console/urls.py at /notes/."""

from __future__ import annotations

from django.urls import path, register_converter

from notes import views


class NoteIdConverter:
    # Note ids are uuid hex (random, or derived from a client token); anything else is a 404 without a read.
    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NoteIdConverter, "note_id")

app_name = "notes"

urlpatterns = [
    path("", views.note_list, name="list"),
    path("new", views.note_new, name="new"),
    path("categories", views.note_categories, name="categories"),
    path("trash/", views.trash_page, name="trash"),
    path("trash/empty", views.trash_empty, name="trash_empty"),
    path("<note_id:note_id>/", views.note_detail, name="detail"),
    path("<note_id:note_id>/edit", views.note_edit, name="edit"),
    path("<note_id:note_id>/delete", views.note_delete_page, name="delete"),
    path("<note_id:note_id>/toggle/<str:field>", views.note_toggle, name="toggle"),
    path("<note_id:note_id>/restore/", views.note_restore, name="restore"),
    path("<note_id:note_id>/delete-forever/", views.note_delete_forever, name="delete_forever"),
    path("<note_id:note_id>/history/", views.note_history_page, name="history"),
    path("<note_id:note_id>/history/<int:version>/restore/", views.note_restore_version, name="restore_version"),
]
