"""The notes repository protocols, and the rules every implementation shares (derived ids, filters).

One narrow protocol per concern, each typed where it is used: NoteStore (the notes themselves), TrashStore,
HistoryStore, SearchIndexStore, IdempotencyStore and ExportReader; a few combinations name what one consumer
needs of two of them; NoteRepository is all of them, as wired (notes/wiring.py). The DynamoDB adapters are
notes/dynamodb_repository.py and the modules beside it; the in-memory fakes are in tests/fakes/, and each
protocol has its contract suite (tests/integration/test_note_repository_*contract.py) run on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from notes.domain import (
    Note,
    NoteFilters,
    NotePage,
    TrashedNote,
)
from notes.idempotency import IdempotentResult

# Ids made from a client token are stable, so a retried create lands on the same key.
_CLIENT_TOKEN_NS = uuid.UUID("6f1d3c2a-5b8e-4f7a-9c0d-1e2f3a4b5c6d")


def note_id_for_token(*, user_id: str, client_token: str) -> str:
    return uuid.uuid5(_CLIENT_TOKEN_NS, f"{user_id}:{client_token}").hex


class NoteStore(Protocol):
    """The user's live notes: create, read, list, change, move to the trash; their labels."""

    def add(self, note: Note, *, client_token: str | None = None) -> Note:
        """Store a new note (key: user_id + id). Conditional on the key not existing. With a client
        token the id is derived from it, so a retried create returns the note made the first time."""
        ...

    def get(self, *, user_id: str, note_id: str) -> Note:
        """Strongly consistent read of one of the user's notes; NoteNotFound otherwise."""
        ...

    def list(
        self, *, user_id: str, limit: int, cursor: str | None = None, filters: NoteFilters | None = None
    ) -> NotePage:
        """The user's notes, newest update first, at most `limit`, strongly consistent. `cursor` comes
        from a previous page of the same user; a tampered or foreign one raises InvalidCursor."""
        ...

    def categories(self, *, user_id: str, scan_limit: int) -> list[str]:
        """The labels of the user's `scan_limit` most recently updated notes, each once (the first
        spelling met), sorted case-insensitively. Eventually consistent is fine: they are suggestions."""
        ...

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        """{label key (domain.label_key): (its spelling, how many live notes have it)}, from the label index
        (pk = WORDS#<user_id>, sk = L#<key>#...; kept from the stream, so a moment behind the notes)."""
        ...

    def update(
        self,
        *,
        user_id: str,
        note_id: str,
        expected_version: int,
        changes: dict[str, object],
        visit: str | None = None,
    ) -> Note:
        """Apply cleaned field changes if the stored version is `expected_version`; the version goes up
        by one. VersionConflict (carrying the stored note) if it moved on, NoteNotFound if absent.
        `visit` marks the write as an autosave of that editing visit (add_history's `visit`); without it
        the mark is cleared."""
        ...

    def delete(self, *, user_id: str, note_id: str, expected_version: int) -> TrashedNote:
        """Move the note to the trash (restorable for TRASH_DAYS) if the stored version is
        `expected_version`, atomically; VersionConflict / NoteNotFound otherwise."""
        ...


class TrashStore(Protocol):
    """The user's trash: list, restore, delete for good; the daily purge of expired trash."""

    def list_trash(self, *, user_id: str) -> list[TrashedNote]:
        """The user's trashed notes, most recently deleted first (strongly consistent)."""
        ...

    def restore(self, *, user_id: str, note_id: str) -> Note:
        """Put a trashed note back, as a new version; NoteNotFound if it is not in the trash."""
        ...

    def delete_forever(self, *, user_id: str, note_id: str) -> None:
        """Remove a trashed note and its history for good; NoteNotFound if it is not in the trash."""
        ...

    def purge_expired(self, *, now: str, stop: Callable[[], bool] | None = None) -> int:
        """Delete for good every trashed note whose purge time has passed. Returns how many. When `stop()`
        turns true it stops before the next note; the next run finds the rest (they are still due)."""
        ...


class HistoryStore(Protocol):
    """Recorded versions of a note (written from the table's stream)."""

    def add_history(self, note: Note, *, visit: str | None = None) -> bool:
        """Record this version of the note (key: user, note id, version); False if it was recorded
        already (a redelivered stream record). Keeps the last HISTORY_KEEP recorded versions. With
        `visit` (an autosave's editing visit), the previous version is dropped if it was the same
        visit's: a burst of autosaves is one version in the history."""
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


class SearchIndexStore(Protocol):
    """The search index of the user's words, labels and flags (kept from the table's stream)."""

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


class IdempotencyStore(Protocol):
    """The API's Idempotency-Key records, written with the note they made."""

    def add_idempotent(self, note: Note, *, key: str, fingerprint: str, expires_at: int, now: int) -> IdempotentResult:
        """Store the note and the Idempotency-Key's record in one atomic write, both conditional on not
        existing (an expired record counts as absent). If the key has a live record: its stored note when the
        fingerprint matches (nothing is written), IdempotencyKeyReused otherwise."""
        ...


class ExportReader(Protocol):
    """Every live note of a user in id order, and which ids exist (exports and imports)."""

    def iter_notes(self, *, user_id: str, after: str | None = None, until: str | None = None) -> Iterator[Note]:
        """The user's live notes in id order (not update order, so an edit does not move a note between
        the parts of an export), with id > `after` and id <= `until` when given. Reads one page of the
        table at a time as the caller consumes them, strongly consistent."""
        ...

    def existing_ids(self, *, user_id: str, note_ids: Iterable[str]) -> set[str]:
        """Which of these ids are the user's notes, live or in the trash (strongly consistent)."""
        ...


# What one consumer needs of two protocols.
class NoteCreator(NoteStore, IdempotencyStore, Protocol):
    """note_create: a plain create, or one with an Idempotency-Key."""


class NoteHistoryReader(NoteStore, HistoryStore, Protocol):
    """A note with its history, and putting an earlier version back."""


class StreamTarget(HistoryStore, SearchIndexStore, Protocol):
    """What the table's stream keeps: the history and the search index (notes/history.py)."""


class ImportTarget(NoteStore, ExportReader, Protocol):
    """An import: which notes exist already, and adding the others (notes/imports.py)."""


class NoteRepository(NoteStore, TrashStore, HistoryStore, SearchIndexStore, IdempotencyStore, ExportReader, Protocol):
    """Every protocol above: what notes/wiring.py wires (one object serves them all)."""


def matches(note: Note, filters: NoteFilters | None) -> bool:
    """Whether the listing these filters ask for holds the note (notes/query.py states the criteria)."""
    from notes import query

    return query.matches(note, filters)


def distinct_categories(categories: Iterable[str]) -> list[str]:
    from notes.domain import label_key

    first: dict[str, str] = {}
    for category in categories:
        first.setdefault(label_key(category), category)
    return [first[k] for k in sorted(first)]
