"""Helpers shared by the account tests."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from console.aws import dynamodb


def session_item(key: str):
    return (
        dynamodb.client()
        .get_item(
            TableName=dynamodb.table_name(),
            Key={"pk": {"S": f"SESSION#{key}"}, "sk": {"S": "SESSION"}},
            ConsistentRead=True,
        )
        .get("Item")
    )


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(key: str) -> Client:
    """A fresh client that presents an old session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client
