"""tests/aws_calls.py: whose call a botocore call is, told from the stack (see that module)."""

from __future__ import annotations

import json
import os

import pytest

from console.aws import dynamodb
from console.health import aws as health_aws
from tests import aws_calls


def recorded_here(who: str = "") -> set[tuple[str, str, str, str]]:
    """What this test recorded (the `aws` fixture's create_table is the operator's)."""
    test = os.environ["PYTEST_CURRENT_TEST"].rsplit(" (", 1)[0]
    return {key for key, tests in aws_calls._recorded.items() if test in tests and key[0] == (who or key[0])}


def test_a_tests_own_call_through_the_apps_client_is_not_recorded(aws):
    dynamodb.client().put_item(TableName=dynamodb.table_name(), Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    health_aws.client("logs").create_log_group(logGroupName="/aws/lambda/recorder-test")

    assert recorded_here("function") == set()


def test_the_apps_call_is_the_functions_with_its_iam_action_and_resource(aws):
    from console.health.gateway import NotFound

    with pytest.raises(NotFound):
        health_aws.AwsGateway("recorder-test").configuration()

    assert recorded_here("function") == {
        (
            "function",
            "lambda.GetFunction",
            "lambda:GetFunction",
            "arn:aws:lambda:{region}:{account}:function:{function}",
        )
    }


def test_a_call_under_an_operator_entry_point_is_the_operators(aws):
    dynamodb.create_table(name="recorder-test", wait=False)

    assert (
        "operator",
        "dynamodb.CreateTable",
        "dynamodb:CreateTable",
        "arn:aws:dynamodb:{region}:{account}:table/{table}",
    ) in recorded_here()
    assert recorded_here("function") == set()


def test_a_secret_read_is_recorded_though_it_is_no_botocore_client(monkeypatch):
    from console.aws import secrets as aws_secrets

    monkeypatch.setattr(aws_secrets, "_send", lambda request: (200, b'{"Parameter": {"Value": "v"}}'))
    aws_secrets.read_parameter("/notes-console/dev/secret-key")

    assert recorded_here() == {
        ("function", "ssm.GetParameter", "ssm:GetParameter", "arn:aws:ssm:{region}:{account}:parameter{parameter}")
    }


def test_the_session_check_names_a_call_missing_from_the_catalogue_and_a_stale_entry(tmp_path, monkeypatch):
    catalogue = tmp_path / "aws_calls.json"
    stale = {
        "who": "function",
        "call": "dynamodb.GetItem",
        "action": "dynamodb:GetItem",
        "resource": "r",
        "made_by": "tests/x.py::test_gone",
    }
    catalogue.write_text(json.dumps({"calls": [stale]}))
    monkeypatch.setattr(aws_calls, "CATALOGUE", catalogue)
    monkeypatch.setattr(
        aws_calls, "_recorded", {("function", "dynamodb.Scan", "dynamodb:Scan", "r"): {"tests/x.py::t"}}
    )
    monkeypatch.setattr(aws_calls, "_passed", {"tests/x.py::test_gone"})
    monkeypatch.setattr(aws_calls, "_unknown", {})

    problems = aws_calls.check(update=False)

    assert len(problems) == 2
    assert problems[0].startswith("not in tests/aws_calls.json") and '"dynamodb.Scan"' in problems[0]
    assert problems[1].startswith("tests/aws_calls.json lists a call its made_by test no longer makes")

    assert aws_calls.check(update=True) == []
    assert [e["call"] for e in json.loads(catalogue.read_text())["calls"]] == ["dynamodb.Scan"]


def test_an_entry_whose_test_did_not_run_is_kept(tmp_path, monkeypatch):
    catalogue = tmp_path / "aws_calls.json"
    entry = {
        "who": "function",
        "call": "dynamodb.GetItem",
        "action": "dynamodb:GetItem",
        "resource": "r",
        "made_by": "tests/x.py::test_not_run",
    }
    catalogue.write_text(json.dumps({"calls": [entry]}))
    monkeypatch.setattr(aws_calls, "CATALOGUE", catalogue)
    monkeypatch.setattr(aws_calls, "_recorded", {})
    monkeypatch.setattr(aws_calls, "_passed", set())
    monkeypatch.setattr(aws_calls, "_unknown", {})

    assert aws_calls.check(update=False) == []
