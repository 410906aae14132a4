"""In-memory fakes of the repository protocols, for unit tests (cosmicpython: "don't mock what you don't
own"). Each has a contract suite that runs the same cases on it and on its DynamoDB adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from accounts.tokens import ApiToken, TokenNotFound, TokenOwner
from accounts.users import User, UsernameTaken, UserNotFound, username_key
from notes import query, search
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
    label_key,
    now_iso,
)
from notes.idempotency import IdempotencyKeyReused, IdempotentResult
from notes.repository import distinct_categories, note_id_for_token


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, user: User) -> User:
        with self._lock:
            key = username_key(user.username)
            if key in self._names:
                raise UsernameTaken(user.username)
            self._names[key] = user.id
            self._users[user.id] = user
            return user

    def get(self, *, user_id: str) -> User:
        try:
            return self._users[user_id]
        except KeyError:
            raise UserNotFound(user_id) from None

    def get_by_username(self, *, username: str) -> User:
        user_id = self._names.get(username_key(username))
        if user_id is None:
            raise UserNotFound(username)
        return self._users[user_id]

    def set_password_hash(self, *, user_id: str, password_hash: str, credentials_since: str = "") -> User:
        with self._lock:
            user = self.get(user_id=user_id)._replace(password_hash=password_hash)
            if credentials_since:
                user = user._replace(credentials_since=credentials_since, revoke_pending=True)
            self._users[user_id] = user
            return user

    def revocation_done(self, *, user_id: str, credentials_since: str) -> None:
        with self._lock:
            user = self._users.get(user_id)
            if user is not None and user.credentials_since == credentials_since:
                self._users[user_id] = user._replace(revoke_pending=False)


class InMemoryTokenRepository:
    def __init__(self) -> None:
        self._by_hash: dict[str, tuple[ApiToken, User]] = {}
        self._lock = threading.Lock()

    def add(self, token: ApiToken, *, token_hash: str, owner: User) -> ApiToken:
        with self._lock:
            self._by_hash[token_hash] = (token, owner)
        return token

    def list(self, *, user_id: str) -> list[ApiToken]:
        with self._lock:
            mine = [t for t, _ in self._by_hash.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    def delete(self, *, user_id: str, token_id: str) -> None:
        with self._lock:
            for key, (token, _) in list(self._by_hash.items()):
                if token.user_id == user_id and token.id == token_id:
                    del self._by_hash[key]
                    return
        raise TokenNotFound(token_id)

    def authenticate(self, *, token_hash: str, now: str, touch_before: str) -> TokenOwner | None:
        with self._lock:
            found = self._by_hash.get(token_hash)
            if found is None:
                return None
            token, owner = found
            if token.last_used_at < touch_before:
                self._by_hash[token_hash] = (replace(token, last_used_at=now), owner)
            return TokenOwner(token_id=token.id, user=owner, credentials=token.credentials)


class InMemoryNoteRepository:
    def __init__(self) -> None:
        self._notes: dict[tuple[str, str], Note] = {}
        self._trash: dict[tuple[str, str], TrashedNote] = {}
        self._history: dict[tuple[str, str], dict[int, Note]] = {}
        self._history_visits: dict[tuple[str, str, int], str | None] = {}
        self._history_replaced: set[tuple[str, str, int]] = set()  # the DynamoDB adapter's markers
        self.visits: dict[tuple[str, str], str | None] = {}  # a live note's autosave visit (the item's mark)
        self._records: dict[tuple[str, str], tuple[str, int, Note]] = {}  # Idempotency-Key records
        self._index: dict[str, set[str]] = {}  # user -> index entries' sort keys
        self._manifests: dict[tuple[str, str], tuple[int, list[str]]] = {}  # (user, note) -> (version, terms)
        self._spellings: dict[tuple[str, str], str] = {}  # (user, label key) -> the first spelling indexed
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

    def list(
        self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None
    ) -> NotePage:
        filters = filters or NoteFilters()
        return query.list_page(
            user_id=user_id,
            criteria=query.criteria(filters),
            limit=limit,
            cursor=cursor,
            from_index=lambda crit, cursor, limit: self._search(
                user_id=user_id, limit=limit, cursor=cursor, filters=filters, criteria=crit
            ),
            from_updated=lambda crit, cursor, limit: self._list_updated(user_id, limit, cursor, crit),
            from_trash=lambda: [t.note for t in self.list_trash(user_id=user_id)],
        )

    def _list_updated(self, user_id: str, limit: int, cursor: str | None, criteria: query.Criteria) -> NotePage:
        after = decode_cursor(user_id=user_id, cursor=cursor) if cursor else None
        with self._lock:
            self.calls += 1
            mine = [n for (uid, _), n in self._notes.items() if uid == user_id]
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
        with self._lock:
            self.calls += 1
            mine = [n for (uid, _), n in self._notes.items() if uid == user_id]
        mine.sort(key=lambda n: updated_sort_key(n.updated_at, n.id), reverse=True)
        return distinct_categories(label for n in mine[:scan_limit] for label in n.labels)

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        with self._lock:
            entries = [k for k in self._index.get(user_id, ()) if k.startswith("L#")]
            spellings = dict(self._spellings)
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
        with self._lock:
            self.calls += 1
            current = self._notes.get((user_id, note_id))
            if current is None:
                raise NoteNotFound(note_id)
            if current.version != expected_version:
                raise VersionConflict(expected=expected_version, current=current)
            updated = replace(current, **changes, updated_at=now_iso(), version=current.version + 1)
            self._notes[(user_id, note_id)] = updated
            self.visits[(user_id, note_id)] = visit
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

    def purge_expired(self, *, now: str, stop: Callable[[], bool] | None = None) -> int:
        with self._lock:
            expired = [key for key, t in self._trash.items() if t.purge_at <= now]
            purged = 0
            for key in expired:
                if stop is not None and stop():
                    break
                del self._trash[key]
                self._history.pop(key, None)
                purged += 1
            return purged

    def add_history(self, note: Note, *, visit: str | None = None) -> bool:
        with self._lock:
            key = (note.user_id, note.id)
            versions = self._history.setdefault(key, {})
            if note.version in versions or (*key, note.version) in self._history_replaced:
                return False
            versions[note.version] = note
            self._history_visits[(*key, note.version)] = visit
            if visit and note.version - 1 in versions and self._history_visits.get((*key, note.version - 1)) == visit:
                versions.pop(note.version - 1)
                self._history_replaced.add((*key, note.version - 1))
            for old in sorted(versions, reverse=True)[HISTORY_KEEP:]:
                versions.pop(old)
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

    def iter_notes(self, *, user_id: str, after: str | None = None, until: str | None = None) -> Iterator[Note]:
        with self._lock:
            self.calls += 1
            mine = sorted((n for (uid, _), n in self._notes.items() if uid == user_id), key=lambda n: n.id)
        for note in mine:
            if (after is None or note.id > after) and (until is None or note.id <= until):
                yield note

    def existing_ids(self, *, user_id: str, note_ids: Iterable[str]) -> set[str]:
        with self._lock:
            self.calls += 1
            return {i for i in note_ids if (user_id, i) in self._notes or (user_id, i) in self._trash}

    def add_idempotent(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        with self._lock:
            record = self._records.get((note.user_id, key))
            if record is not None and record[1] > now:
                if record[0] != fingerprint:
                    raise IdempotencyKeyReused(key)
                return IdempotentResult(note=record[2], replayed=True)
        stored = self.add(note)
        with self._lock:
            self._records[(note.user_id, key)] = (fingerprint, expires_at, stored)
        return IdempotentResult(note=stored, replayed=False)

    # --- search index ---------------------------------------------------------------------------

    def _search(
        self, *, user_id: str, limit: int, cursor: str | None, filters: NoteFilters, criteria: query.Criteria
    ) -> NotePage:
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
        with self._lock:
            held = self._manifests.get(key)
            if held is not None and held[0] >= note.version:
                return False
            entries = self._index.setdefault(note.user_id, set())
            old = set(held[1]) if held else set()
            new = set(search.index_keys(note))
            for label in note.labels:
                self._spellings.setdefault((note.user_id, label_key(label)), label)
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
            return None if held is None else [t for t in held[1] if search.is_word(t)]

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


class InMemoryAttachmentRepository:
    """notes/attachments.py's AttachmentRepository, in memory (same contract as the DynamoDB adapter)."""

    def __init__(self) -> None:
        from notes.attachments import Attachment

        self._items: dict[tuple[str, str, str], Attachment] = {}
        self._usage: dict[str, int] = {}
        self._lock = threading.Lock()

    def add_pending(self, attachment, *, expires_at: int):
        with self._lock:
            key = (attachment.user_id, attachment.note_id, attachment.id)
            if key in self._items:
                raise RuntimeError(f"attachment id collision: {attachment.id}")
            self._items[key] = attachment
            return attachment

    def get(self, *, user_id: str, note_id: str, attachment_id: str):
        from notes.attachments import AttachmentNotFound

        with self._lock:
            try:
                return self._items[(user_id, note_id, attachment_id)]
            except KeyError:
                raise AttachmentNotFound(attachment_id) from None

    def list(self, *, user_id: str, note_id: str):
        with self._lock:
            found = [a for (u, n, _), a in self._items.items() if u == user_id and n == note_id]
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def list_for_user(self, *, user_id: str):
        with self._lock:
            found = [a for (u, _, _), a in self._items.items() if u == user_id]
        return sorted(found, key=lambda a: (a.note_id, a.created_at, a.id))

    def confirm(self, *, user_id, note_id, attachment_id, size, content_type, thumbnail, quota):
        from notes.attachments import PENDING, READY, QuotaExceeded

        with self._lock:
            key = (user_id, note_id, attachment_id)
            current = self._items.get(key)
            if current is None:
                from notes.attachments import AttachmentNotFound

                raise AttachmentNotFound(attachment_id)
            if current.status != PENDING:
                return current
            used = self._usage.get(user_id, 0)
            if used > quota - size:
                raise QuotaExceeded(used=used, quota=quota, size=size)
            self._usage[user_id] = used + size
            self._items[key] = replace(current, status=READY, size=size, content_type=content_type, thumbnail=thumbnail)
            return self._items[key]

    def reject(self, *, user_id, note_id, attachment_id, reason):
        from notes.attachments import PENDING, REJECTED

        current = self.get(user_id=user_id, note_id=note_id, attachment_id=attachment_id)
        with self._lock:
            if current.status != PENDING:
                return current
            self._items[(user_id, note_id, attachment_id)] = replace(current, status=REJECTED, reason=reason)
            return self._items[(user_id, note_id, attachment_id)]

    def delete(self, *, user_id, note_id, attachment_id):
        from notes.attachments import READY

        with self._lock:
            current = self._items.pop((user_id, note_id, attachment_id), None)
            if current is not None and current.status == READY:
                self._usage[user_id] = self._usage.get(user_id, 0) - current.size
            return current

    def usage(self, *, user_id: str) -> int:
        with self._lock:
            return max(0, self._usage.get(user_id, 0))
