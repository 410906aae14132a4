"""The note page's attachments section: `{% note_attachments note %}` renders templates/notes/_attachments.html.

Django imports every template tag module when its template engine starts (any page's cold start), so the
services and the S3 plumbing are imported inside the functions, by the note page only."""

from __future__ import annotations

from typing import Any

from django import template

from console.aws.errors import AwsError

register = template.Library()


def attachments_context(request: Any, note_id: str) -> dict[str, Any]:
    from notes import attachment_services
    from notes.attachments import MAX_BYTES

    user_id = request.user.id
    try:
        found = attachment_services.attachment_list(user_id=user_id, note_id=note_id)
        usage = attachment_services.attachment_usage(user_id=user_id)
        problem = ""
    except AwsError:
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
def note_attachments(context: dict[str, Any], note: Any) -> dict[str, Any]:
    return attachments_context(context["request"], note.id)


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
