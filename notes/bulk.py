"""Bulk actions on notes: one action on up to BULK_MAX notes, each note's write conditional on the version the
user saw, and one Undo that puts every changed note back.

Each note is one conditional write through the per-note services (note_update, note_delete, note_restore), so a
note is changed whole or not at all, and a note changed meanwhile is refused and reported by its title while the
others apply. The previous values of what changed go in one short-lived undo record (BulkStore); the undo is
conditional too, on the version the action left. A request over BULK_MAX, or with a bad label, changes nothing.

The cost grows with the notes selected (a strongly consistent read and a write each; a move to the trash, the
write only), never with the notes the user has. The store's DynamoDB adapter is notes/bulk_dynamodb.py, the fake tests/fakes.py.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from console.aws.errors import StoreUnavailable
from notes import services, wiring
from notes.bulk_actions import (
    ACTIONS,
    BULK_MAX,
    CONFLICT,
    DONE,
    FLAG_ACTIONS,
    LABEL_ACTIONS,
    MISSING,
    UNCHANGED,
    UNDO_SECONDS,
)
from notes.bulk_store import BulkStore, UndoStep
from notes.domain import Note, NoteNotFound, ValidationError, VersionConflict, label_key, label_problem
from notes.idempotency import IdempotencyKeyReused, fingerprint
from notes.repository import NoteRepository

log = logging.getLogger(__name__)

TOO_MANY = f"Choose at most {BULK_MAX} notes for one action (you chose {{n}}); nothing was changed."


@dataclass(frozen=True)
class Target:
    note_id: str
    version: int  # the version the user saw (for `restore`: the trashed note's)


@dataclass(frozen=True)
class Outcome:
    note_id: str
    status: str  # DONE, UNCHANGED (it was so already), CONFLICT (changed meanwhile), MISSING
    title: str = ""  # as stored now; "" when the note is gone
    version: int | None = None  # the note's version now, when it exists


@dataclass(frozen=True)
class BulkResult:
    action: str
    outcomes: list[Outcome]
    label: str = ""
    undo_id: str | None = None  # None when nothing changed
    undone: bool = False  # this is the answer of an Undo

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in (CONFLICT, MISSING)]


def _store(store: BulkStore | None) -> BulkStore:
    return store if store is not None else wiring.bulk_store()


def _repo(repo: NoteRepository | None) -> NoteRepository:
    return repo if repo is not None else wiring.note_repository()


@dataclass(frozen=True)
class Operation:
    """One note's part of a batch: the action, on the version the client saw (the API's batch mixes actions)."""

    note_id: str
    version: int
    action: str
    label: str = ""


def check_request(*, action: str, targets: list[Target], label: str = "") -> str:
    """ValidationError unless the action can run (before anything is read or written); the label as stored."""
    if not targets:
        raise ValidationError({"notes": "Choose at least one note."})
    chosen = len({t.note_id for t in targets})
    if chosen > BULK_MAX:
        raise ValidationError({"notes": TOO_MANY.format(n=chosen)})
    return _checked_label(action, label)


def _checked_label(action: str, label: str) -> str:
    if action not in ACTIONS:
        raise ValidationError({"action": f"Choose one of: {', '.join(ACTIONS)}."})
    if action not in LABEL_ACTIONS:
        return ""
    problem = label_problem(label)
    if problem:
        raise ValidationError({"label": problem})
    return label.strip()


def bulk_apply(
    *,
    user_id: str,
    action: str,
    targets: list[Target],
    label: str = "",
    repo: NoteRepository | None = None,
    store: BulkStore | None = None,
) -> BulkResult:
    """Apply `action` to each target (a note chosen twice counts once), each write conditional on the target's
    version; one undo record for what changed. ValidationError (nothing read or written) for an unknown action,
    no or too many notes, a bad label."""
    label = check_request(action=action, targets=targets, label=label)
    unique = dict((t.note_id, t) for t in targets).values()
    operations = [Operation(t.note_id, t.version, action, label) for t in unique]
    result = bulk_run(user_id=user_id, operations=operations, repo=repo, store=store)
    return BulkResult(action=action, outcomes=result.outcomes, label=label, undo_id=result.undo_id)


def bulk_run(
    *, user_id: str, operations: list[Operation], repo: NoteRepository | None = None, store: BulkStore | None = None
) -> BulkResult:
    """A batch of operations, each on its own note (at most BULK_MAX, each note once), each write conditional on
    its version, in the order given; one undo record for what changed. ValidationError (nothing read or written)
    for a bad batch, naming the operation."""
    check_batch(operations)
    repository = _repo(repo)
    outcomes: list[Outcome] = []
    steps: list[UndoStep] = []
    for op in operations:
        outcome, step = _apply_one(repository, user_id, op.action, Target(op.note_id, op.version), op.label.strip())
        outcomes.append(outcome)
        if step is not None:
            steps.append(step)
    return BulkResult(action="batch", outcomes=outcomes, undo_id=_keep_undo(_store(store), user_id, steps))


def _keep_undo(store: BulkStore, user_id: str, steps: list[UndoStep]) -> str | None:
    """The undo record's id; None when nothing changed, or when the store failed to keep it: the notes are
    changed by then, so the answer says what changed (with no Undo) rather than an outage that changed nothing."""
    if not steps:
        return None
    undo_id = secrets.token_urlsafe(16)
    try:
        store.put_undo(user_id=user_id, undo_id=undo_id, steps=steps, expires_at=int(time.time()) + UNDO_SECONDS)
    except StoreUnavailable as exc:
        log.error("bulk action applied to %d notes but its undo record was not kept: %s", len(steps), exc)
        return None
    return undo_id


def check_batch(operations: list[Operation]) -> None:
    if not operations:
        raise ValidationError({"operations": "Send at least one operation."})
    if len(operations) > BULK_MAX:
        raise ValidationError({"operations": TOO_MANY.format(n=len(operations))})
    seen: set[str] = set()
    for i, op in enumerate(operations):
        try:
            _checked_label(op.action, op.label)
        except ValidationError as exc:
            raise ValidationError({f"operations[{i}].{k}": v for k, v in exc.errors.items()}) from None
        if op.note_id in seen:
            raise ValidationError({f"operations[{i}].id": "Each note may appear once in a batch."})
        seen.add(op.note_id)


def _apply_one(
    repo: NoteRepository, user_id: str, action: str, target: Target, label: str
) -> tuple[Outcome, UndoStep | None]:
    note_id, version = target.note_id, target.version
    try:
        if action == "restore":
            note = services.note_restore(user_id=user_id, note_id=note_id, repo=repo)
            return _done(note), UndoStep(note_id, "trash", note.version)
        if action == "trash":  # conditional on the version itself: no read needed
            trashed = services.note_delete(user_id=user_id, note_id=note_id, expected_version=version, repo=repo)
            return _done(trashed.note), UndoStep(note_id, "restore", trashed.note.version)
        current = repo.get(user_id=user_id, note_id=note_id)  # what the undo puts back
        if current.version != version:
            raise VersionConflict(expected=version, current=current)
        changes = _changes(current, action, label)
        if not changes:
            return Outcome(note_id, UNCHANGED, current.title, current.version), None
        before = {name: getattr(current, name) for name in changes}
        note = services.note_update(user_id=user_id, note_id=note_id, expected_version=version, data=changes, repo=repo)
        return _done(note), UndoStep(note_id, "set", note.version, _plain(before))
    except VersionConflict as exc:
        return Outcome(note_id, CONFLICT, exc.current.title, exc.current.version), None
    except NoteNotFound:
        return Outcome(note_id, MISSING), None
    except ValidationError:
        # e.g. adding a label to a note that has LABELS_MAX already: that note is left as it is
        return Outcome(note_id, CONFLICT, current.title, current.version), None


def _done(note: Note) -> Outcome:
    return Outcome(note.id, DONE, note.title, note.version)


def _changes(note: Note, action: str, label: str) -> dict[str, object]:
    if action in FLAG_ACTIONS:
        name, value = FLAG_ACTIONS[action]
        return {} if getattr(note, name) == value else {name: value}
    key = label_key(label)
    if action == "add_label":
        return {} if key in note.label_keys else {"labels": [*note.labels, label]}
    kept = [x for x in note.labels if label_key(x) != key]
    return {} if len(kept) == len(note.labels) else {"labels": kept}


def _plain(values: dict[str, object]) -> dict[str, object]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def bulk_undo(
    *, user_id: str, undo_id: str, repo: NoteRepository | None = None, store: BulkStore | None = None
) -> BulkResult:
    """Put back every note the action changed, each conditional on the version the action left: a note changed
    since is reported (CONFLICT) and left as it is. NoteNotFound if there is no such undo (used, or expired)."""
    steps = _store(store).take_undo(user_id=user_id, undo_id=undo_id, now=int(time.time()))
    if steps is None:
        raise NoteNotFound(undo_id)
    repository = _repo(repo)
    outcomes = [_undo_one(repository, user_id, step) for step in steps]
    return BulkResult(action="undo", outcomes=outcomes, undone=True)


def _undo_one(repo: NoteRepository, user_id: str, step: UndoStep) -> Outcome:
    try:
        if step.op == "restore":
            return _done(services.note_restore(user_id=user_id, note_id=step.note_id, repo=repo))
        if step.op == "trash":
            trashed = services.note_delete(
                user_id=user_id, note_id=step.note_id, expected_version=step.version, repo=repo
            )
            return _done(trashed.note)
        note = services.note_update(
            user_id=user_id, note_id=step.note_id, expected_version=step.version, data=step.fields, repo=repo
        )
        return _done(note)
    except VersionConflict as exc:
        return Outcome(step.note_id, CONFLICT, exc.current.title, exc.current.version)
    except NoteNotFound:
        return Outcome(step.note_id, MISSING)


# --- the API's Idempotency-Key ----------------------------------------------------------------------


def answer_once(
    *, user_id: str, key: str, body: object, run: Callable[[], dict], store: BulkStore | None = None
) -> tuple[dict, bool]:
    """The answer for this (user, key): `run()`'s, kept for the key's lifetime, or the one kept earlier for the
    same body (True: replayed); IdempotencyKeyReused for another body. Two requests racing with one key both run,
    but every note write is conditional on the version named in the body, so the second changes nothing and
    answers with the first's record."""
    bulk_store = _store(store)
    mark = fingerprint({"bulk": body})
    now = int(time.time())
    found = bulk_store.find_answer(user_id=user_id, key=key, now=now)
    if found is None:
        answer = run()
        expires = now + settings.API_IDEMPOTENCY_TTL_SECONDS
        found = bulk_store.keep_answer(
            user_id=user_id, key=key, fingerprint=mark, answer=answer, expires_at=expires, now=now
        )
        if found is None:
            return answer, False
    if found[0] != mark:
        raise IdempotencyKeyReused(key)
    return found[1], True
