"""`manage.py wire_stream` against moto: the stage's stream routed in zappa_settings.json, then its Lambda trigger
created with the retry and failure settings Zappa leaves out, and kept by Zappa's own update afterwards."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import boto3
import pytest
from django.core.management import CommandError, call_command

from console.aws import dynamodb
from console.deploy import zappa_settings_file
from console.health import aws as health_aws

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTION = "notes-console-dev"
TABLE = "notes-console-dev"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:notes-console-dev-stream-failures"


@pytest.fixture
def stage_files(tmp_path):
    """A copy of zappa_settings.json and the policies, as the command finds them next to each other."""
    shutil.copy(REPO_ROOT / "zappa_settings.json", tmp_path / "zappa_settings.json")
    (tmp_path / "console" / "deploy").mkdir(parents=True)
    for stage in ("dev", "prod"):
        shutil.copy(REPO_ROOT / "console" / "deploy" / f"policy-{stage}.json", tmp_path / "console" / "deploy")
    return tmp_path / "zappa_settings.json"


@pytest.fixture
def deployed(aws):
    """The dev stage on AWS (moto): its table with the stream, and its function."""
    health_aws.reset_clients()
    dynamodb.create_table(name=TABLE)
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName=f"{FUNCTION}-ZappaLambdaExecutionRole", AssumeRolePolicyDocument="{}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    function = boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.lambda_handler",
        Code={"ZipFile": buf.getvalue()},
    )
    yield function["FunctionArn"]
    health_aws.reset_clients()


def stream_entry(events: list[dict]) -> dict:
    """The stream's route among the stage's events (the schedule and the S3 trigger stay beside it)."""
    [entry] = [e for e in events if e.get("function") == "notes.events.handle_stream"]
    return entry


def stream_arn() -> str:
    return dynamodb.client().describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]


def mappings() -> list[dict]:
    return boto3.client("lambda", region_name="us-east-1").list_event_source_mappings(FunctionName=FUNCTION)[
        "EventSourceMappings"
    ]


def wire(stage_files, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("wire_stream", "--stage", "dev", "--settings-file", str(stage_files), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_first_run_routes_the_stream_in_the_stage_and_creates_no_trigger_yet(deployed, stage_files):
    before = stage_files.read_text()

    out = wire(stage_files)

    data = json.loads(stage_files.read_text())
    assert data["dev"]["events"] == [
        *json.loads(before)["dev"]["events"],  # the schedule and the S3 trigger, kept as they were
        {"function": "notes.events.handle_stream", "event_source": {"arn": stream_arn(), "batch_size": 100}},
    ]
    assert data["prod"]["events"] == json.loads(before)["prod"]["events"]  # prod never routes dev's stream
    assert mappings() == []  # not before the routing is deployed
    assert "make update STAGE=dev" in out and "run this command again" in out
    # Only the events lines changed: the hand-formatted rest of the file is byte for byte the same.
    changed = [line for line in stage_files.read_text().splitlines() if line not in before.splitlines()]
    # One event a line: the S3 trigger's line gains its comma, and the stream's route follows it.
    assert changed == [f"            {json.dumps(event)}," for event in data["dev"]["events"][1:-1]] + [
        f"            {json.dumps(stream_entry(data['dev']['events']))}",
    ]


def test_the_second_run_creates_the_trigger_with_retry_and_failure_settings(deployed, stage_files):
    wire(stage_files)

    out = wire(stage_files, "--on-failure", QUEUE_ARN)

    [mapping] = mappings()
    assert mapping["EventSourceArn"] == stream_arn() and mapping["FunctionArn"] == deployed
    assert mapping["State"] == "Enabled"
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["BatchSize"] == 100
    assert mapping["MaximumRetryAttempts"] == 5
    assert mapping["MaximumRecordAgeInSeconds"] == 3600
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": QUEUE_ARN}}
    assert f"Trigger {mapping['UUID']} created" in out
    # The policy does not grant the queue: the command says what to add.
    assert '"Action": ["sqs:SendMessage"]' in out and QUEUE_ARN in out


def test_running_again_changes_nothing_and_other_settings_update_the_trigger(deployed, stage_files):
    wire(stage_files)
    wire(stage_files)
    settings_text = stage_files.read_text()

    assert "unchanged" in wire(stage_files)
    assert "updated" in wire(stage_files, "--max-retries", "2", "--max-record-age", "600")

    [mapping] = mappings()
    assert (mapping["MaximumRetryAttempts"], mapping["MaximumRecordAgeInSeconds"]) == (2, 600)
    assert mapping["BisectBatchOnFunctionError"] is True
    assert stage_files.read_text() == settings_text


def test_a_new_batch_size_is_routed_first_because_zappa_update_sets_it_again(deployed, stage_files):
    wire(stage_files)
    wire(stage_files)

    out = wire(stage_files, "--batch-size", "50")

    assert "run this command again" in out and mappings()[0]["BatchSize"] == 100
    assert stream_entry(json.loads(stage_files.read_text())["dev"]["events"])["event_source"]["batch_size"] == 50
    wire(stage_files, "--batch-size", "50")
    assert mappings()[0]["BatchSize"] == 50


def test_zappa_update_keeps_the_settings_zappa_does_not_know(deployed, stage_files):
    """What `zappa update dev` does with the routed entry once the trigger exists: it finds the mapping
    (status) and updates only its batch size and Enabled. (Zappa passes the function's ARN, which Lambda
    takes wherever it takes a name; moto matches only the form the mapping was made with.)"""
    from zappa.utilities import add_event_source

    wire(stage_files)
    wire(stage_files)
    [entry] = [
        e for e in json.loads(stage_files.read_text())["dev"]["events"] if e["function"] == "notes.events.handle_stream"
    ]

    result = add_event_source(
        entry["event_source"], FUNCTION, entry["function"], boto3.Session(region_name="us-east-1")
    )

    [mapping] = mappings()
    assert result == "updated"
    assert mapping["StartingPosition"] == "TRIM_HORIZON" and mapping["MaximumRetryAttempts"] == 5
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_a_recreated_table_moves_the_route_and_reports_the_old_trigger(deployed, stage_files):
    wire(stage_files)
    wire(stage_files)
    old_arn = stream_arn()
    dynamodb.client().delete_table(TableName=TABLE)
    dynamodb.create_table(name=TABLE)
    assert stream_arn() != old_arn

    wire(stage_files)  # routes the new stream (and only it)
    routes = [
        e["event_source"]["arn"]
        for e in json.loads(stage_files.read_text())["dev"]["events"]
        if e["function"] == "notes.events.handle_stream"
    ]
    assert routes == [stream_arn()]
    out = wire(stage_files)
    assert "older stream" in out and old_arn in out
    assert {m["EventSourceArn"] for m in mappings()} == {old_arn, stream_arn()}

    wire(stage_files, "--remove-stale")
    assert [m["EventSourceArn"] for m in mappings()] == [stream_arn()]


def test_it_refuses_a_table_without_the_images_history_needs(deployed, stage_files):
    dynamodb.client().delete_table(TableName=TABLE)
    dynamodb.client().create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    with pytest.raises(CommandError, match="needs NEW_AND_OLD_IMAGES"):
        wire(stage_files)
    dynamodb.client().delete_table(TableName=TABLE)
    with pytest.raises(CommandError, match="create it first"):
        wire(stage_files)
    dynamodb.client().create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(CommandError, match="has no stream"):
        wire(stage_files)
    assert mappings() == []


def test_it_refuses_what_it_cannot_wire_safely(deployed, stage_files, settings):
    with pytest.raises(CommandError, match="SQS queue or SNS topic"):
        wire(stage_files, "--on-failure", "arn:aws:lambda:us-east-1:123456789012:function:other")
    with pytest.raises(CommandError, match="No stage 'staging'"):
        call_command("wire_stream", "--stage", "staging", "--settings-file", str(stage_files))
    settings.AWS_REGION = "eu-west-1"
    with pytest.raises(CommandError, match="run with AWS_REGION=us-east-1"):
        wire(stage_files)
    settings.AWS_REGION = "us-east-1"
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="USE_REAL_AWS=1"):
        wire(stage_files)


def test_it_refuses_to_route_a_stream_that_another_stage_would_inherit(deployed, stage_files):
    data = json.loads(stage_files.read_text())
    del data["prod"]["events"]  # prod extends dev: it would deploy dev's events, stream route included
    stage_files.write_text(json.dumps(data, indent=4))

    with pytest.raises(CommandError, match="prod extends 'dev' without `events` of its own"):
        wire(stage_files)
    assert "handle_stream" not in stage_files.read_text()


def test_access_denied_names_the_action(deployed, stage_files):
    from botocore.stub import Stubber

    wire(stage_files)
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_client_error(
            "list_event_source_mappings",
            service_error_code="AccessDeniedException",
            http_status_code=403,
            service_message="User: x is not authorized to perform: lambda:ListEventSourceMappings on resource: *",
        )
        with pytest.raises(CommandError, match="lambda:ListEventSourceMappings"):
            wire(stage_files)


# --- the settings file editor ------------------------------------------------------------------------------


def test_rewriting_the_committed_events_leaves_the_file_as_it_is():
    text = (REPO_ROOT / "zappa_settings.json").read_text()
    data = json.loads(text)
    for stage in data:
        assert zappa_settings_file.set_stage_events(text, stage, data[stage]["events"]) == text


def test_a_stage_without_events_gets_them_after_its_last_setting():
    text = '{\n    "dev": {\n        "project_name": "p",\n        "exclude": ["a", "b"]\n    },\n    "x": {"events": []}\n}\n'
    events = [{"function": "m.f", "expression": "rate(1 day)"}]

    new = zappa_settings_file.set_stage_events(text, "dev", events)

    assert new == (
        '{\n    "dev": {\n        "project_name": "p",\n        "exclude": ["a", "b"],\n'
        '        "events": [\n            {"function": "m.f", "expression": "rate(1 day)"}\n        ]\n'
        '    },\n    "x": {"events": []}\n}\n'
    )


def test_a_paused_route_keeps_the_trigger_paused(deployed, stage_files):
    wire(stage_files)
    data = json.loads(stage_files.read_text())
    stream_entry(data["dev"]["events"])["event_source"]["enabled"] = False  # docs/deploy.md: how to pause it
    stage_files.write_text(json.dumps(data, indent=4))

    wire(stage_files)

    assert mappings()[0]["State"] == "Disabled"
    assert stream_entry(json.loads(stage_files.read_text())["dev"]["events"])["event_source"]["enabled"] is False
