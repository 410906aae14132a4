"""Deploys: versions as chart markers, and the hour before vs after the latest deploy, said plainly.
ListVersionsByFunction through Stubber (to place the deploy in the past, in AWS's shape); the metrics and
REPORT lines around it in moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from console import observability
from console.health import aws as health_aws
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def zappa(settings, tmp_path):
    observability.reset_buffers()
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {"project_name": "notes-console", "runtime": "python3.11"}}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    yield
    observability.reset_buffers()


@pytest.fixture
def aws_mode(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION, lines=[])
    yield
    health_aws.reset_clients()


def version(number: str, at: datetime, sha: str) -> dict:
    return {
        "FunctionName": FUNCTION,
        "FunctionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}:{number}",
        "Runtime": "python3.11",
        "Version": number,
        "CodeSha256": sha,
        "MemorySize": 512,
        "Timeout": 30,
        "LastModified": at.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
    }


def seed_around(deploy: datetime, *, before: tuple[int, int, int], after: tuple[int, int, int]) -> None:
    """(invocations, errors, cold starts) in the hour before and after `deploy`."""
    dims = [{"Name": "FunctionName", "Value": FUNCTION}]
    data = []
    for when, (invocations, errors, _) in (
        (deploy - timedelta(minutes=30), before),
        (deploy + timedelta(minutes=5), after),
    ):
        data += [
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": when, "Value": invocations},
            {"MetricName": "Errors", "Dimensions": dims, "Timestamp": when, "Value": errors},
        ]
    boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(Namespace="AWS/Lambda", MetricData=data)
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_stream(logGroupName=f"/aws/lambda/{FUNCTION}", logStreamName="cold")
    events = []
    for when, (_, _, cold) in ((deploy - timedelta(minutes=30), before), (deploy + timedelta(minutes=5), after)):
        for i in range(cold):
            events.append(
                {
                    "timestamp": int(when.timestamp() * 1000) + i,
                    "message": (
                        f"REPORT RequestId: 00000000-0000-4000-8000-{i:012d}\tDuration: 400.00 ms\tBilled Duration: 400 ms\t"
                        "Memory Size: 512 MB\tMax Memory Used: 120 MB\tInit Duration: 880.00 ms\t\n"
                    ),
                }
            )
    logs.put_log_events(logGroupName=f"/aws/lambda/{FUNCTION}", logStreamName="cold", logEvents=events)


def test_a_deploy_that_made_things_worse_is_said_plainly(client_for, admin, aws_mode):
    deploy = (datetime.now(tz=UTC) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    seed_around(deploy, before=(200, 2, 2), after=(100, 9, 20))
    versions = [
        version("$LATEST", deploy, "mFNb0JdB7hx5nFhW0hWa0yy5Vb0uVzlXq9bB4bZ6e1Y="),
        version("7", deploy, "mFNb0JdB7hx5nFhW0hWa0yy5Vb0uVzlXq9bB4bZ6e1Y="),
        version("6", deploy - timedelta(days=2), "Zb9kq1l4dTQ8yQ2Q3u5mJgA0tS1cJ8Qe2bWqU5lR7cE="),
    ]
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_response(
            "list_versions_by_function", {"Versions": versions}, {"FunctionName": FUNCTION, "MaxItems": 50}
        )
        body = client_for(admin).get("/console/deploys/", HTTP_HX_REQUEST="true").content.decode()
    # before: 200 + the 6 (3 errors) seed_moto_function puts 20 minutes ago
    assert "Worse since this deploy:" in body and "error rate rose from 2.4% to 9.0%" in body
    assert "cold starts rose from 1.0% to 20.0%" in body
    assert "mFNb0JdB7h" in body and "3 versions" in body
    assert '<td class="num">206</td>' in body and '<td class="num">100</td>' in body


def test_a_deploy_that_changed_nothing_is_not_worse(client_for, admin, aws_mode):
    deploy = (datetime.now(tz=UTC) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    seed_around(deploy, before=(200, 2, 2), after=(100, 1, 1))
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_response(
            "list_versions_by_function",
            {"Versions": [version("$LATEST", deploy, "abc")]},
            {"FunctionName": FUNCTION, "MaxItems": 50},
        )
        body = client_for(admin).get("/console/deploys/", HTTP_HX_REQUEST="true").content.decode()
    assert "Not worse" in body and "Worse since" not in body


def test_the_deploys_panel_makes_three_calls_and_the_overview_marks_the_deploy(client_for, admin, aws_mode):
    calls: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[-1])
        )
    client = client_for(admin)
    assert client.get("/console/deploys/", HTTP_HX_REQUEST="true").status_code == 200
    assert calls == ["ListVersionsByFunction", "GetMetricData", "FilterLogEvents"]
    overview = client.get("/console/?range=1h").content.decode()
    assert overview.count('<line class="deploy"') == 2  # both charts: moto's function was just deployed
    assert "deploy, code" in overview
    # the invocations page has no GetFunction of its own: it marks the deploy this process read
    before = len(calls)
    invocations = client.get("/console/invocations/?range=1h").content.decode()
    assert "GetFunction" not in calls[before:] and invocations.count('<line class="deploy"') == 3
    assert 'hx-get="/console/deploys/"' in overview
    no_js = client.get("/console/deploys/")
    assert no_js.status_code == 200 and b"Function health" in no_js.content


def test_local_deploy_is_the_process_start(client_for, admin, client):
    client.get("/healthz")
    body = client_for(admin).get("/console/deploys/", HTTP_HX_REQUEST="true").content.decode()
    assert "this process" in body and "no hour before to compare with" in body


def test_a_refused_versions_read_is_explained(client_for, admin, aws_mode):
    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_client_error(
            "list_versions_by_function",
            service_error_code="AccessDeniedException",
            http_status_code=403,
            service_message="User: x is not authorized to perform: lambda:ListVersionsByFunction on resource: y",
        )
        page = client_for(admin).get("/console/deploys/")
    assert page.status_code == 200 and b"lambda:ListVersionsByFunction" in page.content
