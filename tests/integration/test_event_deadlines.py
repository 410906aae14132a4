"""The scheduled purge and the stream handler stop before their deadline, say what is left, and resume.

Time is a fake clock that every DynamoDB write moves on by CALL_SECONDS (a slow DynamoDB), read both by the
deadline module and by the Lambda context, so the tests are exact and fast.
"""

from __future__ import annotations

import pytest

from console.aws import deadline, dynamodb
from notes import events, services
from notes.domain import iso_after
from notes.dynamodb_repository import DynamoDBNoteRepository
from tests.integration.note_views_support import stream_records

CALL_SECONDS = 0.5


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Context:
    """Lambda's context on the fake clock."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock, self.ends_at = clock, clock.now + seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self.ends_at - self.clock.now) * 1000)


@pytest.fixture
def clock(aws, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(deadline, "_clock", clock)
    yield clock


@pytest.fixture
def slow_calls(clock):
    """Every DynamoDB write takes CALL_SECONDS of the fake clock (from when the fixture is switched on)."""
    events_ = dynamodb.client().meta.events

    def tick(event_name: str, **_: object) -> None:
        # Writes are the slow calls here; the purge's empty day queries cost little, as in DynamoDB.
        clock.now += CALL_SECONDS if event_name.endswith(("PutItem", "DeleteItem")) else 0.01

    yield lambda: events_.register("before-call.dynamodb.*", tick)
    events_.unregister("before-call.dynamodb.*", tick)


def _trash(user_id: str, count: int) -> str:
    repo = DynamoDBNoteRepository()
    purge_at = ""
    for n in range(count):
        note = services.note_create(user_id=user_id, data={"title": f"old {n}"}, repo=repo)
        purge_at = services.note_delete(user_id=user_id, note_id=note.id, expected_version=1, repo=repo).purge_at
    return purge_at


def test_the_purge_stops_before_its_deadline_and_the_next_run_finishes(alice, clock, slow_calls, monkeypatch):
    purge_at = _trash(alice.id, 12)
    monkeypatch.setattr("notes.services.now_iso", lambda: iso_after(purge_at, days=1))
    slow_calls()
    context = Context(clock, 8.0)

    first = events.purge_trash({}, context)

    assert first["finished"] is False and 0 < first["purged"] < 12
    assert context.get_remaining_time_in_millis() >= 1000  # it returned with more than a second left
    second = events.purge_trash({}, Context(clock, 600.0))
    assert second == {"purged": 12 - first["purged"], "finished": True}
    assert services.trash_list(user_id=alice.id) == []


def test_a_purge_with_time_enough_finishes_at_once(alice, clock, slow_calls, monkeypatch):
    purge_at = _trash(alice.id, 3)
    monkeypatch.setattr("notes.services.now_iso", lambda: iso_after(purge_at, days=1))
    slow_calls()

    assert events.purge_trash({}, Context(clock, 600.0)) == {"purged": 3, "finished": True}


def test_the_stream_handler_stops_before_its_deadline_and_lambda_redelivers_the_rest(alice, clock, slow_calls):
    repo = DynamoDBNoteRepository()
    notes = [services.note_create(user_id=alice.id, data={"title": f"n{n}"}, repo=repo) for n in range(12)]
    records = [r for r in stream_records() if r["dynamodb"]["NewImage"].get("type", {}).get("S") == "note"]
    assert len(records) == 12
    slow_calls()
    context = Context(clock, 8.0)

    result = events.handle_stream({"Records": records}, context)

    failures = result["batchItemFailures"]
    assert len(failures) == 1 and context.get_remaining_time_in_millis() >= 1000
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    resume_at = sequences.index(failures[0]["itemIdentifier"])
    assert 0 < resume_at < 12
    recorded = [n for n in notes if repo.list_history(user_id=alice.id, note_id=n.id)]
    assert len(recorded) == resume_at
    # Lambda redelivers the batch from the failed record (ReportBatchItemFailures): the rest is recorded.
    again = events.handle_stream({"Records": records[resume_at:]}, Context(clock, 600.0))
    assert again == {"batchItemFailures": []}
    assert all(repo.list_history(user_id=alice.id, note_id=n.id) for n in notes)


def test_without_a_lambda_context_the_handlers_use_the_default_budget(alice, clock, settings, monkeypatch):
    settings.REQUEST_TIME_BUDGET_SECONDS = 28.0
    seen: list[float | None] = []
    original = services.trash_purge

    def spy(**kwargs):
        seen.append(deadline.seconds_left())
        return original(**kwargs)

    monkeypatch.setattr(services, "trash_purge", spy)
    assert events.purge_trash({}, None) == {"purged": 0, "finished": True}
    assert seen == [pytest.approx(28.0 - settings.REQUEST_DEADLINE_RESERVE_SECONDS)]
    assert deadline.seconds_left() is None  # the deadline ended with the invocation
