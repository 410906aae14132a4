"""Writing notes fast: ticking a checklist item, the list's quick capture, and the editor's autosave.
Thin views over notes.services, with notes/list_pages.py's helpers (the owner check, the store-outage answers)
and notes/views.py's form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input
from console.web.htmx_request import HtmxHttpRequest
from console.web.integers import parse_int
from notes import services
from notes.domain import NoteNotFound, ValidationError, VersionConflict
from notes.list_pages import note_for_user, note_id_param, posted_version, safe_next, signed_in
from notes.templatetags.writing_tags import quick_capture_context
from notes.views import _check_form_encoding, _client_token, _form_context, _form_values

TASK_CONFLICT = (
    "This note changed elsewhere, so nothing was ticked. This is how it is now; tick again if you still want to."
)


# --- checklists ----------------------------------------------------------------------------------


@signed_in
@require_POST
def note_task_toggle(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    """One task item ticked or unticked, conditional on the version the page showed. From a list row (htmx)
    the row is answered; from the note page its main region (htmx) or, without JavaScript, a redirect."""
    index = parse_int(request.POST.get("index", ""), minimum=0, maximum=99_999)
    done = {"1": True, "0": False}.get(request.POST.get("done", ""))
    version = posted_version(request)
    next_url = safe_next(request)
    try:
        if index is None or done is None or version is None:
            note = services.note_get(user_id=request.user.id, note_id=note_id)
            return _task_answer(request, note, next_url, "That change could not be read; nothing was changed.", 400)
        note = services.note_task_toggle(
            user_id=request.user.id, note_id=note_id, expected_version=version, index=index, done=done
        )
    except NoteNotFound:
        raise Http404("No such note.") from None
    except VersionConflict as exc:
        return _task_answer(request, exc.current, next_url, TASK_CONFLICT, 409)
    except ValidationError as exc:
        note = services.note_get(user_id=request.user.id, note_id=note_id)
        return _task_answer(request, note, next_url, next(iter(exc.errors.values())), 409)
    if request.htmx:
        return _task_answer(request, note, next_url, "", 200)
    return HttpResponseRedirect(f"{next_url}#task-{note.id}-{index}")  # the box has this id on both pages


def _task_answer(request: HtmxHttpRequest, note, next_url: str, notice: str, status: int) -> HttpResponse:
    context = {"note": note, "next_url": next_url, "notice": notice}
    in_row = bool(request.htmx) and request.htmx.target == f"note-{note.id}"
    template = "notes/_note_row.html" if in_row else "notes/detail.html"
    return render(request, template, context, status=status)


# --- quick capture -------------------------------------------------------------------------------


@signed_in
@require_POST
def note_quick_create(request: HtmxHttpRequest) -> HttpResponse:
    """The list's "Take a note..." form. With htmx: a fresh form (with the focus, for the next note), the new
    row at the top of the list and a status message, all without leaving the list. Without JavaScript: back
    to the list, which says so and gives the form the focus again. A refused note keeps what was typed."""
    values: dict[str, object] = {"title": request.POST.get("title", ""), "content": request.POST.get("content", "")}
    token = _client_token(request.POST.get("client_token"))
    try:
        _check_form_encoding(request)
        note = services.note_create(user_id=request.user.id, data=values, client_token=token)
    except ValidationError as exc:
        return _quick_capture_refused(request, values, token, status=400, errors=exc.errors)
    except NoteNotFound:  # this form's note was made and has since been deleted
        return _quick_capture_refused(request, values, None, status=409, form_error=_QUICK_CAPTURE_GONE)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, form=_quick_capture_kept(request, values, token))
    if not request.htmx:
        # No fragment: a page opened at one skips autofocus, and the form is at the top anyway.
        return HttpResponseRedirect(f"{reverse('notes:list')}?captured={note.id}")
    context = quick_capture_context(focus=True, note=note, next_url=reverse("notes:list"))
    return render(request, "notes/_quick_captured.html", context)


_QUICK_CAPTURE_GONE = "This form already made a note, which has since been deleted. Add it again to make a new one."
_QUICK_CAPTURE_OUTAGE = "The notes store is unavailable right now; your text is kept, please try again in a moment."


def _quick_capture_kept(
    request: HtmxHttpRequest, values: dict[str, object], token: str | None
) -> Callable[..., HttpResponse]:
    def form(failure: dict[str, Any], status: int) -> HttpResponse:
        return _quick_capture_refused(
            request, values, token, status=status, form_error=_QUICK_CAPTURE_OUTAGE, extra=failure
        )

    return form


def _quick_capture_refused(
    request: HtmxHttpRequest,
    values: dict[str, object],
    token: str | None,
    *,
    status: int,
    errors: dict[str, str] | None = None,
    form_error: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """htmx: the form again, with the reason (`errors` by field, or `form_error`) and the text. Without
    JavaScript: the full editor (new note) with the same, so nothing typed is lost either way."""
    if request.htmx:
        context = quick_capture_context(values=values, errors=errors or {"form": form_error}, focus=True)
        if token:
            context["client_token"] = token
        return render(request, "notes/_quick_capture.html", context, status=status)
    full_values = {**values, "labels": [], "important": False, "completed": False, "pinned": False, "archived": False}
    context = _form_context(values=full_values, client_token=token or quick_capture_context()["client_token"])
    if errors:
        context["errors"] = errors
    else:
        context["form_error"] = form_error
    return render(request, "notes/new.html", {**context, **(extra or {})}, status=status)


# --- autosave --------------------------------------------------------------------------------------


@signed_in
@require_POST
def note_autosave(request: HttpRequest, note_id: str) -> HttpResponse:
    """The editor's autosave (static/js/autosave.js): the whole form, conditional on the version it started
    from, marked with the editing visit so the history keeps one version per visit. JSON for the script:
    {"version"} saved, {"errors"} refused (400), or 503; a conflict is the editor's conflict screen (409),
    which the script shows in place of the editor, and autosave stops: nothing is overwritten."""
    values = _form_values(request.POST)
    version = posted_version(request)
    visit = note_id_param(request.POST.get("visit"))
    try:
        if version is None or visit is None:
            note_for_user(request, note_id)
            return JsonResponse({"errors": {"form": "The autosave was missing the note's version."}}, status=400)
        _check_form_encoding(request)
        note = services.note_update(
            user_id=request.user.id, note_id=note_id, expected_version=version, data=values, partial=False, visit=visit
        )
    except NoteNotFound:
        raise Http404("No such note.") from None
    except ValidationError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    except VersionConflict as exc:
        stored = exc.current
        context = _form_context(note_id=note_id, values=values, version=stored.version, stored=stored, conflict=True)
        return render(request, "notes/_conflict.html", context, status=409)
    except StoreUnavailable as exc:  # the text stays in the editor: the script says so and tries again later
        return store_failure_keeping_input(
            request,
            exc,
            form=lambda failure, status: JsonResponse({"errors": {}, "reference": failure["reference"]}, status=status),
        )
    return JsonResponse({"version": note.version, "updated_at": note.updated_at})
