"""In-memory fakes of notes/repository.py's protocols (cosmicpython: "don't mock what you don't own"): one
class per protocol, all views of one NotesState, and InMemoryNoteRepository, all of them on one store. Each
protocol's contract suite runs the same cases on these and on the DynamoDB adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from console.aws import table_keys
from notes import query, search
from notes.cursor import decode_cursor, encode_cursor, updated_sort_key
from notes.domain import (
    TRASH_DAYS,
    Note,
    NoteFilters,
    NoteNotFound,
    NotePage,
    TrashedNote,
    VersionConflict,
    iso_after,
    now_iso,
)
from notes.idempotency import IdempotencyKeyReused, IdempotentResult
from notes.repository import distinct_categories, note_id_for_token
from tests.fakes.note_history import InMemoryHistoryStore
from tests.fakes.note_search_index import InMemorySearchIndexStore
from tests.fakes.notes_state import InMemoryNotes, NotesState


class InMemoryNoteStore(InMemoryNotes):
    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        if client_token:
            note = note.replace(id=note_id_for_token(user_id=note.user_id, client_token=client_token))
        with self._state.lock:
            self._state.calls += 1
            key = (note.user_id, note.id)
            if key in self._state.notes:
                if client_token:
                    return self._state.notes[key]
                raise RuntimeError(f"note id collision: {note.id}")
            self._state.notes[key] = note
            return note

    def get(self, *, user_id: str, note_id: str) -> Note:
        with self._state.lock:
            self._state.calls += 1
            try:
                return self._state.notes[(user_id, note_id)]
            except KeyError:
                raise NoteNotFound(note_id) from None

    def list(
        self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None
    ) -> NotePage:
        filters = filters or NoteFilters()
        return query.list_page(
            user_id=user_id,
            criteria=query.criteria(filters),
            limit=limit,
            cursor=cursor,
            from_index=lambda crit, cursor, limit: self._as(InMemorySearchIndexStore)._search(
                user_id=user_id, limit=limit, cursor=cursor, filters=filters, criteria=crit
            ),
            from_updated=lambda crit, cursor, limit: self._list_updated(user_id, limit, cursor, crit),
            from_trash=lambda: [t.note for t in self._as(InMemoryTrashStore).list_trash(user_id=user_id)],
        )

    def _list_updated(self, user_id: str, limit: int, cursor: str | None, criteria: query.Criteria) -> NotePage:
        after = decode_cursor(user_id=user_id, cursor=cursor) if cursor else None
        with self._state.lock:
            self._state.calls += 1
            mine = [n for (uid, _), n in self._state.notes.items() if uid == user_id]
        mine.sort(key=lambda n: updated_sort_key(n.updated_at, n.id), reverse=True)
        if after is not None:
            mine = [n for n in mine if updated_sort_key(n.updated_at, n.id) < after[0]]
        hits = [n for n in mine if criteria.wanted(n)]
        page = hits[:limit]
        more = len(hits) > limit
        next_cursor = None
        if more and page:
            last = page[-1]
            next_cursor = encode_cursor(
                user_id=user_id, updated_sk=updated_sort_key(last.updated_at, last.id), note_id=last.id
            )
        return NotePage(notes=page, cursor=next_cursor)

    def categories(self, *, user_id: str, scan_limit: int) -> list[str]:
        with self._state.lock:
            self._state.calls += 1
            mine = [n for (uid, _), n in self._state.notes.items() if uid == user_id]
        mine.sort(key=lambda n: updated_sort_key(n.updated_at, n.id), reverse=True)
        return distinct_categories(label for n in mine[:scan_limit] for label in n.labels)

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        with self._state.lock:
            entries = [k for k in self._state.index.get(user_id, ()) if k.startswith(table_keys.LABEL)]
            spellings = dict(self._state.spellings)
        counts: dict[str, tuple[str, int]] = {}
        for entry in entries:
            key = search.label_of_entry(entry)
            spelling, n = counts.get(key, (spellings.get((user_id, key), key), 0))
            counts[key] = (spelling, n + 1)
        return counts

    def update(
        self,
        *,
        user_id: str,
        note_id: str,
        expected_version: int,
        changes: dict[str, object],
        visit: str | None = None,
    ) -> Note:
        with self._state.lock:
            self._state.calls += 1
            current = self._state.notes.get((user_id, note_id))
            if current is None:
                raise NoteNotFound(note_id)
            if current.version != expected_version:
                raise VersionConflict(expected=expected_version, current=current)
            updated = current.replace(**changes, updated_at=now_iso(), version=current.version + 1)
            self._state.notes[(user_id, note_id)] = updated
            self._state.visits[(user_id, note_id)] = visit
            return updated

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        with self._state.lock:
            self._state.calls += 1
            current = self._state.notes.get((user_id, note_id))
            if current is None:
                raise NoteNotFound(note_id)
            if current.version != expected_version:
                raise VersionConflict(expected=expected_version, current=current)
            del self._state.notes[(user_id, note_id)]
            stamp = now_iso()
            trashed = TrashedNote(note=current, deleted_at=stamp, purge_at=iso_after(stamp, days=TRASH_DAYS))
            self._state.trash[(user_id, note_id)] = trashed
            return trashed


class InMemoryTrashStore(InMemoryNotes):
    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        with self._state.lock:
            mine = [t for (uid, _), t in self._state.trash.items() if uid == user_id]
        return sorted(mine, key=lambda t: (t.deleted_at, t.note.id), reverse=True)

    def restore(self, *, user_id: str, note_id: str) -> Note:
        with self._state.lock:
            trashed = self._state.trash.pop((user_id, note_id), None)
            if trashed is None:
                raise NoteNotFound(note_id)
            note = trashed.note.replace(updated_at=now_iso(), version=trashed.note.version + 1)
            self._state.notes[(user_id, note_id)] = note
            return note

    def delete_forever(self, *, user_id: str, note_id: str) -> None:
        with self._state.lock:
            if self._state.trash.pop((user_id, note_id), None) is None:
                raise NoteNotFound(note_id)
            self._state.history.pop((user_id, note_id), None)

    def purge_expired(self, *, now: str, stop: Callable[[], bool] | None = None) -> int:
        with self._state.lock:
            expired = [key for key, t in self._state.trash.items() if t.purge_at <= now]
            purged = 0
            for key in expired:
                if stop is not None and stop():
                    break
                del self._state.trash[key]
                self._state.history.pop(key, None)
                purged += 1
            return purged


class InMemoryIdempotencyStore(InMemoryNotes):
    def add_idempotent(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        with self._state.lock:
            record = self._state.records.get((note.user_id, key))
            if record is not None and record[1] > now:
                if record[0] != fingerprint:
                    raise IdempotencyKeyReused(key)
                return IdempotentResult(note=record[2], replayed=True)
        stored = self._as(InMemoryNoteStore).add(note)
        with self._state.lock:
            self._state.records[(note.user_id, key)] = (fingerprint, expires_at, stored)
        return IdempotentResult(note=stored, replayed=False)


class InMemoryExportReader(InMemoryNotes):
    def iter_notes(self, *, user_id: str, after: str | None = None, until: str | None = None) -> Iterator[Note]:
        with self._state.lock:
            self._state.calls += 1
            mine = sorted((n for (uid, _), n in self._state.notes.items() if uid == user_id), key=lambda n: n.id)
        for note in mine:
            if (after is None or note.id > after) and (until is None or note.id <= until):
                yield note

    def existing_ids(self, *, user_id: str, note_ids: Iterable[str]) -> set[str]:
        with self._state.lock:
            self._state.calls += 1
            return {i for i in note_ids if (user_id, i) in self._state.notes or (user_id, i) in self._state.trash}


class InMemoryNoteRepository(
    InMemoryNoteStore,
    InMemoryTrashStore,
    InMemoryHistoryStore,
    InMemorySearchIndexStore,
    InMemoryIdempotencyStore,
    InMemoryExportReader,
):
    """NoteRepository in memory: every fake above on one store."""


__all__ = [
    "InMemoryExportReader",
    "InMemoryHistoryStore",
    "InMemoryIdempotencyStore",
    "InMemoryNoteRepository",
    "InMemoryNoteStore",
    "InMemorySearchIndexStore",
    "InMemoryTrashStore",
    "NotesState",
]
