"""Notes pages. Included by console/urls.py at /notes/.

The views' module loads on the first notes request (console/web/lazy_views.py): an anonymous cold start
(the home page, sign-in) does not need it."""

from __future__ import annotations

from functools import partial

from django.urls import path, register_converter

from console.web.lazy_views import lazy_view
from notes.ids import NOTE_ID_PATTERN

_view = partial(lazy_view, "notes.views")
_list_view = partial(lazy_view, "notes.list_pages")
_trash_view = partial(lazy_view, "notes.trash_views")
_history_view = partial(lazy_view, "notes.history_views")
_label_view = partial(lazy_view, "notes.label_views")
_transfer_view = partial(lazy_view, "notes.transfer_views")
_writing_view = partial(lazy_view, "notes.writing_views")
_attachment_view = partial(lazy_view, "notes.attachment_views")
_bulk_view = partial(lazy_view, "notes.bulk_views")


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
    path("", _list_view("note_list"), name="list"),
    path("new", _view("note_new"), name="new"),
    path("quick", _writing_view("note_quick_create"), name="quick"),
    path("categories", _list_view("note_categories"), name="categories"),
    path("trash/", _trash_view("trash_page"), name="trash"),
    path("archive/", _list_view("archive_page"), name="archive"),
    path("labels/", _label_view("labels_page"), name="labels"),
    path("labels/rename", _label_view("label_rename"), name="label_rename"),
    path("labels/delete", _label_view("label_delete"), name="label_delete"),
    path("export/", _transfer_view("export_page"), name="export"),
    path("export/notes.json", _transfer_view("export_json"), name="export_json"),
    path("export/notes.zip", _transfer_view("export_markdown"), name="export_markdown"),
    path("import/", _transfer_view("import_page"), name="import"),
    path("trash/empty", _trash_view("trash_empty"), name="trash_empty"),
    path("bulk", _bulk_view("bulk_action"), name="bulk"),
    path("bulk/undo", _bulk_view("bulk_undo"), name="bulk_undo"),
    path("<note_id:note_id>/", _view("note_detail"), name="detail"),
    path("<note_id:note_id>/edit", _view("note_edit"), name="edit"),
    path("<note_id:note_id>/delete", _view("note_delete_page"), name="delete"),
    path("<note_id:note_id>/toggle/<str:field>", _view("note_toggle"), name="toggle"),
    path("<note_id:note_id>/task", _writing_view("note_task_toggle"), name="task"),
    path("<note_id:note_id>/autosave", _writing_view("note_autosave"), name="autosave"),
    path("<note_id:note_id>/restore/", _trash_view("note_restore"), name="restore"),
    path("<note_id:note_id>/delete-forever/", _trash_view("note_delete_forever"), name="delete_forever"),
    path("<note_id:note_id>/history/", _history_view("note_history_page"), name="history"),
    path(
        "<note_id:note_id>/history/<int:version>/restore/",
        _history_view("note_restore_version"),
        name="restore_version",
    ),
    path("<note_id:note_id>/attachments/", _attachment_view("attachments_fragment"), name="attachments"),
    path("<note_id:note_id>/attachments/new", _attachment_view("attachment_form"), name="attach"),
    path("<note_id:note_id>/attachments/<str:attachment_id>", _attachment_view("attachment_file"), name="attachment"),
    path(
        "<note_id:note_id>/attachments/<str:attachment_id>/remove",
        _attachment_view("attachment_remove"),
        name="attachment_remove",
    ),
]
