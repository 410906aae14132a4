"""A note's attachments in the Markdown export and back: which files go in the zip and under what path, the
front matter line that lists them, and the links appended to the note's Markdown (which the import takes off
again, so the content comes back exactly).

A file goes in the zip when it is ready and small enough to fit one part with room to spare (ZIP_FILE_MAX_BYTES;
a part leaves Lambda base64-encoded under its response limit, notes/exports.py). A bigger one is listed with
no path: the import reports it as not brought back, and the note's page still serves it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from notes.attachments import INLINE_TYPES, READY, Attachment

ZIP_FILE_MAX_BYTES = 3_000_000  # base64 (4/3) plus the note still fit a part's 5,000,000 bytes
FOLDER = "attachments"


@dataclass(frozen=True)
class ExportedFile:
    attachment: Attachment
    path: str | None  # in the zip; None: listed only (too big for a part)


def _safe(name: str) -> str:
    stem, dot, ext = unicodedata.normalize("NFC", name).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:80] or "file"
    ext = re.sub(r"[^\w]+", "", ext)[:10]
    return f"{stem}.{ext}" if ext else stem


def exported_files(markdown_name: str, attachments: Sequence[Attachment]) -> list[ExportedFile]:
    """The note's ready attachments, each with its path in the zip (attachments/<note's file stem>/<name>,
    made portable and unique) or None when it is too big to go in."""
    folder = f"{FOLDER}/{markdown_name.removesuffix('.md')}"
    files, used = [], set()
    for a in (a for a in attachments if a.status == READY):
        if a.size > ZIP_FILE_MAX_BYTES:
            files.append(ExportedFile(a, None))
            continue
        name = _safe(a.name)
        if name.lower() in used:
            name = f"{a.id[:8]}-{name}"
        used.add(name.lower())
        files.append(ExportedFile(a, f"{folder}/{name}"))
    return files


def front_matter_line(files: Sequence[ExportedFile]) -> str:
    listed = [
        {
            "name": f.attachment.name,
            "content_type": f.attachment.content_type,
            "size": f.attachment.size,
            "path": f.path,
        }
        for f in files
    ]
    return f"attachments: {json.dumps(listed, ensure_ascii=False)}"


def links(entries: Sequence[dict]) -> str:
    """What the export appends to the note's Markdown for the files in the zip: an image or a link each, after
    a blank line. `entries` as the front matter lists them. The same text is taken off on import."""
    lines = []
    for entry in entries:
        path = entry.get("path")
        if not isinstance(path, str):
            continue
        text = str(entry.get("name", "")).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        lines.append(f"{'!' if entry.get('content_type') in INLINE_TYPES else ''}[{text}]({path})")
    return "\n\n" + "\n".join(lines) if lines else ""


def entries_of(files: Sequence[ExportedFile]) -> list[dict]:
    return json.loads(front_matter_line(files).removeprefix("attachments: "))
