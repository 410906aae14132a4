"""console/aws/secrets.py: signed requests to SSM and Secrets Manager (moto's server), retries and errors."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import settings as moto_settings
from moto.core.authorization import ActionAuthenticatorMixin

from console.aws import secrets as aws_secrets
from console.aws.errors import SecretUnavailable
from console.aws.secrets import endpoint_url, read_parameter, read_secret


@pytest.fixture
def endpoints(moto_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_server)
    monkeypatch.setattr(aws_secrets, "RETRY_PAUSES", (0, 0))
    return moto_server


@pytest.fixture
def ssm(endpoints):
    return boto3.client("ssm", region_name="us-east-1", endpoint_url=endpoints)


class Recorder:
    """Stands in for the HTTP edge: answers from a script and keeps the requests."""

    def __init__(self, *answers: tuple[int, dict] | Exception) -> None:
        self.answers = list(answers)
        self.requests: list = []

    def __call__(self, request):
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return status, json.dumps(body).encode()


@pytest.fixture
def edge(monkeypatch):
    def install(*answers):
        recorder = Recorder(*answers)
        monkeypatch.setattr(aws_secrets, "_send", recorder)
        monkeypatch.setattr(aws_secrets, "RETRY_PAUSES", (0, 0))
        return recorder

    return install


def test_it_reads_and_decrypts_a_secure_string(ssm):
    ssm.put_parameter(Name="/secrets-test/secure", Value="s3cr3t", Type="SecureString")

    assert read_parameter("/secrets-test/secure") == "s3cr3t"


def test_it_reads_a_secrets_manager_string(endpoints):
    boto3.client("secretsmanager", region_name="us-east-1", endpoint_url=endpoints).create_secret(
        Name="aws-secrets/plain", SecretString="s3cr3t"
    )

    assert read_secret("aws-secrets/plain") == "s3cr3t"


def test_it_names_the_missing_parameter(endpoints):
    with pytest.raises(
        SecretUnavailable, match=r"SSM parameter /secrets-test/none could not be read \(ParameterNotFound\)"
    ):
        read_parameter("/secrets-test/none")


def test_it_signs_requests_that_aws_verifies(ssm, endpoints, monkeypatch):
    # moto checks SigV4 signatures and IAM policies once its auth is on.
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoints)
    ssm.put_parameter(Name="/secrets-test/signed", Value="s3cr3t", Type="SecureString", Overwrite=True)

    def user(name: str, action: str) -> tuple[str, str]:
        iam.create_user(UserName=name)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName="only", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    reader, other = user("aws-secrets-reader", "ssm:GetParameter"), user("aws-secrets-other", "dynamodb:GetItem")
    monkeypatch.setattr(moto_settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)

    def as_user(access_key: str, secret_key: str) -> str:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
        return read_parameter("/secrets-test/signed")

    assert as_user(*reader) == "s3cr3t"
    with pytest.raises(SecretUnavailable, match="AccessDenied"):
        as_user(*other)
    with pytest.raises(SecretUnavailable):
        as_user(reader[0], "not-the-secret-key")  # a bad signature


def test_it_sends_the_session_token_and_the_operation(edge, monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "the-session-token")
    recorder = edge((200, {"Parameter": {"Value": "v"}}))

    read_parameter("/secrets-test/x")

    [request] = recorder.requests
    assert request.headers["X-Amz-Target"] == "AmazonSSM.GetParameter"
    assert request.headers["X-Amz-Security-Token"] == "the-session-token"
    assert "/us-east-1/ssm/aws4_request" in request.headers["Authorization"]
    assert json.loads(request.data) == {"Name": "/secrets-test/x", "WithDecryption": True}


def test_it_retries_throttling_then_succeeds(edge):
    recorder = edge((400, {"__type": "ThrottlingException"}), (503, {}), (200, {"Parameter": {"Value": "v"}}))

    assert read_parameter("/secrets-test/x") == "v"
    assert len(recorder.requests) == 3


def test_it_gives_up_after_three_attempts(edge):
    from botocore.exceptions import EndpointConnectionError

    recorder = edge(*[EndpointConnectionError(endpoint_url="https://ssm.us-east-1.amazonaws.com/")] * 3)

    with pytest.raises(SecretUnavailable, match="EndpointConnectionError"):
        read_parameter("/secrets-test/x")
    assert len(recorder.requests) == 3


def test_it_does_not_retry_what_retrying_cannot_fix(edge):
    recorder = edge((400, {"__type": "com.amazonaws.ssm#AccessDeniedException", "message": "no"}))

    with pytest.raises(SecretUnavailable, match=r"\(AccessDeniedException\)"):
        read_parameter("/secrets-test/x")
    assert len(recorder.requests) == 1


def test_it_refuses_a_binary_secret(edge):
    edge((200, {"ARN": "arn", "SecretBinary": "AAEC"}))

    with pytest.raises(SecretUnavailable, match="binary"):
        read_secret("aws-secrets/binary")


def test_it_never_puts_the_value_in_an_error(edge):
    edge((500, {"__type": "InternalServerError", "message": "oops"}), (500, {}), (500, {}))

    with pytest.raises(SecretUnavailable) as raised:
        read_parameter("/secrets-test/x")
    assert str(raised.value) == "SSM parameter /secrets-test/x could not be read (HTTP 500)"


@pytest.mark.parametrize(
    ("env", "service", "region", "expected"),
    [
        ({}, "ssm", "eu-west-1", "https://ssm.eu-west-1.amazonaws.com/"),
        ({}, "secretsmanager", "cn-north-1", "https://secretsmanager.cn-north-1.amazonaws.com.cn/"),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, "ssm", "us-east-1", "http://127.0.0.1:4566"),
        ({"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.local"}, "secretsmanager", "us-east-1", "http://sm.local"),
    ],
)
def test_it_finds_the_endpoint_as_botocore_does(monkeypatch, env, service, region, expected):
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_SECRETS_MANAGER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert endpoint_url(service, region) == expected
