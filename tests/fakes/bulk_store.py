"""notes.bulk_store.BulkStore in memory."""

from __future__ import annotations


class InMemoryBulkStore:
    """notes.bulk_store.BulkStore in memory: undo records and kept API answers, with their lifetimes."""

    def __init__(self) -> None:
        self._undo: dict[tuple[str, str], tuple[list, int]] = {}
        self._answers: dict[tuple[str, str], tuple[str, dict, int]] = {}

    def put_undo(self, *, user_id: str, undo_id: str, steps: list, expires_at: int) -> None:
        self._undo[(user_id, undo_id)] = (list(steps), expires_at)

    def take_undo(self, *, user_id: str, undo_id: str, now: int) -> list | None:
        steps, expires_at = self._undo.pop((user_id, undo_id), (None, 0))
        return steps if steps is not None and expires_at >= now else None

    def find_answer(self, *, user_id: str, key: str, now: int) -> tuple[str, dict] | None:
        found = self._answers.get((user_id, key))
        return (found[0], found[1]) if found and found[2] >= now else None

    def keep_answer(
        self, *, user_id: str, key: str, fingerprint: str, answer: dict, expires_at: int, now: int
    ) -> tuple[str, dict] | None:
        found = self.find_answer(user_id=user_id, key=key, now=now)
        if found is None:
            self._answers[(user_id, key)] = (fingerprint, answer, expires_at)
        return found
