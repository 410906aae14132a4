"""Template filters for the notes pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from notes.ids import NOTE_ID_PATTERN

# notes.domain (its dataclasses) and notes.formatting (nh3, and markdown-it when a note is shown) are imported
# where used: Django imports every installed tag library when its template engine starts, so a top-level
# import here would be paid by every first page, the anonymous home page included (bench/bench_cold_start.py).

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
    for a phone row. Days and dates are the reader's (the time zone console.web.reader_time_zone activated)."""
    stamp = iso_datetime(value)
    if stamp is None:
        return ""
    now = timezone.now()
    seconds = (now - stamp).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    stamp, now = timezone.localtime(stamp), timezone.localtime(now)
    days = (now.date() - stamp.date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if stamp.year == now.year:
        return f"{stamp.day} {stamp:%b}"
    return f"{stamp.day} {stamp:%b %Y}"


@register.filter
def local_time(value: str, with_date: str = "datetime") -> str:
    """A stored stamp in the reader's time zone, the zone named: '1 Dec 2026, 21:15 CET' ('date': the day)."""
    stamp = iso_datetime(value)
    if stamp is None:
        return ""
    local = timezone.localtime(stamp)
    if with_date == "date":
        return f"{local.day} {local:%b %Y}"
    return f"{local.day} {local:%b %Y, %H:%M} {zone_label(local)}"


def zone_label(local: datetime) -> str:
    """The zone's abbreviation ('CET', 'EST'), or its UTC offset where it has none ('+05:30'); 'UTC' for UTC."""
    name = local.tzname() or ""
    if name and not name.startswith(("+", "-")):
        return name
    offset = local.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@register.filter
def markdown(value: str) -> SafeString:
    """A note's content as sanitized HTML (notes.formatting): the one place it is marked safe."""
    from notes.formatting import render_markdown

    return mark_safe(render_markdown(value))  # noqa: S308 - nh3's allow-list output


@register.filter
def snippet(value: str, length: int = 260) -> str:
    """The content's words without Markdown's marks, cut to `length` characters (escaped as text). A text
    short enough already is not walked by Django's Truncator (it looks at every character for combining
    marks), which most notes on a list page are."""
    from notes.formatting import plain_text

    text = plain_text(value)
    return text if len(text) <= length else truncatechars(text, length)


@register.simple_tag
def trash_days() -> int:
    """How long a deleted note can be restored (the domain's TRASH_DAYS)."""
    from notes.domain import TRASH_DAYS

    return TRASH_DAYS


@register.simple_tag
def history_keep() -> int:
    """How many recorded versions of a note are kept (the domain's HISTORY_KEEP)."""
    from notes.domain import HISTORY_KEEP

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
    return note_urls(note_id)(name, field)


def note_urls(note_id: str) -> Callable[[str, str], str]:
    """note_url for one note's several links (a list row has seven): the script prefix is looked up once."""
    if not _NOTE_ID_RE.fullmatch(note_id):

        def reversed_each(name: str, field: str = "") -> str:
            kwargs = {"note_id": note_id, **({"field": field} if field else {})}
            return reverse(f"notes:{name}", kwargs=kwargs)  # raises as {% url %} would

        return reversed_each
    prefix, urlconf = get_script_prefix(), get_urlconf()

    def from_pattern(name: str, field: str = "") -> str:
        return _note_url_pattern(name, field, prefix, urlconf).replace(_ID_STAND_IN, note_id)

    return from_pattern


@lru_cache(maxsize=16)
def _list_url(prefix: str, urlconf: str | None) -> str:
    return reverse("notes:list", urlconf=urlconf)


def list_url() -> str:
    """`{% url 'notes:list' %}`, reversed once per script prefix (a row's label chips each link to it)."""
    return _list_url(get_script_prefix(), get_urlconf())


@register.simple_tag
def label_query(label: str) -> str:
    """The list's query string that filters by this label."""
    from urllib.parse import urlencode

    return urlencode({"label": label})
