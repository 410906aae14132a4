"""Notes pages. Included by console/urls.py at /notes/."""

from __future__ import annotations

from django.urls import path, register_converter

from notes import views
from notes.domain import NOTE_ID_PATTERN


class NoteIdConverter:
    # Anything but a note id is a 404 without a read.
    regex = NOTE_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NoteIdConverter, "note_id")

app_name = "notes"

urlpatterns = [
    path("", views.note_list, name="list"),
    path("new", views.note_new, name="new"),
    path("trash/", views.trash_page, name="trash"),
    path("<note_id:note_id>/", views.note_detail, name="detail"),
    path("<note_id:note_id>/edit", views.note_edit, name="edit"),
    path("<note_id:note_id>/delete", views.note_delete_page, name="delete"),
    path("<note_id:note_id>/toggle/<str:field>", views.note_toggle, name="toggle"),
    path("<note_id:note_id>/restore/", views.note_restore, name="restore"),
    path("<note_id:note_id>/delete-forever/", views.note_delete_forever, name="delete_forever"),
    path("<note_id:note_id>/history/", views.note_history_page, name="history"),
    path("<note_id:note_id>/history/<int:version>/restore/", views.note_restore_version, name="restore_version"),
]
