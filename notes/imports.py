"""Import: this app's JSON export, Simplenote's export and Google Keep's (Takeout), as uploaded files.

A file is read whole and every note in it is checked (the note rules of notes/domain.py) before anything
is stored: a bad file is refused with what is wrong and where, and stores nothing. What a note holds that
this app cannot keep (a Keep colour, labels beyond the limit) is reported per file, and the note imported.
The formats' readers are notes/import_formats.py; what they share, notes/import_reading.py.

Each imported note's id is derived (the repository's client token) from where it came from and what it
says: the source format, the note's id there (Keep has none: the file's name and creation time), its title
and content. Importing the same file again lands on the same ids, which exist, so it creates nothing; a
note changed in the other app since is imported as a new note, so nothing is lost. A note of this app's own
export whose id is already one of the user's notes (the same account) is skipped too. A note in the other
app's trash goes to this app's trash (added, then trashed: if the request ends between the two, it stays
live and the same file again does not trash it).
"""

from __future__ import annotations

import io
import json
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from console.aws import deadline
from console.aws.errors import StoreUnavailable
from notes.domain import Note, NoteError, new_note_id
from notes.import_formats import read_keep, read_markdown, read_own, read_simplenote
from notes.import_reading import (
    MAX_PROBLEMS_SHOWN,
    ImportCandidate,
    ImportRejected,
    Reading,
    parse_json,
)
from notes.repository import ImportTarget, note_id_for_token

__all__ = ["ImportRejected", "ImportResult", "notes_import", "read_upload"]

IMPORT_MAX_BYTES = 4 * 1024 * 1024  # an upload, base64 in Lambda's 6 MB request payload, with room for the rest
IMPORT_MAX_FILES = 10_000  # files in one upload (a zip's members included)
IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # what a zip may expand to (a zip bomb is refused before reading)
IMPORT_TIME_BUDGET_SECONDS = 20.0  # API Gateway gives up at 29 s; the rest comes with the next upload
# Time left before the request's own deadline (console/aws/deadline.py) at which the import stops adding notes:
# enough for one more note's writes and the answer saying what was stored and what remains.
IMPORT_STOP_MARGIN_SECONDS = 2.0
_NOTE_SUFFIXES = (".json", ".md")

log = logging.getLogger(__name__)
# Makes a note's files its attachments: (user_id, note_id, refs, files, report) -> how many were attached.
Attacher = Callable[..., int]


@dataclass
class ImportResult:
    formats: list[str]
    found: int  # notes in the files that could be imported
    created: int = 0
    already: int = 0  # imported before, or already this account's
    left_out: int = 0  # deprecated: always 0 (notes of the other app's trash go to the trash: `trashed`)
    attachments: int = 0  # files attached to the imported notes (those refused are listed in not_kept)
    remaining: int = 0  # not done in this request's time: upload the same file again
    trashed: int = 0  # of `created`, put in the trash (they were in the other app's)
    created_ids: list[str] = field(default_factory=list)
    # What could not be kept, per file: [{"source", "what": [...]}], the first MAX_PROBLEMS_SHOWN files.
    not_kept: list[dict[str, object]] = field(default_factory=list)
    not_kept_total: int = 0  # findings in all, shown or not


# --- reading the upload --------------------------------------------------------------------------


def read_upload(files: list[tuple[str, bytes]]) -> Reading:
    """Every note in the uploaded files, checked. ImportRejected if any file or note is not importable."""
    reading = Reading()
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
    if not reading.candidates:
        raise ImportRejected(["The upload holds no notes."])
    return reading


def _zip_members(name: str, data: bytes, reading: Reading) -> list[tuple[str, bytes]]:
    """The zip's notes (.json, .md), to read; its other files are kept in `reading.files` for the notes that
    refer to them (attachments)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        expanded = sum(i.file_size for i in infos)
        if expanded > IMPORT_MAX_UNZIPPED_BYTES:
            raise ImportRejected(
                [f"{name}: its files expand to {expanded:,} bytes; at most {IMPORT_MAX_UNZIPPED_BYTES:,}."]
            )
        if len(infos) > IMPORT_MAX_FILES:
            raise ImportRejected([f"{name}: it holds {len(infos):,} files; at most {IMPORT_MAX_FILES:,} at a time."])
        members = [
            (f"{name}: {i.filename}", archive.read(i)) for i in infos if i.filename.lower().endswith(_NOTE_SUFFIXES)
        ]
        for info in infos:
            if not info.filename.lower().endswith(_NOTE_SUFFIXES):
                reading.files[f"{name}: {info.filename}"] = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        reading.problems.append(f"{name}: not a zip file that can be read ({exc}).")
        return []
    if not members:
        reading.problems.append(
            f"{name}: the zip holds no .json or .md file (Simplenote's has source/notes.json, Takeout's "
            "Keep/*.json, this app's Markdown export a .md file per note)."
        )
    return members


def _read_document(name: str, data: bytes, reading: Reading) -> None:
    if name.lower().endswith(".md"):
        read_markdown(name, data, reading)
        return
    try:
        document = parse_json(data.decode("utf-8-sig"))
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
        read_own(name, document, reading)
    elif isinstance(document, dict) and ("activeNotes" in document or "trashedNotes" in document):
        read_simplenote(name, document, reading)
    elif isinstance(document, dict) and ("textContent" in document or "listContent" in document):
        read_keep(name, document, reading)
    else:
        reading.problems.append(
            f"{name}: not a Notes Console export, a Simplenote notes.json or a Google Keep (Takeout) note."
        )


def _not_kept(reading: Reading) -> tuple[list[dict[str, object]], int]:
    by_source: dict[str, list[str]] = {}
    for where, what in reading.not_kept:
        by_source.setdefault(where, []).append(what)
    shown = [{"source": source, "what": what} for source, what in list(by_source.items())[:MAX_PROBLEMS_SHOWN]]
    return shown, len(reading.not_kept)


# --- storing -------------------------------------------------------------------------------------


def notes_import(
    *,
    user_id: str,
    files: list[tuple[str, bytes]],
    repo: ImportTarget | None = None,
    time_budget: float = IMPORT_TIME_BUDGET_SECONDS,
    clock=time.monotonic,
    attach: Attacher | None = None,
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
        # The same note twice (its JSON and its Markdown export): the one whose files are in the upload.
        if candidate.token not in unique or _files_found(candidate, reading) > _files_found(
            unique[candidate.token], reading
        ):
            unique[candidate.token] = candidate
    candidates = list(unique.values())
    result = ImportResult(formats=reading.formats, found=len(candidates))
    todo, stored_with_files = _not_yet_imported(repo, user_id, candidates, result)
    budget_ends = clock() + time_budget
    box = deadline.TimeBox(margin=IMPORT_STOP_MARGIN_SECONDS)

    def out_of_time() -> bool:
        return clock() >= budget_ends or box.up()

    for index, candidate in enumerate(todo):
        if index and out_of_time():
            result.remaining = len(todo) - index
            break
        try:
            _store(repo, user_id, candidate, result, reading, attach or _attach, stop=out_of_time)
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
    # An injected attacher (the unit tests' fake) stands for S3 and the upload's processing: the files of notes
    # stored before are then not looked at (that look reads the attachments' table).
    if attach is None and stored_with_files and not result.remaining and not out_of_time():
        result.attachments += _attach_missing(user_id, stored_with_files, reading, stop=out_of_time)
    result.not_kept, result.not_kept_total = _not_kept(reading)
    return result


def _attach_missing(
    user_id: str, stored: list[tuple[ImportCandidate, str]], reading: Reading, *, stop: Callable[[], bool]
) -> int:
    """The files of notes imported before whose files did not all come (one read of each such note's files)."""
    from notes.import_attachments import attach_missing  # S3 and the upload's processing: only when needed

    attached = 0
    for candidate, note_id in stored:
        if stop():
            break
        attached += attach_missing(
            user_id=user_id,
            note_id=note_id,
            refs=candidate.attachments,
            files=reading.files,
            report=lambda what, source=candidate.source: reading.cannot_keep(source, what),
            stop=stop,
        )
    return attached


def _files_found(candidate: ImportCandidate, reading: Reading) -> int:
    return sum(1 for ref in candidate.attachments if ref.path in reading.files)


def _attach(**kwargs) -> int:
    from notes.import_attachments import attach_imported  # S3 and the upload's processing: only when needed

    return attach_imported(**kwargs)


def _not_yet_imported(
    repo: ImportTarget, user_id: str, candidates: list[ImportCandidate], result: ImportResult
) -> tuple[list[ImportCandidate], list[tuple[ImportCandidate, str]]]:
    """The candidates to store, and those stored before that bring files (with their note's id): an earlier
    import may have stored the note and then run out of time, or met a failing file store, before its files."""
    derived = {c.token: note_id_for_token(user_id=user_id, client_token=c.token) for c in candidates}
    originals = [c.original_id for c in candidates if c.original_id]
    existing = repo.existing_ids(user_id=user_id, note_ids=[*derived.values(), *originals])
    todo, with_files = [], []
    for candidate in candidates:
        stored_as = derived[candidate.token] if derived[candidate.token] in existing else candidate.original_id
        if stored_as and stored_as in existing:
            result.already += 1
            if candidate.attachments and not candidate.trashed:
                with_files.append((candidate, stored_as))
        else:
            todo.append(candidate)
    return todo, with_files


def _store(  # noqa: PLR0913 - the import's parts
    repo: ImportTarget,
    user_id: str,
    candidate: ImportCandidate,
    result: ImportResult,
    reading: Reading,
    attach: Attacher,
    *,
    stop: Callable[[], bool],
) -> None:
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
    if candidate.attachments:  # before the trash: a file is attached only to a live note
        attached = attach(
            user_id=user_id,
            note_id=stored.id,
            refs=candidate.attachments,
            files=reading.files,
            report=lambda what: reading.cannot_keep(candidate.source, what),
            stop=stop,
        )
        result.attachments += attached
    if candidate.trashed:
        try:
            repo.delete(user_id=user_id, note_id=stored.id, expected_version=stored.version)
        except NoteError:
            return  # changed or trashed meanwhile (another tab): it stays as it is
        except StoreUnavailable:
            # Stored, not trashed: the same file again finds it imported, so say where it is (the next note's
            # write meets the outage and stops the import, if it lasts).
            reading.cannot_keep(
                candidate.source, "its place in the trash: the store stopped answering, so it is among your notes"
            )
            return
        result.trashed += 1
