"""Import: this app's JSON export, Simplenote's export and Google Keep's (Takeout), as uploaded files.

A file is read whole and every note in it is checked (the note rules of notes/domain.py) before anything
is stored: a bad file is refused with what is wrong and where, and stores nothing.

Each imported note's id is derived (the repository's client token) from where it came from and what it
says: the source format, the note's id there (Keep has none: the file's name and creation time), its title
and content. Importing the same file again lands on the same ids, which exist, so it creates nothing; a
note changed in the other app since is imported as a new note, so nothing is lost. A note of this app's own
export whose id is already one of the user's notes (the same account) is skipped too.

Formats (as the apps write them; samples in tests/data/imports/):
- Notes Console: {"format": "notes-console", "version": 1, "notes": [{id, title, content, category,
  important, completed, created_at, updated_at, version}]} (one part of an export per file).
- Simplenote (Settings > Tools > Export notes: notes.zip with source/notes.json): {"activeNotes": [{id,
  content, creationDate, lastModified, tags?, pinned?, ...}], "trashedNotes": [...]}. The first line of
  the content is the title; pinned is important; trashed notes are left out.
- Google Keep (Takeout: Takeout/Keep/<note>.json, one per note): {title, textContent | listContent:
  [{text, isChecked}], isPinned, isArchived, isTrashed, labels: [{name}], createdTimestampUsec?,
  userEditedTimestampUsec}. Lists become Markdown task lists; pinned is important, archived is completed;
  trashed notes are left out; attachments (images, recordings) are not imported.
Tags and labels: the first that is a valid category becomes the category; any others are kept as a
last line "Tags: ..." of the content.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from notes.domain import (
    TITLE_MAX_CHARS,
    Note,
    ValidationError,
    clean_fields,
    label_problem,
    new_note_id,
    now_iso,
)
from notes.repository import NoteRepository, note_id_for_token

IMPORT_MAX_BYTES = 4 * 1024 * 1024  # an upload, base64 in Lambda's 6 MB request payload, with room for the rest
IMPORT_MAX_FILES = 10_000  # files in one upload (a zip's members included)
IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # what a zip may expand to (a zip bomb is refused before reading)
IMPORT_TIME_BUDGET_SECONDS = 20.0  # API Gateway gives up at 29 s; the rest comes with the next upload
MAX_PROBLEMS_SHOWN = 20
UNTITLED = "Untitled"

_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class ImportRejected(Exception):
    """The upload cannot be imported; `problems` says what and where. Nothing was stored."""

    def __init__(self, problems: list[str], *, total: int | None = None) -> None:
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.total = total if total is not None else len(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class ImportCandidate:
    source: str  # where it is, for messages: "notes.json, note 3"
    token: str
    fields: dict[str, object]
    created_at: str
    updated_at: str
    original_id: str | None = None  # this app's own id, when the file is our export


@dataclass
class ImportResult:
    formats: list[str]
    found: int  # notes in the files that could be imported
    created: int = 0
    already: int = 0  # imported before, or already this account's
    left_out: int = 0  # in the other app's trash
    attachments: int = 0  # Keep attachments that were not imported
    remaining: int = 0  # not done in this request's time: upload the same file again
    created_ids: list[str] = field(default_factory=list)


# --- reading the upload --------------------------------------------------------------------------


@dataclass
class _Reading:
    candidates: list[ImportCandidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    left_out: int = 0
    attachments: int = 0


def read_upload(files: list[tuple[str, bytes]]) -> _Reading:
    """Every note in the uploaded files, checked. ImportRejected if any file or note is not importable."""
    reading = _Reading()
    if not files:
        raise ImportRejected(["Choose a file to import."])
    documents: list[tuple[str, bytes]] = []
    for name, data in files:
        if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
            documents.extend(_zip_members(name, data, reading))
        else:
            documents.append((name, data))
    if len(documents) > IMPORT_MAX_FILES:
        raise ImportRejected([f"The upload holds {len(documents):,} files; at most {IMPORT_MAX_FILES:,} at a time."])
    for name, data in documents:
        _read_document(name, data, reading)
    if reading.problems:
        raise ImportRejected(reading.problems)
    if not reading.candidates and not reading.left_out:
        raise ImportRejected(["The upload holds no notes."])
    return reading


def _zip_members(name: str, data: bytes, reading: _Reading) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".json")]
        expanded = sum(i.file_size for i in infos)
        if expanded > IMPORT_MAX_UNZIPPED_BYTES:
            raise ImportRejected(
                [f"{name}: its JSON files expand to {expanded:,} bytes; at most {IMPORT_MAX_UNZIPPED_BYTES:,}."]
            )
        if len(infos) > IMPORT_MAX_FILES:
            raise ImportRejected(
                [f"{name}: it holds {len(infos):,} JSON files; at most {IMPORT_MAX_FILES:,} at a time."]
            )
        members = [(f"{name}: {i.filename}", archive.read(i)) for i in infos]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        reading.problems.append(f"{name}: not a zip file that can be read ({exc}).")
        return []
    if not members:
        reading.problems.append(
            f"{name}: the zip holds no .json file (Simplenote's has source/notes.json, Takeout's Keep/*.json)."
        )
    return members


def _read_document(name: str, data: bytes, reading: _Reading) -> None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        reading.problems.append(f"{name}: not UTF-8 text.")
        return
    except json.JSONDecodeError as exc:
        reading.problems.append(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).")
        return
    if isinstance(document, dict) and document.get("format") == "notes-console":
        _read_own(name, document, reading)
    elif isinstance(document, dict) and ("activeNotes" in document or "trashedNotes" in document):
        _read_simplenote(name, document, reading)
    elif isinstance(document, dict) and ("textContent" in document or "listContent" in document):
        _read_keep(name, document, reading)
    else:
        reading.problems.append(
            f"{name}: not a Notes Console export, a Simplenote notes.json or a Google Keep (Takeout) note."
        )


def _token(kind: str, source_id: str, title: object, content: object) -> str:
    raw = json.dumps([kind, source_id, title, content], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _add(
    reading: _Reading,
    candidate_source: str,
    kind: str,
    source_id: str,
    values: dict[str, object],
    created: str,
    updated: str,
    original_id: str | None = None,
) -> None:
    try:
        cleaned = clean_fields(values)
    except ValidationError as exc:
        reading.problems.extend(f"{candidate_source}: {message}" for message in exc.errors.values())
        return
    token = _token(kind, source_id, cleaned["title"], cleaned["content"])
    reading.candidates.append(ImportCandidate(candidate_source, token, cleaned, created, updated, original_id))


def _stamp_from_iso(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_STAMP_FORMAT)


def _stamp_from_usec(value: object) -> str | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 10**17:
        return None
    return datetime.fromtimestamp(value / 1_000_000, UTC).strftime(_STAMP_FORMAT)


def _category_and_rest(tags: list[str]) -> tuple[str | None, list[str]]:
    # The first tag that is a valid label becomes the note's (deprecated single) category, i.e. its label.
    for i, tag in enumerate(tags):
        if tag.strip() and label_problem(tag) is None:
            return tag.strip(), tags[:i] + tags[i + 1 :]
    return None, tags


def _with_tags(content: str, tags: list[str]) -> str:
    if not tags:
        return content
    return (content.rstrip("\n") + "\n\n" if content.strip() else "") + "Tags: " + ", ".join(tags)


def _split_title(text: str) -> tuple[str, str]:
    """Simplenote's and Keep's untitled notes: the first non-blank line is the title, the rest the content.
    A first line too long for a title is cut in the title and kept whole in the content."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            if len(title) > TITLE_MAX_CHARS:
                return title[: TITLE_MAX_CHARS - 1] + "…", text
            return title, "\n".join(lines[i + 1 :]).lstrip("\n")
    return UNTITLED, text


def _text(value: object) -> str | None:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else None


# --- the formats ---------------------------------------------------------------------------------


def _read_own(name: str, document: dict, reading: _Reading) -> None:
    notes = document.get("notes")
    if not isinstance(notes, list):
        reading.problems.append(f'{name}: "notes" must be a list.')
        return
    reading.formats.append("Notes Console")
    for index, note in enumerate(notes, 1):
        where = f"{name}, note {index}"
        if not isinstance(note, dict):
            reading.problems.append(f"{where}: not an object.")
            continue
        note_id = note.get("id")
        created, updated = _stamp_from_iso(note.get("created_at")), _stamp_from_iso(note.get("updated_at"))
        if not isinstance(note_id, str) or not _ID_RE.match(note_id):
            reading.problems.append(f"{where}: id must be 32 lowercase hex characters.")
            continue
        if created is None or updated is None:
            reading.problems.append(f"{where}: created_at and updated_at must be ISO-8601 times.")
            continue
        fields = ("title", "content", "labels", "category", "important", "completed", "pinned", "archived")
        values = {k: note[k] for k in fields if k in note}
        _add(reading, where, "notes-console", note_id, values, created, updated, original_id=note_id)


def _read_simplenote(name: str, document: dict, reading: _Reading) -> None:
    active, trashed = document.get("activeNotes", []), document.get("trashedNotes", [])
    if not isinstance(active, list) or not isinstance(trashed, list):
        reading.problems.append(f'{name}: "activeNotes" and "trashedNotes" must be lists.')
        return
    reading.formats.append("Simplenote")
    reading.left_out += len(trashed)
    for index, note in enumerate(active, 1):
        where = f"{name}, note {index}"
        if not isinstance(note, dict):
            reading.problems.append(f"{where}: not an object.")
            continue
        content, source_id = _text(note.get("content")), note.get("id")
        if content is None or not isinstance(source_id, str):
            reading.problems.append(f'{where}: "id" and "content" must be text.')
            continue
        tags = note.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            reading.problems.append(f'{where}: "tags" must be a list of text.')
            continue
        updated = _stamp_from_iso(note.get("lastModified")) or now_iso()
        created = _stamp_from_iso(note.get("creationDate")) or updated
        title, body = _split_title(content)
        category, other_tags = _category_and_rest(tags)
        values = {
            "title": title,
            "content": _with_tags(body, other_tags),
            "category": category,
            "important": note.get("pinned") is True or "pinned" in (note.get("systemTags") or []),
        }
        _add(reading, where, "simplenote", source_id, values, created, updated)


def _read_keep(name: str, note: dict, reading: _Reading) -> None:
    if "Keep" not in reading.formats:
        reading.formats.append("Keep")
    if note.get("isTrashed") is True:
        reading.left_out += 1
        return
    title, text, items = _text(note.get("title", "")), _text(note.get("textContent", "")), note.get("listContent", [])
    if title is None or text is None:
        reading.problems.append(f'{name}: "title" and "textContent" must be text.')
        return
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("text", ""), str) for i in items
    ):
        reading.problems.append(f'{name}: "listContent" must be a list of items with text.')
        return
    labels = note.get("labels", [])
    if not isinstance(labels, list) or not all(
        isinstance(lb, dict) and isinstance(lb.get("name"), str) for lb in labels
    ):
        reading.problems.append(f'{name}: "labels" must be a list of {{"name": ...}}.')
        return
    attachments = note.get("attachments", [])
    reading.attachments += len(attachments) if isinstance(attachments, list) else 0
    checklist = "\n".join(f"- [{'x' if i.get('isChecked') is True else ' '}] {_text(i.get('text', ''))}" for i in items)
    content = "\n\n".join(part for part in (text, checklist) if part)
    title = title.strip()
    if not title and text.strip():
        title, rest = _split_title(text)
        content = "\n\n".join(part for part in (rest if title != UNTITLED else text, checklist) if part)
    elif not title:
        first = next((_text(i.get("text", "")).strip() for i in items if _text(i.get("text", "")).strip()), "")
        title = (first[: TITLE_MAX_CHARS - 1] + "…" if len(first) > TITLE_MAX_CHARS else first) or UNTITLED
    elif len(title) > TITLE_MAX_CHARS:
        content = f"{title}\n\n{content}" if content else title
        title = title[: TITLE_MAX_CHARS - 1] + "…"
    updated = _stamp_from_usec(note.get("userEditedTimestampUsec"))
    created = _stamp_from_usec(note.get("createdTimestampUsec")) or updated or now_iso()
    category, other_labels = _category_and_rest([lb["name"] for lb in labels])
    values = {
        "title": title,
        "content": _with_tags(content, other_labels),
        "category": category,
        "important": note.get("isPinned") is True,
        "completed": note.get("isArchived") is True,
    }
    source_id = f"{name.rsplit('/', 1)[-1]}#{note.get('createdTimestampUsec', '')}"
    _add(reading, name, "keep", source_id, values, created, updated or created)


# --- storing -------------------------------------------------------------------------------------


def notes_import(
    *,
    user_id: str,
    files: list[tuple[str, bytes]],
    repo: NoteRepository | None = None,
    time_budget: float = IMPORT_TIME_BUDGET_SECONDS,
    clock=time.monotonic,
) -> ImportResult:
    """Check the whole upload, then create the notes it holds that this account does not have yet."""
    if repo is None:
        from notes import wiring

        repo = wiring.note_repository()
    reading = read_upload(files)
    unique: dict[str, ImportCandidate] = {}
    for candidate in reading.candidates:
        unique.setdefault(candidate.token, candidate)
    candidates = list(unique.values())
    derived = {c.token: note_id_for_token(user_id=user_id, client_token=c.token) for c in candidates}
    originals = [c.original_id for c in candidates if c.original_id]
    existing = repo.existing_ids(user_id=user_id, note_ids=[*derived.values(), *originals])
    result = ImportResult(
        formats=reading.formats, found=len(candidates), left_out=reading.left_out, attachments=reading.attachments
    )
    todo = []
    for candidate in candidates:
        if derived[candidate.token] in existing or (candidate.original_id and candidate.original_id in existing):
            result.already += 1
        else:
            todo.append(candidate)
    deadline = clock() + time_budget
    for index, candidate in enumerate(todo):
        if index and clock() >= deadline:
            result.remaining = len(todo) - index
            break
        note = Note(
            id=new_note_id(),
            user_id=user_id,
            created_at=candidate.created_at,
            updated_at=candidate.updated_at,
            version=1,
            **candidate.fields,
        )
        stored = repo.add(note, client_token=candidate.token)
        result.created += 1
        result.created_ids.append(stored.id)
    return result
