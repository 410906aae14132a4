"""The benchmark's bare hello app: one view, and one that does what any DynamoDB-backed page must."""

from __future__ import annotations

import json
import os

from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


def hello_dynamodb(request: HttpRequest) -> HttpResponse:
    """A botocore DynamoDB client (from one botocore session, as the app makes it) and the calls the app's
    signed-in list page makes (a GetItem for the session, a Query for the notes), replayed from
    HELLO_DYNAMODB_CALLS: the floor of a page that reads a session and a list."""
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name=os.environ["AWS_REGION"], config=Config(retries={"mode": "standard"})
    )
    items = 0
    for call in json.loads(os.environ["HELLO_DYNAMODB_CALLS"]):
        operation = "".join("_" + c.lower() if c.isupper() else c for c in call["operation"]).lstrip("_")
        answer = getattr(client, operation)(**call["params"])
        items += len(answer.get("Items", [])) + (1 if answer.get("Item") else 0)
    return HttpResponse(f"Hello, {items} items")


urlpatterns = [path("", hello), path("dynamodb/", hello_dynamodb)]
