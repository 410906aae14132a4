"""The console's triggers: the AWS gateway against moto (a stream trigger, a schedule rule, the API's stack), the
local gateway (the stage's events and the local stream poller), and the page (admin only, three AWS calls)."""

from __future__ import annotations

import io
import json
import re
import time
import types
import zipfile

import boto3
import pytest
from botocore.stub import Stubber

from console.health import aws as health_aws
from console.health.gateway import AccessDenied
from console.health.local import LocalGateway
from console.health.streams import mapping_risks
from console.health.triggers import report
from tests import health_samples
from tests.integration.attachments_support import notifier_clients

FUNCTION = "notes-console-dev"
RULE = f"{FUNCTION}-notes.events.purge_trash"
SERVICES = ("lambda", "cloudwatch", "logs", "events", "cloudformation")


@pytest.fixture
def stage_settings(tmp_path, settings):
    """A dev stage like the real one, its `events` as wire_stream leaves them (the ARN is set by tests)."""
    path = tmp_path / "zappa_settings.json"

    def write(stream_arn: str = "") -> None:
        events = [{"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"}]
        if stream_arn:
            events.append(
                {"function": "notes.events.handle_stream", "event_source": {"arn": stream_arn, "batch_size": 100}}
            )
        path.write_text(
            json.dumps(
                {
                    "dev": {
                        "project_name": "notes-console",
                        "runtime": "python3.11",
                        "aws_region": "us-east-1",
                        "keep_warm": False,
                        "events": events,
                        "environment_variables": {"DYNAMODB_TABLE": FUNCTION},
                    },
                    "prod": {
                        "extends": "dev",
                        "keep_warm": True,
                        "keep_warm_expression": "rate(5 minutes)",
                        "events": events[:1],
                    },
                }
            )
        )

    write()
    settings.HEALTH_ZAPPA_SETTINGS = path
    return write


@pytest.fixture
def on_aws(aws, settings, stage_settings):
    """The deployed dev stage in moto: function, table with stream, the stream trigger, Zappa's purge schedule
    (and a rule of someone else's), and the CloudFormation stack holding the REST API."""
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    health_aws.reset_clients()
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName=f"{FUNCTION}-ZappaLambdaExecutionRole", AssumeRolePolicyDocument="{}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    function_arn = boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.lambda_handler",
        Code={"ZipFile": buf.getvalue()},
    )["FunctionArn"]
    stream = health_samples.seed_moto_triggers(FUNCTION)
    yield types.SimpleNamespace(stream=stream, function_arn=function_arn)
    health_aws.reset_clients()


def api_id() -> str:
    return boto3.client("apigateway", region_name="us-east-1").get_rest_apis()["items"][0]["id"]


# --- the AWS gateway ------------------------------------------------------------------------------------


def test_it_reads_the_trigger_the_schedule_and_the_api_in_three_calls(on_aws, stage_settings):
    stage_settings(on_aws.stream)  # the stage routes the stream, as wire_stream leaves it
    gateway = health_aws.AwsGateway(FUNCTION)

    found = report(gateway)

    assert gateway.calls == 3 and found.errors == []
    [mapping] = found.mappings
    assert mapping.source_arn == on_aws.stream and mapping.source == f"DynamoDB stream of {FUNCTION}"
    assert (mapping.state, mapping.batch_size, mapping.starting_position) == ("Enabled", 100, "TRIM_HORIZON")
    assert (mapping.max_retries, mapping.max_record_age_s, mapping.bisect_on_error) == (5, 3600, True)
    assert mapping.report_item_failures and mapping.last_modified is not None
    assert mapping.routed_to == ("notes.events.handle_stream",) and "stage 'dev'" in found.routing_detail
    assert mapping_risks(mapping) == []
    [rule] = found.rules  # not billing-report: only rules named after the function, as Zappa names them
    assert (rule.name, rule.expression, rule.state, rule.runs) == (
        RULE,
        "cron(15 3 * * ? *)",
        "ENABLED",
        "notes.events.purge_trash",
    )
    assert found.api_url == f"https://{api_id()}.execute-api.us-east-1.amazonaws.com/dev"


def test_on_lambda_the_routes_are_the_deployed_package_s(on_aws, monkeypatch):
    # Zappa's handler imported the package's generated settings before Django started.
    monkeypatch.setitem(
        __import__("sys").modules, "zappa_settings", types.SimpleNamespace(AWS_EVENT_MAPPING={}, API_STAGE="dev")
    )

    found = report(health_aws.AwsGateway(FUNCTION))

    [mapping] = found.mappings
    assert mapping.routed_to == () and "deployed package" in found.routing_detail
    assert any("does not route this ARN" in risk for risk in mapping_risks(mapping))


def test_a_mapping_that_can_block_its_shard_is_flagged(on_aws, stage_settings):
    stage_settings(on_aws.stream)
    mapping = {
        "UUID": "0f0e0d0c-0b0a-4909-8807-060504030201",
        "EventSourceArn": on_aws.stream,
        "FunctionArn": on_aws.function_arn,
        "BatchSize": 100,
        "StartingPosition": "LATEST",
        "State": "Enabled",
        "MaximumRetryAttempts": -1,
        "MaximumRecordAgeInSeconds": -1,
        "BisectBatchOnFunctionError": False,
        "LastProcessingResult": "PROBLEM: Function call failed",
    }
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_response("list_event_source_mappings", {"EventSourceMappings": [mapping]})
        found = report(health_aws.AwsGateway(FUNCTION))

    [read] = found.mappings
    assert read.last_result == "PROBLEM: Function call failed"
    assert [risk.split(":")[0] for risk in mapping_risks(read)] == [
        "Retries until a record expires",
        "No ReportBatchItemFailures",
        "Lambda reports",
    ]


def test_one_refused_read_leaves_the_others(on_aws):
    with Stubber(health_aws.client("events")) as stub:
        stub.add_client_error(
            "list_rules",
            service_error_code="AccessDeniedException",
            http_status_code=400,
            service_message="User: r is not authorized to perform: events:ListRules",
        )
        found = report(health_aws.AwsGateway(FUNCTION))

    [(what, error)] = found.errors
    assert what == "Schedule rules" and isinstance(error, AccessDenied) and error.action == "events:ListRules"
    assert len(found.mappings) == 1 and found.api_url


def test_a_function_deployed_without_an_api_has_no_url_and_no_error(on_aws):
    boto3.client("cloudformation", region_name="us-east-1").delete_stack(StackName=FUNCTION)

    found = report(health_aws.AwsGateway(FUNCTION))

    assert found.api_url == "" and found.errors == []
    assert found.api_detail.startswith(f"No CloudFormation stack {FUNCTION}")


# --- the local gateway ----------------------------------------------------------------------------------


def test_locally_it_shows_the_stage_events_and_the_stream_poller(aws, settings, stage_settings, monkeypatch):
    stream = "arn:aws:dynamodb:us-east-1:123456789012:table/notes-console-dev/stream/2026-11-27T10:00:00.000"
    stage_settings(stream)
    settings.HEALTH_STAGE = "prod"  # keep-warm on, and only the purge schedule
    assert [(r.name, r.expression, r.runs, r.origin) for r in report(LocalGateway()).rules] == [
        ("notes-console-prod-notes.events.purge_trash", "cron(15 3 * * ? *)", "notes.events.purge_trash", "stage"),
        ("notes-console-prod-zappa-keep-warm-handler.keep_warm_callback", "rate(5 minutes)", "keep warm", "stage"),
    ]
    settings.HEALTH_STAGE = "dev"
    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:45678"

    found = report(LocalGateway())

    poller, notifier, routed = found.mappings
    assert (poller.origin, poller.state, poller.batch_size, poller.starting_position) == (
        "local",
        "Enabled",
        100,
        "LATEST",
    )
    assert "polling the embedded endpoint every 0.5 s" in poller.detail
    assert poller.routed_to == ("notes.events.handle_stream",)
    assert (routed.origin, routed.source_arn, routed.batch_size) == ("stage", stream, 100)
    assert (notifier.origin, notifier.routed_to) == ("local", ("notes.upload_events.handle_upload",))
    assert found.api_url == "" and [r.runs for r in found.rules] == ["notes.events.purge_trash"]


def test_locally_without_the_embedded_endpoint_the_poller_is_not_running(aws, stage_settings):
    poller, notifier = report(LocalGateway()).mappings

    assert poller.state == "Not running" and "on AWS" in poller.detail
    assert notifier.state == "Not running" and "on AWS the bucket's own notification" in notifier.detail


def test_locally_it_shows_the_s3_notifier_from_the_status_its_process_writes(
    alice, bucket, settings, tmp_path, monkeypatch, stage_settings
):
    """The notifier runs in manage.py's process, the page in runserver's child: the status file joins them.
    A real notifier on moto delivers a real upload's event, then its status is what the page shows."""
    from notes import s3_notifier, services
    from tests.attachment_samples import png_bytes
    from tests.integration.test_upload_events import upload

    settings.LOCAL_DATA_DIR = tmp_path
    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:45678"

    def notifier_row():
        return next(m for m in report(LocalGateway()).mappings if m.source.startswith("S3 "))

    row = notifier_row()
    assert (row.state, row.last_result) == ("Not running", "no status written yet: it may not have started")

    notifier = s3_notifier.S3Notifier(endpoint_url="https://s3.amazonaws.com", bucket=bucket)
    notifier._sqs, notifier._s3 = notifier_clients()
    notifier.status_file = s3_notifier.status_path()
    notifier.wire()
    note = services.note_create(user_id=alice.id, data={"title": "Pictures"})
    upload(alice, note, png_bytes(), content_type="image/png", name="a.png")
    while notifier.poll_once(wait_seconds=0):
        pass

    row = notifier_row()
    assert (row.state, row.last_result, row.records_handled) == ("Enabled", "OK", 1)
    assert row.source == f"S3 ObjectCreated events of {bucket} (uploads/)"
    assert "Since it started: 1 delivered, 0 retried, 0 dropped" in row.detail

    stale = s3_notifier.read_status(now=time.time() + s3_notifier.STALE_AFTER_S + 5)
    assert stale is not None and not stale.healthy
    notifier.write_status("the last poll failed: EndpointConnectionError")
    row = notifier_row()
    assert row.state == "Failing" and row.last_result.startswith("failing: the last poll failed")


# --- the page -------------------------------------------------------------------------------------------


@pytest.fixture
def aws_calls(on_aws):
    calls: list[str] = []

    def record(event_name: str, **_: object) -> None:
        calls.append(event_name.removeprefix("before-call."))

    for service in SERVICES:
        health_aws.client(service).meta.events.register("before-call", record)
    return calls


def test_it_is_for_admins_only(client, client_for, alice, stage_settings):
    response = client.get("/console/triggers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/?next=/console/triggers/")
    assert client_for(alice).get("/console/triggers/").status_code == 403


def test_the_page_shows_the_deployed_triggers_in_three_aws_calls(client_for, admin, aws_calls, on_aws, stage_settings):
    stage_settings(on_aws.stream)

    response = client_for(admin).get("/console/triggers/")

    page = response.content.decode()
    assert response.status_code == 200 and len(aws_calls) == 3, aws_calls
    assert f"https://{api_id()}.execute-api.us-east-1.amazonaws.com/dev/" in page
    assert on_aws.stream in page and "DynamoDB stream of notes-console-dev" in page
    assert "TRIM_HORIZON" in page and "5 retries" in page and "skip after 1 h" in page and "bisect on error" in page
    assert "partial batch responses" in page and "notes.events.handle_stream" in page
    assert RULE in page and "cron(15 3 * * ? *)" in page and "billing-report" not in page
    assert 'aria-current="page">Triggers<' in page


def test_the_page_explains_a_refused_read_and_shows_the_rest(client_for, admin, on_aws):
    with Stubber(health_aws.client("cloudformation")) as stub:
        stub.add_client_error(
            "describe_stack_resource",
            service_error_code="AccessDenied",
            http_status_code=403,
            service_message="User: r is not authorized to perform: cloudformation:DescribeStackResource",
        )
        page = client_for(admin).get("/console/triggers/").content.decode()

    assert (
        "API Gateway URL: The function&#x27;s role is not allowed to call cloudformation:DescribeStackResource" in page
    )
    assert "Policy statement to add" in page and on_aws.stream in page and RULE in page


def test_the_local_page_labels_everything_local(client_for, admin, stage_settings):
    page = client_for(admin).get("/console/triggers/").content.decode()

    assert "Local process" in page and "local stand-in for Lambda" in page
    assert "This process serves" in page and "notes-console-dev-notes.events.purge_trash" in page
    assert "nothing schedules them locally" in page
    assert re.search(r"Not running", page)
