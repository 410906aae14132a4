"""A note's history page: its recorded versions, newest first, each with what changed, and an earlier one
restored as a new version. Thin views over notes.services; keys always come from request.user."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from console.web.htmx_request import HtmxHttpRequest
from notes import services
from notes.domain import Note, NoteNotFound, VersionConflict
from notes.list_pages import posted_version, signed_in, with_notice


def _history_entries(note: Note, versions: list[Note]) -> list[dict[str, Any]]:
    """Newest first, each with what changed since the next older recorded version."""
    from notes.version_diff import changes_between  # difflib: only the history page needs it

    entries = []
    for i, version in enumerate(versions):
        older = versions[i + 1] if i + 1 < len(versions) else None
        entries.append(
            {
                "note": version,
                "current": version.version == note.version,
                "changes": changes_between(older, version) if older else None,
            }
        )
    return entries


def _render_history(
    request: HtmxHttpRequest, note: Note, versions: list[Note], *, notice: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "note": note,
        "entries": _history_entries(note, versions),
        # Versions are recorded from the table's stream, a moment after each change.
        "pending": not versions or versions[0].version < note.version,
        "notice": notice,
    }
    partial = request.htmx and request.htmx.target == "history"
    return render(request, "notes/_history.html" if partial else "notes/history.html", context, status=status)


@signed_in
@require_safe
def note_history_page(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    try:
        note, versions = services.note_with_history(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note.") from None
    return _render_history(request, note, versions)


@signed_in
@require_POST
def note_restore_version(request: HtmxHttpRequest, note_id: str, version: int) -> HttpResponse:
    """An earlier version becomes the current one, as a new version; conditional on the version the page
    showed as current, like an edit (a stale page gets the history again, as it is now, with a 409)."""
    expected = posted_version(request)
    user_id = request.user.id
    try:
        if expected is None:
            note, versions = services.note_with_history(user_id=user_id, note_id=note_id)
            notice = "The form was missing the note's version, so nothing was restored. Please try again."
            return _render_history(request, note, versions, notice=notice, status=400)
        try:
            services.note_restore_version(user_id=user_id, note_id=note_id, version=version, expected_version=expected)
        except VersionConflict:
            note, versions = services.note_with_history(user_id=user_id, note_id=note_id)
            notice = (
                f"This note changed since you opened its history (it is now version {note.version}), so version "
                f"{version} was not restored. This is its history as it is now; restore again if you still want it."
            )
            return _render_history(request, note, versions, notice=notice, status=409)
    except NoteNotFound:
        raise Http404("No such note or version.") from None
    url = with_notice(reverse("notes:detail", args=[note_id]), "restored_version", str(version))
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
