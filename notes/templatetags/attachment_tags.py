"""The note page's attachments section: `{% note_attachments note %}` renders templates/notes/_attachments.html.

Django imports every template tag module when its template engine starts (any page's cold start), so the
services and the S3 plumbing are imported inside the functions, by the note page only."""

from __future__ import annotations

from typing import Any

from django import template

from console.aws.errors import AwsError, StoreUnavailable

register = template.Library()


def attachments_context(request: Any, note_id: str) -> dict[str, Any]:
    from notes import attachment_services
    from notes.attachments import MAX_BYTES

    user_id = request.user.id
    try:
        found = attachment_services.attachment_list(user_id=user_id, note_id=note_id)
        usage = attachment_services.attachment_usage(user_id=user_id)
        problem = ""
    except (AwsError, StoreUnavailable):
        found, usage, problem = [], None, "Attachments are unavailable right now; try again in a moment."
    return {
        "note_id": note_id,
        "attachments": found,
        "usage": usage,
        "problem": problem,
        "pending": any(a.status == "pending" for a in found),
        "max_mb": MAX_BYTES // (1024 * 1024),
        "uploaded": request.GET.get("uploaded") == "1",
        "request": request,
    }


@register.inclusion_tag("notes/_attachments.html", takes_context=True)
def note_attachments(context: dict[str, Any], note: Any, editor: bool = False) -> dict[str, Any]:
    """The section for a note (or a note's id: the editor has only that); `editor`: its drops and pastes on
    the note's text also write the image's Markdown reference there (static/js/attachments.js)."""
    note_id = note if isinstance(note, str) else note.id
    return {**attachments_context(context["request"], note_id), "editor": editor}


@register.simple_tag
def attachment_markdown(attachment: Any) -> str:
    """What to write in the note to show an image attachment inline (notes/formatting.py renders only these)."""
    from django.urls import reverse

    alt = attachment.name.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({reverse('notes:attachment', args=[attachment.note_id, attachment.id])})"


@register.filter
def file_size(value: int) -> str:
    if value < 1024:
        return f"{value} bytes"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    if value < 1024**3:
        return f"{value / 1024 / 1024:.1f} MB"
    return f"{value / 1024**3:.2f} GB"


@register.inclusion_tag("notes/_storage_usage.html", takes_context=True)
def storage_usage(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in user's attachment storage, used of the quota: the account pages show it through this tag
    (accounts does not import notes; a template loading the notes' tag library is the seam)."""
    from notes import attachment_services
    from notes.attachments import REASON_QUOTA

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or context.get("store_unavailable"):
        return {"usage": None, "problem": ""}
    try:
        return {"usage": attachment_services.attachment_usage(user_id=user.id), "problem": "", "full": REASON_QUOTA}
    except (AwsError, StoreUnavailable):
        return {"usage": None, "problem": "Your storage use cannot be read right now; try again in a moment."}
