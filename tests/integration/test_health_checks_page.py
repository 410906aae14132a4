"""The Checks page (/console/checks/) and the overview's count: on moto (AWS's calls as moto answers them),
with Stubber for AWS's documented shapes where moto's differ or a VPC is needed, and locally."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from console.health import aws as health_aws
from console.health import overview_reads
from console.health.alarms import AlarmTarget, alarms_apply, recommended
from console.health.async_facts import AsyncConfig
from console.health.aws_setup import read_setup_facts
from console.health.gateway import FunctionConfig
from tests import health_samples as s

FUNCTION = "notes-console-dev"
GROUP = f"/aws/lambda/{FUNCTION}"
ARN = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}"


@pytest.fixture(autouse=True)
def zappa(settings, tmp_path):
    path = tmp_path / "zappa_settings.json"
    stage = {
        "project_name": "notes-console",
        "runtime": "python3.11",
        "keep_warm": True,
        "aws_environment_variables": {"API_TOKEN": "tok_live_1"},
    }
    path.write_text(json.dumps({"dev": stage}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    overview_reads.forget()
    yield
    overview_reads.forget()


@pytest.fixture
def on_aws(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION, environment={"API_TOKEN": "tok_live_1", "DYNAMODB_TABLE": "t"})
    yield
    health_aws.reset_clients()


def _record_calls() -> list[str]:
    calls: list[str] = []
    for service in ("lambda", "cloudwatch", "logs", "ec2"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[-1])
        )
    return calls


def test_it_flags_the_setup_on_moto_within_three_calls_of_its_own(client_for, admin, on_aws):
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.create_function_url_config(FunctionName=FUNCTION, AuthType="NONE")
    lam.put_function_event_invoke_config(FunctionName=FUNCTION, MaximumRetryAttempts=2)  # no destination
    calls = _record_calls()
    page = client_for(admin).get("/console/checks/").content.decode()
    own = [c for c in calls if c not in ("GetFunction", "GetMetricData", "FilterLogEvents")]
    assert own == ["GetFunctionUrlConfig", "GetFunctionEventInvokeConfig", "DescribeLogGroups"]
    assert "A function URL with auth type NONE" in page
    assert "No on-failure destination" in page
    assert "The log group keeps logs forever" in page  # moto's group has no retentionInDays
    assert "Timeout 30 s is above API Gateway" in page  # seed_moto_function: Timeout=30
    assert "API_TOKEN" in page and "tok_live_1" not in page
    assert "python3.11 is deprecated" in page
    # alarms: beyond the budget, unknown with why, and the next part reads it
    assert "at most 3 AWS calls of its own" in page and 'href="/console/checks/?more=1"' in page
    calls.clear()
    more = client_for(admin).get("/console/checks/?more=1").content.decode()
    assert [c for c in calls if c == "DescribeAlarms"] == ["DescribeAlarms"]
    assert "recommended alarms missing" in more


def test_the_overview_panel_spends_only_its_own_three_calls(client_for, admin, on_aws):
    client = client_for(admin)
    calls = _record_calls()
    overview = client.get("/console/?range=1h").content.decode()
    assert 'hx-get="/console/checks/?panel=1&amp;range=1h"' in overview
    assert calls == ["GetFunction", "GetMetricData", "FilterLogEvents"]
    calls.clear()
    panel = client.get("/console/checks/?panel=1&range=1h", HTTP_HX_REQUEST="true").content.decode()
    assert calls == ["GetFunctionUrlConfig", "GetFunctionEventInvokeConfig", "DescribeLogGroups"]
    assert "failing</span>" in panel and "Timeout 30 s is above API Gateway" in panel
    calls.clear()
    page = client.get("/console/checks/?range=1h").content.decode()
    assert "as the overview read them in the last minute" in page and "GetFunction" not in calls


def test_the_healthy_setup_passes_on_moto(client_for, admin, on_aws):
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.put_function_event_invoke_config(
        FunctionName=FUNCTION,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:failed"}},
    )
    boto3.client("logs", region_name="us-east-1").put_retention_policy(logGroupName=GROUP, retentionInDays=30)
    alarms_apply(target=AlarmTarget(function_name=FUNCTION, timeout_s=30, api_name=FUNCTION), email="ops@example.com")
    page = client_for(admin).get("/console/checks/").content.decode()
    more = client_for(admin).get("/console/checks/?more=1").content.decode()
    wanted = recommended(AlarmTarget(function_name=FUNCTION, timeout_s=30, api_name=FUNCTION))
    assert f"All {len(wanted)} recommended alarms exist" in more
    for title in (
        "No public function URL",
        "Asynchronous failures reach a destination",
        "The log group has a retention",
    ):
        block = page[page.index(title) - 120 : page.index(title)]
        assert 'pill-ok">ok' in block, title


def test_documented_shapes_no_url_and_no_invoke_config_are_not_found(on_aws):
    """AWS answers ResourceNotFoundException for both when none is configured (Lambda API reference)."""
    gw = health_aws.AwsGateway(FUNCTION)
    config = FunctionConfig(name=FUNCTION, log_group=GROUP)
    with Stubber(health_aws.client("lambda")) as lam, Stubber(health_aws.client("logs")) as logs:
        lam.add_client_error(
            "get_function_url_config", "ResourceNotFoundException", "The resource you requested does not exist.", 404
        )
        lam.add_client_error(
            "get_function_event_invoke_config",
            "ResourceNotFoundException",
            f"The function {ARN} doesn't have an EventInvokeConfig",
            404,
        )
        logs.add_response(
            "describe_log_groups",
            {
                "logGroups": [
                    {
                        "logGroupName": GROUP,
                        "creationTime": 1764000000000,
                        "retentionInDays": 14,
                        "metricFilterCount": 0,
                        "arn": f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*",
                        "storedBytes": 0,
                    }
                ]
            },
            {"logGroupNamePrefix": GROUP, "limit": 5},
        )
        facts = gw.setup_facts(config)
    assert facts.function_url_auth == "" and facts.async_config == AsyncConfig(configured=False)
    assert facts.log_group_found and facts.log_retention_days == 14 and gw.calls == 3


def test_documented_shapes_url_and_invoke_config(on_aws):
    gw = health_aws.AwsGateway(FUNCTION)
    config = FunctionConfig(name=FUNCTION, log_group=GROUP)
    with Stubber(health_aws.client("lambda")) as lam:
        lam.add_response(
            "get_function_url_config",
            {
                "FunctionUrl": "https://abcdefghij.lambda-url.us-east-1.on.aws/",
                "FunctionArn": ARN,
                "AuthType": "AWS_IAM",
                "CreationTime": "2026-11-01T10:00:00.000000Z",
                "LastModifiedTime": "2026-11-01T10:00:00.000000Z",
                "InvokeMode": "BUFFERED",
            },
        )
        lam.add_response(
            "get_function_event_invoke_config",
            {
                "LastModified": datetime(2026, 11, 1, tzinfo=UTC),
                "FunctionArn": f"{ARN}:$LATEST",
                "MaximumRetryAttempts": 2,
                "MaximumEventAgeInSeconds": 3600,
                "DestinationConfig": {
                    "OnSuccess": {},
                    "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:q"},
                },
            },
        )
        facts = gw.setup_facts(config, budget=2)
    assert facts.function_url_auth == "AWS_IAM"
    assert facts.async_config.on_failure == "arn:aws:sqs:us-east-1:123456789012:q"
    assert facts.async_config.max_retries == 2 and facts.async_config.max_event_age_s == 3600
    assert "logs" in facts.unread and "alarms" in facts.unread and gw.calls == 2


def _route_tables(nat: bool, endpoint_table: str = "") -> dict:
    routes = [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}
    ]
    if nat:
        routes.append(
            {
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": "nat-0abc",
                "Origin": "CreateRoute",
                "State": "active",
            }
        )
    return {
        "RouteTables": [
            {
                "RouteTableId": "rtb-main",
                "VpcId": "vpc-1",
                "Associations": [{"Main": True, "RouteTableAssociationId": "rtbassoc-m", "RouteTableId": "rtb-main"}],
                "Routes": routes[:1],
            },
            {
                "RouteTableId": "rtb-private",
                "VpcId": "vpc-1",
                "Associations": [
                    {
                        "Main": False,
                        "RouteTableAssociationId": "rtbassoc-a",
                        "RouteTableId": "rtb-private",
                        "SubnetId": "subnet-a",
                    }
                ],
                "Routes": routes,
            },
        ]
    }


def _endpoints(tables: list[str]) -> dict:
    if not tables:
        return {"VpcEndpoints": []}
    return {
        "VpcEndpoints": [
            {
                "VpcEndpointId": "vpce-0ddb",
                "VpcEndpointType": "Gateway",
                "VpcId": "vpc-1",
                "ServiceName": "com.amazonaws.us-east-1.dynamodb",
                "State": "available",
                "RouteTableIds": tables,
            }
        ]
    }


@pytest.mark.parametrize(
    ("nat", "endpoint_tables", "unrouted", "routes"),
    [
        (False, [], ("subnet-a", "subnet-b"), ""),  # no endpoint, no NAT: every call times out
        (True, [], ("subnet-b",), "NAT nat-0abc"),  # subnet-b uses the main table: no NAT there
        (False, ["rtb-private", "rtb-main"], (), "gateway endpoint vpce-0ddb"),  # healthy
    ],
)
def test_a_vpc_subnet_without_a_route_to_dynamodb(on_aws, nat, endpoint_tables, unrouted, routes):
    gw = health_aws.AwsGateway(FUNCTION)
    config = FunctionConfig(name=FUNCTION, vpc_subnets=("subnet-a", "subnet-b"), vpc_id="vpc-1", log_group=GROUP)
    vpc_filter = {"Name": "vpc-id", "Values": ["vpc-1"]}
    with Stubber(health_aws.client("ec2")) as ec2:
        ec2.add_response(
            "describe_vpc_endpoints",
            _endpoints(endpoint_tables),
            {"Filters": [{"Name": "service-name", "Values": ["com.amazonaws.us-east-1.dynamodb"]}, vpc_filter]},
        )
        ec2.add_response("describe_route_tables", _route_tables(nat), {"Filters": [vpc_filter]})
        facts = read_setup_facts(gw._call, config, budget=2)
    assert facts.vpc_unrouted_subnets == unrouted and facts.vpc_routes == routes
    assert facts.unread.keys() >= {"url", "async", "logs", "alarms"} and "vpc" not in facts.unread


def test_a_refused_read_is_unknown_with_the_action_to_grant(client_for, admin, on_aws):
    with Stubber(health_aws.client("logs")) as logs:
        logs.add_response("filter_log_events", {"events": []})  # the overview's read
        logs.add_client_error(
            "describe_log_groups",
            "AccessDeniedException",
            "User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: logs:DescribeLogGroups",
            400,
        )
        page = client_for(admin).get("/console/checks/").content.decode()
    block = page[page.index("The log group has a retention") - 120 :]
    assert 'pill-muted">unknown' in block[:200] and "logs:DescribeLogGroups" in block


def test_local_checks_say_what_needs_aws(client_for, admin):
    page = client_for(admin).get("/console/checks/").content.decode()
    assert "unknown — needs AWS" in page
    assert "Keep-warm" in page and "python3.11 is deprecated" in page
    assert "API_TOKEN" in page and "tok_live_1" not in page


def test_the_overview_loads_the_count_of_failing_checks(client_for, admin):
    client = client_for(admin)
    assert 'hx-get="/console/checks/?panel=1&amp;range=' in client.get("/console/").content.decode()
    panel = client.get("/console/checks/?panel=1", HTTP_HX_REQUEST="true").content.decode()
    assert panel.startswith('<section id="checks-panel"') and "failing</span>" in panel
    assert "python3.11 is deprecated" in panel


def test_checks_are_admin_only(client_for, alice, client):
    assert client.get("/console/checks/").status_code == 302
    assert client_for(alice).get("/console/checks/").status_code == 403
    assert client_for(alice).get("/console/checks/?panel=1", HTTP_HX_REQUEST="true").status_code == 403


def test_local_reads_the_function_url_and_vpc_from_the_stage(client_for, admin, settings, tmp_path):
    path = tmp_path / "url.json"
    stage = {
        "project_name": "notes-console",
        "runtime": "python3.13",
        "function_url_enabled": True,  # Zappa's function_url_config defaults to authorizer NONE
        "vpc_config": {"SubnetIds": ["subnet-a"], "SecurityGroupIds": ["sg-1"]},
    }
    path.write_text(json.dumps({"dev": stage}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    page = client_for(admin).get("/console/checks/").content.decode()
    assert "A function URL with auth type NONE" in page and "&quot;function_url_enabled&quot;: false" in page
    vpc = page[page.index("The function reaches DynamoDB") - 120 :]
    assert 'pill-muted">unknown' in vpc[:200] and "needs AWS" in vpc[:600]
    stage["function_url_config"] = {"authorizer": "AWS_IAM"}
    path.write_text(json.dumps({"dev": stage}))
    page = client_for(admin).get("/console/checks/").content.decode()
    assert "Function URL auth AWS_IAM." in page


# --- ported from the console branch's Checks tests (tests/integration/test_health_checks.py there) ---------------
# Its page is gone; what it asserted of AWS's shapes and of the checks still holds for this one.

HEALTHY_LINES = s.invocation_lines()[:11]  # cold, warm and traced invocations, at most 122 of 512 MB: no OOM


@pytest.fixture
def on_moto(aws, settings):
    """On AWS (moto) with the function seeded by each test itself."""
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    yield
    health_aws.reset_clients()


def _seed(*, environment: dict[str, str] | None = None, lines=None, **configuration) -> None:
    s.seed_moto_function(FUNCTION, environment=environment or {"DYNAMODB_TABLE": "t"}, lines=lines or HEALTHY_LINES)
    boto3.client("lambda", region_name="us-east-1").update_function_configuration(
        FunctionName=FUNCTION, **configuration
    )


def _status(page: str, check_id: str) -> str:
    import re

    found = re.search(rf'<li class="check check-([a-z]+)" id="check-{check_id}">', page)
    assert found, check_id
    return found.group(1)


def _reserved_concurrency_zero() -> Stubber:
    """GetFunction as AWS answers it for reserved concurrency 0: moto leaves the Concurrency key out when it is
    0, so moto's own answer plus that key."""
    lam = boto3.client("lambda", region_name="us-east-1")
    answer = lam.get_function(FunctionName=FUNCTION)
    answer.pop("ResponseMetadata")
    answer["Concurrency"] = {"ReservedConcurrentExecutions": 0}
    stub = Stubber(health_aws.client("lambda"))
    stub.add_response("get_function", answer, {"FunctionName": FUNCTION})
    return stub


def test_a_healthy_configuration_passes_its_checks_reading_the_overviews_three_reads_once(client_for, admin, on_moto):
    _seed(Timeout=20, MemorySize=256)
    calls = _record_calls()
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    shared = sorted(c for c in calls if c in ("GetFunction", "GetMetricData", "FilterLogEvents"))
    assert shared == ["FilterLogEvents", "GetFunction", "GetMetricData"]  # three calls, as the overview's
    assert len(calls) - len(shared) <= 3  # and at most three of its own
    for check_id in ("timeout", "reserved_concurrency", "memory", "plaintext_secrets", "architecture"):
        assert _status(page, check_id) == "ok", check_id


def test_a_timeout_of_60_seconds_is_flagged_with_the_fix(client_for, admin, on_moto):
    _seed(Timeout=60, MemorySize=256)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert _status(page, "timeout") == "fail"
    assert "Timeout 60 s is above API Gateway&#x27;s 29 s" in page and "&quot;timeout_seconds&quot;: 28" in page


def test_reserved_concurrency_zero_as_aws_answers_it_means_the_function_cannot_run(client_for, admin, on_moto):
    _seed(Timeout=20, MemorySize=256)
    client = client_for(admin)
    with _reserved_concurrency_zero():  # the overview reads GetFunction; the Checks page judges what it read
        overview = client.get("/console/?range=1h")
    assert overview.status_code == 200
    page = client.get("/console/checks/?range=1h").content.decode()
    assert _status(page, "reserved_concurrency") == "fail" and "delete-function-concurrency" in page
    panel = client.get("/console/checks/?panel=1&range=1h", HTTP_HX_REQUEST="true").content.decode()
    assert "Reserved concurrency is 0: the function cannot run" in panel


def test_reserved_concurrency_below_the_peak_seen_is_flagged(client_for, admin, on_moto):
    _seed(Timeout=20, MemorySize=256)  # the seeded metrics peak at 2 concurrent executions
    boto3.client("lambda", region_name="us-east-1").put_function_concurrency(
        FunctionName=FUNCTION, ReservedConcurrentExecutions=1
    )
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert _status(page, "reserved_concurrency") == "warn"
    assert "Reserved concurrency 1 is below the peak of 2 seen" in page


def test_memory_far_above_the_largest_use_is_flagged(client_for, admin, on_moto):
    _seed(Timeout=20, MemorySize=1024)  # the seeded invocations use at most 122 MB
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert _status(page, "memory") == "warn" and "(122 MB)" in page


def test_memory_within_ten_percent_of_the_size_is_flagged_from_a_real_out_of_memory_report(client_for, admin, on_moto):
    from tests.lambda_corpus import by_id

    line = by_id("oom-report-out-of-memory")["message"]  # Memory Size 1024 MB, Max Memory Used 1024 MB
    start = "START RequestId: 276ff3b9-1609-4ee7-a288-db3752630767 Version: $LATEST"
    _seed(
        Timeout=20, MemorySize=1024, lines=[("2026/12/01/[$LATEST]oom", 0, start), ("2026/12/01/[$LATEST]oom", 5, line)]
    )
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert _status(page, "memory") == "warn" and "Runtime.OutOfMemory" in page


def test_a_plaintext_secret_is_flagged_by_name_never_by_value_and_where_one_is_kept_is_none(client_for, admin, on_moto):
    _seed(
        environment={"DJANGO_SECRET_KEY": "s3cr3t-value", "DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret"},
        Timeout=20,
        MemorySize=256,
    )
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert _status(page, "plaintext_secrets") == "warn" and "s3cr3t-value" not in page
    secrets = page[page.index('id="check-plaintext_secrets"') :]
    secrets = secrets[: secrets.index("</li>")]
    assert "DJANGO_SECRET_KEY:" in secrets and "DJANGO_SECRET_KEY_PARAMETER" not in secrets


def test_locally_the_stages_default_timeout_is_flagged_and_no_secret(client_for, admin, settings, tmp_path):
    """A stage without timeout_seconds runs with Zappa's default, 30 s: above API Gateway's 29 s."""
    path = tmp_path / "plain.json"
    stage = {
        "project_name": "notes-console",
        "runtime": "python3.13",
        "aws_environment_variables": {"LOG_LEVEL": "INFO"},
    }
    path.write_text(json.dumps({"dev": stage}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    page = client_for(admin).get("/console/checks/").content.decode()
    assert _status(page, "timeout") == "fail" and "Timeout 30 s is above" in page
    assert _status(page, "plaintext_secrets") == "ok"
