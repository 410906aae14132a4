"""Writing notes fast on the pages: a note's content with clickable checklists, and a row's checklist (each
task item is a small form with its index and the note's version, so ticking works without JavaScript; htmx
posts the same form); the list's quick capture form."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from notes.ids import NOTE_ID_PATTERN
from notes.templatetags.notes_tags import note_url

if TYPE_CHECKING:
    from notes.domain import Note
    from notes.formatting import TaskItem

# notes.domain, notes.formatting and notes.checklists are imported where used: Django imports every installed
# tag library when its template engine starts, i.e. on every first page (see notes_tags).

register = template.Library()

ROW_TASKS_SHOWN = 5
_FORM = (
    '<form class="task-toggle" method="post" action="{action}" hx-post="{action}" hx-target="{target}"'
    ' hx-select="{target}" hx-swap="outerHTML">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
    '<input type="hidden" name="version" value="{version}"><input type="hidden" name="index" value="{index}">'
    '<input type="hidden" name="done" value="{done}"><input type="hidden" name="next" value="{next}">'
    '<button type="submit" id="task-{note_id}-{index}" class="task-box" role="checkbox" aria-checked="{checked}"'
    ' aria-label="{label}"><span aria-hidden="true">{mark}</span></button></form>'
)


def task_form(request: Any, note: Note, task: TaskItem, *, target: str, next_url: str) -> SafeString:
    """One item's box: a form posting the opposite of its state, conditional on the note's version."""
    return format_html(
        _FORM,
        action=note_url(note.id, "task"),
        target=target,
        csrf=get_token(request),
        version=note.version,
        index=task.index,
        done="0" if task.done else "1",
        next=next_url,
        note_id=note.id,
        checked="true" if task.done else "false",
        label=task.label or f"Checklist item {task.index + 1}",
        mark="☑" if task.done else "☐",
    )


@register.simple_tag(takes_context=True)
def note_content(context: template.Context, note: Note, next_url: str) -> SafeString:
    """The note page's content: Markdown (notes.formatting) with each task box a form. htmx swaps the page's
    main region, so every version on the page (the other buttons' too) is the new one after a tick."""
    from notes.formatting import render_markdown

    request = context["request"]

    def box(task: TaskItem) -> str:
        return task_form(request, note, task, target="#main", next_url=next_url)

    return mark_safe(render_markdown(note.content, task_box=box))  # noqa: S308 - nh3's output + format_html


@register.simple_tag(takes_context=True)
def row_tasks(context: template.Context, note: Note, next_url: str) -> SafeString:
    """A list row's first checklist items, each clickable (htmx swaps the row)."""
    from notes.formatting import task_items

    tasks = task_items(note.content)[:ROW_TASKS_SHOWN]
    if not tasks:
        return mark_safe("")
    request = context["request"]
    items = [
        format_html(
            '<li class="task-list-item">{}<span class="task-label">{}</span></li>',
            task_form(request, note, task, target=f"#note-{note.id}", next_url=next_url),
            task.label,
        )
        for task in tasks
    ]
    return format_html('<ul class="row-tasks">{}</ul>', mark_safe("".join(items)))  # noqa: S308


@register.filter
def task_progress(content: str) -> str:
    """'3/5' for a content with five task items, three ticked; '' without any."""
    from notes.checklists import task_progress as _task_progress

    done, total = _task_progress(content)
    return f"{done}/{total}" if total else ""


_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)


def quick_capture_context(**extra: Any) -> dict[str, Any]:
    """What the quick capture form needs: a fresh client token (a double submit makes one note)."""
    from notes.domain import TITLE_MAX_CHARS

    return {
        "client_token": uuid.uuid4().hex,
        "title_max": TITLE_MAX_CHARS,
        "values": {"title": "", "content": ""},
        "errors": {},
        **extra,
    }


@register.inclusion_tag("notes/_quick_capture.html", takes_context=True)
def quick_capture(context: template.Context) -> dict[str, Any]:
    """The list's quick capture. After a capture without JavaScript (`?captured=<id>`) it says so and has
    the focus again, for the next note."""
    captured = context["request"].GET.get("captured", "")
    return quick_capture_context(
        csrf_token=context.get("csrf_token"), captured=bool(_NOTE_ID_RE.fullmatch(captured)), focus=bool(captured)
    )
