"""In-memory HistoryStore (notes/repository.py)."""

from __future__ import annotations

from notes.domain import HISTORY_KEEP, Note, NoteNotFound
from tests.fakes.notes_state import InMemoryNotes


class InMemoryHistoryStore(InMemoryNotes):
    def add_history(self, note: Note, *, visit: str | None = None) -> bool:
        with self._state.lock:
            key = (note.user_id, note.id)
            versions = self._state.history.setdefault(key, {})
            if note.version in versions or (*key, note.version) in self._state.history_replaced:
                return False
            versions[note.version] = note
            self._state.history_visits[(*key, note.version)] = visit
            if (
                visit
                and note.version - 1 in versions
                and self._state.history_visits.get((*key, note.version - 1)) == visit
            ):
                versions.pop(note.version - 1)
                self._state.history_replaced.add((*key, note.version - 1))
            for old in sorted(versions, reverse=True)[HISTORY_KEEP:]:
                versions.pop(old)
            return True

    def list_history(self, *, user_id: str, note_id: str) -> list[Note]:
        with self._state.lock:
            versions = self._state.history.get((user_id, note_id), {})
            return [versions[v] for v in sorted(versions, reverse=True)]

    def get_version(self, *, user_id: str, note_id: str, version: int) -> Note:
        with self._state.lock:
            self._state.calls += 1
            try:
                return self._state.history[(user_id, note_id)][version]
            except KeyError:
                raise NoteNotFound(f"{note_id} version {version}") from None

    def delete_history(self, *, user_id: str, note_id: str) -> None:
        with self._state.lock:
            self._state.history.pop((user_id, note_id), None)
