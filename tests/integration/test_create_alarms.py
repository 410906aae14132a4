"""`manage.py create_alarms` against moto: created once, unchanged on a second run, updated when a threshold
changes; the SNS topic and its email subscription made once."""

from __future__ import annotations

import json
from io import StringIO

import boto3
import pytest
from django.core.management import CommandError, call_command

from console.health import alarms
from console.health import aws as health_aws

FUNCTION = "notes-console-dev"
NAMES = [
    f"{FUNCTION}-{n}"
    for n in ("error-rate", "throttles", "p99-duration", "stream-iterator-age", "async-events-dropped", "api-5xx")
]


@pytest.fixture
def stage_file(tmp_path, aws):
    health_aws.reset_clients()
    path = tmp_path / "zappa_settings.json"
    path.write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "aws_region": "us-east-1",
                    "timeout_seconds": 30,
                }
            }
        )
    )
    yield path
    health_aws.reset_clients()


def run(path, email="ops@example.com") -> str:
    out = StringIO()
    call_command("create_alarms", "--stage", "dev", "--email", email, "--settings-file", str(path), stdout=out)
    return out.getvalue()


def described() -> dict[str, dict]:
    found = boto3.client("cloudwatch", region_name="us-east-1").describe_alarms(AlarmNamePrefix=f"{FUNCTION}-")
    return {a["AlarmName"]: a for a in found["MetricAlarms"]}


def test_created_once_then_unchanged(stage_file):
    first = run(stage_file)
    assert "created: " + ", ".join(NAMES) in first and "confirmation link" in first
    made = described()
    assert sorted(made) == sorted(NAMES)
    p99 = made[f"{FUNCTION}-p99-duration"]
    assert p99["Threshold"] == 24000.0 and p99["ExtendedStatistic"] == "p99" and p99["MetricName"] == "Duration"
    api = made[f"{FUNCTION}-api-5xx"]
    assert {(d["Name"], d["Value"]) for d in api["Dimensions"]} == {("ApiName", FUNCTION), ("Stage", "dev")}
    topic = p99["AlarmActions"][0]
    assert topic.endswith(f":{FUNCTION}-alarms") and p99["OKActions"] == [topic]
    second = run(stage_file)
    assert "unchanged: " + ", ".join(NAMES) in second and "created" not in second and "updated" not in second
    assert "confirmation link" not in second
    subs = boto3.client("sns", region_name="us-east-1").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", "ops@example.com")]
    assert described() == made


def test_a_changed_threshold_is_updated_and_nothing_else(stage_file, monkeypatch):
    run(stage_file)
    monkeypatch.setattr(alarms, "ITERATOR_AGE_MS", 120_000)
    settings = json.loads(stage_file.read_text())
    settings["dev"]["timeout_seconds"] = 10
    stage_file.write_text(json.dumps(settings))
    out = run(stage_file)
    assert f"updated: {FUNCTION}-p99-duration, {FUNCTION}-stream-iterator-age" in out
    assert (
        f"unchanged: {FUNCTION}-error-rate, {FUNCTION}-throttles, {FUNCTION}-async-events-dropped, {FUNCTION}-api-5xx"
        in out
    )
    made = described()
    assert made[f"{FUNCTION}-p99-duration"]["Threshold"] == 8000.0
    assert made[f"{FUNCTION}-stream-iterator-age"]["Threshold"] == 120000.0


def test_a_second_address_is_subscribed_too(stage_file):
    run(stage_file)
    assert "confirmation link" in run(stage_file, email="oncall@example.com")


def test_bad_input_is_refused_before_any_call(stage_file):
    with pytest.raises(CommandError, match="not an email address"):
        run(stage_file, email="nobody")
    with pytest.raises(CommandError, match="No stage 'prod'"):
        call_command("create_alarms", "--stage", "prod", "--email", "a@b.c", "--settings-file", str(stage_file))
