"""The trash pages: the deleted notes, each restored or deleted for good, and the trash emptied. Thin views over
notes.services; keys always come from request.user."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from console.web.htmx_request import HtmxHttpRequest
from notes import bulk_notice, services
from notes.bulk_actions import ACTION_NAMES, BULK_MAX
from notes.domain import NoteNotFound
from notes.list_pages import note_id_param, safe_next, signed_in, with_notice


def _count_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else None


@signed_in
@require_safe
def trash_page(request: HttpRequest) -> HttpResponse:
    return trash_page_response(request)


def trash_page_response(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The trash; `extra` goes into the context (a bulk restore refused, with what was chosen)."""
    trashed = services.trash_list(user_id=request.user.id)
    context = {
        "trashed": trashed,
        "restored_id": note_id_param(request.GET.get("restored")),
        "erased": request.GET.get("erased") == "1",
        "emptied": _count_param(request.GET.get("emptied")),
        "bulk_done": bulk_notice.decode(request.user.id, request.GET.get(bulk_notice.PARAM, "")),
        "bulk_max": BULK_MAX,
        "bulk_actions": [("restore", ACTION_NAMES["restore"])],
        "bulk_selected": frozenset(),
        "next_url": reverse("notes:trash"),
        **extra,
    }
    return render(request, "notes/trash.html", context, status=status)


@signed_in
@require_POST
def note_restore(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    """Out of the trash, as a new version. From a trash row (htmx) the row goes; otherwise (the trash page
    without JavaScript, or "Undo" after a delete) back to `next` with a message."""
    next_url = safe_next(request)
    try:
        note = services.note_restore(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note in your trash.") from None
    if request.htmx and request.htmx.target == f"trash-{note_id}":
        return render(request, "notes/_restored.html", {"note": note})
    url = f"{with_notice(next_url, 'restored', note.id)}#note-{note.id}"
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


@signed_in
@require_POST
def note_delete_forever(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    """Only from the trash; the row's confirmation (a <details> panel) is the "are you sure"."""
    try:
        services.note_delete_forever(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note in your trash.") from None
    if request.htmx:
        return render(request, "notes/_erased.html", {})
    return HttpResponseRedirect(with_notice(reverse("notes:trash"), "erased", "1"))


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def trash_empty(request: HtmxHttpRequest) -> HttpResponse:
    """Everything in the trash, deleted for good: a confirmation page (GET), then the POST."""
    if request.method != "POST":
        trashed = services.trash_list(user_id=request.user.id)
        return render(request, "notes/trash_empty.html", {"count": len(trashed)})
    emptied = services.trash_empty(user_id=request.user.id)
    url = with_notice(reverse("notes:trash"), "emptied", str(emptied))
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
