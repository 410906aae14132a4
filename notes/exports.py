"""Export: all of a user's notes as JSON, or as a zip of Markdown files with front matter.

On Lambda a response is at most 6,291,556 bytes as the function returns it (AWS's own error names that
figure): Zappa buffers the whole body, the runtime then writes it as a JSON string (so every quote,
backslash and non-ASCII character of a JSON body is escaped again), and a zip is base64 (4 bytes per 3).
So a large export is delivered in parts, each under that limit as it leaves Lambda:

- export_plan() reads the notes once (in id order, one page of the table at a time, nothing kept but
  the boundaries) and cuts them into parts of at most PART_TARGET_BYTES each, per format;
- a part is the id range (after, until]; downloading it streams those notes again, one page at a time;
- notes added or grown since the plan may make a part bigger: it stops at PART_MAX_BYTES and says where
  the rest of its range continues ("rest" in the JSON, REST.txt in the zip), so nothing is cut silently.

Parts are ranges of ids, not of update times, so editing a note between two downloads does not move it
into another part. Only live notes are exported (the trash is not).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from notes.attachments import Attachment
from notes.domain import Note, now_iso
from notes.export_files import ExportedFile, entries_of, exported_files, front_matter_line, links
from notes.repository import ExportReader
from notes.stamps import normal_stamp, zip_date_time

EXPORT_FORMAT = "notes-console"
EXPORT_VERSION = 1
LAMBDA_RESPONSE_LIMIT = 6_291_556  # bytes of the payload a function returns (synchronous invocation)
PART_TARGET_BYTES = 5_000_000  # a plan's parts, as they leave Lambda; headroom for growth and headers
PART_MAX_BYTES = 5_900_000  # a download stops here whatever happened since the plan (headers fit under the limit)
JSON_TYPE = "application/json"
ZIP_TYPE = "application/zip"

_NOTE_FIELDS = (
    "id",
    "title",
    "content",
    "labels",
    "category",  # deprecated (the first label), kept so an older Notes Console still imports the file
    "important",
    "completed",
    "pinned",
    "archived",
    "created_at",
    "updated_at",
    "version",
)
# Zip framing per file, beyond its name and data: local header 30 + data descriptor 16 + central entry 46.
_ZIP_ENTRY_OVERHEAD = 92
_ZIP_END_RECORD = 22


Attachments = Mapping[str, Sequence[Attachment]]  # a user's attachments by note id
_NONE: Attachments = {}


def attachment_export_json(attachment: Attachment) -> dict[str, object]:
    return {
        "id": attachment.id,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "status": attachment.status,
    }


def note_export_json(note: Note, attachments: Sequence[Attachment] = ()) -> dict[str, object]:
    values = {name: getattr(note, name) for name in _NOTE_FIELDS}
    values["labels"] = list(note.labels)
    values["created_at"], values["updated_at"] = normal_stamp(note.created_at), normal_stamp(note.updated_at)
    values["attachments"] = [attachment_export_json(a) for a in attachments]
    return values


def attachments_by_note(*, user_id: str) -> dict[str, list[Attachment]]:
    """Every attachment of the user, by note (one query of the user's attachments, not one per note)."""
    from notes import wiring

    found: dict[str, list[Attachment]] = {}
    for attachment in wiring.attachment_repository().list_for_user(user_id=user_id):
        found.setdefault(attachment.note_id, []).append(attachment)
    return found


def lambda_text_bytes(text: str) -> int:
    """Bytes that `text` takes as a text body in Lambda's response (a JSON string, non-ASCII escaped).
    Escaping is per character, so the sizes of pieces add up."""
    return len(json.dumps(text)) - 2


def lambda_binary_bytes(size: int) -> int:
    return 4 * math.ceil(size / 3)


# --- the two formats ----------------------------------------------------------------------------


def _json_head(part: int, exported_at: str) -> str:
    return (
        f'{{"format": "{EXPORT_FORMAT}", "version": {EXPORT_VERSION}, "exported_at": "{exported_at}", '
        f'"part": {part}, "notes": [\n'
    )


def _json_entry(note: Note, *, first: bool, attachments: Sequence[Attachment] = ()) -> str:
    return ("" if first else ",\n") + json.dumps(note_export_json(note, attachments), ensure_ascii=False)


def _json_tail(rest: str | None) -> str:
    return f'\n], "complete": {"false" if rest else "true"}, "rest": {json.dumps(rest)}}}\n'


_JSON_FRAME = lambda_text_bytes(_json_head(9999, now_iso()) + _json_tail("x" * 400))  # a bound for any part's


def _yaml_string(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def note_markdown(note: Note, files: Sequence[ExportedFile] = ()) -> str:
    """The note as Markdown with YAML front matter holding every field, then the content, links to its files
    in the zip (export_files.links) and one newline (none for nothing), which the import takes off again: the
    content comes back exactly."""
    front = [
        "---",
        f"id: {_yaml_string(note.id)}",  # quoted: an id of digits (or digits and one e) would read as a number
        f"title: {_yaml_string(note.title)}",
        # A JSON array (one line: json.dumps escapes any newline) is a YAML flow sequence.
        f"labels: {json.dumps(list(note.labels), ensure_ascii=False)}",
        f"category: {_yaml_string(note.category)}",
        f"important: {'true' if note.important else 'false'}",
        f"completed: {'true' if note.completed else 'false'}",
        f"pinned: {'true' if note.pinned else 'false'}",
        f"archived: {'true' if note.archived else 'false'}",
        f"created_at: {_yaml_string(normal_stamp(note.created_at))}",
        f"updated_at: {_yaml_string(normal_stamp(note.updated_at))}",
        f"version: {note.version}",
        *([front_matter_line(files)] if files else []),
        "---",
        "",
    ]
    body = note.content + links(entries_of(files))
    return "\n".join(front) + body + ("\n" if body else "")


def markdown_filename(note: Note) -> str:
    """A portable, unique file name: the title's letters and digits of any script ("straße", "日本語"; NFC,
    lower case, anything else a "-", which no file system refuses), then the start of the id. The zip marks
    such names as UTF-8."""
    title = unicodedata.normalize("NFC", note.title).lower()
    slug = re.sub(r"[\W_]+", "-", title).strip("-")[:60].strip("-") or "note"
    return f"{slug}-{note.id[:8]}.md"


def _entry_bound(data: int, name: str) -> int:
    # Deflate can grow incompressible data slightly (5 bytes per 16 KB block); count it as stored plus that.
    return data + 5 * (data // 16384 + 1) + _ZIP_ENTRY_OVERHEAD + 2 * len(name.encode())


def _zip_entry_bound(note: Note, files: Sequence[ExportedFile] = ()) -> int:
    """The zip bytes of the note's file and of its attachments' files."""
    own = _entry_bound(len(note_markdown(note, files).encode("utf-8")), markdown_filename(note))
    return own + sum(_entry_bound(f.attachment.size, f.path) for f in files if f.path)


def _files(note: Note, attachments: Attachments) -> list[ExportedFile]:
    return exported_files(markdown_filename(note), attachments.get(note.id, ()))


# --- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportPart:
    number: int
    after: str | None  # the part holds notes with id > after ...
    until: str | None  # ... and id <= until (None: to the end, so notes added later are in the last part)
    notes: int
    size: int  # bytes as the response leaves Lambda, when planned


@dataclass(frozen=True)
class ExportPlan:
    notes: int
    json_parts: list[ExportPart]
    markdown_parts: list[ExportPart]


class _Cutter:
    def __init__(self, target: int, frame: int) -> None:
        self.target, self.frame = target, frame
        self.parts: list[ExportPart] = []
        self.after: str | None = None
        self.last: str | None = None
        self.count = 0
        self.size = frame

    def add(self, note_id: str, size: int) -> None:
        if self.count and self.size + size > self.target:
            self.parts.append(ExportPart(len(self.parts) + 1, self.after, self.last, self.count, self.size))
            self.after, self.count, self.size = self.last, 0, self.frame
        self.last = note_id
        self.count += 1
        self.size += size

    def finish(self) -> list[ExportPart]:
        if self.count or not self.parts:
            self.parts.append(ExportPart(len(self.parts) + 1, self.after, None, self.count, self.size))
        else:  # keep the last part open-ended
            last = self.parts[-1]
            self.parts[-1] = ExportPart(last.number, last.after, None, last.notes, last.size)
        return self.parts


def _repository(repo: ExportReader | None) -> ExportReader:
    from notes import wiring

    return repo if repo is not None else wiring.note_repository()


def notes_export_plan(
    *,
    user_id: str,
    repo: ExportReader | None = None,
    target: int | None = None,
    attachments: Attachments | None = None,
) -> ExportPlan:
    """Reads every live note of the user once (one page of the table at a time) to cut the export in parts,
    their attachments counted in (read once for the user when not given, unless a repository is)."""
    target = PART_TARGET_BYTES if target is None else target
    if attachments is None:
        attachments = attachments_by_note(user_id=user_id) if repo is None else _NONE
    json_cut = _Cutter(target, _JSON_FRAME)
    zip_cut = _Cutter(target, lambda_binary_bytes(_ZIP_END_RECORD) + 4)
    total = 0
    for note in _repository(repo).iter_notes(user_id=user_id):
        total += 1
        of_note = attachments.get(note.id, ())
        json_cut.add(note.id, lambda_text_bytes(_json_entry(note, first=False, attachments=of_note)))
        # base64 of a sum is at most the sum of each piece's base64 plus 4.
        zip_cut.add(note.id, lambda_binary_bytes(_zip_entry_bound(note, _files(note, attachments))) + 4)
    return ExportPlan(notes=total, json_parts=json_cut.finish(), markdown_parts=zip_cut.finish())


# --- streaming a part ----------------------------------------------------------------------------


def notes_export_part(
    *, user_id: str, after: str | None, until: str | None, repo: ExportReader | None = None
) -> Iterator[Note]:
    """The part's notes, with the first page already read: a store outage is raised here, before a
    response has started, not in the middle of a download."""
    notes = _repository(repo).iter_notes(user_id=user_id, after=after, until=until)
    first = next(notes, None)
    return iter(()) if first is None else itertools.chain([first], notes)


RestUrl = Callable[[str], str]  # the URL of the rest of a part's range, after the given note id


def export_json_chunks(
    *,
    notes: Iterable[Note],
    part: int = 1,
    after: str | None = None,
    rest_url: RestUrl,
    limit: int | None = None,
    attachments: Attachments = _NONE,
) -> Iterator[bytes]:
    """One part as JSON, produced while the notes are read; each note lists its attachments (not their
    bytes). Stops before `limit` (as sent by Lambda)."""
    limit = PART_MAX_BYTES if limit is None else limit
    head = _json_head(part, now_iso())
    size = lambda_text_bytes(head) + _JSON_FRAME
    yield head.encode()
    first, last, rest = True, after, None
    for note in notes:
        entry = _json_entry(note, first=first, attachments=attachments.get(note.id, ()))
        entry_size = lambda_text_bytes(entry)
        if not first and size + entry_size > limit:
            rest = rest_url(last or "")
            break
        size += entry_size
        first, last = False, note.id
        yield entry.encode()
    yield _json_tail(rest).encode()


class _Sink:
    """A write-only file for zipfile: it keeps what was written until the generator hands it on."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def export_markdown_chunks(
    *,
    notes: Iterable[Note],
    after: str | None = None,
    rest_url: RestUrl,
    limit: int | None = None,
    attachments: Attachments = _NONE,
    read_file: Callable[[Attachment], bytes] | None = None,
) -> Iterator[bytes]:
    """One part as a zip of Markdown files, a file at a time, each note's attachments beside it (read with
    `read_file`). Stops before `limit` (base64, as Lambda sends it); by default also before the import's
    upload limit, so any part can be imported back whole."""
    if limit is None:
        from notes.imports import IMPORT_MAX_BYTES

        limit = min(PART_MAX_BYTES, lambda_binary_bytes(IMPORT_MAX_BYTES) - 4)
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)  # noqa: SIM115 - closed below
    last = after
    reserve = _ZIP_END_RECORD + _ZIP_ENTRY_OVERHEAD + 600  # the end record, and a REST.txt if it comes to that
    central = 0  # the central directory grows with each file and is written at the end
    for note in notes:
        name = markdown_filename(note)
        files = _files(note, attachments) if read_file else []
        data = note_markdown(note, files).encode("utf-8")
        bound = _zip_entry_bound(note, files)
        if last != after and lambda_binary_bytes(sink.position + central + bound + reserve) > limit:
            archive.writestr("REST.txt", f"This part stopped early. The rest of it: {rest_url(last or '')}\n")
            break
        # A zip holds dates from 1980 to 2107 only: the entry's is clamped, the note's own is in its front matter.
        info = zipfile.ZipInfo(name, date_time=zip_date_time(normal_stamp(note.updated_at)))
        info.external_attr = 0o644 << 16
        archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        central += 46 + len(name.encode())
        for file in files:
            if file.path and read_file is not None:
                path_info = zipfile.ZipInfo(file.path, date_time=info.date_time)
                path_info.external_attr = 0o644 << 16
                archive.writestr(path_info, read_file(file.attachment), compress_type=zipfile.ZIP_DEFLATED)
                central += 46 + len(file.path.encode())
                yield sink.take()
        last = note.id
        yield sink.take()
    archive.close()
    yield sink.take()
