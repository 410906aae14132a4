"""Where a bulk action keeps what its Undo needs, and the API keeps its answers (notes/bulk.py is the use case).

The DynamoDB adapter is notes/bulk_dynamodb.py (wired in notes/wiring.py); the fake is tests/fakes.py, and
tests/integration/test_bulk_store_contract.py runs one suite on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class UndoStep:
    """How to put one note back: `fields` (their previous values) on `version`, or `op` restore/trash."""

    note_id: str
    op: str  # "set", "restore" (it was trashed), "trash" (it was restored)
    version: int  # the version the action left
    fields: dict[str, object] = field(default_factory=dict)


class BulkStore(Protocol):
    def put_undo(self, *, user_id: str, undo_id: str, steps: list[UndoStep], expires_at: int) -> None:
        """Keep an action's undo steps (key: the user, undo_id) until `expires_at` (epoch seconds)."""
        ...

    def take_undo(self, *, user_id: str, undo_id: str, now: int) -> list[UndoStep] | None:
        """The steps, removed in the same atomic write (so an Undo runs once); None if absent or expired."""
        ...

    def find_answer(self, *, user_id: str, key: str, now: int) -> tuple[str, dict] | None:
        """The (fingerprint, answer) kept for the user's Idempotency-Key, if it has a live record."""
        ...

    def keep_answer(
        self, *, user_id: str, key: str, fingerprint: str, answer: dict, expires_at: int, now: int
    ) -> tuple[str, dict] | None:
        """Record the answer under the key, conditional on no live record; the record that won if there was one."""
        ...
