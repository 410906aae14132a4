"""The first admin, made through the function itself: Zappa's `manage` event runs createuser, which reads
the password from an SSM SecureString (no terminal on Lambda, and nothing secret in the invocation)."""

from __future__ import annotations

import boto3
import pytest
from django.core.management import CommandError, call_command

from accounts.services import user_authenticate
from console.aws import secrets as aws_secrets

PARAMETER = "/notes-console/dev/first-admin-password"


@pytest.fixture
def ssm(moto_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto_server)
    monkeypatch.setattr(aws_secrets, "RETRY_PAUSES", (0, 0))
    client = boto3.client("ssm", region_name="us-east-1", endpoint_url=moto_server)
    yield client
    client.delete_parameters(Names=[PARAMETER])


def test_the_manage_event_creates_the_first_admin_from_an_ssm_password(aws, lambda_app, ssm, capsys):
    ssm.put_parameter(Name=PARAMETER, Value="a long first-admin passphrase", Type="SecureString", Overwrite=True)

    lambda_app.invoke({"manage": f"createuser root --admin --password-parameter {PARAMETER}"})

    user = user_authenticate(username="root", password="a long first-admin passphrase")
    assert user.is_admin
    assert "a long first-admin passphrase" not in capsys.readouterr().out


def test_a_missing_parameter_is_a_clear_command_error(aws, ssm):
    with pytest.raises(CommandError, match="Could not read the password"):
        call_command("createuser", "root", "--admin", "--password-parameter", "/notes-console/dev/nothing-here")


def test_it_takes_the_password_one_way_only(aws, ssm):
    with pytest.raises(CommandError, match="one way"):
        call_command("createuser", "root", "--password-stdin", "--password-parameter", PARAMETER)
