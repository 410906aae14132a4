"""Test environment: dummy AWS credentials, no real AWS, Django set up after the environment is set."""

from __future__ import annotations

import os
import tempfile

# Before anything reads settings or creates a boto3 client: nothing may reach real AWS.
for _name in (
    "AWS_PROFILE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "DYNAMODB_ENDPOINT_URL",
    "USE_REAL_AWS",
    "AWS_CONFIG_FILE",
    "SECRET_KEY_PARAMETER",
    "SECRET_KEY_SECRET_ID",
):
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


def _refuse_real_aws(request, **_: object) -> None:
    """In botocore's before-send chain after moto's handler (botocore calls every handler and takes
    the first answer): refuses a request to AWS when no moto mock is active. A botocore Stubber
    answers earlier (before-call), so its requests never get here."""
    from urllib.parse import urlparse

    from moto.core.models import botocore_stubber

    if botocore_stubber.enabled:
        return None
    host = urlparse(request.url).hostname or ""
    if host.endswith(".amazonaws.com") or host.endswith(".api.aws"):
        raise RuntimeError(f"a test tried to call real AWS ({request.url}); use the `aws` fixture or a Stubber")


import botocore.handlers  # noqa: E402
import moto.core.models  # noqa: E402, F401

botocore.handlers.BUILTIN_HANDLERS.append(("before-send", _refuse_real_aws))

# Every AWS call of the app's own code, for the IAM policy test (tests/aws_calls.py explains what counts).
from tests import aws_calls  # noqa: E402

botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build", aws_calls.botocore_handler))
aws_calls.wrap_secret_reads()


def pytest_configure(config) -> None:
    config.pluginmanager.register(aws_calls.Plugin(), "aws-calls")


from django.conf import settings as _settings  # noqa: E402

# Hashing with the production work factor costs ~0.5 s a password; tests use a fast hasher.
_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from console.aws import dynamodb  # noqa: E402


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


# --- personas: alice owns notes, bob is another user, admin runs the console -----------------------
PASSWORD = "correct horse battery staple"


def _make_user(username: str, *, is_admin: bool = False):
    from accounts.services import user_create

    return user_create(username=username, password=PASSWORD, is_admin=is_admin)


@pytest.fixture
def alice(aws):
    return _make_user("alice")


@pytest.fixture
def bob(aws):
    return _make_user("bob")


@pytest.fixture
def admin(aws):
    return _make_user("admin", is_admin=True)


def session_client(user, **client_kwargs):
    """A Django test Client signed in as `user`, with a real DynamoDB session of its own."""
    from django.conf import settings
    from django.test import Client

    from accounts.auth import store_user_in_session
    from accounts.sessions import SessionStore, remember_user_session

    session = SessionStore()
    store_user_in_session(session, user)
    session.save()
    remember_user_session(user_id=user.id, session_key=session.session_key)
    client = Client(**client_kwargs)
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture
def client_for(aws):
    """client_for(user) -> a Django test Client signed in as that user (a real DynamoDB session)."""
    return session_client


@pytest.fixture
def dynamodb_outage(aws):
    """dynamodb_outage() makes every later DynamoDB call fail as if the endpoint were unreachable
    (raised before botocore sends anything, so no retries or timeouts slow the test)."""
    from botocore.exceptions import EndpointConnectionError

    events = dynamodb.client().meta.events

    def fail(**_: object) -> None:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    yield lambda: events.register("before-call.dynamodb.*", fail)
    events.unregister("before-call.dynamodb.*", fail)


@pytest.fixture
def steady_clock(monkeypatch):
    """Pins the throttle's clock 30 s into a 15-minute window, so no test straddles a window boundary."""
    from accounts import throttle

    now = (1_800_000_000 // 900) * 900 + 30
    monkeypatch.setattr(throttle, "_now", lambda: now)
    return now


@pytest.fixture(scope="session")
def moto_server():
    """moto's server on a free 127.0.0.1 port, for code that speaks HTTP to AWS without a boto3 client
    (console/aws/secrets.py) and for subprocesses. Yields its URL; state lasts the session, so use unique names."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(aws):
    """The attachments bucket on moto, set up as `manage.py create_bucket` does."""
    from console.aws import s3

    s3.reset_client()
    s3.create_bucket(origins=["https://notes.example.com"])
    yield s3.bucket_name()
    s3.reset_client()


@pytest.fixture
def fresh_buffers():
    """The request and log buffers the console's local mode reads, empty before and after the test."""
    from console import observability

    observability.reset_buffers()
    yield
    observability.reset_buffers()
