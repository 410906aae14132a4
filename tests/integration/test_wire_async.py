"""`manage.py wire_async`: the S3 trigger's asynchronous invocation config (retries, event age, the on-failure
SQS queue), set idempotently on moto, and what Lambda does with a failed event: the on-failure record lands
in that queue (Lambda's documented record shape, sent as Lambda would with the function's role)."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest
from django.core.management import CommandError, call_command

from console.aws import clients
from console.deploy.async_wiring import current_config, queue_name

FUNCTION = "notes-console-dev"


@pytest.fixture
def function(aws):
    clients.reset_clients()
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role,
        Handler="handler.lambda_handler",
        Code={"ZipFile": code.getvalue()},
    )
    yield FUNCTION
    clients.reset_clients()


def test_it_sets_retries_age_and_an_on_failure_queue_once(function, capsys):
    call_command("wire_async", "--stage", "dev")
    assert "Set notes-console-dev: 2 retries" in capsys.readouterr().out
    config = current_config(function)
    assert config["MaximumRetryAttempts"] == 2
    assert config["MaximumEventAgeInSeconds"] == 3600
    destination = config["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination.endswith(f":{queue_name(function)}")

    call_command("wire_async", "--stage", "dev")
    assert "Already set" in capsys.readouterr().out


def test_it_refuses_an_age_lambda_would_refuse(function):
    with pytest.raises(CommandError):
        call_command("wire_async", "--stage", "dev", "--max-age", "30")


def test_a_failed_upload_event_reaches_the_on_failure_queue(function, bucket, alice):
    """The handler raises for a retryable failure; after its retries Lambda sends the event, wrapped in its
    documented on-failure record, to the destination. moto runs no asynchronous invocations, so the test plays
    Lambda's part: the handler's RetryLater, then the record sent to the queue the config names."""
    from notes import services, upload_events
    from tests.integration.attachments_support import s3_event

    call_command("wire_async", "--stage", "dev")
    destination = current_config(function)["DestinationConfig"]["OnFailure"]["Destination"]
    note = services.note_create(user_id=alice.id, data={"title": "x"})
    event = s3_event(f"uploads/{alice.id}/{note.id}/{'a' * 32}", size=10)

    class OutOfTime:
        def get_remaining_time_in_millis(self) -> int:
            return 1000

    with pytest.raises(upload_events.RetryLater) as failed:
        upload_events.handle_upload(event, OutOfTime())

    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=destination.rsplit(":", 1)[-1])["QueueUrl"]
    record = {  # Lambda Developer Guide, "Adding a destination": the invocation record's shape
        "version": "1.0",
        "timestamp": "2026-12-07T12:00:00.000Z",
        "requestContext": {
            "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
            "functionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{function}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": str(failed.value), "errorType": "RetryLater"},
    }
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))
    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    assert (
        json.loads(message["Body"])["requestPayload"]["Records"][0]["s3"]["object"]["key"]
        == event["Records"][0]["s3"]["object"]["key"]
    )
