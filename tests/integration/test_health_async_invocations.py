"""Asynchronous invocations: the configuration (GetFunctionEventInvokeConfig on moto, and its absence: Lambda's
defaults), AsyncEventsReceived / AsyncEventAge / AsyncEventsDropped / DestinationDeliveryFailures and what
reached an SQS on-failure destination (moto stores AWS/Lambda datapoints as sent), the overview's flag, two AWS
calls; locally, the page says Lambda's queue does not exist there."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from console.health import aws as health_aws
from console.health.alarms import AlarmTarget, recommended
from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers
URL = "/console/triggers/async/?range=1h"


def put_lambda_metrics(**values: list[float]) -> None:
    when = datetime.now(tz=UTC) - timedelta(minutes=15)
    boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "FunctionName", "Value": FUNCTION}],
                "Timestamp": when,
                "Value": v,
            }
            for name, vs in values.items()
            for v in vs
        ],
    )


@pytest.fixture
def function(aws_mode):
    s.seed_moto_function(FUNCTION, lines=s.invocation_lines()[:8])


@pytest.fixture
def queue_arn(function):
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="notes-attachments-failed")["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


@pytest.fixture
def calls(function):
    made: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: made.append(event_name.rsplit(".", 1)[-1])
        )
    return made


def configure(**config) -> None:
    boto3.client("lambda", region_name="us-east-1").put_function_event_invoke_config(FunctionName=FUNCTION, **config)


def page(client, url=URL, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def tiles(body: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="tile-label">([^<]+)</p><p class="tile-value">([^<]+)</p>', body))


def test_it_shows_the_configuration_and_what_was_dropped(client_for, admin, queue_arn, calls):
    configure(
        MaximumRetryAttempts=1,
        MaximumEventAgeInSeconds=3600,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    put_lambda_metrics(AsyncEventsReceived=[7, 5], AsyncEventAge=[1200, 84_000], AsyncEventsDropped=[2])
    boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": "NumberOfMessagesSent",
                "Dimensions": [{"Name": "QueueName", "Value": "notes-attachments-failed"}],
                "Value": 2.0,
                "Timestamp": datetime.now(tz=UTC) - timedelta(minutes=15),
            }
        ],
    )
    body = page(client_for(admin))
    assert calls == ["GetFunctionEventInvokeConfig", "GetMetricData"]
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>", body))
    assert facts["Retries"] == "1" and facts["Maximum event age"] == "3600 s"
    assert queue_arn in facts["On failure"] and "2 sent there" in facts["On failure"]
    assert tiles(body) == {"Received": "12", "Oldest event (max)": "84 s", "Dropped": "2", "Not delivered": "0"}
    assert "2 events dropped (retries or maximum age used up)." in body and "no on-failure destination" not in body


def test_without_a_configuration_lambda_defaults_apply_and_the_missing_destination_is_flagged(client_for, admin, calls):
    put_lambda_metrics(AsyncEventsReceived=[3])
    client = client_for(admin)
    body = page(client)
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>", body))
    assert facts["Retries"].startswith("2 ") and facts["Maximum event age"].startswith("21600 s")
    assert facts["On failure"] == "none" and "put-function-event-invoke-config" in body
    assert tiles(body)["Dropped"] == "0" and len(calls) == 2
    flag = page(client, URL + "&compact=1", HTTP_HX_REQUEST="true")
    assert "flag-warn" in flag and "no on-failure destination" in flag


def test_the_overview_flags_dropped_events(client_for, admin, queue_arn):
    configure(DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    put_lambda_metrics(AsyncEventsDropped=[4])
    client = client_for(admin)
    overview = page(client, "/console/?range=1h")
    assert 'hx-get="/console/triggers/async/?range=1h&compact=1"' in overview
    flag = page(client, URL + "&compact=1", HTTP_HX_REQUEST="true")
    assert "flag-bad" in flag and "4 events dropped" in flag


def test_a_healthy_function_is_not_flagged(client_for, admin, queue_arn):
    configure(DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    put_lambda_metrics(AsyncEventsReceived=[9])
    flag = page(client_for(admin), URL + "&compact=1", HTTP_HX_REQUEST="true")
    assert "flag" not in flag.replace("async-flag", "").replace("stream-flag", "") and "Async OK" in flag


def test_without_javascript_it_is_a_page_linked_from_triggers(client_for, admin, function):
    client = client_for(admin)
    body = page(client)
    assert "Function health" in body and "Asynchronous invocations" in body
    assert 'href="/console/triggers/async/?range=24h"' in page(client, "/console/triggers/")


def test_locally_it_says_the_queue_is_lambdas(client_for, admin):
    body = page(client_for(admin))
    assert "apply on AWS only" in body and "none locally" in body and "flag-" not in body


def test_dropped_events_have_a_recommended_alarm():
    wanted = {d.name: d for d in recommended(AlarmTarget(function_name=FUNCTION, timeout_s=30))}
    alarm = wanted[f"{FUNCTION}-async-events-dropped"].params
    assert (alarm["MetricName"], alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "AsyncEventsDropped",
        "Sum",
        "GreaterThanThreshold",
        0.0,
    )


@pytest.mark.parametrize(
    "code, status, message, shown",
    [
        (
            "AccessDeniedException",
            403,
            "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: "
            "lambda:GetFunctionEventInvokeConfig on resource: arn:aws:lambda:us-east-1:123456789012:function:x",
            "lambda:GetFunctionEventInvokeConfig",
        ),
        ("ResourceNotFoundException", 404, "Function not found: arn:aws:lambda:us-east-1:1:function:x", "not found"),
    ],
)
def test_a_refused_configuration_read_is_explained_and_the_metrics_still_shown(
    client_for, admin, function, code, status, message, shown
):
    from botocore.stub import Stubber

    put_lambda_metrics(AsyncEventsDropped=[1])
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_client_error(
            "get_function_event_invoke_config",
            service_error_code=code,
            http_status_code=status,
            service_message=message,
        )
        body = page(client_for(admin))
    assert shown in body and "GetFunctionEventInvokeConfig" in body
    assert tiles(body)["Dropped"] == "1" and "<dt>Retries</dt>" not in body
