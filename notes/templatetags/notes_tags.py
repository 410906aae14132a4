"""Template filters for the notes pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from notes.domain import HISTORY_KEEP, NOTE_ID_PATTERN, TRASH_DAYS

register = template.Library()


@register.filter
def iso_datetime(value: str) -> datetime | None:
    """A stored ISO-8601 UTC stamp as an aware datetime (None if it cannot be read)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@register.filter
def friendly_time(value: str) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', '4 days ago', '12 Mar', '12 Mar 2024': short enough
    for a phone row. Times are UTC (users have no time zone setting)."""
    stamp = iso_datetime(value)
    if stamp is None:
        return ""
    now = datetime.now(UTC)
    seconds = (now - stamp).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = (now.date() - stamp.date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if stamp.year == now.year:
        return f"{stamp.day} {stamp:%b}"
    return f"{stamp.day} {stamp:%b %Y}"


@register.simple_tag
def trash_days() -> int:
    """How long a deleted note can be restored (the domain's TRASH_DAYS)."""
    return TRASH_DAYS


@register.simple_tag
def history_keep() -> int:
    """How many recorded versions of a note are kept (the domain's HISTORY_KEEP)."""
    return HISTORY_KEEP


# A stand-in id that fits NOTE_ID_PATTERN and occurs nowhere else in a notes URL.
_ID_STAND_IN = "f" * 32
_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)


@lru_cache(maxsize=64)
def _note_url_pattern(name: str, field: str, prefix: str, urlconf: str | None) -> str:
    kwargs = {"note_id": _ID_STAND_IN, **({"field": field} if field else {})}
    return reverse(f"notes:{name}", kwargs=kwargs, urlconf=urlconf)


@register.simple_tag
def note_url(note_id: str, name: str, field: str = "") -> str:
    """`{% url 'notes:<name>' note.id %}`, reversed once per URL name (and script prefix) instead of once per
    link: a list page has six links a row, and reversing them was a third of its CPU time."""
    if not _NOTE_ID_RE.fullmatch(note_id):
        kwargs = {"note_id": note_id, **({"field": field} if field else {})}
        return reverse(f"notes:{name}", kwargs=kwargs)  # raises as {% url %} would
    return _note_url_pattern(name, field, get_script_prefix(), get_urlconf()).replace(_ID_STAND_IN, note_id)


@register.filter(is_safe=True)
def snippet(value: str, length: int) -> str:
    """`truncatechars`, without walking a text that is short enough already (most notes on a list page):
    Django's Truncator looks at every character of it for combining marks."""
    from django.template.defaultfilters import truncatechars

    if len(value) <= length:
        return value
    return truncatechars(value, length)
