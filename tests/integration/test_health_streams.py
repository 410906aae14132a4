"""Stream health: lag (IteratorAge), failed batches from the handler's lines, on-failure deliveries, and the
overview's flag; on moto (which stores AWS/Lambda and AWS/SQS datapoints as sent) and locally."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from console import observability
from console.health import aws as health_aws
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    observability.reset_buffers()
    zappa = tmp_path / "zappa_settings.json"
    zappa.write_text(json.dumps({"dev": {"project_name": "notes-console", "runtime": "python3.11"}}))
    settings.HEALTH_ZAPPA_SETTINGS = zappa
    yield
    observability.reset_buffers()


def batch_line(records: int, failed: int) -> str:
    return (
        json.dumps(
            {
                "time": "2026-11-27T10:00:00.000Z",
                "level": "WARNING" if failed else "INFO",
                "logger": "notes.events",
                "message": "stream batch processed",
                "correlation_id": "-",
                "records": records,
                "written": records - failed,
                "skipped": 0,
                "failed": failed,
            }
        )
        + "\n"
    )


@pytest.fixture
def aws_stream(aws, settings):
    """A function with its table's stream wired (on failure -> an SQS queue), batches logged, lag measured."""
    from console.deploy.stream_wiring import StreamSettings, wire_mapping

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    stream_ = "2026/11/27/[$LATEST]cccccccccccccccccccccccccccccccc"
    s.seed_moto_function(
        FUNCTION,
        lines=[
            (stream_, 0, batch_line(100, 0)),
            (stream_, 1000, batch_line(100, 3)),
            (stream_, 2000, batch_line(40, 1)),
            (stream_, 3000, batch_line(12, 0)),
        ],
    )
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName="notes-stream-failures")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    from console.aws import dynamodb

    dynamodb.create_table(name=FUNCTION)
    table_stream = dynamodb.client().describe_table(TableName=FUNCTION)["Table"]["LatestStreamArn"]
    wire_mapping(FUNCTION, table_stream, StreamSettings(on_failure=queue_arn))
    when = datetime.now(tz=UTC) - timedelta(minutes=20)
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
    cloudwatch.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "IteratorAge",
                "Dimensions": [{"Name": "FunctionName", "Value": FUNCTION}],
                "Timestamp": when,
                "Value": value,
                "Unit": "Milliseconds",
            }
            for value in (1200.0, 95_000.0, 800.0)
        ],
    )
    cloudwatch.put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": "NumberOfMessagesSent",
                "Dimensions": [{"Name": "QueueName", "Value": "notes-stream-failures"}],
                "Timestamp": when,
                "Value": 1.0,
            }
        ],
    )
    yield
    health_aws.reset_clients()


@pytest.fixture
def aws_calls(aws_stream):
    calls: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[-1])
        )
    return calls


def test_stream_health_on_aws(client_for, admin, aws_calls):
    response = client_for(admin).get("/console/triggers/streams/?range=1h", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert aws_calls == ["ListEventSourceMappings", "GetMetricData", "FilterLogEvents"]
    row = body[body.index('<tr class="stream-row">') :]
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    assert cells == ["95 s", "4", "252", "2", "4"]  # lag max; batches; records; failed batches; retried
    assert "sqs:us-east-1:123456789012:notes-stream-failures" in row and "1 sent there" in row
    assert 'pill-bad">failing' in row and "falling behind: records waited up to 95 s" in row


def test_the_overview_flags_a_failing_stream(client_for, admin, aws_stream):
    client = client_for(admin)
    overview = client.get("/console/?range=1h").content.decode()
    assert 'hx-get="/console/triggers/streams/?range=1h&amp;compact=1"' in overview
    flag = client.get("/console/triggers/streams/?range=1h&compact=1", HTTP_HX_REQUEST="true").content.decode()
    assert "flag-bad" in flag and "DynamoDB stream of notes-console-dev" in flag
    assert "2 failed batches, 4 records retried" in flag and "sent to the on-failure destination" in flag


def test_stream_health_without_javascript_is_a_page(client_for, admin, aws_stream):
    page = client_for(admin).get("/console/triggers/streams/?range=1h")
    assert page.status_code == 200 and b"Function health" in page.content and b"Stream health" in page.content
    triggers = client_for(admin).get("/console/triggers/").content.decode()
    assert 'href="/console/triggers/streams/?range=24h"' in triggers


def test_a_refused_metric_read_is_explained(client_for, admin, aws_stream):
    from botocore.stub import Stubber

    with Stubber(health_aws.client("cloudwatch")) as stub:
        stub.add_client_error(
            "get_metric_data",
            service_error_code="AccessDenied",
            http_status_code=403,
            service_message="User: x is not authorized to perform: cloudwatch:GetMetricData",
        )
        body = client_for(admin).get("/console/triggers/streams/?range=1h", HTTP_HX_REQUEST="true").content.decode()
    assert "cloudwatch:GetMetricData" in body and "stream-row" in body  # the handler's lines still counted


def test_local_stream_health_counts_the_pollers_batches(client_for, admin, caplog):
    import logging

    logging.getLogger("notes.events").warning(
        "stream batch processed", extra={"fields": {"records": 5, "written": 3, "skipped": 0, "failed": 2}}
    )
    body = client_for(admin).get("/console/triggers/streams/?range=1h", HTTP_HX_REQUEST="true").content.decode()
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', body[body.index('<tr class="stream-row">') :])
    assert cells == ["\u2014", "1", "5", "1", "2"] and "measured by Lambda only" in body


def test_stream_pages_are_admin_only(client_for, alice, client):
    assert client.get("/console/triggers/streams/").status_code == 302
    assert client_for(alice).get("/console/triggers/streams/", HTTP_HX_REQUEST="true").status_code == 403
