"""Test environment: dummy AWS credentials, no real AWS, Django set up after the environment is set."""

from __future__ import annotations

import os
import tempfile

# Before anything reads settings or creates a boto3 client: nothing may reach real AWS.
for _name in ("AWS_PROFILE", "AWS_LAMBDA_FUNCTION_NAME", "DYNAMODB_ENDPOINT_URL", "USE_REAL_AWS", "AWS_CONFIG_FILE"):
    os.environ.pop(_name, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-0123456789abcdef",
        "DYNAMODB_TABLE": "notes-test",
        "LOCAL_DATA_DIR": tempfile.mkdtemp(prefix="notes-test-local-"),
        "DJANGO_SETTINGS_MODULE": "console.settings",
    }
)

import django  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402  (imported before any client exists, so moto sees them all)

django.setup()

from console import dynamodb  # noqa: E402


@pytest.fixture
def aws():
    """moto in-process for every AWS service, with the app's table created."""
    with mock_aws():
        dynamodb.reset_client()
        dynamodb.create_table()
        yield
    dynamodb.reset_client()


@pytest.fixture
def ddb_calls(aws):
    """Counts DynamoDB operations by name through a botocore event hook on the app's client."""
    calls: list[str] = []

    def record(event_name: str, **_: object) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    events = dynamodb.client().meta.events
    events.register("before-call.dynamodb.*", record)
    yield calls
    events.unregister("before-call.dynamodb.*", record)
