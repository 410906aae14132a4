"""`manage.py create_table`: a stage's table on AWS gets deletion protection and point-in-time recovery."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command

from console.aws import dynamodb


@pytest.fixture
def no_table(aws):
    dynamodb.client().delete_table(TableName=dynamodb.table_name())


def protection(name: str) -> tuple[bool, str]:
    ddb = dynamodb.client()
    table = ddb.describe_table(TableName=name)["Table"]
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    return table["DeletionProtectionEnabled"], backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]


def test_it_turns_deletion_protection_and_point_in_time_recovery_on(no_table, capsys):
    call_command("create_table")

    assert protection(dynamodb.table_name()) == (True, "ENABLED")
    assert "with deletion protection and point-in-time recovery" in capsys.readouterr().out


def test_a_protected_table_refuses_to_be_deleted(no_table):
    call_command("create_table")

    with pytest.raises(ClientError) as refused:
        dynamodb.client().delete_table(TableName=dynamodb.table_name())
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_a_dev_table_may_opt_out(no_table):
    call_command("create_table", "--unprotected")

    assert protection(dynamodb.table_name()) == (False, "DISABLED")


def test_a_local_endpoint_gets_neither(no_table, settings):
    # DynamoDB Local and the embedded endpoint hold nothing worth protecting (and some lack PITR).
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:1"  # never contacted: the client below is moto's
    calls = []
    original = dynamodb.create_table

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    from console.management.commands import create_table as command

    command.dynamodb.create_table = spy
    try:
        call_command("create_table")
    finally:
        command.dynamodb.create_table = original

    assert calls == [{"name": dynamodb.table_name(), "protect": False}]
