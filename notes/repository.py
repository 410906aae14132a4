"""The notes repository protocol and its in-memory implementation (used by unit tests).

The DynamoDB implementation is in notes/dynamodb_repository.py; tests/contract runs one suite on both.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from typing import Protocol

from notes import search
from notes.cursor import decode_cursor, encode_cursor, updated_sort_key
from notes.domain import (
    HISTORY_KEEP,
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

# Ids made from a client token are stable, so a retried create lands on the same key.
_CLIENT_TOKEN_NS = uuid.UUID("6f1d3c2a-5b8e-4f7a-9c0d-1e2f3a4b5c6d")


def note_id_for_token(*, user_id: str, client_token: str) -> str:
    return uuid.uuid5(_CLIENT_TOKEN_NS, f"{user_id}:{client_token}").hex


class NoteRepository(Protocol):
    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        """Store a new note (key: user_id + id). Conditional on the key not existing. With a client
        token the id is derived from it, so a retried create returns the note made the first time."""
        ...

    def get(self, *, user_id: str, note_id: str) -> Note:
        """Strongly consistent read of one of the user's notes; NoteNotFound otherwise."""
        ...

    def list(self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None) -> NotePage:
        """The user's notes, newest update first, at most `limit`, strongly consistent. `cursor` comes
        from a previous page of the same user; a tampered or foreign one raises InvalidCursor."""
        ...

    def update(self, *, user_id: str, note_id: str, expected_version: int, changes: dict[str, object]) -> Note:
        """Apply cleaned field changes if the stored version is `expected_version`; the version goes up
        by one. VersionConflict (carrying the stored note) if it moved on, NoteNotFound if absent."""
        ...

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        """Move the note to the trash (restorable for TRASH_DAYS) if the stored version is
        `expected_version`, atomically; VersionConflict / NoteNotFound otherwise."""
        ...

    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        """The user's trashed notes, most recently deleted first (strongly consistent)."""
        ...

    def restore(self, *, user_id: str, note_id: str) -> Note:
        """Put a trashed note back, as a new version; NoteNotFound if it is not in the trash."""
        ...

    def delete_forever(self, *, user_id: str, note_id: str) -> None:
        """Remove a trashed note and its history for good; NoteNotFound if it is not in the trash."""
        ...

    def purge_expired(self, *, now: str) -> int:
        """Delete for good every trashed note whose purge time has passed. Returns how many."""
        ...

    def add_history(self, note: Note) -> bool:
        """Record this version of the note (key: user, note id, version); False if it was recorded
        already (a redelivered stream record). Keeps the last HISTORY_KEEP versions."""
        ...

    def list_history(self, *, user_id: str, note_id: str) -> list[Note]:
        """Recorded versions of the note, newest first."""
        ...

    def get_version(self, *, user_id: str, note_id: str, version: int) -> Note:
        """One recorded version of the user's note, read by its key (strongly consistent);
        NoteNotFound if that version was not recorded (or was dropped as older than HISTORY_KEEP)."""
        ...

    def delete_history(self, *, user_id: str, note_id: str) -> None:
        """Drop every recorded version of the note (its item is gone: a stream record written before that
        may have recorded one after the delete did). Nothing to drop is fine."""
        ...

    def index_note(self, note: Note) -> bool:
        """Make the search index hold this version's words (notes/search.py), writing only what changed
        since the version it held. Redelivery-safe: False, writing nothing, if it holds this version or a
        newer one already. Keys: pk = WORDS#<user_id>, one entry per word, one manifest per note."""
        ...

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None = None) -> None:
        """Take the note's words out of the index. With `version` (the note went to the trash) a marker
        remembers it, so a redelivered older record does not index it again; without, nothing is kept."""
        ...

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        """The words the index holds for the note (sorted), None if it has no record of the note."""
        ...

    def rebuild_search_index(self) -> dict[str, int]:
        """Recompute the whole index from the live notes (for data written before the index existed, or
        after a stream outage): missing entries written, stray ones removed. Reads the whole table."""
        ...


def matches(note: Note, filters: NoteFilters | None) -> bool:
    if filters is None:
        return True
    if filters.category not in (None, "") and note.category != filters.category:
        return False
    if filters.important is not None and note.important != filters.important:
        return False
    if filters.completed is not None and note.completed != filters.completed:
        return False
    if filters.q:
        return search.note_matches_query(note, search.query_terms(filters.q))
    return True


class InMemoryNoteRepository:
    def __init__(self) -> None:
        self._notes: dict[tuple[str, str], Note] = {}
        self._trash: dict[tuple[str, str], TrashedNote] = {}
        self._history: dict[tuple[str, str], dict[int, Note]] = {}
        self._index: dict[str, set[str]] = {}  # user -> index entries' sort keys
        self._manifests: dict[tuple[str, str], tuple[int, list[str]]] = {}  # (user, note) -> (version, terms)
        self._lock = threading.Lock()
        self.calls = 0

    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        if client_token:
            note = replace(note, id=note_id_for_token(user_id=note.user_id, client_token=client_token))
        with self._lock:
            self.calls += 1
            key = (note.user_id, note.id)
            if key in self._notes:
                if client_token:
                    return self._notes[key]
                raise RuntimeError(f"note id collision: {note.id}")
            self._notes[key] = note
            return note

    def get(self, *, user_id: str, note_id: str) -> Note:
        with self._lock:
            self.calls += 1
            try:
                return self._notes[(user_id, note_id)]
            except KeyError:
                raise NoteNotFound(note_id) from None

    def list(self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None) -> NotePage:
        if filters is not None and filters.q:
            return self._search(user_id=user_id, limit=limit, cursor=cursor, filters=filters)
        after = decode_cursor(user_id=user_id, cursor=cursor) if cursor else None
        with self._lock:
            self.calls += 1
            mine = [n for (uid, _), n in self._notes.items() if uid == user_id]
        mine.sort(key=lambda n: updated_sort_key(n.updated_at, n.id), reverse=True)
        if after is not None:
            mine = [n for n in mine if updated_sort_key(n.updated_at, n.id) < after[0]]
        hits = [n for n in mine if matches(n, filters)]
        page = hits[:limit]
        more = len(hits) > limit
        next_cursor = None
        if more and page:
            last = page[-1]
            next_cursor = encode_cursor(user_id=user_id, updated_sk=updated_sort_key(last.updated_at, last.id), note_id=last.id)
        return NotePage(notes=page, cursor=next_cursor)

    def update(self, *, user_id: str, note_id: str, expected_version: int, changes: dict[str, object]) -> Note:
        with self._lock:
            self.calls += 1
            current = self._notes.get((user_id, note_id))
            if current is None:
                raise NoteNotFound(note_id)
            if current.version != expected_version:
                raise VersionConflict(expected=expected_version, current=current)
            updated = replace(current, **changes, updated_at=now_iso(), version=current.version + 1)
            self._notes[(user_id, note_id)] = updated
            return updated

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        with self._lock:
            self.calls += 1
            current = self._notes.get((user_id, note_id))
            if current is None:
                raise NoteNotFound(note_id)
            if current.version != expected_version:
                raise VersionConflict(expected=expected_version, current=current)
            del self._notes[(user_id, note_id)]
            stamp = now_iso()
            trashed = TrashedNote(note=current, deleted_at=stamp, purge_at=iso_after(stamp, days=TRASH_DAYS))
            self._trash[(user_id, note_id)] = trashed
            return trashed

    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        with self._lock:
            mine = [t for (uid, _), t in self._trash.items() if uid == user_id]
        return sorted(mine, key=lambda t: (t.deleted_at, t.note.id), reverse=True)

    def restore(self, *, user_id: str, note_id: str) -> Note:
        with self._lock:
            trashed = self._trash.pop((user_id, note_id), None)
            if trashed is None:
                raise NoteNotFound(note_id)
            note = replace(trashed.note, updated_at=now_iso(), version=trashed.note.version + 1)
            self._notes[(user_id, note_id)] = note
            return note

    def delete_forever(self, *, user_id: str, note_id: str) -> None:
        with self._lock:
            if self._trash.pop((user_id, note_id), None) is None:
                raise NoteNotFound(note_id)
            self._history.pop((user_id, note_id), None)

    def purge_expired(self, *, now: str) -> int:
        with self._lock:
            expired = [key for key, t in self._trash.items() if t.purge_at <= now]
            for key in expired:
                del self._trash[key]
                self._history.pop(key, None)
            return len(expired)

    def add_history(self, note: Note) -> bool:
        with self._lock:
            versions = self._history.setdefault((note.user_id, note.id), {})
            if note.version in versions:
                return False
            versions[note.version] = note
            versions.pop(note.version - HISTORY_KEEP, None)
            return True

    def list_history(self, *, user_id: str, note_id: str) -> list[Note]:
        with self._lock:
            versions = self._history.get((user_id, note_id), {})
            return [versions[v] for v in sorted(versions, reverse=True)]

    def get_version(self, *, user_id: str, note_id: str, version: int) -> Note:
        with self._lock:
            self.calls += 1
            try:
                return self._history[(user_id, note_id)][version]
            except KeyError:
                raise NoteNotFound(f"{note_id} version {version}") from None

    def delete_history(self, *, user_id: str, note_id: str) -> None:
        with self._lock:
            self._history.pop((user_id, note_id), None)

    # --- search index ---------------------------------------------------------------------------

    def _search(self, *, user_id: str, limit: int, cursor: str | None, filters: NoteFilters) -> NotePage:
        def read_entries(prefix: str, after: str, n: int) -> tuple[list[str], str | None]:
            with self._lock:
                keys = sorted(k for k in self._index.get(user_id, ()) if k.startswith(prefix) and k > after)
            page = keys[:n]
            return page, (page[-1] if len(keys) >= n else None)  # as DynamoDB's Limit does

        def read_recent(since: str, n: int) -> tuple[list[Note], bool]:
            with self._lock:
                mine = [note for (uid, _), note in self._notes.items() if uid == user_id and note.updated_at >= since]
            mine.sort(key=lambda x: updated_sort_key(x.updated_at, x.id), reverse=True)
            return mine[:n], len(mine) >= n

        def read_notes(ids) -> dict[str, Note]:
            with self._lock:
                return {i: self._notes[(user_id, i)] for i in ids if (user_id, i) in self._notes}

        with self._lock:
            self.calls += 1
        return search.search_page(
            user_id=user_id, filters=filters, limit=limit, cursor=cursor,
            read_entries=read_entries, read_recent=read_recent, read_notes=read_notes,
        )

    def index_note(self, note: Note) -> bool:
        key = (note.user_id, note.id)
        with self._lock:
            held = self._manifests.get(key)
            if held is not None and held[0] >= note.version:
                return False
            entries = self._index.setdefault(note.user_id, set())
            old = set(held[1]) if held else set()
            new = set(search.index_terms(note))
            entries.difference_update(search.entry_sort_key(t, note) for t in old - new)
            entries.update(search.entry_sort_key(t, note) for t in new - old)
            self._manifests[key] = (note.version, sorted(new))
            return True

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None = None) -> None:
        with self._lock:
            held = self._manifests.pop((user_id, note_id), None)
            suffix = f"#{note_id}"
            if held and held[1]:
                self._index[user_id] = {k for k in self._index.get(user_id, set()) if not k.endswith(suffix)}
            if version is not None:
                self._manifests[(user_id, note_id)] = (max(version, held[0] if held else 0), [])

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        with self._lock:
            held = self._manifests.get((user_id, note_id))
            return None if held is None else list(held[1])

    def rebuild_search_index(self) -> dict[str, int]:
        with self._lock:
            live = list(self._notes.values())
            trashed = {key: t.note.version for key, t in self._trash.items()}
            self._index.clear()
            self._manifests.clear()
            for (user_id, note_id), version in trashed.items():
                self._manifests[(user_id, note_id)] = (version, [])
        for note in live:
            self.index_note(note)
        with self._lock:
            entries = sum(len(v) for v in self._index.values())
        return {"notes": len(live), "entries": entries}
