"""The one in-memory store the notes fakes share (as the DynamoDB adapters share the table)."""

from __future__ import annotations

import threading
from typing import TypeVar

from notes.domain import Note, TrashedNote


class NotesState:
    def __init__(self) -> None:
        self.notes: dict[tuple[str, str], Note] = {}
        self.trash: dict[tuple[str, str], TrashedNote] = {}
        self.history: dict[tuple[str, str], dict[int, Note]] = {}
        self.history_visits: dict[tuple[str, str, int], str | None] = {}
        self.history_replaced: set[tuple[str, str, int]] = set()  # the DynamoDB adapter's markers
        self.visits: dict[tuple[str, str], str | None] = {}  # a live note's autosave visit (the item's mark)
        self.records: dict[tuple[str, str], tuple[str, int, Note]] = {}  # Idempotency-Key records
        self.index: dict[str, set[str]] = {}  # user -> index entries' sort keys
        self.manifests: dict[tuple[str, str], tuple[int, list[str]]] = {}  # (user, note) -> (version, terms)
        self.spellings: dict[tuple[str, str], str] = {}  # (user, label key) -> the first spelling indexed
        self.lock = threading.Lock()
        self.calls = 0


Fake = TypeVar("Fake", bound="InMemoryNotes")


class InMemoryNotes:
    """What every notes fake is: a view of one NotesState (a new one unless given)."""

    def __init__(self, state: NotesState | None = None) -> None:
        self._state = state if state is not None else NotesState()

    def _as(self, fake: type[Fake]) -> Fake:
        """This object as another notes fake on the same store (itself when it is one)."""
        return self if isinstance(self, fake) else fake(self._state)

    @property
    def calls(self) -> int:
        return self._state.calls
