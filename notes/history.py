"""Version history and the search index, from the table's DynamoDB stream.

Every INSERT or MODIFY of a live note records its new image as a version (idempotent: the version is
the key, so a redelivered record writes nothing twice). An autosave's image carries its editing visit:
it replaces the same visit's previous version, so a burst of autosaves is one version, not twenty. A REMOVE of a note drops its history again: a
version recorded late (the note deleted for good seconds after an edit, or a replay from TRIM_HORIZON)
would otherwise outlive it. A record that can't be parsed is logged with
its keys and skipped, never retried forever; a store failure reports the record as failed so Lambda
retries from there (ReportBatchItemFailures).

The same records keep the search index (notes/search.py): a live note's new image is indexed (only the
words that changed are written; a redelivered or older version writes nothing), a note moved to the trash
is taken out of it (a marker keeps its version), and a REMOVE forgets it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.aws import table_keys
from console.aws.errors import AwsError, StoreUnavailable
from notes.domain import Note
from notes.dynamodb_items import from_item
from notes.repository import StreamTarget

log = logging.getLogger(__name__)

# Only the notes' partitions concern this handler (the search index's own writes, sessions and the rest do
# not): the stream trigger's filter (console/deploy/stream_wiring.py) drops other records before Lambda
# is invoked, so the index's thousands of writes for a long note cost no invocation; `handled` is the same
# rule for the local poller.
HANDLED_KEY_PREFIX = table_keys.USER
STREAM_FILTER = {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": HANDLED_KEY_PREFIX}]}}}}


def handled(record: dict[str, Any]) -> bool:
    pk = ((record.get("dynamodb") or {}).get("Keys") or {}).get("pk") or {}
    return str(pk.get("S", "")).startswith(HANDLED_KEY_PREFIX)


def process_records(
    records: list[dict[str, Any]],
    *,
    repo: StreamTarget,
    stop: Callable[[], bool] | None = None,
    on_removed: Callable[[str, str], object] | None = None,
) -> dict[str, Any]:
    """`stop()` true before a record: that record and the rest are reported failed, so Lambda redelivers the
    batch from it (the invocation's time is nearly up). `on_removed(user_id, note_id)` runs for a note deleted
    for good, whichever way (one note, the trash emptied, the daily purge): its attachments go then."""
    written = skipped = indexed = 0
    for record in filter(handled, records):
        change = record.get("dynamodb") or {}
        keys = change.get("Keys", {})
        sequence = change.get("SequenceNumber", "")
        if stop is not None and stop():
            log.warning(
                "stream batch stopped before the deadline; Lambda will redeliver from this record",
                extra={"fields": {"sequence_number": sequence, "written": written}},
            )
            return {
                "batchItemFailures": [{"itemIdentifier": sequence}],
                "written": written,
                "skipped": skipped,
                "indexed": indexed,
            }
        try:
            action = _action(record.get("eventName", ""), change)
        except (KeyError, TypeError, ValueError) as exc:
            skipped += 1
            log.error(
                "stream record skipped: cannot parse",
                extra={"fields": {"keys": keys, "sequence_number": sequence, "error": repr(exc)}},
            )
            continue
        try:
            if isinstance(action, Note):
                visit = _visit(change)
                if repo.add_history(action, visit=visit) if visit else repo.add_history(action):
                    written += 1
                if repo.index_note(action):
                    indexed += 1
            elif isinstance(action, _Trashed):
                repo.unindex_note(user_id=action.user_id, note_id=action.note_id, version=action.version)
            elif action:
                if on_removed is not None:
                    on_removed(action[0], action[1])
                repo.delete_history(user_id=action[0], note_id=action[1])
                repo.unindex_note(user_id=action[0], note_id=action[1])
        except (StoreUnavailable, AwsError) as exc:
            log.warning(
                "stream record failed; Lambda will retry from it",
                extra={"fields": {"keys": keys, "sequence_number": sequence, "error": str(exc)}},
            )
            return {
                "batchItemFailures": [{"itemIdentifier": sequence}],
                "written": written,
                "skipped": skipped,
                "indexed": indexed,
            }
    return {"batchItemFailures": [], "written": written, "skipped": skipped, "indexed": indexed}


def _visit(change: dict[str, Any]) -> str | None:
    """The editing visit an autosave wrote (the note item's `visit`): its versions replace each other."""
    visit = ((change.get("NewImage") or {}).get("visit") or {}).get("S")
    return visit if isinstance(visit, str) and visit else None


@dataclass(frozen=True)
class _Trashed:
    user_id: str
    note_id: str
    version: int


def _action(event_name: str, change: dict[str, Any]) -> Note | _Trashed | tuple[str, str] | None:
    """A version to record and index (INSERT/MODIFY of a live note), a note moved to the trash (out of the
    index), a note whose history and index entries to drop (REMOVE of a note or trashed note: a record
    processed after the delete may have recorded a version), or nothing."""
    if event_name in ("INSERT", "MODIFY"):
        image = change.get("NewImage")
        kind = image.get("type", {}).get("S") if image else None
        if kind == "note":
            return from_item(image)
        if kind == "trash":
            return _Trashed(image["user_id"]["S"], image["id"]["S"], int(image["version"]["N"]))
    elif event_name == "REMOVE":
        old = change.get("OldImage")
        if old and old.get("type", {}).get("S") in ("note", "trash"):
            return old["user_id"]["S"], old["id"]["S"]
    return None
