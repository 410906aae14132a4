"""The notes list as users grow: latency against a bare Django view, DynamoDB calls per page, and what one
page costs with 100 notes and with 100,000 notes in the user's partition.

Runs in a child process of its own (its Django settings and environment stay out of `make bench`'s), against
moto's server over HTTP on 127.0.0.1; nothing reaches AWS.

1. Latency, in process (Django's test Client, the whole middleware stack) for a user with 100 notes: the list
   page, the API list and /healthz (a bare view: no store, same middleware), interleaved, BENCH_REQUESTS
   (default 300) each after a warm-up. moto answers each DynamoDB call in a few ms of Python; DynamoDB's own
   latency is not in these figures, the app's overhead over a bare view is.
2. Cost, as DynamoDB bills it, for 100 and for 100,000 notes: every DynamoDB call the app makes is recorded
   (a botocore hook); items evaluated are the Query's ScannedCount; read units are computed from the sizes of
   the items evaluated (DynamoDB's item size rules, +100 bytes per item read from an index; strongly
   consistent: ceil(bytes / 4 KB) per Query, at least 1); write units ceil(bytes / 1 KB), at least 1, also
   for a conditional write whose condition fails; BatchGetItem rounds each item up on its own. Target: a page
   at 100,000 notes within 1.2x of one at 100, for the unfiltered pages and for the searches, which answer
   from the search index (notes/search.py: the user's newest notes, one index range, the notes found).
3. moto's own latency for the same requests, labelled as such: moto's Query reads every item of the table
   (in Python), so its time grows with the table; DynamoDB reads only the page.

The 100,000 notes are written straight into moto's backend (in this process), in the app's own item layout
(notes.dynamodb_repository.to_item), with the search index's entries for the searched words, because
BatchWriteItem through moto's server takes about 50 s. The bench's tables have no stream (the table definition's
only change): moto would keep 100,000 stream records.

4. What indexing a note costs (the stream handler's writes): a typical note, a 100 KB one, a one-word edit.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SMALL = 100
BIG = int(os.environ.get("BENCH_BIG_NOTES", "100000"))  # smaller for a quick look at the bench itself
TARGET = 1.2
UNFILTERED = ("pinned-first list page", "list page, next (cursor)", "API list, limit=100")
# Searches answer from the index (notes/search.py): the same target as an unfiltered page.
INDEXED = (
    "search, no match (index)",
    "search, a word (index)",
    "search, a prefix (index)",
    "API search, a word (index)",
)
# Labels, pins, the archive and operators answer from their index entries (notes/search.py): the same target.
ORGANIZED = (
    "label filter, page (index)",
    "label filter, API (index)",
    "pinned only, API (index)",
    "archive page (index)",
    "search, operators (index)",
)
HELD_TO_TARGET = UNFILTERED + INDEXED + ORGANIZED
INDEX_OVERHEAD_BYTES = 100  # DynamoDB adds this to every item stored in (and read from) a secondary index


def main() -> None:
    """Entry point for `python -m bench`: the measurement runs in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "DYNAMODB_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "console.settings",
            "DJANGO_SECRET_KEY": f"bench-only-{uuid.uuid4().hex}",
            "DJANGO_DEBUG": "0",
            "LOG_LEVEL": "ERROR",  # one JSON line per request would drown the table
            "LOCAL_DATA_DIR": tempfile.mkdtemp(prefix="bench-list-"),
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_CONFIG_FILE": os.devnull,
            # moto's Query over 100,000 items takes seconds: no timeout, no retry, so each call is made once.
            "AWS_READ_TIMEOUT": "600",
            # ... and no request deadline: a page's three Queries take half a minute on moto at 100,000 notes.
            "REQUEST_TIME_BUDGET_SECONDS": "3600",
            "AWS_MAX_ATTEMPTS": "1",
            "USE_REAL_AWS": "0",
        }
    )
    subprocess.run([sys.executable, "-m", "bench.bench_list_page"], cwd=REPO_ROOT, env=env, check=True)


# --- what DynamoDB would bill ------------------------------------------------------------------------


def value_size(value: dict[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        digits = raw.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in raw)
    if kind == "NS":
        return sum(value_size({"N": n}) for n in raw)
    if kind == "BS":
        return sum(len(b) for b in raw)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in raw)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + 1 + value_size(v) for k, v in raw.items())
    raise ValueError(kind)


def item_size(item: dict[str, Any]) -> int:
    """An item's size by DynamoDB's rules: attribute names plus values (UTF-8 bytes, numbers by digits)."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(total_bytes: int, *, consistent: bool) -> float:
    units = max(1, math.ceil(total_bytes / 4096))
    return units if consistent else units / 2


def write_units(total_bytes: int) -> int:
    return max(1, math.ceil(total_bytes / 1024))


@dataclass
class Call:
    operation: str
    ms: float = 0  # time in the call: the HTTP round trip and moto's work
    evaluated: int = 0  # items DynamoDB read to answer (ScannedCount for a Query)
    returned: int = 0
    read_units: float = 0
    write_units: float = 0


@dataclass
class Recorder:
    """Every DynamoDB call the app's client makes, with what DynamoDB would charge for it. Items a filtered
    Query evaluated but did not return are sized from `index_sizes`: the sizes of the seeded notes in the
    order of the newest-first index (nothing else changes the index during a measurement)."""

    index_sizes: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)  # pk -> (keys desc, sizes)
    calls: list[Call] = field(default_factory=list)

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params.dynamodb.*", self._remember_params)
        client.meta.events.register("after-call.dynamodb.*", self._record)

    @staticmethod
    def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: object) -> None:
        context["bench_params"] = dict(params)
        context["bench_started"] = time.perf_counter()

    def _record(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: object) -> None:
        params = context.get("bench_params", {})
        call = Call(model.name, ms=(time.perf_counter() - context.get("bench_started", time.perf_counter())) * 1000)
        if model.name == "Query":
            items = parsed.get("Items", [])
            call.returned, call.evaluated = len(items), parsed.get("ScannedCount", len(items))
            overhead = INDEX_OVERHEAD_BYTES if params.get("IndexName") else 0
            if call.evaluated == call.returned:
                sizes = [item_size(i) + overhead for i in items]
            else:
                sizes = self._evaluated_sizes(params, call.evaluated, overhead)
            call.read_units = read_units(sum(sizes), consistent=bool(params.get("ConsistentRead")))
        elif model.name == "BatchGetItem":
            (spec,) = params["RequestItems"].values()
            items = [i for found in parsed.get("Responses", {}).values() for i in found]
            call.evaluated = call.returned = len(items)
            # Each item is rounded up to 4 KB on its own.
            call.read_units = sum(read_units(item_size(i), consistent=bool(spec.get("ConsistentRead"))) for i in items)
        elif model.name == "BatchWriteItem":
            (requests,) = params["RequestItems"].values()
            call.write_units = sum(
                write_units(item_size(r.get("PutRequest", {}).get("Item") or r["DeleteRequest"]["Key"]))
                for r in requests
            )
        elif model.name == "GetItem":
            item = parsed.get("Item") or {}
            call.evaluated = call.returned = 1 if item else 0
            call.read_units = read_units(item_size(item), consistent=bool(params.get("ConsistentRead")))
        elif model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            item = parsed.get("Attributes") or params.get("Item") or params.get("Key") or {}
            call.write_units = write_units(item_size(item))
        elif model.name == "TransactWriteItems":
            call.write_units = 2 * sum(
                write_units(item_size(next(iter(op.values())).get("Item", {}))) for op in params["TransactItems"]
            )
        self.calls.append(call)

    def _evaluated_sizes(self, params: dict[str, Any], evaluated: int, overhead: int) -> list[int]:
        pk = params["ExpressionAttributeValues"][":pk"]["S"]
        keys, sizes = self.index_sizes[pk]  # keys ascending, as bisect wants them
        start = params.get("ExclusiveStartKey")
        end = len(keys) if start is None else bisect_left(keys, start["updated_sk"]["S"])
        # Newest first: the items just below the start key in the index's order.
        return [s + overhead for s in sizes[max(0, end - evaluated) : end]]

    def take(self) -> list[Call]:
        calls, self.calls = self.calls, []
        return calls


# --- seeding -----------------------------------------------------------------------------------------

SEARCHED_TERMS = {"garden", "budget"}
SEARCHED_FACETS = {"#L#work", "#F#pinned", "#F#archived"}  # the label, pinned and archived entries read
WORDS = ("milk", "plan", "call", "draft", "review", "garden", "trip", "budget", "notes", "ideas", "fix", "book")
CATEGORIES = ("general", "work", "home", "errands", "reading")


def seed_notes(backend: Any, table: str, user_id: str, count: int) -> tuple[list[str], list[int]]:
    """`count` notes of one user, written into moto's backend in the app's item layout, newest first. The
    n-th newest note is the same in every partition (same words, flags and size), so two partitions' pages
    differ only in what the partition's size does to them. Returns the newest-first index's keys
    (ascending) and the notes' item sizes in that order."""
    import random

    from console.aws.table_keys import words_pk
    from notes import search
    from notes.domain import Note
    from notes.dynamodb_items import to_item

    rng = random.Random(7)
    index: list[tuple[str, int]] = []
    newest = int(time.time()) - 86_400  # written before the search's recent-writes window
    # `count` notes on the list, 5 of them pinned; then a quarter as many again, older, in the archive (so 100
    # notes fill an archive page as 100,000 do, and the list's first pages are the same either way).
    for rank in range(count + count // 4):
        archived = rank >= count
        at = rank - count if archived else rank
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(newest - rank)) + ".000000Z"
        words = rng.choices(WORDS, k=rng.randint(5, 80))
        note = Note(
            id=f"{rng.getrandbits(128):032x}",
            user_id=user_id,
            title=f"Note {rank}: {' '.join(words[:4])}",
            content=" ".join(words),
            labels=(CATEGORIES[at % len(CATEGORIES)],),
            important=at % 10 == 0,
            completed=at % 3 == 0,
            pinned=at < 100 and at % 20 == 7 and not archived,  # the same 5 pinned notes in every partition
            archived=archived,
            created_at=stamp,
            updated_at=stamp,
            version=1 + at % 4,
        )
        item = to_item(note)
        backend.put_item(table, item)
        index.append((item["updated_sk"]["S"], item_size(item)))
        # The index's entries for the searched words, label and flags only: a Query reads its key range and
        # nothing else, so other entries would change nothing measured here (and 1.4 million items in moto).
        for term in search.facet_terms(note):
            if term in SEARCHED_FACETS:
                entry = {"pk": {"S": words_pk(user_id)}, "sk": {"S": search.entry_sort_key(term, note)}}
                if term.startswith("#L#"):
                    entry["label"] = {"S": note.labels[0]}
                backend.put_item(table, entry)
        if archived:
            continue  # archived notes' words are not searched here
        for term in search.index_terms(note):
            if term in SEARCHED_TERMS:
                backend.put_item(
                    table, {"pk": {"S": words_pk(user_id)}, "sk": {"S": search.entry_sort_key(term, note)}}
                )
    index.sort()
    return [k for k, _ in index], [s for _, s in index]


# --- the run -----------------------------------------------------------------------------------------


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


@dataclass
class Measured:
    status: int
    ms: float
    calls: list[Call]
    body: bytes = b""

    @property
    def store_ms(self) -> float:
        return sum(c.ms for c in self.calls)

    @property
    def evaluated(self) -> int:
        return sum(c.evaluated for c in self.calls if c.operation == "Query")

    @property
    def read_units(self) -> float:
        return sum(c.read_units for c in self.calls)

    @property
    def write_units(self) -> float:
        return sum(c.write_units for c in self.calls)


def run() -> None:
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collected static files

    import django
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["DYNAMODB_ENDPOINT_URL"] = f"http://{host}:{port}"
    os.environ["DYNAMODB_TABLE"] = "bench-small"
    django.setup()
    try:
        _run()
    finally:
        server.stop()


def _make_table(name: str) -> None:
    from console.aws import dynamodb

    definition = dynamodb.table_definition(name)
    definition.pop("StreamSpecification")
    dynamodb.client().create_table(**definition)


def _use_table(name: str) -> None:
    from django.conf import settings

    settings.DYNAMODB_TABLE = name


def _signed_in(username: str):
    from django.conf import settings
    from django.test import Client

    from accounts.auth import store_user_in_session
    from accounts.services import token_create, user_create
    from accounts.sessions import SessionStore, remember_user_session

    user = user_create(username=username, password=f"bench {uuid.uuid4().hex}")
    session = SessionStore()
    store_user_in_session(session, user)
    session.save()
    remember_user_session(user_id=user.id, session_key=session.session_key)
    page = Client()
    page.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    _, secret = token_create(user=user, name="bench")
    return user, page, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _measure(recorder: Recorder, client, path: str) -> Measured:
    recorder.take()
    start = time.perf_counter()
    response = client.get(path)
    ms = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    return Measured(response.status_code, ms, recorder.take(), response.content)


def _run() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from console.aws import dynamodb
    from console.aws.table_keys import user_pk

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    recorder = Recorder()
    recorder.attach(dynamodb.client())
    requests = int(os.environ.get("BENCH_REQUESTS", "300"))

    # --- 1. latency: a user with 100 notes ---------------------------------------------------------
    _make_table("bench-small")
    _use_table("bench-small")
    small_user, small_page, small_api = _signed_in("small")
    recorder.index_sizes[user_pk(small_user.id)] = seed_notes(backend, "bench-small", small_user.id, SMALL)
    endpoints = {
        "bare view (/healthz)": (small_page, "/healthz"),
        "list page (/notes/)": (small_page, "/notes/"),
        "API list (/api/notes)": (small_api, "/api/notes"),
    }
    for client, path in endpoints.values():
        for _ in range(20):
            _measure(recorder, client, path)
    samples: dict[str, list[Measured]] = {name: [] for name in endpoints}
    for _ in range(requests):
        for name, (client, path) in endpoints.items():
            samples[name].append(_measure(recorder, client, path))

    print(
        f"Latency in process (Django test Client, all middleware) against moto's server on 127.0.0.1, "
        f"a user with {SMALL} notes, {requests} requests each, interleaved:"
    )
    bare = [m.ms for m in samples["bare view (/healthz)"]]
    bare_p50, bare_p99 = percentile(bare, 50), percentile(bare, 99)
    print(
        f"  {'request':24} {'p50 ms':>8} {'p99 ms':>8} {'p50 x bare':>11} {'p99 x bare':>11} "
        f"{'p50 in DynamoDB':>16} {'p50 the rest':>13}  DynamoDB calls"
    )
    for name, measured in samples.items():
        ms = [m.ms for m in measured]
        p50, p99 = percentile(ms, 50), percentile(ms, 99)
        store = percentile([m.store_ms for m in measured], 50)
        rest = percentile([m.ms - m.store_ms for m in measured], 50)
        counts = "/".join(map(str, sorted({len(m.calls) for m in measured})))
        operations = " + ".join(c.operation for c in measured[-1].calls) or "none"
        print(
            f"  {name:24} {p50:8.2f} {p99:8.2f} {p50 / bare_p50:11.1f} {p99 / bare_p99:11.1f} "
            f"{store:16.2f} {rest:13.2f}  {counts} ({operations})"
        )
    print(
        "  'in DynamoDB' is the time inside the app's DynamoDB calls (here: HTTP to moto and moto's Python);"
        " 'the rest' is the app's own."
    )

    # --- 2. cost: 100 notes against 100,000 ---------------------------------------------------------
    started = time.perf_counter()
    _make_table("bench-big")
    _use_table("bench-big")
    big_user, big_page, big_api = _signed_in("big")
    recorder.index_sizes[user_pk(big_user.id)] = seed_notes(backend, "bench-big", big_user.id, BIG)
    seeded_s = time.perf_counter() - started

    def cursor_of(measured: Measured) -> str:
        match = re.search(rb"cursor=([^\"&]+)", measured.body)
        if not match:
            raise RuntimeError("the list page has no 'Load more' cursor")
        return match.group(1).decode()

    requests_b = [
        ("pinned-first list page", lambda page, api: (page, "/notes/")),
        ("list page, next (cursor)", None),  # follows the first page's cursor
        ("API list, limit=100", lambda page, api: (api, "/api/notes?limit=100")),
        ("list page, important only", lambda page, api: (page, "/notes/?important=yes")),
        ("search, no match (index)", lambda page, api: (page, "/notes/?q=zzzz-nothing")),
        ("search, a word (index)", lambda page, api: (page, "/notes/?q=garden")),
        ("search, a prefix (index)", lambda page, api: (page, "/notes/?q=Budg")),
        ("API search, a word (index)", lambda page, api: (api, "/api/notes?q=garden")),
        ("label filter, page (index)", lambda page, api: (page, "/notes/?label=work")),
        ("label filter, API (index)", lambda page, api: (api, "/api/notes?label=Work&limit=10")),
        ("pinned only, API (index)", lambda page, api: (api, "/api/notes?pinned=true&limit=5")),
        ("archive page (index)", lambda page, api: (page, "/notes/archive/")),
        ("search, operators (index)", lambda page, api: (page, "/notes/?q=%22garden%22+-zzzz+label%3Awork")),
    ]
    only = [x for x in os.environ.get("BENCH_ONLY", "").split(",") if x]  # e.g. "label,pinned": those rows only
    if only:
        requests_b = [r for r in requests_b if r[0] == "pinned-first list page" or any(o in r[0] for o in only)]
    results: dict[str, dict[int, Measured]] = {name: {} for name, _ in requests_b}
    for size, table, page, api in (
        (SMALL, "bench-small", small_page, small_api),
        (BIG, "bench-big", big_page, big_api),
    ):
        _use_table(table)
        first = None
        for name, make in requests_b:
            if make is None:
                client, path = page, f"/notes/?cursor={cursor_of(first)}"
            else:
                client, path = make(page, api)
            measured = _measure(recorder, client, path)
            first = first or measured
            results[name][size] = measured

    print()
    print(
        f"Cost of one request as DynamoDB bills it, {SMALL:,} vs {BIG:,} notes in the user's partition "
        f"(read units strongly consistent, from item sizes; {BIG:,} notes seeded into moto's backend in {seeded_s:.0f} s):"
    )
    print(
        f"  {'request':28} {'notes':>8} {'calls':>6} {'evaluated':>10} {'returned':>9} {'read units':>11} "
        f"{'write units':>12} {'cost ratio':>13}"
    )
    for name, by_size in results.items():
        for size in (SMALL, BIG):
            m = by_size[size]
            returned = sum(c.returned for c in m.calls if c.operation == "Query")
            ratio = ""
            if size == BIG:
                r = (m.read_units + m.write_units) / (by_size[SMALL].read_units + by_size[SMALL].write_units)
                if name in HELD_TO_TARGET:
                    ratio = f"{r:.2f}x {'met' if r <= TARGET else 'NOT met'}"
                else:
                    ratio = f"{r:.2f}x bounded"
            print(
                f"  {name:28} {size:>8,} {len(m.calls):>6} {m.evaluated:>10,} {returned:>9,} {m.read_units:>11g} "
                f"{m.write_units:>12g} {ratio:>13}"
            )
    for label, names in (
        ("unfiltered pages", UNFILTERED),
        ("searches from the index", INDEXED),
        ("labels, pinned, archive, operators", ORGANIZED),
    ):
        names = tuple(n for n in names if n in results)
        if not names:
            continue
        ratios = [
            (results[n][BIG].read_units + results[n][BIG].write_units)
            / (results[n][SMALL].read_units + results[n][SMALL].write_units)
            for n in names
        ]
        print(
            f"  {label}, {BIG:,} / {SMALL:,} notes: {max(ratios):.2f}x at most, target {TARGET}x (±20%): "
            f"{'met' if max(ratios) <= TARGET and min(ratios) >= 1 / TARGET else 'NOT met'}"
        )
    from notes import search

    if "search, a word (index)" in results:
        print(
            f"  a search reads the user's newest notes updated in the last "
            f"{search.RECENT_WINDOW.total_seconds() / 60:g} min (at most {search.RECENT_MAX}), one index range, and the notes found (BatchGetItem): "
            + " + ".join(c.operation for c in results["search, a word (index)"][BIG].calls)
            + " (the first is the session)"
        )
    print(
        "  other filtered pages read batches of 100 and stop after 5 calls, so they cost at most 500 items "
        "evaluated whatever the partition holds."
    )

    print()
    print(
        "moto's own latency for the same requests (moto's Query reads every item of the table in Python; "
        "not DynamoDB's behaviour):"
    )
    for name, by_size in results.items():
        small_ms, big_ms = by_size[SMALL].ms, by_size[BIG].ms
        print(
            f"  {name:28} {SMALL:,} notes: {small_ms:8.1f} ms   {BIG:,} notes: {big_ms:9.1f} ms   "
            f"({big_ms / small_ms:,.0f}x)"
        )

    _index_write_cost(recorder, big_user.id)


def _index_write_cost(recorder: Recorder, user_id: str) -> None:
    """What the stream handler writes to index a note: a 100 KB note (the content limit) of words drawn from
    a 20,000-word vocabulary, a typical note, and a one-word edit of the big one."""
    import random

    from notes import search
    from notes.domain import CONTENT_MAX_BYTES, Note, new_note_id, now_iso
    from notes.dynamodb_repository import DynamoDBNoteRepository

    rng = random.Random(11)
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyzéè", k=rng.randint(3, 10))) for _ in range(20_000)]
    words: list[str] = []
    size = 0
    while size < CONTENT_MAX_BYTES - 20:
        word = rng.choice(vocabulary)
        words.append(word)
        size += len(word.encode()) + 1
    big_content = " ".join(words)[: CONTENT_MAX_BYTES // 2]
    while len(big_content.encode()) < CONTENT_MAX_BYTES - 12:
        big_content += " " + rng.choice(vocabulary)
    stamp = now_iso()
    repo = DynamoDBNoteRepository()
    big = Note(
        id=new_note_id(), user_id=user_id, title="A long one", content=big_content, created_at=stamp, updated_at=stamp
    )
    typical = Note(
        id=new_note_id(),
        user_id=user_id,
        title="Shopping",
        content=" ".join(rng.choices(WORDS, k=40)),
        created_at=stamp,
        updated_at=stamp,
    )
    edited = big.replace(content=big_content.replace(words[0], "changed", 1), version=2)
    rows = []
    for label, note in (
        ("typical note (40 words), first index", typical),
        (f"100 KB note ({len(big_content.encode()):,} B), first index", big),
        ("same 100 KB note, one word edited", edited),
        ("same edit redelivered", edited),
    ):
        recorder.take()
        repo.index_note(note)
        calls = recorder.take()
        rows.append((label, calls))
    print()
    print(
        f"Cost of indexing a note (the stream handler's writes; at most {search.MAX_TERMS:,} distinct words "
        f"a note, each cut to {search.MAX_TERM_CHARS} characters):"
    )
    print(f"  {'write':38} {'distinct words':>15} {'calls':>6} {'read units':>11} {'write units':>12}")
    for (label, calls), note in zip(rows, (typical, big, edited, edited), strict=True):
        terms = len(search.index_terms(note))
        print(
            f"  {label:38} {terms:>15,} {len(calls):>6} {sum(c.read_units for c in calls):>11g} "
            f"{sum(c.write_units for c in calls):>12g}"
        )
    print("  one write unit per word entry; the manifest (the note's word list) is about 1 write unit per KB of words.")


if __name__ == "__main__":
    run()
