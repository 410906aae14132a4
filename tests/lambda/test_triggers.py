"""Lambda's non-HTTP triggers through Zappa's real handler: a DynamoDB stream batch (routed by the stage's
`events` as `manage.py wire_stream` writes them, packaged by Zappa's CLI) and the daily schedule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from console.aws import dynamodb
from console.deploy.stream_wiring import route_stream
from notes import dynamodb_notes, services
from notes.domain import iso_after, now_iso
from notes.dynamodb_repository import DynamoDBNoteRepository, to_item

REPO_ROOT = Path(__file__).resolve().parents[2]
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/notes-console-dev/stream/2026-11-27T10:15:30.123"
OTHER_STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/notes-console-dev/stream/2026-11-01T08:00:00.000"


@pytest.fixture(scope="module")
def routed_settings(tmp_path_factory) -> Path:
    """zappa_settings.json with the dev stage's stream routed, as `wire_stream --stage dev` leaves it."""
    path = tmp_path_factory.mktemp("routed") / "zappa_settings.json"
    shutil.copy(REPO_ROOT / "zappa_settings.json", path)
    assert route_stream(path, "dev", STREAM_ARN, 100)[0]
    return path


@pytest.fixture
def lambda_stream_app(settings, monkeypatch, lambda_runtime_factory, routed_settings):
    with lambda_runtime_factory(settings, monkeypatch, settings_file=routed_settings) as app:
        yield app


_sequence = iter(range(100_000_000_000_000_000_000, 200_000_000_000_000_000_000, 100))


def record(
    event_name: str, *, new: dict | None = None, old: dict | None = None, arn: str = STREAM_ARN
) -> dict[str, Any]:
    """One record of Lambda's DynamoDB stream event, in AWS's documented shape (stream view NEW_AND_OLD_IMAGES)."""
    image = new or old or {}
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795774530,
        "Keys": {"pk": image["pk"], "sk": image["sk"]},
        "SequenceNumber": str(next(_sequence)),
        "SizeBytes": 321,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        change["NewImage"] = new
    if old is not None:
        change["OldImage"] = old
    return {
        "eventID": f"{next(_sequence):032x}"[-32:],
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": change,
        "eventSourceARN": arn,
    }


def trashed(item: dict) -> dict:
    stamp = now_iso()
    return {
        **{k: v for k, v in item.items() if k != "updated_sk"},
        "type": {"S": "trash"},
        "deleted_at": {"S": stamp},
        "purge_at": {"S": iso_after(stamp, days=30)},
    }


def whole_table() -> list[dict]:
    return dynamodb.client().scan(TableName=dynamodb.table_name())["Items"]  # test-only full read


def test_a_stream_batch_becomes_version_history_and_a_redelivery_changes_nothing(lambda_stream_app, alice):
    repo = DynamoDBNoteRepository()
    draft = services.note_create(user_id=alice.id, data={"title": "draft"}, repo=repo)
    final = services.note_update(
        user_id=alice.id, note_id=draft.id, expected_version=1, data={"title": "final"}, repo=repo
    )
    gone = services.note_create(user_id=alice.id, data={"title": "short-lived"}, repo=repo)
    services.note_delete(user_id=alice.id, note_id=gone.id, expected_version=1, repo=repo)
    repo.delete_forever(user_id=alice.id, note_id=gone.id)
    batch = {
        "Records": [
            record("INSERT", new=to_item(draft)),
            record("MODIFY", old=to_item(draft), new=to_item(final)),
            record("INSERT", new=to_item(gone)),
            record("MODIFY", old=to_item(gone), new=trashed(to_item(gone))),
            record("REMOVE", old=trashed(to_item(gone))),  # deleted for good: its late version goes too
        ]
    }

    assert lambda_stream_app.invoke(batch) == {"batchItemFailures": []}

    assert [(n.version, n.title) for n in repo.list_history(user_id=alice.id, note_id=draft.id)] == [
        (2, "final"),
        (1, "draft"),
    ]
    assert repo.list_history(user_id=alice.id, note_id=gone.id) == []
    table = whole_table()
    assert lambda_stream_app.invoke(batch) == {"batchItemFailures": []}  # Lambda redelivers a batch
    assert whole_table() == table


def log_lines(capsys) -> list[dict]:
    """The JSON lines the function wrote (what CloudWatch Logs would hold)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def test_a_record_that_cannot_be_read_is_logged_with_its_keys_and_skipped(lambda_stream_app, alice, capsys):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "kept"}, repo=repo)
    broken = to_item(note)
    del broken["title"]
    bad = record("INSERT", new=broken)

    result = lambda_stream_app.invoke({"Records": [bad, record("MODIFY", new=to_item(note))]})

    assert result == {"batchItemFailures": []}  # never retried forever
    assert [n.title for n in repo.list_history(user_id=alice.id, note_id=note.id)] == ["kept"]
    [line] = [line for line in log_lines(capsys) if "cannot parse" in line["message"]]
    assert line["level"] == "ERROR" and line["keys"] == {"pk": broken["pk"], "sk": broken["sk"]}
    assert line["sequence_number"] == bad["dynamodb"]["SequenceNumber"] and "title" in line["error"]


def test_a_store_outage_reports_the_record_lambda_retries_from(lambda_stream_app, alice, dynamodb_outage):
    repo = DynamoDBNoteRepository()
    note = services.note_create(user_id=alice.id, data={"title": "one"}, repo=repo)
    first, second = record("INSERT", new=to_item(note)), record("MODIFY", new=to_item(note))
    dynamodb_outage()

    result = lambda_stream_app.invoke({"Records": [first, second]})

    assert result == {"batchItemFailures": [{"itemIdentifier": first["dynamodb"]["SequenceNumber"]}]}


def test_a_stream_the_package_does_not_route_is_dropped_by_zappa(lambda_stream_app, alice, capsys):
    """Why wire_stream creates the trigger only after the route is deployed: Zappa's handler answers
    nothing for an ARN it does not know, which Lambda takes for a processed batch."""
    note = services.note_create(user_id=alice.id, data={"title": "lost"}, repo=DynamoDBNoteRepository())

    result = lambda_stream_app.invoke({"Records": [record("INSERT", new=to_item(note), arn=OTHER_STREAM_ARN)]})

    assert result is None
    assert DynamoDBNoteRepository().list_history(user_id=alice.id, note_id=note.id) == []
    assert any(
        line["message"] == "Cannot find a function to process the triggered event." for line in log_lines(capsys)
    )


def test_the_daily_schedule_purges_expired_trash(lambda_stream_app, alice, monkeypatch):
    repo = DynamoDBNoteRepository()
    old = services.note_create(user_id=alice.id, data={"title": "old"}, repo=repo)
    repo.add_history(old)
    services.note_delete(user_id=alice.id, note_id=old.id, expected_version=1, repo=repo)
    recent = services.note_create(user_id=alice.id, data={"title": "recent"}, repo=repo)
    # 31 days on, the first note's 30 days in the trash are over; the second goes to the trash only now.
    later = iso_after(now_iso(), days=31)
    monkeypatch.setattr(services, "now_iso", lambda: later)
    monkeypatch.setattr(dynamodb_notes, "now_iso", lambda: later)
    services.note_delete(user_id=alice.id, note_id=recent.id, expected_version=1, repo=repo)
    event = lambda_stream_app.scheduled_event("notes-console-dev-notes.events.purge_trash")

    assert lambda_stream_app.invoke(event) == {"purged": 1, "finished": True}

    assert [t.note.title for t in repo.list_trash(user_id=alice.id)] == ["recent"]
    assert repo.list_history(user_id=alice.id, note_id=old.id) == []
    assert lambda_stream_app.invoke(event) == {"purged": 0, "finished": True}


def test_the_console_reads_the_routes_of_the_package_it_runs_from(
    settings, monkeypatch, lambda_runtime_factory, admin, tmp_path
):
    """On Lambda the Triggers page checks each trigger against the deployed package's own routes (the
    zappa_settings module Zappa's handler loaded), not against a file the package does not carry."""
    from console.health import aws as health_aws
    from tests import health_samples
    from tests.conftest import PASSWORD

    health_samples.seed_moto_function("notes-console-dev")
    stream = health_samples.seed_moto_triggers("notes-console-dev")
    path = tmp_path / "zappa_settings.json"
    shutil.copy(REPO_ROOT / "zappa_settings.json", path)
    route_stream(path, "dev", stream, 100)
    settings.HEALTH_GATEWAY = "aws"  # ON_LAMBDA stays off in tests (it would pick real AWS elsewhere)
    settings.HEALTH_ZAPPA_SETTINGS = tmp_path / "not-in-the-package.json"
    health_aws.reset_clients()
    try:
        with lambda_runtime_factory(settings, monkeypatch, settings_file=path) as app:
            app.sign_in("admin", PASSWORD)
            page = app.get("/dev/console/triggers/")
    finally:
        health_aws.reset_clients()

    assert page.status == 200
    assert stream in page.text and "notes.events.handle_stream" in page.text and "not routed" not in page.text
    assert "the routes of this deployed package" in page.text
    assert ".execute-api.us-east-1.amazonaws.com/dev/" in page.text
