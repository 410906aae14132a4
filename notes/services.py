"""Notes use cases. Keyword-only functions; the owner always comes from the signed-in user."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar, cast, overload

from django.conf import settings

from notes import wiring
from notes.domain import (
    EDITABLE_FIELDS,
    Note,
    NoteFilters,
    NoteNotFound,
    NotePage,
    TrashedNote,
    ValidationError,
    VersionConflict,
    clean_fields,
    clean_labels,
    label_key,
    label_problem,
    new_note_id,
    now_iso,
)
from notes.idempotency import IdempotentResult, fingerprint
from notes.repository import (
    NoteCreator,
    NoteHistoryReader,
    NoteStore,
    SearchIndexStore,
    TrashStore,
)

MAX_PAGE_SIZE = 100
# How many recent notes the filter's category suggestions come from: one or two queries, whatever the total.
CATEGORY_SCAN_LIMIT = 500


Store = TypeVar("Store")


def _repo(repo: Store | None) -> Store:
    """The store the caller gave (a test's fake), or the wired one, which serves every protocol."""
    return repo if repo is not None else cast(Store, wiring.note_repository())


@overload
def note_create(
    *,
    user_id: str,
    data: dict[str, object],
    client_token: str | None = None,
    idempotency_key: None = None,
    repo: NoteCreator | None = None,
) -> Note: ...
@overload
def note_create(
    *,
    user_id: str,
    data: dict[str, object],
    client_token: str | None = None,
    idempotency_key: str,
    repo: NoteCreator | None = None,
) -> IdempotentResult: ...
def note_create(
    *,
    user_id: str,
    data: dict[str, object],
    client_token: str | None = None,
    idempotency_key: str | None = None,
    repo: NoteCreator | None = None,
) -> Note | IdempotentResult:
    """A new note. `client_token` (a form's hidden token) makes a double submit create one note.
    `idempotency_key` (the API's Idempotency-Key) makes the note once per (user, key) within the key's
    lifetime and answers with an IdempotentResult, saying whether this is a replay; validation runs first,
    so a request that fails it leaves no record and the key can be used again."""
    fields = clean_fields(data)
    stamp = now_iso()
    note = Note(id=new_note_id(), user_id=user_id, created_at=stamp, updated_at=stamp, version=1, **fields)
    if idempotency_key is None:
        return _repo(repo).add(note, client_token=client_token or None)
    now = int(time.time())
    return _repo(repo).add_idempotent(
        note,
        key=idempotency_key,
        fingerprint=fingerprint(data),
        expires_at=now + settings.API_IDEMPOTENCY_TTL_SECONDS,
        now=now,
    )


def note_get(*, user_id: str, note_id: str, repo: NoteStore | None = None) -> Note:
    return _repo(repo).get(user_id=user_id, note_id=note_id)


def note_list(
    *,
    user_id: str,
    limit: int | None = None,
    cursor: str | None = None,
    filters: NoteFilters | None = None,
    repo: NoteStore | None = None,
) -> NotePage:
    limit = settings.NOTES_PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError({"limit": f"Limit must be between 1 and {MAX_PAGE_SIZE}."})
    return _repo(repo).list(user_id=user_id, limit=limit, cursor=cursor or None, filters=filters)


def note_update(
    *,
    user_id: str,
    note_id: str,
    expected_version: int,
    data: dict[str, object],
    partial: bool = True,
    visit: str | None = None,
    repo: NoteStore | None = None,
) -> Note:
    """Conditional on `expected_version` (VersionConflict carrying what is stored). `visit` names the editing
    visit an autosave (or the save that ends it) belongs to: the history keeps one version per visit."""
    changes = clean_fields(data, partial=partial)
    return _repo(repo).update(
        user_id=user_id, note_id=note_id, expected_version=expected_version, changes=changes, visit=visit
    )


def note_delete(*, user_id: str, note_id: str, expected_version: int, repo: NoteStore | None = None) -> TrashedNote:
    """Moves the note to the trash; it can be restored for TRASH_DAYS days."""
    return _repo(repo).delete(user_id=user_id, note_id=note_id, expected_version=expected_version)


def trash_list(*, user_id: str, repo: TrashStore | None = None) -> list[TrashedNote]:
    return _repo(repo).list_trash(user_id=user_id)


def note_restore(*, user_id: str, note_id: str, repo: TrashStore | None = None) -> Note:
    return _repo(repo).restore(user_id=user_id, note_id=note_id)


def note_delete_forever(*, user_id: str, note_id: str, repo: TrashStore | None = None) -> None:
    _repo(repo).delete_forever(user_id=user_id, note_id=note_id)


def trash_empty(*, user_id: str, repo: TrashStore | None = None) -> int:
    """Delete every note in the user's trash for good. Returns how many. Each note goes on its own, so an
    interrupted run leaves the rest in the trash and running it again finishes the job."""
    repository = _repo(repo)
    emptied = 0
    for trashed in repository.list_trash(user_id=user_id):
        try:
            repository.delete_forever(user_id=user_id, note_id=trashed.note.id)
        except NoteNotFound:
            continue  # restored or deleted meanwhile
        emptied += 1
    return emptied


def note_categories(*, user_id: str, repo: NoteStore | None = None) -> list[str]:
    """The user's own categories, as suggestions for the filter, from their most recent notes."""
    return _repo(repo).categories(user_id=user_id, scan_limit=CATEGORY_SCAN_LIMIT)


def trash_purge(
    *, now: str | None = None, stop: Callable[[], bool] | None = None, repo: TrashStore | None = None
) -> int:
    """Delete the trash whose time is up; stops before the next note once `stop()` is true."""
    return _repo(repo).purge_expired(now=now or now_iso(), stop=stop)


def search_index_rebuild(*, repo: SearchIndexStore | None = None) -> dict[str, int]:
    """Recompute the search index from the live notes (existing data, or after a stream outage)."""
    return _repo(repo).rebuild_search_index()


def note_with_history(*, user_id: str, note_id: str, repo: NoteHistoryReader | None = None) -> tuple[Note, list[Note]]:
    """One of the user's live notes and its recorded versions, newest first (NoteNotFound for another's).
    Versions are recorded from the table's stream, so the newest change may be missing for a moment."""
    repository = _repo(repo)
    note = repository.get(user_id=user_id, note_id=note_id)
    return note, repository.list_history(user_id=user_id, note_id=note_id)


def note_restore_version(
    *, user_id: str, note_id: str, version: int, expected_version: int, repo: NoteHistoryReader | None = None
) -> Note:
    """Make an earlier version current again, as a new version (nothing is lost). NoteNotFound if that
    version was not recorded or the note is not live; VersionConflict if `expected_version` is stale."""
    repository = _repo(repo)
    old = repository.get_version(user_id=user_id, note_id=note_id, version=version)
    changes = {name: getattr(old, name) for name in EDITABLE_FIELDS}
    return repository.update(user_id=user_id, note_id=note_id, expected_version=expected_version, changes=changes)


def note_task_toggle(
    *,
    user_id: str,
    note_id: str,
    expected_version: int,
    index: int,
    done: bool,
    repo: NoteStore | None = None,
) -> Note:
    """Tick (or untick) one task-list item of the note's content, as a write conditional on the version the
    page showed: the item is found in that version's text, so a note changed meanwhile is a VersionConflict
    (carrying what is stored), never a tick applied to a different item. ValidationError for no such item."""
    from notes.checklists import toggle_task

    repository = _repo(repo)
    current = repository.get(user_id=user_id, note_id=note_id)
    if current.version != expected_version:
        raise VersionConflict(expected=expected_version, current=current)
    content = toggle_task(current.content, index=index, done=done)
    changes = clean_fields({"content": content}, partial=True)
    return repository.update(user_id=user_id, note_id=note_id, expected_version=expected_version, changes=changes)


# --- labels ----------------------------------------------------------------------------------------

LABEL_CHANGE_BATCH = 100  # notes a rename or delete changes per request; the page offers to go on
_LABEL_CHANGE_TRIES = 3


class LabelSummary(NamedTuple):  # a named tuple: cheaper than a dataclass to build at import, on every list page
    key: str  # domain.label_key
    label: str  # as typed
    notes: int


class LabelChange(NamedTuple):  # a named tuple: cheaper than a dataclass to build at import, on every list page
    changed: int  # notes written
    merged: bool  # the new name was a label already: the two are one now
    more: bool  # notes are left (the batch was full): run it again to go on; nothing is done twice
    skipped: list[str]  # titles of notes that kept changing meanwhile and were left as they are


def label_list(*, user_id: str, repo: NoteStore | None = None) -> list[LabelSummary]:
    """The user's labels with how many live notes (archived ones included) carry each, by name."""
    counts = _repo(repo).label_counts(user_id=user_id)
    summaries = [LabelSummary(key=key, label=label, notes=n) for key, (label, n) in counts.items()]
    return sorted(summaries, key=lambda s: (s.key, s.label))


def label_rename(
    *, user_id: str, old: str, new: str, repo: NoteStore | None = None, batch: int = LABEL_CHANGE_BATCH
) -> LabelChange:
    """Give every note labelled `old` the label `new` instead (in its place). A note that changed since it
    was read is read again and retried, never overwritten; renaming onto an existing label merges them.
    At most `batch` notes a call: `more` says to call again, which goes on where this one stopped."""
    problem = label_problem(new) or label_problem(old)
    if problem:
        raise ValidationError({"label": problem})
    new_key, old_key = label_key(new), label_key(old)
    merged = new_key != old_key and new_key in _repo(repo).label_counts(user_id=user_id)

    def relabel(labels: tuple[str, ...]) -> tuple[str, ...]:
        return clean_labels([new.strip() if label_key(label) == old_key else label for label in labels])

    change = _relabel_all(user_id=user_id, old_key=old_key, relabel=relabel, repo=_repo(repo), batch=batch)
    return LabelChange(changed=change.changed, merged=merged, more=change.more, skipped=change.skipped)


def label_delete(
    *, user_id: str, label: str, repo: NoteStore | None = None, batch: int = LABEL_CHANGE_BATCH
) -> LabelChange:
    """Take the label off every note that has it; the notes stay. Same retries and batches as a rename."""
    problem = label_problem(label)
    if problem:
        raise ValidationError({"label": problem})
    key = label_key(label)

    def relabel(labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(x for x in labels if label_key(x) != key)

    return _relabel_all(user_id=user_id, old_key=key, relabel=relabel, repo=_repo(repo), batch=batch)


def _relabel_all(
    *,
    user_id: str,
    old_key: str,
    relabel: Callable[[tuple[str, ...]], tuple[str, ...]],
    repo: NoteStore,
    batch: int,
) -> LabelChange:
    changed, skipped = 0, []
    for archived in (None, True):  # the list's notes, then the archive's
        filters = NoteFilters(labels=(old_key,), archived=archived)
        cursor: str | None = None
        while True:
            page = repo.list(user_id=user_id, limit=min(batch, MAX_PAGE_SIZE), cursor=cursor, filters=filters)
            for note in page.notes:
                if relabel(note.labels) == note.labels:
                    continue  # done already (a stale index entry, or a run that is being resumed)
                if changed >= batch:
                    return LabelChange(changed=changed, merged=False, more=True, skipped=skipped)
                if _relabel_one(repo, note, relabel):
                    changed += 1
                else:
                    skipped.append(note.title)
            if not page.cursor:
                break
            cursor = page.cursor
    return LabelChange(changed=changed, merged=False, more=False, skipped=skipped)


def _relabel_one(repo: NoteStore, note: Note, relabel: Callable[[tuple[str, ...]], tuple[str, ...]]) -> bool:
    for _ in range(_LABEL_CHANGE_TRIES):
        try:
            repo.update(
                user_id=note.user_id,
                note_id=note.id,
                expected_version=note.version,
                changes={"labels": relabel(note.labels)},
            )
            return True
        except VersionConflict as exc:
            note = exc.current  # changed meanwhile: apply the change to what is stored now
        except NoteNotFound:
            return True  # trashed meanwhile: nothing to relabel
    return False
