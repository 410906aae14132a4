"""The Alarms page and the overview's alarms panel: states, thresholds, last change, missing recommended
alarms; on moto after create_alarms, locally, and when AWS refuses."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.stub import Stubber

from console.health import aws as health_aws
from console.health.alarms import AlarmTarget, alarms_apply
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def zappa(settings, tmp_path):
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {"project_name": "notes-console", "runtime": "python3.11"}}))
    settings.HEALTH_ZAPPA_SETTINGS = path


@pytest.fixture
def aws_alarms(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION)
    alarms_apply(
        target=AlarmTarget(function_name=FUNCTION, timeout_s=30, api_name=FUNCTION, api_stage="dev"),
        email="ops@example.com",
    )
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
    cloudwatch.delete_alarms(AlarmNames=[f"{FUNCTION}-api-5xx"])
    cloudwatch.set_alarm_state(
        AlarmName=f"{FUNCTION}-throttles",
        StateValue="ALARM",
        StateReason="Threshold Crossed: 1 datapoint [7.0 (27/11/26 10:05:00)] was greater than 0.0",
    )
    yield
    health_aws.reset_clients()


def test_alarms_page_shows_states_thresholds_and_what_is_missing(client_for, admin, aws_alarms):
    calls: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[-1])
        )
    page = client_for(admin).get("/console/alarms/").content.decode()
    assert calls == ["DescribeAlarms", "GetFunction"]
    assert "5 alarms" in page and "1 in alarm" in page  # the recommended set less api-5xx
    row = next(r for r in page.split('<tr class="alarm-row') if f"{FUNCTION}-throttles" in r)
    assert 'pill-bad">in alarm' in row and "&gt; 0" in row and "AWS/Lambda Throttles Sum" in row
    p99 = next(r for r in page.split('<tr class="alarm-row') if f"{FUNCTION}-p99-duration" in r)
    assert "\u2265 24,000" in p99 and "AWS/Lambda Duration p99" in p99
    rate = next(r for r in page.split('<tr class="alarm-row') if f"{FUNCTION}-error-rate" in r)
    assert "metric math: 100 * errors / MAX([errors, invocations])" in rate
    assert "Threshold Crossed: 1 datapoint" in page
    missing = page[page.index("Recommended alarms") :]
    assert "1 missing" in missing and re.search(
        rf"{FUNCTION}-api-5xx</span>: API Gateway answered 5xx <span class=\"pill pill-warn\">missing", missing
    )
    assert "make alarms STAGE=dev EMAIL=you@example.com" in missing


def test_the_overview_panel_lists_alarms_and_missing_ones(client_for, admin, aws_alarms):
    client = client_for(admin)
    assert 'hx-get="/console/alarms/?panel=1"' in client.get("/console/?range=1h").content.decode()
    panel = client.get("/console/alarms/?panel=1", HTTP_HX_REQUEST="true").content.decode()
    assert panel.startswith('<section id="alarms-panel"') and "1 in alarm" in panel
    assert "1 recommended alarm missing" in panel and f"{FUNCTION}-api-5xx" in panel


def test_a_refused_describe_alarms_is_explained(client_for, admin, aws_alarms):
    with Stubber(health_aws.client("cloudwatch")) as stub:
        stub.add_client_error(
            "describe_alarms",
            service_error_code="AccessDenied",
            http_status_code=403,
            service_message="User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: "
            "cloudwatch:DescribeAlarms",
        )
        page = client_for(admin).get("/console/alarms/")
    assert (
        page.status_code == 200 and b"cloudwatch:DescribeAlarms" in page.content and b"Policy statement" in page.content
    )


def test_local_alarms_page_says_where_alarms_live(client_for, admin):
    page = client_for(admin).get("/console/alarms/").content.decode()
    assert "CloudWatch alarms exist on AWS only" in page and "make alarms STAGE=" in page


def test_the_functions_policies_grant_what_the_new_pages_read():
    """Action level only (the iam branch checks resources): each call of the errors, routes, streams, alarms
    and deploys pages is in both stages' policies."""
    from pathlib import Path

    needed = {
        "logs:StartQuery",
        "logs:GetQueryResults",
        "logs:FilterLogEvents",
        "cloudwatch:GetMetricData",
        "cloudwatch:DescribeAlarms",
        "lambda:ListEventSourceMappings",
        "lambda:ListVersionsByFunction",
        "lambda:GetFunction",
    }
    for stage in ("dev", "prod"):
        policy = json.loads((Path(__file__).parents[2] / "console" / "deploy" / f"policy-{stage}.json").read_text())
        granted = [
            a for st in policy["Statement"] for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
        ]
        missing = {n for n in needed if not any(n == g or (g.endswith("*") and n.startswith(g[:-1])) for g in granted)}
        assert not missing, (stage, missing)


def test_the_functions_policies_grant_reading_alarms_only():
    from pathlib import Path

    for stage in ("dev", "prod"):
        policy = json.loads((Path(__file__).parents[2] / "console" / "deploy" / f"policy-{stage}.json").read_text())
        actions = {
            a for st in policy["Statement"] for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
        }
        assert "cloudwatch:DescribeAlarms" in actions and "cloudwatch:PutMetricAlarm" not in actions
        assert not any(a.startswith("sns:") for a in actions)


def test_alarms_page_is_admin_only(client_for, alice, client):
    assert client.get("/console/alarms/").status_code == 302
    assert client_for(alice).get("/console/alarms/?panel=1", HTTP_HX_REQUEST="true").status_code == 403


def test_the_alarms_page_names_the_module_that_defines_the_alarms(client_for, admin):
    from console.health import alarms

    page = client_for(admin).get("/console/alarms/").content.decode()
    assert "console/health/alarms.py" in page and "console/deploy/alarms.py" not in page
    assert "recommended CloudWatch alarms" in alarms.__doc__  # the module named is the one that defines them


def test_the_make_alarms_command_is_code_not_backticks_on_the_page_and_the_overview_panel(client_for, admin):
    client = client_for(admin)
    page = client.get("/console/alarms/").content.decode()
    panel = client.get("/console/alarms/?panel=1", HTTP_HX_REQUEST="true").content.decode()
    for html in (page, panel):
        assert "<code>make alarms STAGE=dev EMAIL=you@example.com</code>" in html
        assert "`" not in html
