"""Helpers shared by the notes page tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.awsrequest import AWSResponse

from console.aws import dynamodb
from notes import services

HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str = "", current_url: str = "") -> dict[str, str]:
    headers = dict(HTMX)
    if target:
        headers["HTTP_HX_TARGET"] = target
    if current_url:
        headers["HTTP_HX_CURRENT_URL"] = f"http://testserver{current_url}"
    return headers


def make_note(user, **data):
    """A note as the page would make it, indexed as the table's stream would index it a moment later."""
    from notes import wiring

    data.setdefault("title", "A note")
    note = services.note_create(user_id=user.id, data=data)
    wiring.note_repository().index_note(note)
    return note


def form(note=None, **overrides) -> dict[str, object]:
    """A complete edit form for `note` (or an empty create form), as a browser would post it."""
    values: dict[str, object] = {"title": "", "content": "", "new_labels": ""}
    if note is not None:
        values.update(title=note.title, content=note.content, labels=list(note.labels), version=note.version)
        for flag in ("important", "completed", "pinned", "archived"):
            if getattr(note, flag):
                values[flag] = "on"
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def text(response) -> str:
    return response.content.decode()


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


@contextmanager
def dynamodb_outage() -> Iterator[list[str]]:
    """Every DynamoDB call except the session's fails as an outage would (HTTP 500). Done at the edge, by a
    botocore hook answering instead of the network, so there are no retries and no sleeps."""
    failed: list[str] = []

    def answer(params, model, **_: object):
        if b"SESSION#" in params.get("body", b""):
            return None
        failed.append(model.name)
        http = AWSResponse(url="https://dynamodb.invalid/", status_code=500, headers={}, raw=None)
        return http, {
            "Error": {"Code": "InternalServerError", "Message": "simulated outage"},
            "ResponseMetadata": {"HTTPStatusCode": 500},
        }

    events = dynamodb.client().meta.events
    events.register_first("before-call.dynamodb.*", answer)
    try:
        yield failed
    finally:
        events.unregister("before-call.dynamodb.*", answer)


class CorrelationIdForTests:
    """Stands in for the site's correlation-id middleware: copies X-Correlation-Id onto the request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.correlation_id = request.headers.get("X-Correlation-Id", "")
        return self.get_response(request)


def stream_records() -> list[dict]:
    """Every record on the table's stream (moto, from the start), in the Lambda event's shape."""
    import boto3

    # botocore's default account-based streams endpoint is unknown to moto; name the regional one.
    streams = boto3.client(
        "dynamodbstreams", region_name="us-east-1", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com"
    )
    arn = dynamodb.client().describe_table(TableName=dynamodb.table_name())["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.extend(streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])
    for record in records:  # the Lambda event shape carries the source ARN on each record
        record["eventSourceARN"] = arn
    return records


def feed_stream() -> None:
    """Play Lambda's stream trigger once: the stream's records go to the stream handler, which records
    versions idempotently."""
    from notes import events

    assert events.handle_stream({"Records": stream_records()}) == {"batchItemFailures": []}
