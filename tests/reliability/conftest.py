"""Fixtures of the reliability suites: the app against moto's server, faults at botocore's edge, clients."""

from __future__ import annotations

import threading
import uuid

import pytest

from console.aws import dynamodb
from tests.reliability.support import Faults, Store


@pytest.fixture(scope="module")
def served_table(moto_server):
    """A table of the module's own on moto's server (each test's users have names of their own)."""
    store = Store(endpoint=moto_server, table=f"reliability-{uuid.uuid4().hex[:12]}")
    store.client.create_table(**dynamodb.table_definition(store.table))
    yield store
    store.client.delete_table(TableName=store.table)


@pytest.fixture
def served(served_table, settings, monkeypatch):
    """The app's DynamoDB client pointed at moto's server (HTTP, as against a real endpoint), on the module's
    table. Retries keep the app's configuration (standard mode, AWS_MAX_ATTEMPTS) but do not sleep."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    settings.DYNAMODB_ENDPOINT_URL = served_table.endpoint
    settings.DYNAMODB_TABLE = served_table.table
    dynamodb.reset_client()
    yield served_table
    dynamodb.reset_client()


@pytest.fixture
def faults(served):
    """Faults injected into the app's DynamoDB client, before anything is sent (see support.Faults)."""
    injected = Faults(dynamodb.client())
    yield injected
    injected.close()


@pytest.fixture
def serialized_store(monkeypatch):
    """moto applies a conditional write in Python with no lock, so two of its server threads could both pass
    the same condition: a race DynamoDB does not have (it serializes writes to an item). One lock around
    moto's DynamoDB handler makes the server as linearizable as DynamoDB, so what a test sees is the app's
    doing. The app's requests stay concurrent."""
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    def call_action(self):
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)
