"""Notes use cases. Keyword-only functions; the owner always comes from the signed-in user."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from notes.domain import Note, NoteFilters, NotePage, ValidationError, clean_fields, new_note_id, now_iso
from notes.repository import NoteRepository

MAX_PAGE_SIZE = 100


@lru_cache(maxsize=1)
def default_repository() -> NoteRepository:
    from notes.dynamodb_repository import DynamoDBNoteRepository

    return DynamoDBNoteRepository()


def _repo(repo: NoteRepository | None) -> NoteRepository:
    return repo if repo is not None else default_repository()


def note_create(
    *, user_id: str, data: dict[str, object], client_token: str | None = None, repo: NoteRepository | None = None
) -> Note:
    fields = clean_fields(data)
    stamp = now_iso()
    note = Note(id=new_note_id(), user_id=user_id, created_at=stamp, updated_at=stamp, version=1, **fields)
    return _repo(repo).add(note, client_token=client_token or None)


def note_get(*, user_id: str, note_id: str, repo: NoteRepository | None = None) -> Note:
    return _repo(repo).get(user_id=user_id, note_id=note_id)


def note_list(
    *,
    user_id: str,
    limit: int | None = None,
    cursor: str | None = None,
    filters: NoteFilters | None = None,
    repo: NoteRepository | None = None,
) -> NotePage:
    limit = settings.NOTES_PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError({"limit": f"Limit must be between 1 and {MAX_PAGE_SIZE}."})
    return _repo(repo).list(user_id=user_id, limit=limit, cursor=cursor or None, filters=filters)


def note_update(
    *,
    user_id: str,
    note_id: str,
    expected_version: int,
    data: dict[str, object],
    partial: bool = True,
    repo: NoteRepository | None = None,
) -> Note:
    changes = clean_fields(data, partial=partial)
    return _repo(repo).update(user_id=user_id, note_id=note_id, expected_version=expected_version, changes=changes)


def note_delete(*, user_id: str, note_id: str, expected_version: int, repo: NoteRepository | None = None) -> None:
    _repo(repo).delete(user_id=user_id, note_id=note_id, expected_version=expected_version)
