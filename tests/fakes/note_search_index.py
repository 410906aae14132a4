"""In-memory SearchIndexStore (notes/repository.py), answering searches as notes/search.py does on DynamoDB."""

from __future__ import annotations

from notes import query, search
from notes.cursor import updated_sort_key
from notes.domain import Note, NoteFilters, NotePage, label_key
from tests.fakes.notes_state import InMemoryNotes


class InMemorySearchIndexStore(InMemoryNotes):
    def _search(
        self, *, user_id: str, limit: int, cursor: str | None, filters: NoteFilters, criteria: query.Criteria
    ) -> NotePage:
        def read_entries(prefix: str, after: str, n: int) -> tuple[list[str], str | None]:
            with self._state.lock:
                keys = sorted(k for k in self._state.index.get(user_id, ()) if k.startswith(prefix) and k > after)
            page = keys[:n]
            return page, (page[-1] if len(keys) >= n else None)  # as DynamoDB's Limit does

        def read_recent(since: str, n: int) -> tuple[list[Note], bool]:
            with self._state.lock:
                mine = [
                    note for (uid, _), note in self._state.notes.items() if uid == user_id and note.updated_at >= since
                ]
            mine.sort(key=lambda x: updated_sort_key(x.updated_at, x.id), reverse=True)
            return mine[:n], len(mine) >= n

        def read_notes(ids) -> dict[str, Note]:
            with self._state.lock:
                return {i: self._state.notes[(user_id, i)] for i in ids if (user_id, i) in self._state.notes}

        with self._state.lock:
            self._state.calls += 1
        return search.search_page(
            user_id=user_id,
            filters=filters,
            limit=limit,
            cursor=cursor,
            read_entries=read_entries,
            read_recent=read_recent,
            read_notes=read_notes,
            criteria=criteria,
        )

    def index_note(self, note: Note) -> bool:
        key = (note.user_id, note.id)
        with self._state.lock:
            held = self._state.manifests.get(key)
            if held is not None and held[0] >= note.version:
                return False
            entries = self._state.index.setdefault(note.user_id, set())
            old = set(held[1]) if held else set()
            new = set(search.index_keys(note))
            for label in note.labels:
                self._state.spellings.setdefault((note.user_id, label_key(label)), label)
            entries.difference_update(search.entry_sort_key(t, note) for t in old - new)
            entries.update(search.entry_sort_key(t, note) for t in new - old)
            self._state.manifests[key] = (note.version, sorted(new))
            return True

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None = None) -> None:
        with self._state.lock:
            held = self._state.manifests.pop((user_id, note_id), None)
            suffix = f"#{note_id}"
            if held and held[1]:
                self._state.index[user_id] = {
                    k for k in self._state.index.get(user_id, set()) if not k.endswith(suffix)
                }
            if version is not None:
                self._state.manifests[(user_id, note_id)] = (max(version, held[0] if held else 0), [])

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        with self._state.lock:
            held = self._state.manifests.get((user_id, note_id))
            return None if held is None else [t for t in held[1] if search.is_word(t)]

    def rebuild_search_index(self) -> dict[str, int]:
        with self._state.lock:
            live = list(self._state.notes.values())
            trashed = {key: t.note.version for key, t in self._state.trash.items()}
            self._state.index.clear()
            self._state.manifests.clear()
            for (user_id, note_id), version in trashed.items():
                self._state.manifests[(user_id, note_id)] = (version, [])
        for note in live:
            self.index_note(note)
        with self._state.lock:
            entries = sum(len(v) for v in self._state.index.values())
        return {"notes": len(live), "entries": entries}
