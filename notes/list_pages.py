"""The notes list and the archive (a signed-in person's first page: it loads this module and what it imports,
nothing more), and what every notes page goes through: `signed_in`, the owner-checked note, where to go back to
with a one-off notice, and the version a form posted. Thin views over notes.services.

With htmx the list answers with the fragment being swapped (the rows after a cursor, the results of a search).
Keys always come from request.user.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from django_htmx.http import reswap, retarget

from accounts.auth import redirect_to_login
from console.aws.errors import StoreUnavailable
from console.errors import answer_outages_with
from console.web.htmx_request import HtmxHttpRequest
from console.web.integers import parse_int
from notes import bulk_notice, services
from notes import query as notes_query
from notes.bulk_actions import ACTION_NAMES, BULK_MAX
from notes.domain import (
    CATEGORY_MAX_CHARS,
    LABEL_MAX_CHARS,
    LABELS_MAX,
    NOTE_ID_PATTERN,
    InvalidCursor,
    Note,
    NoteFilters,
    NoteNotFound,
    ValidationError,
)
from notes.repository import distinct_categories

log = logging.getLogger(__name__)

SEARCH_MAX_CHARS = 200
_FLAG_FILTERS = {"yes": True, "no": False}
# One-off messages after a redirect ("moved to the trash", "restored"), never carried into later URLs.
_NOTICE_PARAMS = frozenset({"deleted", "restored", "erased", "restored_version", "emptied", "captured", "bulk"})
# The bulk actions the list and the archive offer (restore is the trash page's), in the menu's order.
BULK_CHOICES = ("pin", "unpin", "add_label", "remove_label", "complete", "archive", "trash")
BULK_CHOICES_ARCHIVE = ("unarchive", "pin", "unpin", "add_label", "remove_label", "complete", "trash")


# --- helpers every view goes through ------------------------------------------------------------------------


def note_for_user(request: HttpRequest, note_id: str) -> Note:
    """The signed-in user's note, or 404: another user's note and a missing one look the same."""
    try:
        return services.note_get(user_id=request.user.id, note_id=note_id)
    except NoteNotFound:
        raise Http404("No such note.") from None


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
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


def safe_next(request: HtmxHttpRequest) -> str:
    """Where a toggle or delete returns to: the posted `next` if it is ours, else the page htmx was on."""
    for candidate in (request.POST.get("next"), request.htmx.current_url_abs_path if request.htmx else None):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, {request.get_host()}, require_https=request.is_secure()
        ):
            return without_notice(candidate.split("#", 1)[0])
    return reverse("notes:list")


def without_notice(url: str) -> str:
    """The URL without one-off message flags, so coming back does not repeat the message."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _NOTICE_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def with_notice(url: str, name: str, value: str) -> str:
    parts = urlsplit(without_notice(url))
    query = [*parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def note_id_param(raw: str | None) -> str | None:
    return raw if raw and re.fullmatch(NOTE_ID_PATTERN, raw) else None  # compiled on first use (re caches it)


def posted_version(request: HttpRequest) -> int | None:
    return parse_int(request.POST.get("version", ""), minimum=0, maximum=999_999_999)


# --- list ---------------------------------------------------------------------------------------------------


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


@signed_in
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
        "next_url": without_notice(here),
        "deleted_id": note_id_param(params.get("deleted")),
        "restored_id": note_id_param(params.get("restored")),
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
        context["next_url"] = without_notice(request.htmx.current_url_abs_path or list_url)
        template = "notes/_more.html"
    elif partial and request.htmx.target == "results":
        template = "notes/_results.html"
    else:
        template = "notes/list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def archive_page(request: HtmxHttpRequest) -> HttpResponse:
    """The archived notes: the list's page and filters, read from the archive's own index."""
    return note_list(request, archive=True)


@signed_in
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
