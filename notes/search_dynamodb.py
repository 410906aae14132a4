"""The search index on DynamoDB, used by the notes adapters (notes/dynamodb_table.py; its calls go through
console.aws.dynamodb).

Keys, in a partition of their own per user so they never grow the notes' item collection (the LSIs' 10 GB
limit is per `pk`): pk = WORDS#<user_id>, and
- one entry per (word, note): sk = T#<word>#<created_at, digits inverted>#<note_id>, no other attribute
  (about 110 bytes: one write unit), so a word or a prefix is one Query on a key range, newest-created first;
- one manifest per note: sk = N#<note_id> with `version` (the version indexed) and `terms` (a string set,
  absent when empty), so an edit writes only the words that changed and a redelivered record nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.aws import dynamodb, table_keys
from console.aws.errors import StoreUnavailable
from notes import search
from notes.domain import Note, NoteFilters, NotePage

_BATCH_GET_MAX = 100  # DynamoDB's limit per BatchGetItem
_BATCH_GET_ATTEMPTS = 4


def _entry_key(user_id: str, term: str, note: Note) -> dict[str, Any]:
    return {"pk": {"S": table_keys.words_pk(user_id)}, "sk": {"S": search.entry_sort_key(term, note)}}


def _entry_item(user_id: str, term: str, note: Note) -> dict[str, Any]:
    """An entry; a label's also carries the label as the note spells it (the labels page shows it)."""
    item = _entry_key(user_id, term, note)
    spelling = search.label_spelling(note, term)
    if spelling:
        item["label"] = {"S": spelling}
    return item


def _manifest(note: Note, terms: set[str], version: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": table_keys.words_pk(note.user_id)},
        "sk": {"S": table_keys.manifest_sk(note.id)},
        "version": {"N": str(version)},
        "created_at": {"S": note.created_at},
    }
    if terms:
        item["terms"] = {"SS": sorted(terms)}
    return item


class DynamoDBSearchIndex:
    """`repo` is a notes adapter, a DynamoDBTable (its `_call`, `_batch_write`, `_client`, `table`); `from_item` and
    `note_key` are its item mapping, passed in so this module does not import it back."""

    def __init__(
        self,
        repo: Any,
        *,
        from_item: Callable[[dict[str, Any]], Note],
        note_key: Callable[[str, str], dict[str, Any]],
    ) -> None:
        self.repo = repo
        self.from_item = from_item
        self.note_key = note_key

    def _get_manifest(self, user_id: str, note_id: str) -> dict[str, Any] | None:
        resp = self.repo._call(
            "get_item",
            Key={"pk": {"S": table_keys.words_pk(user_id)}, "sk": {"S": table_keys.manifest_sk(note_id)}},
            ConsistentRead=True,
        )
        return resp.get("Item")

    def index_note(self, note: Note) -> bool:
        held = self._get_manifest(note.user_id, note.id)
        if held and int(held["version"]["N"]) >= note.version:
            return False
        old = set(held.get("terms", {}).get("SS", [])) if held else set()
        new = set(search.index_keys(note))
        requests = [{"PutRequest": {"Item": _entry_item(note.user_id, t, note)}} for t in sorted(new - old)]
        requests += [{"DeleteRequest": {"Key": _entry_key(note.user_id, t, note)}} for t in sorted(old - new)]
        self.repo._batch_write(requests)
        # Written last: if anything above failed, the retried record finds the old manifest and redoes it.
        self.repo._call("put_item", Item=_manifest(note, new, note.version))
        return True

    def unindex_note(self, *, user_id: str, note_id: str, version: int | None) -> None:
        held = self._get_manifest(user_id, note_id)
        if held:
            stub = Note(id=note_id, user_id=user_id, title="", created_at=held["created_at"]["S"])
            terms = held.get("terms", {}).get("SS", [])
            self.repo._batch_write([{"DeleteRequest": {"Key": _entry_key(user_id, t, stub)}} for t in terms])
        if version is not None:
            held_version = int(held["version"]["N"]) if held else 0
            created = held["created_at"]["S"] if held else ""
            stub = Note(id=note_id, user_id=user_id, title="", created_at=created)
            self.repo._call("put_item", Item=_manifest(stub, set(), max(version, held_version)))
        elif held:
            self.repo._call("delete_item", Key={"pk": held["pk"], "sk": held["sk"]})

    def indexed_terms(self, *, user_id: str, note_id: str) -> list[str] | None:
        held = self._get_manifest(user_id, note_id)
        return None if held is None else sorted(t for t in held.get("terms", {}).get("SS", []) if search.is_word(t))

    # --- reading -------------------------------------------------------------------------------

    def search(
        self, *, user_id: str, limit: int, cursor: str | None, filters: NoteFilters, criteria: Any = None
    ) -> NotePage:
        from_item, note_key = self.from_item, self.note_key

        def read_entries(prefix: str, after: str, n: int) -> tuple[list[str], str | None]:
            kwargs: dict[str, Any] = {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {":pk": {"S": table_keys.words_pk(user_id)}, ":prefix": {"S": prefix}},
                "Limit": n,
            }
            if after:
                kwargs["ExclusiveStartKey"] = {"pk": {"S": table_keys.words_pk(user_id)}, "sk": {"S": after}}
            resp = self.repo._call("query", **kwargs)
            keys = [i["sk"]["S"] for i in resp.get("Items", [])]
            last = resp.get("LastEvaluatedKey")
            return keys, (last["sk"]["S"] if last else None)

        def read_recent(since: str, n: int) -> tuple[list[Note], bool]:
            resp = self.repo._call(
                "query",
                IndexName=dynamodb.BY_UPDATED_INDEX,
                KeyConditionExpression="pk = :pk AND updated_sk >= :since",
                ExpressionAttributeValues={":pk": note_key(user_id, "")["pk"], ":since": {"S": since}},
                ScanIndexForward=False,
                ConsistentRead=True,
                Limit=n,
            )
            return [from_item(i) for i in resp.get("Items", [])], "LastEvaluatedKey" in resp

        def read_notes(ids) -> dict[str, Note]:
            keys = [note_key(user_id, i) for i in ids]
            found: dict[str, Note] = {}
            for start in range(0, len(keys), _BATCH_GET_MAX):
                for item in self._batch_get(keys[start : start + _BATCH_GET_MAX]):
                    if item.get("type", {}).get("S") == "note":
                        note = from_item(item)
                        found[note.id] = note
            return found

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

    def label_counts(self, *, user_id: str) -> dict[str, tuple[str, int]]:
        """{label key: (a spelling, notes)} from the label entries: one Query of keys only, paged, reading
        every labelled live note's entries (about 110 bytes each: 100,000 of them are ~340 read units)."""
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": table_keys.words_pk(user_id)},
                ":prefix": {"S": table_keys.LABEL},
            },
        }
        counts: dict[str, tuple[str, int]] = {}
        while True:
            resp = self.repo._call("query", **kwargs)
            for item in resp.get("Items", []):
                key = search.label_of_entry(item["sk"]["S"])
                spelling, n = counts.get(key, (item.get("label", {}).get("S", key), 0))
                counts[key] = (spelling, n + 1)
            if "LastEvaluatedKey" not in resp:
                return counts
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import time

        items: list[dict[str, Any]] = []
        pending: dict[str, Any] = {self.repo.table: {"Keys": keys, "ConsistentRead": True}}
        for attempt in range(_BATCH_GET_ATTEMPTS):
            if not keys:
                return items
            if attempt:
                time.sleep(0.05 * 2**attempt)  # unprocessed keys mean throttling: back off first
            resp = dynamodb.call("batch_get_item", ddb=self.repo._client, RequestItems=pending)
            items.extend(resp.get("Responses", {}).get(self.repo.table, []))
            pending = resp.get("UnprocessedKeys") or {}
            if not pending:
                return items
        raise StoreUnavailable("notes were left unread by BatchGetItem", code="ProvisionedThroughputExceededException")

    # --- rebuilding ------------------------------------------------------------------------------

    def rebuild(self) -> dict[str, int]:
        """One pass over the table (a Scan: this is a maintenance command, not a request), then the
        difference between what the index holds and what the live notes say it should hold is written."""
        from_item = self.from_item
        expected_entries: set[tuple[str, str]] = set()
        expected_manifests: dict[tuple[str, str], dict[str, Any]] = {}
        held_entries: set[tuple[str, str]] = set()
        held_manifests: dict[tuple[str, str], dict[str, Any]] = {}
        live = 0
        kwargs: dict[str, Any] = {"ConsistentRead": True}
        while True:
            resp = self.repo._call("scan", **kwargs)
            for item in resp.get("Items", []):
                pk, sk = item["pk"]["S"], item["sk"]["S"]
                kind = item.get("type", {}).get("S")
                if pk.startswith(table_keys.WORDS):
                    if sk.startswith((table_keys.TERM, table_keys.LABEL, table_keys.FLAG)):
                        held_entries.add((pk, sk))
                    elif sk.startswith(table_keys.MANIFEST):
                        held_manifests[(pk, sk)] = item
                elif kind == "note" and sk.startswith(table_keys.NOTE):
                    note = from_item(item)
                    terms = set(search.index_keys(note))
                    expected_entries.update(
                        (table_keys.words_pk(note.user_id), search.entry_sort_key(t, note)) for t in terms
                    )
                    expected_manifests[(table_keys.words_pk(note.user_id), table_keys.manifest_sk(note.id))] = (
                        _manifest(note, terms, note.version)
                    )
                    live += 1
                elif kind == "trash" and sk.startswith(table_keys.NOTE):
                    note = from_item(item)
                    expected_manifests[(table_keys.words_pk(note.user_id), table_keys.manifest_sk(note.id))] = (
                        _manifest(note, set(), note.version)
                    )
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

        def key(pk: str, sk: str) -> dict[str, Any]:
            return {"pk": {"S": pk}, "sk": {"S": sk}}

        requests = [{"PutRequest": {"Item": key(*k)}} for k in sorted(expected_entries - held_entries)]
        requests += [{"DeleteRequest": {"Key": key(*k)}} for k in sorted(held_entries - expected_entries)]
        requests += [
            {"PutRequest": {"Item": item}} for k, item in expected_manifests.items() if held_manifests.get(k) != item
        ]
        requests += [{"DeleteRequest": {"Key": key(*k)}} for k in held_manifests if k not in expected_manifests]
        self.repo._batch_write(requests)
        return {"notes": live, "entries": len(expected_entries)}
