"""Notes pages for one note: create, view, edit, delete and toggle. Thin views over notes.services (the list
and the archive are notes/list_pages.py's, the trash notes/trash_views.py's, a note's history
notes/history_views.py's, the labels notes/label_views.py's).

Every page works as plain forms and links; with htmx the same URLs answer with the fragment being
swapped (a row, the editor). Keys always come from request.user.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input
from console.web.htmx_request import HtmxHttpRequest
from notes import services
from notes.domain import (
    CATEGORY_MAX_CHARS,
    DEFAULT_CATEGORY,
    EDITABLE_FIELDS,
    FIELDS,
    LABEL_MAX_CHARS,
    LABELS_MAX,
    NOTE_ID_PATTERN,
    TITLE_MAX_CHARS,
    Note,
    NoteNotFound,
    ValidationError,
    VersionConflict,
    parse_labels_text,
)
from notes.list_pages import note_for_user, note_id_param, posted_version, safe_next, signed_in, with_notice

log = logging.getLogger(__name__)

TOGGLE_FIELDS = ("important", "completed", "pinned", "archived")
_CLIENT_TOKEN_RE = re.compile(NOTE_ID_PATTERN)  # a client token is made like an id
_TEXT_FIELDS = frozenset(spec.name for spec in FIELDS if spec.type is str)


# --- the editor's helpers -----------------------------------------------------------------------------------


def _editor_form(request: HtmxHttpRequest, page: str, context: dict[str, Any]) -> Callable[..., HttpResponse]:
    """The editor again with what was typed, for store_failure_keeping_input."""
    return lambda failure, status: _render_editor(request, page, {**context, **failure}, status=status)


def _form_values(post: QueryDict) -> dict[str, object]:
    """What the user typed, as the service expects it (checkboxes are present or absent). Labels: the
    note's own that stay ticked, then those typed (comma-separated); a form of before labels sends a category."""
    values: dict[str, object] = {
        "title": post.get("title", ""),
        "content": post.get("content", ""),
        "important": "important" in post,
        "completed": "completed" in post,
        "pinned": "pinned" in post,
        "archived": "archived" in post,
    }
    if "labels" in post or "new_labels" in post or "category" not in post:
        values["labels"] = [*post.getlist("labels"), *parse_labels_text(post.get("new_labels", ""))]
    else:
        values["category"] = post.get("category", "")
    return values


def _check_form_encoding(request: HttpRequest) -> None:
    """Django decodes a form's bytes with errors="replace", so text that is not UTF-8 would be saved with
    U+FFFD in place of what was sent. Browsers always send UTF-8: such a form is refused, not altered."""
    if request.content_type != "application/x-www-form-urlencoded":
        return
    errors: dict[str, str] = {}
    for pair in request.body.split(b"&"):
        name, _, value = pair.partition(b"=")
        field = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        if field not in _TEXT_FIELDS:
            continue
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            errors[field] = f"{field.capitalize()} was not sent as UTF-8 text, so it could not be saved as typed."
    if errors:
        raise ValidationError(errors)


def _note_values(note: Note) -> dict[str, object]:
    return {f: getattr(note, f) for f in EDITABLE_FIELDS}


def _client_token(raw: str | None) -> str | None:
    return raw if raw and _CLIENT_TOKEN_RE.fullmatch(raw) else None


def _form_context(**extra: Any) -> dict[str, Any]:
    return {
        "title_max": TITLE_MAX_CHARS,
        "category_max": CATEGORY_MAX_CHARS,
        "default_category": DEFAULT_CATEGORY,
        "label_max": LABEL_MAX_CHARS,
        "labels_max": LABELS_MAX,
        "errors": {},
        **extra,
    }


def _with_label_options(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """The editor offers the user's labels (from their recent notes: one bounded read) in a <datalist>."""
    try:
        context["label_options"] = services.note_categories(user_id=request.user.id)
    except StoreUnavailable as exc:  # the editor works without suggestions
        log.warning("label suggestions skipped: %s", exc)
        context["label_options"] = []
    return context


def _list_anchor(note_id: str) -> str:
    return f"{reverse('notes:list')}#note-{note_id}"


# --- create -------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def note_new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        values = {"title": "", "content": "", "labels": [], "important": False, "completed": False}
        context = _form_context(values=values, client_token=uuid.uuid4().hex)
        return render(request, "notes/new.html", _with_label_options(request, context))

    values = _form_values(request.POST)
    # The token is kept across a failed attempt, so resubmitting after a 503 still makes one note.
    token = _client_token(request.POST.get("client_token"))
    context = _form_context(values=values, client_token=token or uuid.uuid4().hex)
    if "preview" in request.POST:
        return _render_editor(request, "notes/new.html", {**context, "preview": True}, status=200)
    try:
        _check_form_encoding(request)
        note = services.note_create(user_id=request.user.id, data=values, client_token=token)
    except ValidationError as exc:
        return _render_editor(request, "notes/new.html", {**context, "errors": exc.errors}, status=400)
    except NoteNotFound:
        # This form was submitted before and the note it made is in the trash now (a resubmitted page):
        # say so, and let a new submit (with a new token) make a new note.
        context.update(
            client_token=uuid.uuid4().hex,
            form_error="This form already made a note, which has since been deleted. Create note to make it again.",
        )
        return _render_editor(request, "notes/new.html", context, status=409)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, form=_editor_form(request, "notes/new.html", context))
    url = _list_anchor(note.id)
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _render_editor(request: HtmxHttpRequest, page: str, context: dict[str, Any], *, status: int) -> HttpResponse:
    """The whole page, or for htmx only the form, which replaces itself (inline validation)."""
    template = "notes/_note_form.html" if request.htmx else page
    return render(request, template, _with_label_options(request, context), status=status)


# --- view, edit ---------------------------------------------------------------------------------------------


@signed_in
@require_safe
def note_detail(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    note = note_for_user(request, note_id)
    if request.htmx and request.htmx.target == f"note-{note_id}":
        # "Cancel" on an inline delete confirmation puts the row back.
        response = render(request, "notes/_note_row.html", {"note": note, "next_url": safe_next(request)})
    else:
        restored = request.GET.get("restored_version", "")
        context = {
            "note": note,
            "restored_version": restored if restored.isdigit() and len(restored) < 10 else None,
            "saved": request.GET.get("saved") == "1",
        }
        response = render(request, "notes/detail.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    if request.method != "POST":
        note = note_for_user(request, note_id)
        context = _form_context(
            note_id=note.id, values=_note_values(note), version=note.version, from_note=_from_note(request.GET)
        )
        return render(request, "notes/edit.html", _with_label_options(request, context))

    values = _form_values(request.POST)
    version = posted_version(request)
    context = _form_context(note_id=note_id, values=values, version=version, from_note=_from_note(request.POST))
    if "preview" in request.POST:
        try:
            note_for_user(request, note_id)  # 404 for someone else's note, as a save would be
        except StoreUnavailable as exc:  # the preview reads nothing stored: show it, keep the text
            log.warning("preview without the ownership check: %s", exc)
        return _render_editor(request, "notes/edit.html", {**context, "preview": True}, status=200)
    try:
        if version is None:
            note_for_user(request, note_id)  # 404 for someone else's note before anything else
            context["form_error"] = "This form is missing the note's version. Reload the page and try again."
            return _render_editor(request, "notes/edit.html", context, status=400)
        try:
            _check_form_encoding(request)
            note = services.note_update(
                user_id=request.user.id,
                note_id=note_id,
                expected_version=version,
                data=values,
                partial=False,
                visit=note_id_param(request.POST.get("visit")),  # autosave's visit (static/js/autosave.js)
            )
        except ValidationError as exc:
            note_for_user(request, note_id)
            return _render_editor(request, "notes/edit.html", {**context, "errors": exc.errors}, status=400)
    except NoteNotFound:
        raise Http404("No such note.") from None
    except VersionConflict as exc:
        return _render_conflict(request, note_id, values, exc.current)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, form=_editor_form(request, "notes/edit.html", context))
    # An edit begun on the note's page goes back there, saying so; one begun on the list goes back to it.
    url = f"{reverse('notes:detail', args=[note.id])}?saved=1" if context["from_note"] else _list_anchor(note.id)
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _from_note(params: Any) -> bool:
    """The editor was opened from the note's own page (its Edit button, or `e` there)."""
    return params.get("from") == "note"


def _render_conflict(request: HtmxHttpRequest, note_id: str, mine: dict[str, object], stored: Note) -> HttpResponse:
    """409: both versions side by side. The user's text stays editable and is saved against the stored
    version if they keep it; taking the stored one is a plain link to a fresh editor."""
    context = _form_context(
        note_id=note_id,
        values=mine,
        version=stored.version,
        stored=stored,
        conflict=True,
        from_note=_from_note(request.POST),
    )
    template = "notes/_conflict.html" if request.htmx else "notes/conflict.html"
    return render(request, template, context, status=409)


# --- delete -------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def note_delete_page(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    inline = bool(request.htmx) and request.htmx.target == f"note-{note_id}"
    template = "notes/_delete_confirm.html" if inline else "notes/delete.html"
    next_url = safe_next(request)
    if request.method != "POST":
        note = note_for_user(request, note_id)
        return render(request, template, {"note": note, "next_url": next_url})

    version = posted_version(request)
    try:
        if version is None:
            note = note_for_user(request, note_id)
            context = {"note": note, "next_url": next_url, "notice": "The form was missing the note's version."}
            return render(request, template, context, status=400)
        trashed = services.note_delete(user_id=request.user.id, note_id=note_id, expected_version=version)
    except NoteNotFound:
        raise Http404("No such note.") from None
    except VersionConflict as exc:
        notice = "This note changed since you asked to delete it. This is what is stored now; delete it anyway?"
        context = {"note": exc.current, "next_url": next_url, "notice": notice}
        return render(request, template, context, status=409)
    if request.htmx:
        # An empty main swap removes the row; the status message (with its undo) goes to the flash region.
        return render(request, "notes/_deleted.html", {"trashed": trashed.note, "next_url": next_url})
    return HttpResponseRedirect(with_notice(reverse("notes:list"), "deleted", note_id))


# --- toggles ------------------------------------------------------------------------------------------------


@signed_in
@require_POST
def note_toggle(request: HtmxHttpRequest, note_id: str, field: str) -> HttpResponse:
    if field not in TOGGLE_FIELDS:
        raise Http404("No such toggle.")
    value = {"1": True, "0": False}.get(request.POST.get("value", ""))
    version = posted_version(request)
    next_url = safe_next(request)
    try:
        if value is None or version is None:
            note = note_for_user(request, note_id)
            return _toggle_refused(request, note, next_url, "That change could not be read; nothing was changed.", 400)
        note = services.note_update(
            user_id=request.user.id, note_id=note_id, expected_version=version, data={field: value}, partial=True
        )
    except NoteNotFound:
        raise Http404("No such note.") from None
    except VersionConflict as exc:
        notice = "This note changed elsewhere, so nothing was changed. This is how it is now."
        return _toggle_refused(request, exc.current, next_url, notice, 409)
    if request.htmx:
        return render(request, "notes/_note_row.html", {"note": note, "next_url": next_url})
    return HttpResponseRedirect(f"{next_url}#note-{note.id}")


def _toggle_refused(request: HtmxHttpRequest, note: Note, next_url: str, notice: str, status: int) -> HttpResponse:
    context = {"note": note, "next_url": next_url, "notice": notice}
    template = "notes/_note_row.html" if request.htmx else "notes/detail.html"
    return render(request, template, context, status=status)
