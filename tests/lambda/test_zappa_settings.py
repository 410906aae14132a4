"""zappa_settings.json and the IAM policies: what each stage deploys, and that it grants only what the
app uses, on the stage's own resources."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGES = json.loads((REPO_ROOT / "zappa_settings.json").read_text())
# API Gateway's integration timeout is 29 s: a longer function would answer nobody.
API_GATEWAY_TIMEOUT = 29
TABLE_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
}
# Actions AWS does not scope to a resource: "*" is the only possible resource for them.
NO_RESOURCE_LEVEL = {
    "cloudwatch:GetMetricData",
    "logs:GetQueryResults",
    "lambda:ListEventSourceMappings",
    "events:ListRules",
    "dynamodb:ListStreams",
    # the Checks page: they list by filter and take no resource-level grant
    "logs:DescribeLogGroups",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeRouteTables",
}
STREAM_READS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}


def config(stage: str) -> dict:
    entry = dict(STAGES[stage])
    parent = entry.pop("extends", None)
    return {**STAGES[parent], **entry} if parent else entry


def policy(stage: str) -> dict:
    return json.loads((REPO_ROOT / config(stage)["attach_policy"]).read_text())


def statements_for(stage: str, action: str) -> list[dict]:
    return [s for s in policy(stage)["Statement"] if action in s["Action"]]


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_there_are_dev_and_prod_stages():
    assert set(STAGES) == {"dev", "prod"}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_stage_runs_the_django_app_as_packaged(stage):
    c = config(stage)

    assert c["django_settings"] == "console.settings"
    assert c["runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"  # the Python that packages it
    assert c["timeout_seconds"] < API_GATEWAY_TIMEOUT
    assert c["memory_size"] >= 512
    assert c["use_precompiled_packages"] is False  # no PyPI lookups while packaging
    assert c["log_level"] != "DEBUG" and c["debug"] is False  # DEBUG logs every event, bodies included
    assert isinstance(c["keep_warm"], bool)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_stage_has_its_own_table_and_secret(stage):
    env = config(stage)["environment_variables"]

    assert env["DYNAMODB_TABLE"] == f"notes-console-{stage}"
    assert env["SECRET_KEY_PARAMETER"] == f"/notes-console/{stage}/secret-key"
    assert "DJANGO_SECRET_KEY" not in env  # never a literal in a file


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_package_leaves_out_what_lambda_does_not_need(stage):
    c = config(stage)
    excluded = set(c["exclude"]) | set(c["exclude_glob"])

    assert {"boto3", "botocore", "s3transfer", "tests", "bench", ".venv", ".local", "console/deploy"} <= excluded


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_zip_callback_exists(stage):
    module, function = config(stage)["callbacks"]["zip"].rsplit(".", 1)

    assert callable(getattr(importlib.import_module(module), function))


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_grants_the_stage_table_and_its_indexes_only(stage):
    [statement] = statements_for(stage, "dynamodb:GetItem")
    table = f"arn:aws:dynamodb:us-east-1:*:table/notes-console-{stage}"

    assert set(statement["Action"]) == TABLE_ACTIONS  # no Scan, no table management
    assert sorted(as_list(statement["Resource"])) == sorted([table, f"{table}/index/*"])


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_reads_only_the_stage_secret_and_first_admin_password(stage):
    [statement] = statements_for(stage, "ssm:GetParameter")
    name = config(stage)["environment_variables"]["SECRET_KEY_PARAMETER"]

    assert statement["Action"] == ["ssm:GetParameter"]
    assert as_list(statement["Resource"]) == [
        f"arn:aws:ssm:us-east-1:*:parameter{name}",
        f"arn:aws:ssm:us-east-1:*:parameter/notes-console/{stage}/first-admin-password",
    ]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_sends_mail_only_from_the_stages_address(stage):
    [statement] = statements_for(stage, "ses:SendEmail")
    address = config(stage)["environment_variables"]["EMAIL_FROM"]

    assert statement["Action"] == ["ses:SendEmail"]  # not SendRawEmail, not on another identity
    assert as_list(statement["Resource"]) == [f"arn:aws:ses:us-east-1:*:identity/{address}"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_reads_only_its_own_function_and_log_group(stage):
    function = f"arn:aws:lambda:us-east-1:*:function:notes-console-{stage}"
    group = f"arn:aws:logs:us-east-1:*:log-group:/aws/lambda/notes-console-{stage}"
    [lambda_reads] = statements_for(stage, "lambda:GetFunction")
    [log_reads] = statements_for(stage, "logs:FilterLogEvents")

    assert lambda_reads["Action"] == [
        "lambda:GetFunction",
        "lambda:ListVersionsByFunction",
        "lambda:GetFunctionUrlConfig",
        "lambda:GetFunctionEventInvokeConfig",  # the Checks page and the asynchronous invocations page
    ]  # named, no GetFunction* family
    assert as_list(lambda_reads["Resource"]) == [function]
    assert set(log_reads["Action"]) == {"logs:FilterLogEvents", "logs:StartQuery"}
    assert set(as_list(log_reads["Resource"])) == {group, f"{group}:*"}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_uses_a_wildcard_resource_only_where_aws_has_no_other(stage):
    for statement in policy(stage)["Statement"]:
        assert statement["Effect"] == "Allow"
        assert not any(action.endswith(":*") or action == "*" for action in statement["Action"]), statement
        if "*" in as_list(statement["Resource"]):
            assert set(statement["Action"]) <= NO_RESOURCE_LEVEL, statement


@pytest.mark.parametrize(("stage", "other"), [("dev", "prod"), ("prod", "dev")])
def test_a_stage_cannot_reach_the_other_stage(stage, other):
    assert f"notes-console-{other}" not in json.dumps(policy(stage))
    assert f"/notes-console/{other}/" not in json.dumps(policy(stage))


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_scheduled_function_exists(stage):
    for event in config(stage).get("events", []):
        module, function = event["function"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), function)), event


def grants(stage: str, action: str) -> bool:
    """Whether some statement allows `action` (IAM's trailing-* wildcards included)."""
    from fnmatch import fnmatchcase

    return any(fnmatchcase(action, granted) for s in policy(stage)["Statement"] for granted in s["Action"])


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_grants_every_call_the_console_makes(stage):
    from console.aws.translation import IAM_ACTIONS

    assert [action for action in IAM_ACTIONS.values() if not grants(stage, action)] == []


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_policy_lets_lambda_read_only_the_stage_table_stream(stage):
    [statement] = statements_for(stage, "dynamodb:GetRecords")

    assert set(statement["Action"]) == STREAM_READS
    assert as_list(statement["Resource"]) == [f"arn:aws:dynamodb:us-east-1:*:table/notes-console-{stage}/stream/*"]
    # ListStreams takes no resource: IAM accepts only "*" for it.
    [listing] = statements_for(stage, "dynamodb:ListStreams")
    assert (listing["Action"], listing["Resource"]) == (["dynamodb:ListStreams"], "*")


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_console_reads_only_its_own_api_stack(stage):
    [statement] = statements_for(stage, "cloudformation:DescribeStackResource")

    assert as_list(statement["Resource"]) == [f"arn:aws:cloudformation:us-east-1:*:stack/notes-console-{stage}/*"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_stage_schedules_the_daily_purge_in_its_own_events(stage):
    # Its own list: a stage that inherited another's `events` would also inherit its stream route.
    assert "events" in STAGES[stage]
    schedules = [e for e in STAGES[stage]["events"] if e.get("expression")]
    assert schedules == [{"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"}]
