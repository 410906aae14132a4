"""Fixtures the integration tests share (the personas and the moto table are in tests/conftest.py)."""

import pytest
from django.test import Client

from accounts.services import token_create
from tests.cloudwatch_filter import moto_follows_cloudwatch
from tests.integration.note_repository_support import repo_for


@pytest.fixture
def api():
    """api(user) -> a Client sending a fresh personal API token of that user."""

    def make(user, **kwargs):
        _, secret = token_create(user=user, name="tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    return make


@pytest.fixture
def alice_api(alice, api):
    return api(alice)


@pytest.fixture(params=["memory", "dynamodb"])
def repo(request):
    """For the repository contract suites: each case runs on the fake and on the DynamoDB adapter (moto)."""
    return repo_for(request)


@pytest.fixture
def cloudwatch_patterns(monkeypatch):
    """moto's FilterLogEvents matches everything for ?/-/% patterns: use CloudWatch's documented rules."""
    moto_follows_cloudwatch(monkeypatch)
