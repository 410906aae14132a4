"""What the triggers code assumes about Zappa 0.63, checked against Zappa itself: if an upgrade changes
one of these, the wiring (console/deploy/stream_wiring.py) or the console's naming must follow."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from console.health.stage import rule_runs, zappa_rule_name

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/notes-console-dev/stream/2026-11-27T10:00:00.000"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:notes-console-dev"


def test_zappa_creates_a_stream_trigger_without_the_starting_position_aws_requires():
    from zappa.utilities import DynamoDBStreamEventSource

    session = boto3.Session(region_name="us-east-1")
    source = DynamoDBStreamEventSource(session, {"arn": STREAM, "batch_size": 100})
    with Stubber(source._lambda) as stub:
        # Exactly these parameters: no StartingPosition, retries, bisection, response types or destination.
        stub.add_response(
            "create_event_source_mapping",
            {"UUID": "00000000-0000-4000-8000-000000000001"},
            {"FunctionName": FUNCTION_ARN, "EventSourceArn": STREAM, "BatchSize": 100, "Enabled": True},
        )
        source.add(FUNCTION_ARN)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("function", "name", "index"),
    [
        ("notes.events.purge_trash", "", 0),
        ("handler.keep_warm_callback", "zappa-keep-warm", 0),
        ("notes.events.purge_trash", "", 2),
        ("notes.events.purge_trash", "nightly", 0),
        ("a_rather_long_module_name.with_a_long_function_name_too", "", 0),  # hashed function name
    ],
)
def test_rule_names_are_zappas(function, name, index):
    from zappa.core import Zappa

    event = {"function": function, **({"name": name} if name else {})}
    expected = Zappa.__new__(Zappa).get_scheduled_event_name(event, function, "notes-console-dev", index)

    assert zappa_rule_name("notes-console-dev", function, name=name, index=index) == expected


def test_rule_runs_what_zappas_handler_runs():
    assert rule_runs("notes-console-dev-notes.events.purge_trash") == "notes.events.purge_trash"
    assert (
        rule_runs("arn:aws:events:us-east-1:1:rule/notes-console-dev-2-notes.events.purge_trash")
        == "notes.events.purge_trash"
    )
    assert rule_runs("notes-console-prod-zappa-keep-warm-handler.keep_warm_callback") == "keep warm"
    assert rule_runs("someone-elses-rule") == ""
