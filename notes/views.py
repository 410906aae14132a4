"""Notes pages: list, create, view, edit, delete, toggle, the trash and a note's history. Thin views over
notes.services.

Every page works as plain forms and links; with htmx the same URLs answer with the fragment being
swapped (a row, the rows after a cursor, the editor). Keys always come from request.user.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from accounts.auth import redirect_to_login
from console.aws.errors import StoreUnavailable
from console.errors import answer_outages_with, store_failure_keeping_input
from console.web.htmx_request import HtmxHttpRequest
from console.web.integers import parse_int
from notes import bulk_notice, services
from notes import query as notes_query
from notes.bulk_actions import ACTION_NAMES, BULK_MAX
from notes.domain import (
    CATEGORY_MAX_CHARS,
    DEFAULT_CATEGORY,
    EDITABLE_FIELDS,
    FIELDS,
    LABEL_MAX_CHARS,
    LABELS_MAX,
    NOTE_ID_PATTERN,
    TITLE_MAX_CHARS,
    InvalidCursor,
    Note,
    NoteFilters,
    NoteNotFound,
    ValidationError,
    VersionConflict,
    parse_labels_text,
)
from notes.repository import distinct_categories

log = logging.getLogger(__name__)

TOGGLE_FIELDS = ("important", "completed", "pinned", "archived")
SEARCH_MAX_CHARS = 200
_FLAG_FILTERS = {"yes": True, "no": False}
_CLIENT_TOKEN_RE = re.compile(NOTE_ID_PATTERN)  # a client token is made like an id
_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)
_TEXT_FIELDS = frozenset(spec.name for spec in FIELDS if spec.type is str)
# One-off messages after a redirect ("moved to the trash", "restored"), never carried into later URLs.
_NOTICE_PARAMS = frozenset({"deleted", "restored", "erased", "restored_version", "emptied", "captured", "bulk"})
# The bulk actions the list and the archive offer (restore is the trash page's), in the menu's order.
BULK_CHOICES = ("pin", "unpin", "add_label", "remove_label", "complete", "archive", "trash")
BULK_CHOICES_ARCHIVE = ("unarchive", "pin", "unpin", "add_label", "remove_label", "complete", "trash")


# --- helpers every view goes through ---------------------------------------------------------


def _get_note_for_user(request: HttpRequest, note_id: str) -> Note:
    """The signed-in user's note, or 404: another user's note and a missing one look the same."""
    try:
        return services.note_get(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note.") from None


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every notes page: signed in (a POST that finds the user signed out comes back to the list after
    sign-in), and a store outage answered in the page's own terms (a flash for htmx, else a page: see
    console/errors.py). Views with a form to keep answer it themselves, so what was typed is shown again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request, after_post=reverse("notes:list"))
        answer_outages_with(request, page="notes/unavailable.html", htmx_fragment=("notes/_flash.html", "#flash"))
        return view(request, *args, **kwargs)

    return wrapper


def _editor_form(request: HtmxHttpRequest, page: str, context: dict[str, Any]) -> Callable[..., HttpResponse]:
    """The editor again with what was typed, for store_failure_keeping_input."""
    return lambda failure, status: _render_editor(request, page, {**context, **failure}, status=status)


def _safe_next(request: HtmxHttpRequest) -> str:
    """Where a toggle or delete returns to: the posted `next` if it is ours, else the page htmx was on."""
    for candidate in (request.POST.get("next"), request.htmx.current_url_abs_path if request.htmx else None):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, {request.get_host()}, require_https=request.is_secure()
        ):
            return _without_notice(candidate.split("#", 1)[0])
    return reverse("notes:list")


def _without_notice(url: str) -> str:
    """The URL without one-off message flags, so coming back does not repeat the message."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _NOTICE_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _with_notice(url: str, name: str, value: str) -> str:
    parts = urlsplit(_without_notice(url))
    query = [*parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _note_id_param(raw: str | None) -> str | None:
    return raw if raw and _NOTE_ID_RE.fullmatch(raw) else None


def _count_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else None


def _version(request: HttpRequest) -> int | None:
    return parse_int(request.POST.get("version", ""), minimum=0, maximum=999_999_999)


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


# --- list --------------------------------------------------------------------------------------


def _filters_from(query: QueryDict, *, archive: bool = False) -> tuple[NoteFilters, dict[str, Any]]:
    category = query.get("category", "").strip()[:CATEGORY_MAX_CHARS]
    important = query.get("important", "")
    completed = query.get("completed", "")
    q = query.get("q", "").strip()[:SEARCH_MAX_CHARS]
    # The deprecated ?category= of old links is one more label filter.
    given = [*query.getlist("label"), category]
    labels = list(dict.fromkeys(x.strip()[:LABEL_MAX_CHARS] for x in given if x.strip()))
    shown = {
        "important": important if important in _FLAG_FILTERS else "",
        "completed": completed if completed in _FLAG_FILTERS else "",
        "q": q,
        "labels": labels[:LABELS_MAX],
    }
    filters = NoteFilters(
        important=_FLAG_FILTERS.get(important),
        completed=_FLAG_FILTERS.get(completed),
        q=q or None,
        labels=tuple(labels[:LABELS_MAX]),
        archived=True if archive else None,
    )
    return filters, shown


def _filter_query(shown: dict[str, Any], *, without_label: str | None = None) -> str:
    query = QueryDict(mutable=True)
    for name, value in shown.items():
        if name == "labels":
            query.setlist("label", [x for x in value if x != without_label])
        elif value:
            query[name] = value
    return query.urlencode()


@_signed_in
@require_safe
def note_list(request: HtmxHttpRequest, *, archive: bool = False) -> HttpResponse:
    return render_list(request, request.GET, archive=archive, here=request.get_full_path())


def render_list(
    request: HtmxHttpRequest, params: QueryDict, *, archive: bool, here: str, status: int = 200, **extra: Any
) -> HttpResponse:
    """The list (or the archive) as `params` ask, for the page at `here`; `extra` goes into the context (a bulk
    action refused, with what was chosen, re-renders the page it was made on)."""
    filters, shown = _filters_from(params, archive=archive)
    list_url = reverse("notes:archive" if archive else "notes:list")
    cursor = params.get("cursor") or None
    filter_query = _filter_query(shown)
    context: dict[str, Any] = {
        "archive": archive,
        "list_url": list_url,
        "filters": shown,
        "filtered": bool(filter_query),
        "filter_query": filter_query,
        "label_chips": [
            {"label": label, "remove_url": f"{list_url}?{_filter_query(shown, without_label=label)}"}
            for label in shown["labels"]
        ],
        "label_max": LABEL_MAX_CHARS,
        "search_help": notes_query.HELP,
        "cursor": cursor,
        "next_url": _without_notice(here),
        "deleted_id": _note_id_param(params.get("deleted")),
        "restored_id": _note_id_param(params.get("restored")),
        "bulk_done": bulk_notice.decode(request.user.id, params.get(bulk_notice.PARAM, "")),
        "bulk_max": BULK_MAX,
        "bulk_actions": [(a, ACTION_NAMES[a]) for a in (BULK_CHOICES_ARCHIVE if archive else BULK_CHOICES)],
        "bulk_selected": frozenset(),
        **extra,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    try:
        page = services.note_list(user_id=request.user.id, cursor=cursor, filters=filters)
    except ValidationError as exc:
        # An unknown operator or an unclosed quote: say so, keep the query in the box, change nothing.
        message = exc.errors.get("q", str(exc))
        context.update(notes=[], next_cursor=None, query_error=message, cursor_error=message)
        template = "notes/_results.html" if partial and request.htmx.target == "results" else "notes/list.html"
        return render(request, template, context, status=400)
    except InvalidCursor as exc:
        context.update(notes=[], next_cursor=None)
        if partial and request.htmx.target == "note-list":
            context["load_more_error"] = str(exc)
            response = render(request, "notes/_load_more.html", context, status=400)
            return reswap(retarget(response, "#load-more"), "outerHTML")
        context["cursor_error"] = str(exc)
        return render(request, "notes/list.html", context, status=400)
    context.update(
        notes=page.notes,
        next_cursor=page.cursor,
        categories=distinct_categories(label for n in page.notes for label in n.labels),
    )
    if partial and request.htmx.target == "note-list":
        # "Load more": the rows go at the end of the list, the button is replaced out of band.
        context["next_url"] = _without_notice(request.htmx.current_url_abs_path or list_url)
        template = "notes/_more.html"
    elif partial and request.htmx.target == "results":
        template = "notes/_results.html"
    else:
        template = "notes/list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@_signed_in
@require_safe
def note_categories(request: HttpRequest) -> HttpResponse:
    """The filter's category suggestions: the <option>s of its <datalist>, loaded when the field is first
    focused (the list page itself offers the categories of the notes it shows, at no extra read)."""
    try:
        categories = services.note_categories(user_id=request.user.id)
    except StoreUnavailable as exc:  # the filter works without suggestions
        log.warning("category suggestions skipped: %s", exc)
        categories = []
    return render(request, "notes/_category_options.html", {"categories": categories})


# --- create ------------------------------------------------------------------------------------


@_signed_in
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


# --- view, edit ----------------------------------------------------------------------------------


@_signed_in
@require_safe
def note_detail(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    note = _get_note_for_user(request, note_id)
    if request.htmx and request.htmx.target == f"note-{note_id}":
        # "Cancel" on an inline delete confirmation puts the row back.
        response = render(request, "notes/_note_row.html", {"note": note, "next_url": _safe_next(request)})
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


@_signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    if request.method != "POST":
        note = _get_note_for_user(request, note_id)
        context = _form_context(
            note_id=note.id, values=_note_values(note), version=note.version, from_note=_from_note(request.GET)
        )
        return render(request, "notes/edit.html", _with_label_options(request, context))

    values = _form_values(request.POST)
    version = _version(request)
    context = _form_context(note_id=note_id, values=values, version=version, from_note=_from_note(request.POST))
    if "preview" in request.POST:
        try:
            _get_note_for_user(request, note_id)  # 404 for someone else's note, as a save would be
        except StoreUnavailable as exc:  # the preview reads nothing stored: show it, keep the text
            log.warning("preview without the ownership check: %s", exc)
        return _render_editor(request, "notes/edit.html", {**context, "preview": True}, status=200)
    try:
        if version is None:
            _get_note_for_user(request, note_id)  # 404 for someone else's note before anything else
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
                visit=_note_id_param(request.POST.get("visit")),  # autosave's visit (static/js/autosave.js)
            )
        except ValidationError as exc:
            _get_note_for_user(request, note_id)
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


# --- delete ------------------------------------------------------------------------------------


@_signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def note_delete_page(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    inline = bool(request.htmx) and request.htmx.target == f"note-{note_id}"
    template = "notes/_delete_confirm.html" if inline else "notes/delete.html"
    next_url = _safe_next(request)
    if request.method != "POST":
        note = _get_note_for_user(request, note_id)
        return render(request, template, {"note": note, "next_url": next_url})

    version = _version(request)
    try:
        if version is None:
            note = _get_note_for_user(request, note_id)
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
    return HttpResponseRedirect(_with_notice(reverse("notes:list"), "deleted", note_id))


# --- toggles -----------------------------------------------------------------------------------


@_signed_in
@require_POST
def note_toggle(request: HtmxHttpRequest, note_id: str, field: str) -> HttpResponse:
    if field not in TOGGLE_FIELDS:
        raise Http404("No such toggle.")
    value = {"1": True, "0": False}.get(request.POST.get("value", ""))
    version = _version(request)
    next_url = _safe_next(request)
    try:
        if value is None or version is None:
            note = _get_note_for_user(request, note_id)
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


# --- trash ---------------------------------------------------------------------------------------


@_signed_in
@require_safe
def trash_page(request: HttpRequest) -> HttpResponse:
    return trash_page_response(request)


def trash_page_response(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The trash; `extra` goes into the context (a bulk restore refused, with what was chosen)."""
    trashed = services.trash_list(user_id=request.user.id)
    context = {
        "trashed": trashed,
        "restored_id": _note_id_param(request.GET.get("restored")),
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


@_signed_in
@require_POST
def note_restore(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    """Out of the trash, as a new version. From a trash row (htmx) the row goes; otherwise (the trash page
    without JavaScript, or "Undo" after a delete) back to `next` with a message."""
    next_url = _safe_next(request)
    try:
        note = services.note_restore(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note in your trash.") from None
    if request.htmx and request.htmx.target == f"trash-{note_id}":
        return render(request, "notes/_restored.html", {"note": note})
    url = f"{_with_notice(next_url, 'restored', note.id)}#note-{note.id}"
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


@_signed_in
@require_POST
def note_delete_forever(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    """Only from the trash; the row's confirmation (a <details> panel) is the "are you sure"."""
    try:
        services.note_delete_forever(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note in your trash.") from None
    if request.htmx:
        return render(request, "notes/_erased.html", {})
    return HttpResponseRedirect(_with_notice(reverse("notes:trash"), "erased", "1"))


@_signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def trash_empty(request: HtmxHttpRequest) -> HttpResponse:
    """Everything in the trash, deleted for good: a confirmation page (GET), then the POST."""
    if request.method != "POST":
        trashed = services.trash_list(user_id=request.user.id)
        return render(request, "notes/trash_empty.html", {"count": len(trashed)})
    emptied = services.trash_empty(user_id=request.user.id)
    url = _with_notice(reverse("notes:trash"), "emptied", str(emptied))
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


# --- history -------------------------------------------------------------------------------------


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


@_signed_in
@require_safe
def note_history_page(request: HtmxHttpRequest, note_id: str) -> HttpResponse:
    try:
        note, versions = services.note_with_history(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note.") from None
    return _render_history(request, note, versions)


@_signed_in
@require_POST
def note_restore_version(request: HtmxHttpRequest, note_id: str, version: int) -> HttpResponse:
    """An earlier version becomes the current one, as a new version; conditional on the version the page
    showed as current, like an edit (a stale page gets the history again, as it is now, with a 409)."""
    expected = _version(request)
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
    url = _with_notice(reverse("notes:detail", args=[note_id]), "restored_version", str(version))
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


# --- archive, labels ------------------------------------------------------------------------------


def archive_page(request: HtmxHttpRequest) -> HttpResponse:
    """The archived notes: the list's page and filters, read from the archive's own index."""
    return note_list(request, archive=True)


@_signed_in
@require_safe
def labels_page(request: HttpRequest) -> HttpResponse:
    return _render_labels(request)


def _render_labels(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    labels = [
        {"label": s.label, "notes": s.notes, "query": urlencode({"label": s.label})}
        for s in services.label_list(user_id=request.user.id)
    ]
    context = {"labels": labels, "label_max": LABEL_MAX_CHARS, "message": _done_message(request), **extra}
    return render(request, "notes/labels.html", context, status=status)


def _label_change_message(change: services.LabelChange, done: str) -> str:
    message = f"{done} on {change.changed} note{'s' if change.changed != 1 else ''}."
    if change.skipped:
        message += f" Left as they are (they kept changing meanwhile): {', '.join(change.skipped[:10])}."
    return message


@_signed_in
@require_POST
def label_rename(request: HttpRequest) -> HttpResponse:
    old, new = request.POST.get("label", ""), request.POST.get("new", "")
    try:
        change = services.label_rename(user_id=request.user.id, old=old, new=new)
    except ValidationError as exc:
        error = f"“{old[:60]}” was not renamed: {exc.errors.get('label', exc)}"
        return _render_labels(request, 400, error=error, failed_label=old, failed_new=new)
    done = f"Renamed “{old.strip()}” to “{new.strip()}”"
    if change.merged:
        done = f"Merged “{old.strip()}” into the existing label “{new.strip()}”"
    return _after_label_change(request, change, done, old=old, new=new, action=reverse("notes:label_rename"))


@_signed_in
@require_POST
def label_delete(request: HttpRequest) -> HttpResponse:
    label = request.POST.get("label", "")
    try:
        change = services.label_delete(user_id=request.user.id, label=label)
    except ValidationError as exc:
        return _render_labels(request, 400, error=f"Nothing was deleted: {exc.errors.get('label', exc)}")
    done = f"Deleted the label “{label.strip()}” (the notes stay)"
    return _after_label_change(request, change, done, old=label, new="", action=reverse("notes:label_delete"))


def _after_label_change(
    request: HttpRequest, change: services.LabelChange, done: str, *, old: str, new: str, action: str
) -> HttpResponse:
    message = _label_change_message(change, done)
    if change.more:  # a big label: this request did one batch; the page offers to go on from there
        more = {"action": action, "label": old, "new": new}
        return _render_labels(request, message=f"{message} More notes have it: continue to finish.", more=more)
    signed = signing.dumps(message, salt=f"{_DONE_SALT}:{request.user.id}")
    return HttpResponseRedirect(f"{reverse('notes:labels')}?{urlencode({'done': signed})}")


_DONE_SALT = "notes.labels.done"


def _done_message(request: HttpRequest) -> str:
    """The result of the rename or delete just made, signed so a link cannot put other words on the page."""
    try:
        message = signing.loads(request.GET.get("done", ""), salt=f"{_DONE_SALT}:{request.user.id}", max_age=600)
    except signing.BadSignature:
        return ""
    return message if isinstance(message, str) else ""
