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
  important, completed, created_at, updated_at, version}]} (one part of an export per file); or its
  Markdown export, a zip of .md files whose front matter holds the same fields (exports.note_markdown).
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
import logging
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from console.aws import deadline
from console.aws.errors import StoreUnavailable
from console.web.integers import json_int
from notes.domain import (
    TITLE_MAX_CHARS,
    Note,
    ValidationError,
    clean_fields,
    label_problem,
    new_note_id,
    now_iso,
)
from notes.repository import ImportTarget, note_id_for_token
from notes.stamps import StampProblem, stamp_from_epoch_usec, stamp_from_iso

IMPORT_MAX_BYTES = 4 * 1024 * 1024  # an upload, base64 in Lambda's 6 MB request payload, with room for the rest
IMPORT_MAX_FILES = 10_000  # files in one upload (a zip's members included)
IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # what a zip may expand to (a zip bomb is refused before reading)
IMPORT_TIME_BUDGET_SECONDS = 20.0  # API Gateway gives up at 29 s; the rest comes with the next upload
# Time left before the request's own deadline (console/aws/deadline.py) at which the import stops adding notes:
# enough for one more note's writes and the answer saying what was stored and what remains.
IMPORT_STOP_MARGIN_SECONDS = 2.0
MAX_PROBLEMS_SHOWN = 20
UNTITLED = "Untitled"

_ID_RE = re.compile(r"^[0-9a-f]{32}$")
log = logging.getLogger(__name__)


class ImportRejected(Exception):
    """The upload cannot be imported; `problems` says what and where. Nothing was stored. `of_the_form`: the
    form itself is wrong (no file, too large), not what the files hold."""

    def __init__(self, problems: list[str], *, total: int | None = None, of_the_form: bool = False) -> None:
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.total = total if total is not None else len(problems)
        self.of_the_form = of_the_form
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
        raise ImportRejected(["Choose a file to import."], of_the_form=True)
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
        infos = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith((".json", ".md"))]
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
            f"{name}: the zip holds no .json or .md file (Simplenote's has source/notes.json, Takeout's "
            "Keep/*.json, this app's Markdown export a .md file per note)."
        )
    return members


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


class _TooDeep(ValueError):
    pass


def _json(text: str) -> object:
    """Every value in a file is hostile until checked: numbers longer than MAX_DIGITS digits (Python refuses
    to convert 4,300) and NaN/Infinity are refused by the parser, nesting beyond the parser's depth too."""
    try:
        return json.loads(text, parse_int=json_int, parse_constant=_reject_constant)
    except RecursionError:
        raise _TooDeep("it is nested too deeply") from None


def _read_document(name: str, data: bytes, reading: _Reading) -> None:
    if name.lower().endswith(".md"):
        _read_markdown(name, data, reading)
        return
    try:
        document = _json(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        reading.problems.append(f"{name}: not UTF-8 text.")
        return
    except json.JSONDecodeError as exc:
        reading.problems.append(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).")
        return
    except ValueError as exc:
        reading.problems.append(f"{name}: not JSON this app can read: {exc}.")
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


class _NoteProblem(Exception):
    """One field of one note cannot be imported; the message names the field."""


def _stamp(note: dict, key: str, convert: Callable[[object], str], *, required: bool = False) -> str | None:
    """The note's date `key` as a stored stamp; None when it is absent (and may be); _NoteProblem otherwise."""
    value = note.get(key)
    if value is None and not required:
        return None
    try:
        return convert(value)
    except StampProblem as exc:
        raise _NoteProblem(f'"{key}" {exc}.') from None


def _text_list(note: dict, key: str) -> list[str]:
    value = note.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _NoteProblem(f'"{key}" must be a list of text.')
    return value


def _flag(note: dict, key: str) -> bool:
    value = note.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _NoteProblem(f'"{key}" must be true or false.')
    return value


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
    if "Notes Console" not in reading.formats:
        reading.formats.append("Notes Console")
    for index, note in enumerate(notes, 1):
        _read_own_note(f"{name}, note {index}", note, reading)


def _read_own_note(where: str, note: object, reading: _Reading) -> None:
    if not isinstance(note, dict):
        reading.problems.append(f"{where}: not an object.")
        return
    note_id = note.get("id")
    if not isinstance(note_id, str) or not _ID_RE.match(note_id):
        reading.problems.append(f"{where}: id must be 32 lowercase hex characters.")
        return
    try:
        created = _stamp(note, "created_at", stamp_from_iso, required=True)
        updated = _stamp(note, "updated_at", stamp_from_iso, required=True)
    except _NoteProblem as exc:
        reading.problems.append(f"{where}: {exc}")
        return
    fields = ("title", "content", "labels", "category", "important", "completed", "pinned", "archived")
    values = {k: note[k] for k in fields if k in note}
    _add(reading, where, "notes-console", note_id, values, created, updated, original_id=note_id)


def _read_markdown(name: str, data: bytes, reading: _Reading) -> None:
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
            note[key.strip()] = _json(value)
        except ValueError as exc:
            reading.problems.append(f"{name}: front matter line {number} ({key.strip()[:40]}): {exc}.")
            return
    note["content"] = body.removesuffix("\n")
    if "Notes Console" not in reading.formats:
        reading.formats.append("Notes Console")
    _read_own_note(name, note, reading)


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
        try:
            tags, system_tags, pinned = _text_list(note, "tags"), _text_list(note, "systemTags"), _flag(note, "pinned")
            updated = _stamp(note, "lastModified", stamp_from_iso) or now_iso()
            created = _stamp(note, "creationDate", stamp_from_iso) or updated
        except _NoteProblem as exc:
            reading.problems.append(f"{where}: {exc}")
            continue
        title, body = _split_title(content)
        category, other_tags = _category_and_rest(tags)
        values = {
            "title": title,
            "content": _with_tags(body, other_tags),
            "category": category,
            "important": pinned or "pinned" in system_tags,
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
    try:
        pinned, archived = _flag(note, "isPinned"), _flag(note, "isArchived")
        updated = _stamp(note, "userEditedTimestampUsec", stamp_from_epoch_usec)
        created = _stamp(note, "createdTimestampUsec", stamp_from_epoch_usec) or updated or now_iso()
    except _NoteProblem as exc:
        reading.problems.append(f"{name}: {exc}")
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
    category, other_labels = _category_and_rest([lb["name"] for lb in labels])
    values = {
        "title": title,
        "content": _with_tags(content, other_labels),
        "category": category,
        "important": pinned,
        "completed": archived,
    }
    source_id = f"{name.rsplit('/', 1)[-1]}#{note.get('createdTimestampUsec', '')}"
    _add(reading, name, "keep", source_id, values, created, updated or created)


# --- storing -------------------------------------------------------------------------------------


def notes_import(
    *,
    user_id: str,
    files: list[tuple[str, bytes]],
    repo: ImportTarget | None = None,
    time_budget: float = IMPORT_TIME_BUDGET_SECONDS,
    clock=time.monotonic,
) -> ImportResult:
    """Check the whole upload, then create the notes it holds that this account does not have yet.

    The notes are added until `time_budget` runs out or the request's deadline is near; if the store fails
    (the deadline refusing a call included) once some notes are stored, the import stops there too. Either
    way the answer says what was stored and how many remain (`remaining`): the same file again adds them.
    A failure before any note is stored is raised (nothing was stored)."""
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
    budget_ends = clock() + time_budget
    box = deadline.TimeBox(margin=IMPORT_STOP_MARGIN_SECONDS)
    for index, candidate in enumerate(todo):
        if index and (clock() >= budget_ends or box.up()):
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
        try:
            stored = repo.add(note, client_token=candidate.token)
        except StoreUnavailable as exc:
            if not result.created:
                raise
            result.remaining = len(todo) - index
            log.warning(
                "import stopped by the store after %d of %d notes; the rest come with the same file again",
                result.created,
                len(todo),
                extra={"fields": {"created": result.created, "remaining": result.remaining, "error": str(exc)}},
            )
            break
        result.created += 1
        result.created_ids.append(stored.id)
    return result
