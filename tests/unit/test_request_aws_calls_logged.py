"""The request's own JSON line lists its DynamoDB calls (operation, table, start offset, duration, retries,
throttled), what the request page draws as its timeline. The calls go to a small local endpoint that answers
as DynamoDB does (its documented JSON error shape), so botocore's own retry loop runs."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from console import observability as obs
from console.aws import dynamodb

THROTTLED = {
    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "message": "The level of configured provisioned throughput for the table was exceeded.",
}


class _Dynamo(BaseHTTPRequestHandler):
    """Throttles the first GetItem, then answers; Query answers at once."""

    answered: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        op = self.headers["X-Amz-Target"].rsplit(".", 1)[-1]
        self.answered.append(op)
        throttle = op == "GetItem" and self.answered.count("GetItem") == 1
        body = json.dumps(THROTTLED if throttle else {"Items": [], "Count": 0} if op == "Query" else {}).encode()
        self.send_response(400 if throttle else 200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(settings):
    _Dynamo.answered = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Dynamo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.DYNAMODB_ENDPOINT_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.AWS_MAX_ATTEMPTS = 3
    dynamodb.reset_client()
    yield
    dynamodb.reset_client()
    server.shutdown()


@pytest.fixture
def request_lines():
    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(obs.JsonFormatter().format(record)))

    handler = Collect()
    logger = logging.getLogger(obs.REQUEST_LOGGER)
    logger.addHandler(handler)
    obs.reset_buffers()
    yield lines
    logger.removeHandler(handler)
    obs.reset_buffers()


def _view(request):
    dynamodb.call(
        "query",
        TableName="notes",
        IndexName="by_updated",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "USER#1"}},
    )
    dynamodb.call("get_item", TableName="notes", Key={"pk": {"S": "USER#1"}, "sk": {"S": "NOTE#1"}})
    return HttpResponse("ok")


def test_it_logs_each_call_with_its_start_duration_retries_and_throttling(endpoint, request_lines):
    obs.RequestLogMiddleware(_view)(RequestFactory().get("/notes/"))

    (line,) = request_lines
    query, get = line["aws_calls"]
    assert (query["op"], query["resource"], query["retries"], query["throttled"]) == (
        "Query",
        "notes / by_updated",
        0,
        False,
    )
    assert (get["op"], get["resource"], get["retries"], get["throttled"]) == ("GetItem", "notes", 1, True)
    assert 0 <= query["start_ms"] <= query["start_ms"] + query["ms"] <= get["start_ms"] <= line["duration_ms"]
    assert get["ms"] > 0 and "error" not in get  # the retry answered
    assert line["db_calls"] == 2 and _Dynamo.answered == ["Query", "GetItem", "GetItem"]


def test_a_call_that_fails_for_good_says_its_error(endpoint, request_lines, settings):
    settings.AWS_MAX_ATTEMPTS = 1
    dynamodb.reset_client()

    def view(request):
        with pytest.raises(dynamodb.StoreUnavailable):
            dynamodb.call("get_item", TableName="notes", Key={"pk": {"S": "a"}, "sk": {"S": "b"}})
        return HttpResponse("ok")

    obs.RequestLogMiddleware(view)(RequestFactory().get("/"))
    (call,) = request_lines[0]["aws_calls"]
    assert call["error"] == "ProvisionedThroughputExceededException" and call["throttled"] and call["retries"] == 0


def test_a_request_without_calls_logs_no_list(request_lines):
    obs.RequestLogMiddleware(lambda r: HttpResponse("ok"))(RequestFactory().get("/"))
    assert "aws_calls" not in request_lines[0] and request_lines[0]["db_calls"] == 0
