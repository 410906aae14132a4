"""Where the secret key comes from: SSM Parameter Store or Secrets Manager (moto), else the environment,
else (off Lambda) a generated local key; on Lambda without one the app refuses to start."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured

from console.aws import secrets as aws_secrets
from console.secret_key import MISSING_ON_LAMBDA, load_secret_key

PARAMETER = "/notes-console/dev/secret-key"
KEY = "k3y-from-ssm-" + "x" * 50


@pytest.fixture
def no_configured_key(monkeypatch):
    for name in ("DJANGO_SECRET_KEY", "SECRET_KEY_PARAMETER", "SECRET_KEY_SECRET_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stores(moto_server, no_configured_key, monkeypatch):
    """SSM and Secrets Manager on moto's server, where console/aws/secrets.py sends its requests."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_server)
    kwargs = {"region_name": "us-east-1", "endpoint_url": moto_server}
    return boto3.client("ssm", **kwargs), boto3.client("secretsmanager", **kwargs)


@pytest.fixture
def ssm(stores):
    return stores[0]


@pytest.fixture
def secretsmanager(stores):
    return stores[1]


def critical_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "console.secret_key" and r.levelno == logging.CRITICAL]


def test_it_reads_the_key_from_an_ssm_secure_string(ssm, monkeypatch, tmp_path):
    ssm.put_parameter(Name=PARAMETER, Value=KEY, Type="SecureString", Overwrite=True)
    monkeypatch.setenv("SECRET_KEY_PARAMETER", PARAMETER)

    assert load_secret_key(on_lambda=True, local_dir=tmp_path) == KEY
    assert not (tmp_path / "secret_key").exists()


def test_it_prefers_the_parameter_to_django_secret_key(ssm, monkeypatch, tmp_path):
    ssm.put_parameter(Name=PARAMETER, Value=KEY, Type="SecureString", Overwrite=True)
    monkeypatch.setenv("SECRET_KEY_PARAMETER", PARAMETER)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "from-the-environment")

    assert load_secret_key(on_lambda=True, local_dir=tmp_path) == KEY


def test_it_reads_the_key_from_secrets_manager(secretsmanager, monkeypatch, tmp_path):
    secretsmanager.create_secret(Name="notes-console/dev/secret-key", SecretString=KEY)
    monkeypatch.setenv("SECRET_KEY_SECRET_ID", "notes-console/dev/secret-key")

    assert load_secret_key(on_lambda=True, local_dir=tmp_path) == KEY


def test_it_refuses_to_start_on_lambda_without_a_configured_key(no_configured_key, tmp_path, caplog):
    with pytest.raises(ImproperlyConfigured) as raised:
        load_secret_key(on_lambda=True, local_dir=tmp_path)

    assert str(raised.value) == MISSING_ON_LAMBDA
    assert "SECRET_KEY_PARAMETER" in MISSING_ON_LAMBDA
    assert critical_lines(caplog) == [MISSING_ON_LAMBDA]
    assert "\n" not in MISSING_ON_LAMBDA
    assert not (tmp_path / "secret_key").exists()  # never a generated key on Lambda


def test_it_refuses_to_start_when_the_parameter_does_not_exist(ssm, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("SECRET_KEY_PARAMETER", "/notes-console/nowhere/secret-key")

    with pytest.raises(ImproperlyConfigured, match="ParameterNotFound"):
        load_secret_key(on_lambda=True, local_dir=tmp_path)

    [line] = critical_lines(caplog)
    assert "/notes-console/nowhere/secret-key" in line and "ParameterNotFound" in line


def test_it_refuses_to_start_when_the_function_may_not_read_the_parameter(
    no_configured_key, monkeypatch, tmp_path, caplog
):
    denied = json.dumps({"__type": "AccessDeniedException", "message": "not authorized to perform ssm:GetParameter"})
    monkeypatch.setattr(aws_secrets, "_send", lambda request: (400, denied.encode()))
    monkeypatch.setenv("SECRET_KEY_PARAMETER", PARAMETER)

    with pytest.raises(ImproperlyConfigured, match="AccessDeniedException"):
        load_secret_key(on_lambda=True, local_dir=tmp_path)

    assert critical_lines(caplog) == [
        f"The secret key could not be read: SSM parameter {PARAMETER} could not be read (AccessDeniedException)."
    ]


def test_it_refuses_an_empty_secret(secretsmanager, monkeypatch, tmp_path):
    secretsmanager.create_secret(Name="blank", SecretString="  ")
    monkeypatch.setenv("SECRET_KEY_SECRET_ID", "blank")

    with pytest.raises(ImproperlyConfigured, match="empty"):
        load_secret_key(on_lambda=True, local_dir=tmp_path)


def test_it_refuses_two_configured_stores(no_configured_key, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_PARAMETER", PARAMETER)
    monkeypatch.setenv("SECRET_KEY_SECRET_ID", "notes-console/dev/secret-key")

    with pytest.raises(ImproperlyConfigured, match="only one"):
        load_secret_key(on_lambda=False, local_dir=tmp_path)


def test_it_says_which_parameter_is_empty(ssm, monkeypatch, tmp_path):
    ssm.put_parameter(Name="/notes-console/blank/secret-key", Value="   ", Type="SecureString")
    monkeypatch.setenv("SECRET_KEY_PARAMETER", "/notes-console/blank/secret-key")

    with pytest.raises(ImproperlyConfigured) as raised:
        load_secret_key(on_lambda=True, local_dir=tmp_path)

    assert str(raised.value) == "The secret key in /notes-console/blank/secret-key is empty."


def test_it_uses_django_secret_key_when_no_store_is_configured(no_configured_key, monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "from-the-environment-" + "e" * 40)

    assert load_secret_key(on_lambda=True, local_dir=tmp_path) == "from-the-environment-" + "e" * 40


@pytest.mark.parametrize(
    "weak",
    ["from-the-environment", "x" * 49, "ab" * 40, "django-insecure-" + "q1w2e3r4t5" * 5],
    ids=["20 characters", "49 characters", "2 different characters", "Django's insecure prefix"],
)
def test_it_refuses_a_weak_key_on_lambda(no_configured_key, monkeypatch, tmp_path, caplog, weak):
    monkeypatch.setenv("DJANGO_SECRET_KEY", weak)

    with pytest.raises(ImproperlyConfigured, match="too weak for Lambda"):
        load_secret_key(on_lambda=True, local_dir=tmp_path)
    assert weak not in caplog.text  # the refusal never logs the key
    assert load_secret_key(on_lambda=False, local_dir=tmp_path) == weak  # locally a short key is fine


def test_it_refuses_a_weak_key_from_ssm_on_lambda(ssm, monkeypatch, tmp_path):
    ssm.put_parameter(Name="/notes-console/weak/secret-key", Value="short", Type="SecureString", Overwrite=True)
    monkeypatch.setenv("SECRET_KEY_PARAMETER", "/notes-console/weak/secret-key")

    with pytest.raises(ImproperlyConfigured, match="/notes-console/weak/secret-key is too weak"):
        load_secret_key(on_lambda=True, local_dir=tmp_path)


def test_it_generates_and_keeps_a_local_key_off_lambda(no_configured_key, tmp_path):
    first = load_secret_key(on_lambda=False, local_dir=tmp_path)

    assert len(first) >= 50
    assert load_secret_key(on_lambda=False, local_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
