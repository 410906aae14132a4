"""Writing notes fast: ticking a checklist item, the list's quick capture, and the editor's autosave.
Thin views over notes.services, with notes.views' helpers (the owner check, the store-outage answers)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from console.integers import parse_int
from notes import services
from notes.domain import NoteNotFound, ValidationError, VersionConflict
from notes.views import _safe_next, _signed_in, _version

TASK_CONFLICT = (
    "This note changed elsewhere, so nothing was ticked. This is how it is now; tick again if you still want to."
)


# --- checklists ----------------------------------------------------------------------------------


@_signed_in
@require_POST
def note_task_toggle(request: HttpRequest, note_id: str) -> HttpResponse:
    """One task item ticked or unticked, conditional on the version the page showed. From a list row (htmx)
    the row is answered; from the note page its main region (htmx) or, without JavaScript, a redirect."""
    index = parse_int(request.POST.get("index", ""), minimum=0, maximum=99_999)
    done = {"1": True, "0": False}.get(request.POST.get("done", ""))
    version = _version(request)
    next_url = _safe_next(request)
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


def _task_answer(request: HttpRequest, note, next_url: str, notice: str, status: int) -> HttpResponse:
    context = {"note": note, "next_url": next_url, "notice": notice}
    in_row = bool(request.htmx) and request.htmx.target == f"note-{note.id}"
    template = "notes/_note_row.html" if in_row else "notes/detail.html"
    return render(request, template, context, status=status)
