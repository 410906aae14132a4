"""The formats an import reads, one reader each (samples in tests/data/imports/, sources in SOURCES.md):

- Notes Console: {"format": "notes-console", "version": 1, "notes": [{id, title, content, labels, category
  (deprecated, older exports: the one label), important, completed, pinned, archived, created_at,
  updated_at, version, attachments?}]} (one part of an export per file); or its Markdown export, a zip of
  .md files whose front matter holds the same fields (exports.note_markdown), its attachments beside them.
- Simplenote (Settings > Tools > Export notes: notes.zip with source/notes.json): {"activeNotes": [{id,
  content, creationDate, lastModified, tags?, pinned?, systemTags?, ...}], "trashedNotes": [...]}. The
  first line of the content is the title; tags are labels; trashed notes go to the trash.
- Google Keep (Takeout: Takeout/Keep/<note>.json, one per note, its files beside it): {title, textContent |
  listContent: [{text, isChecked}], isPinned, isArchived, isTrashed, labels: [{name}], createdTimestampUsec?,
  userEditedTimestampUsec, color, annotations?, attachments?: [{filePath, mimetype}]}. Lists become
  Markdown task lists; web links (annotations) become Markdown links; the colour and anything unknown are
  reported as not kept.
"""

from __future__ import annotations

import re

from notes.domain import TITLE_MAX_CHARS, now_iso
from notes.export_files import links
from notes.import_reading import (
    UNTITLED,
    AttachmentRef,
    NoteProblem,
    Reading,
    add_candidate,
    clean_text,
    flag,
    labels_kept,
    one_line,
    parse_json,
    split_title,
    stamp,
    text_list,
)
from notes.stamps import stamp_from_epoch_usec, stamp_from_iso

_ID_RE = re.compile(r"^[0-9a-f]{32}$")
OWN_FIELDS = ("title", "content", "labels", "category", "important", "completed", "pinned", "archived")

# --- this app's own ------------------------------------------------------------------------------


def read_own(name: str, document: dict, reading: Reading) -> None:
    notes = document.get("notes")
    if not isinstance(notes, list):
        reading.problems.append(f'{name}: "notes" must be a list.')
        return
    reading.found("Notes Console")
    for index, note in enumerate(notes, 1):
        read_own_note(f"{name}, note {index}", note, reading)


def read_own_note(where: str, note: object, reading: Reading, attachments: tuple[AttachmentRef, ...] = ()) -> None:
    if not isinstance(note, dict):
        reading.problems.append(f"{where}: not an object.")
        return
    note_id = note.get("id")
    if not isinstance(note_id, str) or not _ID_RE.match(note_id):
        reading.problems.append(f"{where}: id must be 32 lowercase hex characters.")
        return
    try:
        created = stamp(note, "created_at", stamp_from_iso, required=True)
        updated = stamp(note, "updated_at", stamp_from_iso, required=True)
    except NoteProblem as exc:
        reading.problems.append(f"{where}: {exc}")
        return
    values = {k: note[k] for k in OWN_FIELDS if k in note}
    if not attachments and "attachments" in note:  # the JSON export lists files it does not hold
        try:
            attachments = tuple(
                AttachmentRef(path="", content_type=str(a["content_type"]), name=str(a["name"]))
                for a in _listed_attachments(note["attachments"], ("name", "content_type", "status"))
                if a["status"] == "ready"
            )
        except NoteProblem as exc:
            reading.problems.append(f"{where}: {exc}")
            return
    add_candidate(
        reading,
        where,
        "notes-console",
        note_id,
        values,
        created or "",
        updated or "",
        original_id=note_id,
        attachments=attachments,
    )


def _listed_attachments(value: object, keys: tuple[str, ...]) -> list[dict]:
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and all(isinstance(a.get(k), str) for k in keys) for a in value
    ):
        raise NoteProblem(f'"attachments" must be a list of objects with {", ".join(keys)} as text.')
    return value


def _markdown_attachments(name: str, note: dict[str, object]) -> tuple[AttachmentRef, ...]:
    """The files the front matter lists, found beside the .md in the same zip (export_files); the links the
    export appended to the content are taken off."""
    if "attachments" not in note:
        return ()
    entries = _listed_attachments(note.pop("attachments"), ("name", "content_type"))
    if isinstance(note.get("content"), str):
        note["content"] = str(note["content"]).removesuffix(links(entries))
    upload = name.rpartition(": ")[0]
    return tuple(
        AttachmentRef(
            path=f"{upload}: {e['path']}" if upload and isinstance(e.get("path"), str) else "",
            content_type=e["content_type"],
            name=e["name"],
        )
        for e in entries
    )


def read_markdown(name: str, data: bytes, reading: Reading) -> None:
    """A file of this app's Markdown export: front matter of `key: <JSON value>` lines between "---" lines,
    then the content and one newline (exports.note_markdown)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        reading.problems.append(f"{name}: not UTF-8 text.")
        return
    head, separator, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not separator:
        reading.problems.append(f"{name}: not a note of a Notes Console Markdown export (no front matter).")
        return
    note: dict[str, object] = {}
    for number, line in enumerate(head.split("\n"), 2):
        key, colon, value = line.partition(": ")
        if not colon:
            reading.problems.append(f'{name}: front matter line {number} is not "key: value".')
            return
        try:
            note[key.strip()] = parse_json(value)
        except ValueError as exc:
            reading.problems.append(f"{name}: front matter line {number} ({key.strip()[:40]}): {exc}.")
            return
    note["content"] = body.removesuffix("\n")
    try:
        attachments = _markdown_attachments(name, note)
    except NoteProblem as exc:
        reading.problems.append(f"{name}: {exc}")
        return
    reading.found("Notes Console")
    read_own_note(name, note, reading, attachments)


# --- Simplenote ----------------------------------------------------------------------------------


def read_simplenote(name: str, document: dict, reading: Reading) -> None:
    active, trashed = document.get("activeNotes", []), document.get("trashedNotes", [])
    if not isinstance(active, list) or not isinstance(trashed, list):
        reading.problems.append(f'{name}: "activeNotes" and "trashedNotes" must be lists.')
        return
    reading.found("Simplenote")
    for index, note in enumerate(active, 1):
        _read_simplenote_note(f"{name}, note {index}", note, reading, trashed=False)
    for index, note in enumerate(trashed, 1):
        _read_simplenote_note(f"{name}, trashed note {index}", note, reading, trashed=True)


def _read_simplenote_note(where: str, note: object, reading: Reading, *, trashed: bool) -> None:
    if not isinstance(note, dict):
        reading.problems.append(f"{where}: not an object.")
        return
    content, source_id = clean_text(note.get("content")), note.get("id")
    if content is None or not isinstance(source_id, str):
        reading.problems.append(f'{where}: "id" and "content" must be text.')
        return
    try:
        tags, system_tags, pinned = text_list(note, "tags"), text_list(note, "systemTags"), flag(note, "pinned")
        updated = stamp(note, "lastModified", stamp_from_iso) or now_iso()
        created = stamp(note, "creationDate", stamp_from_iso) or updated
    except NoteProblem as exc:
        reading.problems.append(f"{where}: {exc}")
        return
    if isinstance(note.get("publicURL"), str):
        reading.cannot_keep(where, f"its publication at {note['publicURL'][:200]} (this app does not publish notes)")
    title, body = split_title(content)
    values = {
        "title": title,
        "content": body,
        "labels": labels_kept(reading, where, tags),
        "pinned": pinned or "pinned" in system_tags,
    }
    add_candidate(reading, where, "simplenote", source_id, values, created, updated, trashed=trashed)


# --- Google Keep ---------------------------------------------------------------------------------

KEEP_FIELDS = frozenset(
    {
        "title",
        "textContent",
        "textContentHtml",
        "listContent",
        "isPinned",
        "isArchived",
        "isTrashed",
        "labels",
        "createdTimestampUsec",
        "userEditedTimestampUsec",
        "color",
        "annotations",
        "attachments",
        "sharees",
    }
)
_RICH_RE = re.compile(r"font-weight:\s*[6-9]00|font-style:\s*italic|text-decoration:\s*underline|<(b|i|u|h[1-6])\b")


def _keep_checks(name: str, note: dict) -> tuple[str, str, list[dict], list[dict]]:
    title, text, items = (
        clean_text(note.get("title", "")),
        clean_text(note.get("textContent", "")),
        note.get("listContent", []),
    )
    if title is None or text is None:
        raise NoteProblem('"title" and "textContent" must be text.')
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("text", ""), str) for i in items
    ):
        raise NoteProblem('"listContent" must be a list of items with text.')
    labels = note.get("labels", [])
    if not isinstance(labels, list) or not all(
        isinstance(lb, dict) and isinstance(lb.get("name"), str) for lb in labels
    ):
        raise NoteProblem('"labels" must be a list of {"name": ...}.')
    return title, text, items, labels


def _keep_attachments(note: dict) -> tuple[AttachmentRef, ...]:
    attachments = note.get("attachments", [])
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and isinstance(a.get("filePath"), str) and isinstance(a.get("mimetype", ""), str)
        for a in attachments
    ):
        raise NoteProblem('"attachments" must be a list of {"filePath": ..., "mimetype": ...}.')
    return tuple(
        AttachmentRef(path=a["filePath"], content_type=a.get("mimetype", ""), name=a["filePath"].rsplit("/", 1)[-1])
        for a in attachments
    )


def _keep_links(where: str, note: dict, reading: Reading) -> str:
    """Keep's web-link previews (`annotations`) as a Markdown list of links; others reported."""
    annotations = note.get("annotations", [])
    links = []
    for a in annotations if isinstance(annotations, list) else [annotations]:
        url = a.get("url") if isinstance(a, dict) else None
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            title = a.get("title") if isinstance(a.get("title"), str) and a["title"].strip() else url
            links.append(f"- [{title.strip().replace(']', ')')}]({url.replace(')', '%29').replace(' ', '%20')})")
        else:
            reading.cannot_keep(where, f"an annotation that is not a web link: {str(a)[:80]}")
    return "\n".join(links)


def _keep_unkept(where: str, note: dict, reading: Reading) -> None:
    color = note.get("color")
    if color not in (None, "DEFAULT"):
        reading.cannot_keep(where, f"its colour ({str(color)[:20]}): notes here have no colours")
    html = [note.get("textContentHtml")] + [i.get("textHtml") for i in note.get("listContent") or []]
    if any(isinstance(h, str) and _RICH_RE.search(h) for h in html):
        reading.cannot_keep(where, "its rich-text formatting (bold, italics, headings): the text is kept as plain text")
    sharees = note.get("sharees")
    if isinstance(sharees, list) and sharees:
        count = len(sharees)
        reading.cannot_keep(
            where, f"its sharing ({count} {'person' if count == 1 else 'people'}): notes here are private"
        )
    unknown = sorted(set(note) - KEEP_FIELDS)
    if unknown:
        shown = ", ".join(f'"{k[:40]}"' for k in unknown[:10])
        reading.cannot_keep(
            where, f"field{'s' if len(unknown) > 1 else ''} {shown}: not a Keep field this importer knows"
        )


def _keep_title_and_content(title: str, text: str, items: list[dict]) -> tuple[str, str]:
    checklist = "\n".join(
        f"- [{'x' if i.get('isChecked') is True else ' '}] {clean_text(i.get('text', ''))}" for i in items
    )
    content = "\n\n".join(part for part in (text, checklist) if part)
    title = title.strip()
    if not title and text.strip():
        title, rest = split_title(text)
        return title, "\n\n".join(part for part in (rest if title != UNTITLED else text, checklist) if part)
    if not title:
        first = next((str(clean_text(i.get("text", ""))).strip() for i in items if str(i.get("text", "")).strip()), "")
        return (first[: TITLE_MAX_CHARS - 1] + "…" if len(first) > TITLE_MAX_CHARS else first) or UNTITLED, content
    if len(title) > TITLE_MAX_CHARS:
        return title[: TITLE_MAX_CHARS - 1] + "…", f"{title}\n\n{content}" if content else title
    return title, content


def read_keep(name: str, note: dict, reading: Reading) -> None:
    reading.found("Keep")
    try:
        title, text, items, labels = _keep_checks(name, note)
        pinned, archived, trashed = flag(note, "isPinned"), flag(note, "isArchived"), flag(note, "isTrashed")
        updated = stamp(note, "userEditedTimestampUsec", stamp_from_epoch_usec)
        created = stamp(note, "createdTimestampUsec", stamp_from_epoch_usec) or updated or now_iso()
        attachments = _keep_attachments(note)
    except NoteProblem as exc:
        reading.problems.append(f"{name}: {exc}")
        return
    title, content = _keep_title_and_content(title, text, items)
    links = _keep_links(name, note, reading)
    content = "\n\n".join(part for part in (content, links) if part)
    _keep_unkept(name, note, reading)
    values = {
        "title": one_line(title),
        "content": content,
        "labels": labels_kept(reading, name, [lb["name"] for lb in labels]),
        "pinned": pinned,
        "archived": archived,
    }
    source_id = f"{name.rsplit('/', 1)[-1]}#{note.get('createdTimestampUsec', '')}"
    folder = name.rpartition("/")[0]  # a Takeout's files are beside the note: "takeout.zip: Takeout/Keep/..."
    attachments = tuple(
        AttachmentRef(path=f"{folder}/{a.path}" if folder else a.path, content_type=a.content_type, name=a.name)
        for a in attachments
    )
    add_candidate(
        reading, name, "keep", source_id, values, created, updated or created, trashed=trashed, attachments=attachments
    )
