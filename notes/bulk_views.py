"""Bulk actions from the list, the archive and the trash: a plain form (checkboxes carry each note's id and the
version the page showed), answered by a redirect back to the page with what happened and an Undo. JavaScript
only helps choose (select all on this page, shift-click ranges, a count); the form works without it.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_POST

from notes import bulk, bulk_notice
from notes.domain import NOTE_ID_PATTERN, NoteNotFound, ValidationError
from notes.list_pages import render_list, safe_next, signed_in, with_notice

_PICK_RE = re.compile(rf"({NOTE_ID_PATTERN.strip('^$')}):([0-9]{{1,9}})")


def _targets(post: QueryDict) -> tuple[list[bulk.Target], int]:
    """The chosen notes (id and the version the page showed), and how many values could not be read."""
    picked, unreadable = [], 0
    for value in post.getlist("note"):
        match = _PICK_RE.fullmatch(value)
        if match is None:
            unreadable += 1
            continue
        picked.append(bulk.Target(match.group(1), int(match.group(2))))
    return picked, unreadable


def _refused(request: HttpRequest, next_url: str, error: dict[str, str], targets: list[bulk.Target]) -> HttpResponse:
    """The page the action was made on again (400), with the message and everything as it was chosen."""
    path, _, query = next_url.partition("?")
    if path == reverse("notes:trash"):
        from notes.trash_views import trash_page_response

        return trash_page_response(request, status=400, bulk_error=error, bulk_selected=_ids(targets))
    return render_list(
        request,
        QueryDict(query),
        archive=path == reverse("notes:archive"),
        here=next_url,
        status=400,
        bulk_error=error,
        bulk_selected=_ids(targets),
        bulk_action=request.POST.get("action", ""),
        bulk_label=request.POST.get("label", ""),
    )


def _ids(targets: list[bulk.Target]) -> frozenset[str]:
    return frozenset(t.note_id for t in targets)


def _back(request: HttpRequest, next_url: str, result: bulk.BulkResult) -> HttpResponse:
    url = with_notice(next_url, bulk_notice.PARAM, bulk_notice.encode(request.user.id, result))
    return HttpResponseRedirect(f"{url}#flash", status=303)


@signed_in
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    targets, unreadable = _targets(request.POST)
    if unreadable:
        error = {"notes": "Some of the chosen notes could not be read; reload the page and choose again."}
        return _refused(request, next_url, error, targets)
    try:
        result = bulk.bulk_apply(
            user_id=request.user.id,
            action=request.POST.get("action", ""),
            targets=targets,
            label=request.POST.get("label", ""),
        )
    except ValidationError as exc:
        return _refused(request, next_url, exc.errors, targets)
    return _back(request, next_url, result)


@signed_in
@require_POST
def bulk_undo(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    try:
        result = bulk.bulk_undo(user_id=request.user.id, undo_id=request.POST.get("undo", "")[:64])
    except NoteNotFound:
        error = {"undo": "That action cannot be undone any more (it was undone already, or too long ago)."}
        return _refused(request, next_url, error, [])
    return _back(request, next_url, result)
