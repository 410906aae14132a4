"""The labels page: the user's labels with how many notes have each, and a label renamed (or merged into
another) or deleted on all its notes. Thin views over notes.services; keys always come from request.user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from notes import services
from notes.domain import LABEL_MAX_CHARS, ValidationError
from notes.list_pages import signed_in

_DONE_SALT = "notes.labels.done"


@signed_in
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


@signed_in
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


@signed_in
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


def _done_message(request: HttpRequest) -> str:
    """The result of the rename or delete just made, signed so a link cannot put other words on the page."""
    try:
        message = signing.loads(request.GET.get("done", ""), salt=f"{_DONE_SALT}:{request.user.id}", max_age=600)
    except signing.BadSignature:
        return ""
    return message if isinstance(message, str) else ""
