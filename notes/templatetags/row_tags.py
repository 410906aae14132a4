"""A list row (`<li id="note-…">`: its bulk checkbox, toggles, thumbnail, title, snippet, checklist, chips and
actions) built with f-strings and html.escape instead of Django's template engine: thirty rows through
`{% include %}` were about two thirds of the list page's CPU time (bench/bench_app_time.py). The HTML is the
same, byte for byte, as the template it replaces (tests/unit/test_note_row_tag.py renders both)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from notes.templatetags.notes_tags import friendly_time, label_query, list_url, local_time, note_urls, snippet
from notes.templatetags.writing_tags import row_tasks, task_progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from notes.domain import Note

    Urls = Callable[[str, str], str]  # notes_tags.note_urls: one note's URL by name (and toggled field)

register = template.Library()

_CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def _csrf_input(context: template.Context) -> str:
    """What `{% csrf_token %}` renders: the page's (one masked) token, or nothing when there is none."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return _CSRF_INPUT.format(conditional_escape(token))


def _hidden(version: int, on: bool, next_url: str, indent: str) -> str:
    """A toggle's hidden fields: the version it is conditional on, the value it posts, where to go back to."""
    return (
        f'<input type="hidden" name="version" value="{version}">\n'
        f'{indent}<input type="hidden" name="value" value="{"0" if on else "1"}">\n'
        f'{indent}<input type="hidden" name="next" value="{next_url}">\n'
    )


def _lead(note: Note, urls: Urls, title: str, csrf: str, next_url: str, picked: bool) -> str:
    nid, url = escape(note.id), escape(urls("toggle", "important"))
    on = note.important
    hidden = _hidden(note.version, on, next_url, "    ")
    return (
        '  <div class="row-lead">\n'
        f'  <input type="checkbox" class="bulk-pick" id="pick-{nid}" name="note" value="{nid}:{note.version}"'
        f' form="bulk-form"\n         aria-label="Choose {title}"{" checked" if picked else ""}>\n'
        "  \n"
        f'  <form class="toggle" method="post" action="{url}" hx-post="{url}" hx-target="#note-{nid}"'
        ' hx-swap="outerHTML">\n'
        f"    {csrf}\n    {hidden}"
        f'    <button type="submit" id="note-{nid}-important" class="icon-button star"'
        f' aria-pressed="{"true" if on else "false"}"\n'
        f'            aria-label="Important: {title}" title="'
        f'{"Important (click to unmark)" if on else "Mark as important"}">\n'
        f'      <span aria-hidden="true">{"★" if on else "☆"}</span>\n'
        "    </button>\n  </form>\n  </div>\n"
    )


def _chips(note: Note) -> str:
    chip_url = escape(list_url())
    chips = "".join(
        f'<a class="chip label-chip" href="{chip_url}?{escape(label_query(label))}" title="Notes labelled '
        f'{escape(label)}"><span class="visually-hidden">Label: </span>{escape(label)}</a>'
        for label in note.labels
    )
    if note.pinned:
        chips += '<span class="chip pinned">Pinned</span>'
    if note.archived:
        chips += '<span class="chip archived">Archived</span>'
    return chips + "\n"


def _body(context: template.Context, note: Note, urls: Urls, title: str) -> str:
    thumbnail = ""
    if note.thumbnail_id:
        src = escape(reverse("notes:attachment", args=[note.id, note.thumbnail_id]))
        thumbnail = (
            f'<img class="row-thumb" src="{src}?thumbnail=1" alt="" width="56" height="56" loading="lazy"'
            ' decoding="async">'
        )
    text = f'<p class="note-snippet">{conditional_escape(snippet(note.content, 260))}</p>' if note.content else ""
    progress = task_progress(note.content)
    if progress:
        progress = (
            f'<span class="chip tasks" title="Checklist items done">{escape(progress)}'
            '<span class="visually-hidden"> checklist items done</span></span>'
        )
    notice = context.get("notice")
    alert = f'<p class="notice warning" role="alert">{conditional_escape(notice)}</p>' if notice else ""
    stamp = note.updated_at
    return (
        '  <div class="note-body">\n'
        f"    {thumbnail}\n\n"
        f'    <h2 class="note-title"><a href="{escape(urls("detail", ""))}">{title}</a></h2>\n'
        f"    {text}\n"
        f"    {row_tasks(context, note, context.get('next_url', ''))}\n"
        '    <p class="note-meta">\n'
        f"      {_chips(note)}\n"
        f"      {progress}\n"
        f'      <time datetime="{escape(stamp)}" title="Updated {escape(local_time(stamp))}">'
        f"{escape(friendly_time(stamp))}</time>\n"
        "    </p>\n"
        f"    {alert}\n"
        "  </div>\n"
    )


def _flag_form(note: Note, urls: Urls, title: str, csrf: str, next_url: str, flag: str, texts: tuple[str, str]) -> str:
    """templates/notes/_flag_toggle.html with row=True, as the row included it."""
    nid, url = escape(note.id), escape(urls("toggle", flag))
    on = getattr(note, flag)
    hidden = _hidden(note.version, on, next_url, "  ")
    return (
        f'\n\n<form class="toggle inline" method="post" action="{url}" hx-post="{url}" hx-target="#note-{nid}"'
        ' hx-swap="outerHTML">\n'
        f"  {csrf}\n  {hidden}"
        f'  <button type="submit" id="note-{nid}-{flag}" class="button small{" is-on" if on else ""}"'
        f' aria-pressed="{"true" if on else "false"}">{texts[0] if on else texts[1]}'
        f'<span class="visually-hidden"> {title}</span></button>\n</form>\n'
    )


def _actions(note: Note, urls: Urls, title: str, csrf: str, next_url: str) -> str:
    nid, url = escape(note.id), escape(urls("toggle", "completed"))
    on = note.completed
    hidden = _hidden(note.version, on, next_url, "      ")
    delete = escape(urls("delete", ""))
    return (
        '  <div class="note-actions">\n'
        "    \n"
        f'    <form class="toggle" method="post" action="{url}" hx-post="{url}" hx-target="#note-{nid}"'
        ' hx-swap="outerHTML">\n'
        f"      {csrf}\n      {hidden}"
        f'      <button type="submit" id="note-{nid}-completed" class="button small check"'
        f' aria-pressed="{"true" if on else "false"}"\n'
        f'              aria-label="Done: {title}" title="{"Done (click to reopen)" if on else "Mark as done"}">\n'
        f'        <span class="check-box" aria-hidden="true">{"✓" if on else ""}</span> Done\n'
        "      </button>\n    </form>\n"
        f"    {_flag_form(note, urls, title, csrf, next_url, 'pinned', ('Unpin', 'Pin'))}\n"
        f"    {_flag_form(note, urls, title, csrf, next_url, 'archived', ('Unarchive', 'Archive'))}\n"
        f'    <a class="button small" href="{escape(urls("edit", ""))}">Edit'
        f'<span class="visually-hidden"> {title}</span></a>\n'
        f'    <a class="button small quiet danger-text" href="{delete}" hx-get="{delete}"\n'
        f'       hx-target="#note-{nid}" hx-swap="outerHTML">Delete<span class="visually-hidden"> {title}</span></a>\n'
        "  </div>\n"
    )


@register.simple_tag(takes_context=True)
def note_row(context: template.Context) -> SafeString:
    """The row of the context's `note` (with its `next_url`, `bulk_selected` and `notice`, as the row's
    template read them)."""
    note: Note = context["note"]
    nid, title, urls = escape(note.id), escape(note.title), note_urls(note.id)
    csrf = _csrf_input(context)
    next_url = conditional_escape(context.get("next_url", ""))
    picked = note.id in (context.get("bulk_selected") or ())
    classes = (
        f"note-card{' is-pinned' if note.pinned else ''}{' is-important' if note.important else ''}"
        f"{' is-completed' if note.completed else ''}"
    )
    html = (
        f'<li id="note-{nid}" class="{classes}">\n'
        f"{_lead(note, urls, title, csrf, next_url, picked)}"
        f"{_body(context, note, urls, title)}"
        f"{_actions(note, urls, title, csrf, next_url)}"
        "</li>"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
