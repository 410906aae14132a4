"""A bulk action's cost as DynamoDB bills it: it grows with the notes it touches, not with the notes the user has.

The same bulk actions (add a label, pin, move to the trash, and the Undo of the first) on 10 and on 50 notes, for
a user with FEW notes and for one with MANY (BENCH_BULK_NOTES, default 10,000; the quick round uses fewer).
Every DynamoDB call the app makes is recorded and billed as bench/bench_list_page.py bills it (read units from
item sizes, strongly consistent; write units per KB, at least 1). Target: at MANY notes, within 1.0x (+5% for
rounding) of the same action at FEW. The rows at 10 and 50 notes give the cost once and per note touched.

Runs in a child process of its own on moto in process (no HTTP: the figures are units, not latency); the notes
are written straight into moto's backend in the app's item layout. Nothing reaches AWS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FEW = 60
MANY = int(os.environ.get("BENCH_BULK_NOTES", "10000"))
TOUCHED = (10, 50)
TARGET = 1.05


def main() -> None:
    """Entry point for `python -m bench`: the measurement runs in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "DYNAMODB_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "console.settings",
            "DJANGO_SECRET_KEY": f"bench-only-{uuid.uuid4().hex}",
            "DJANGO_DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            "LOCAL_DATA_DIR": tempfile.mkdtemp(prefix="bench-bulk-"),
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_CONFIG_FILE": os.devnull,
            "DYNAMODB_TABLE": "bench-bulk",
            "USE_REAL_AWS": "0",
        }
    )
    subprocess.run([sys.executable, "-m", "bench.bench_bulk"], cwd=REPO_ROOT, env=env, check=True)


def _seed(backend, table: str, user_id: str, count: int) -> list:
    """`count` notes of one user in the app's item layout; the first 50 are the same in every partition."""
    import random

    from notes.domain import Note
    from notes.dynamodb_repository import to_item

    rng = random.Random(7)
    notes = []
    for rank in range(count):
        stamp = f"2026-11-{1 + rank % 28:02d}T10:00:00.{rank:06d}Z"
        words = " ".join(rng.choices(["walrus", "meeting", "plan", "garden", "invoice", "trip"], k=rng.randint(5, 80)))
        note = Note(
            id=f"{rng.getrandbits(128):032x}",
            user_id=user_id,
            title=f"Note {rank}",
            content=words,
            labels=("work",),
            created_at=stamp,
            updated_at=stamp,
        )
        backend.put_item(table, to_item(note))
        notes.append(note)
    return notes


def _cost(recorder, run) -> tuple[int, float, float, object]:
    before = len(recorder.calls)
    result = run()
    calls = recorder.calls[before:]
    return len(calls), sum(c.read_units for c in calls), sum(c.write_units for c in calls), result


def _run() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from bench.bench_list_page import Recorder
    from console.aws import dynamodb
    from notes import bulk

    definition = dynamodb.table_definition("bench-bulk")
    definition.pop("StreamSpecification")
    dynamodb.client().create_table(**definition)
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    recorder = Recorder()
    recorder.attach(dynamodb.client())
    users = {FEW: ("few-user", _seed(backend, "bench-bulk", "few-user", FEW))}
    users[MANY] = ("many-user", _seed(backend, "bench-bulk", "many-user", MANY))

    rows: dict[tuple[str, int, int], tuple[int, float, float]] = {}
    for size, (user_id, notes) in users.items():
        for touched in TOUCHED:
            chosen = notes[:touched] if touched == TOUCHED[0] else notes[TOUCHED[0] : TOUCHED[0] + touched]
            targets = [bulk.Target(n.id, n.version) for n in chosen]
            calls, rcu, wcu, result = _cost(
                recorder,
                lambda u=user_id, t=targets: bulk.bulk_apply(user_id=u, action="add_label", targets=t, label="Trip"),
            )
            rows[("add a label", size, touched)] = (calls, rcu, wcu)
            undo = result.undo_id
            calls, rcu, wcu, _ = _cost(recorder, lambda u=user_id, i=undo: bulk.bulk_undo(user_id=u, undo_id=i))
            rows[("undo it", size, touched)] = (calls, rcu, wcu)
            fresh = [bulk.Target(n.id, n.version + 2) for n in chosen]  # after the label and its undo
            calls, rcu, wcu, _ = _cost(
                recorder, lambda u=user_id, t=fresh: bulk.bulk_apply(user_id=u, action="trash", targets=t)
            )
            rows[("move to the trash", size, touched)] = (calls, rcu, wcu)

    print()
    print(
        f"A bulk action's cost as DynamoDB bills it, for a user with {FEW:,} and with {MANY:,} notes "
        "(read units strongly consistent, from item sizes; write units per KB):"
    )
    print(
        f"  {'action':18} {'touched':>8} {'user has':>9} {'calls':>6} {'read units':>11} {'write units':>12} {'per note':>9}"
    )
    worst = 0.0
    for (name, size, touched), (calls, rcu, wcu) in rows.items():
        print(f"  {name:18} {touched:>8} {size:>9,} {calls:>6} {rcu:>11g} {wcu:>12g} {(rcu + wcu) / touched:>9.2f}")
        if size == MANY:
            few = rows[(name, FEW, touched)]
            worst = max(worst, (rcu + wcu) / (few[1] + few[2]))
    print(
        f"  {MANY:,} vs {FEW:,} notes: {worst:.2f}x at most, target {TARGET}x: {'met' if worst <= TARGET else 'NOT met'}"
    )
    for name in dict.fromkeys(k[0] for k in rows):
        small, big = (rows[(name, MANY, t)][1] + rows[(name, MANY, t)][2] for t in TOUCHED)
        per_note = (big - small) / (TOUCHED[1] - TOUCHED[0])
        print(f"  {name}: {small - TOUCHED[0] * per_note:.1f} units once + {per_note:.2f} per note touched")
    print(
        "  each note: one strongly consistent GetItem (the values the Undo puts back) and one conditional UpdateItem; "
        "a move to the trash, the UpdateItem only; the undo record one PutItem; the Undo one DeleteItem, then one "
        "UpdateItem per note."
    )


def run() -> None:
    import django
    from moto import mock_aws

    django.setup()
    with mock_aws():
        from console.aws import dynamodb

        dynamodb.reset_client()
        _run()


if __name__ == "__main__":
    run()
