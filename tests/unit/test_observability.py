from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from console import observability as obs

pytestmark = pytest.mark.usefixtures("fresh_buffers")


@pytest.fixture
def captured():
    """JSON lines as the app's handler writes them (filter + formatter), from every logger."""
    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.addFilter(obs.CorrelationIdFilter())
    handler.setFormatter(obs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def run(request, view=None):
    def default(req):
        logging.getLogger("notes.views").info("inside the view")
        return HttpResponse("ok")

    return obs.RequestLogMiddleware(view or default)(request)


def test_it_uses_a_well_formed_client_header():
    request = RequestFactory().get("/notes/", HTTP_X_CORRELATION_ID="abc-123")
    response = run(request)
    assert request.correlation_id == "abc-123" and response["X-Correlation-Id"] == "abc-123"


@pytest.mark.parametrize("header", ["", "has space", "x" * 200, "<script>", "line\nbreak"])
def test_it_replaces_a_malformed_header_with_a_new_id(header):
    request = RequestFactory().get("/", HTTP_X_CORRELATION_ID=header)
    run(request)
    assert request.correlation_id != header and len(request.correlation_id) == 32


def test_without_a_header_it_uses_the_lambda_request_id_then_api_gateways():
    request = RequestFactory().get("/")
    request.META["lambda.context"] = SimpleNamespace(aws_request_id="8f5a3c2e-1b7d-4c11-9a0e-3f2b6d7e8a91")
    request.META["lambda.event"] = {"requestContext": {"requestId": "apigw-1"}}
    run(request)
    assert request.correlation_id == "8f5a3c2e-1b7d-4c11-9a0e-3f2b6d7e8a91"
    only_apigw = RequestFactory().get("/")
    only_apigw.META["lambda.event"] = {"requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}}
    run(only_apigw)
    assert only_apigw.correlation_id == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_every_line_carries_the_id_and_the_request_line_has_its_fields(captured):
    request = RequestFactory().get("/notes/?q=secret-token", HTTP_X_CORRELATION_ID="ref-9")
    request.META["lambda.context"] = SimpleNamespace(aws_request_id="lambda-req-1")
    seen_inside = []

    def view(req):
        seen_inside.append(obs.current_correlation_id())
        logging.getLogger("notes.views").warning("careful")
        return HttpResponse(status=201)

    run(request, view)
    assert seen_inside == ["ref-9"] and obs.current_correlation_id() == "-"
    app_line, request_line = captured[-2], captured[-1]
    assert app_line["correlation_id"] == "ref-9" and app_line["level"] == "WARNING"
    assert request_line["logger"] == "console.request" and request_line["correlation_id"] == "ref-9"
    assert (request_line["method"], request_line["path"], request_line["status"]) == ("GET", "/notes/", 201)
    assert request_line["cold_start"] is True and request_line["user"] is None
    assert request_line["lambda_request_id"] == "lambda-req-1"
    assert isinstance(request_line["duration_ms"], float)
    assert "secret-token" not in json.dumps(captured)  # the query string is never logged


def test_only_the_first_request_of_the_process_is_cold():
    run(RequestFactory().get("/"))
    run(RequestFactory().get("/"))
    assert [r.cold_start for r in obs.recent_requests()] == [True, False]
    assert obs.process_init_ms() is not None


def test_the_user_is_logged_only_when_the_request_looked_at_it(captured):
    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=True, id="u-1", username="alice")
    run(request)
    assert captured[-1]["user"] == "u-1" and obs.recent_requests()[-1].username == "alice"


def test_records_are_bounded(settings):
    settings.HEALTH_LOCAL_MAX_REQUESTS = 3
    obs.reset_buffers()
    for i in range(5):
        run(RequestFactory().get(f"/{i}"))
    assert [r.path for r in obs.recent_requests()] == ["/2", "/3", "/4"]


def test_an_exception_is_recorded_as_500_and_still_raised():
    def boom(req):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run(RequestFactory().get("/x"), boom)
    assert obs.recent_requests()[-1].status == 500


def test_server_errors_log_at_error_level(captured):
    run(RequestFactory().get("/"), lambda req: HttpResponse(status=503))
    assert captured[-1]["level"] == "ERROR"


def test_the_memory_handler_keeps_lines_with_their_correlation_id():
    handler = obs.MemoryLogHandler()
    handler.addFilter(obs.CorrelationIdFilter())
    logger = logging.getLogger("test.memory")
    logger.addHandler(handler)
    try:

        def view(req):
            logger.error("kept")
            return HttpResponse()

        run(RequestFactory().get("/", HTTP_X_CORRELATION_ID="keep-1"), view)
    finally:
        logger.removeHandler(handler)
    kept = [line for line in obs.recent_log_lines() if line.message == "kept"]
    assert kept and kept[0].correlation_id == "keep-1" and json.loads(kept[0].line)["correlation_id"] == "keep-1"


# --- streamed responses: logged when the stream ends, with its real outcome ---------


def streamed(*chunks, fail_after: int | None = None):
    from django.http import StreamingHttpResponse

    def produce():
        for i, chunk in enumerate(chunks):
            if fail_after is not None and i == fail_after:
                logging.getLogger("notes.exports").warning("inside the stream")
                raise OSError("the store went away")
            yield chunk

    return lambda req: StreamingHttpResponse(produce())


def request_lines(captured):
    return [line for line in captured if line["logger"] == "console.request"]


def test_a_stream_that_fails_part_way_is_logged_as_a_500_with_its_exception(captured):
    response = run(
        RequestFactory().get("/notes/export/notes.zip", HTTP_X_CORRELATION_ID="ref-7"),
        streamed(b"a", b"b", fail_after=1),
    )
    assert response.status_code == 200 and request_lines(captured) == []  # nothing logged before the body is made

    body = iter(response.streaming_content)
    assert next(body) == b"a"
    with pytest.raises(OSError):
        next(body)
    response.close()

    (line,) = request_lines(captured)
    assert (line["status"], line["streamed"], line["level"]) == (500, "failed", "ERROR")
    assert line["exc_type"] == "OSError" and line["correlation_id"] == "ref-7"
    inside = next(item for item in captured if item["message"] == "inside the stream")
    assert inside["correlation_id"] == "ref-7"  # lines written while streaming carry the request's id
    record = obs.recent_requests()[-1]
    assert (record.status, record.exc_type) == (500, "OSError") and "the store went away" in record.traceback


def test_a_stream_that_ends_is_logged_once_when_it_ends(captured):
    response = run(RequestFactory().get("/notes/export/notes.json"), streamed(b"a", b"b"))
    assert b"".join(response.streaming_content) == b"ab"
    response.close()

    (line,) = request_lines(captured)
    assert (line["status"], line["streamed"], line["level"]) == (200, "complete", "INFO")
    assert len(obs.recent_requests()) == 1


def test_a_stream_closed_before_its_end_is_logged_as_aborted(captured):
    response = run(RequestFactory().get("/notes/export/notes.zip"), streamed(b"a", b"b"))
    assert next(iter(response.streaming_content)) == b"a"
    response.close()  # the client went away

    (line,) = request_lines(captured)
    assert (line["status"], line["streamed"], line["level"]) == (200, "aborted", "WARNING")


def test_a_stream_sets_the_requests_context_only_while_it_makes_a_chunk_or_finishes():
    """Between chunks the server's own context is back (the middleware returned long ago)."""
    import contextvars

    from console.web.stream_log import WatchedStream

    where = contextvars.ContextVar("where", default="server")
    seen = []

    def chunks():
        seen.append(where.get())
        yield b"a"

    stream = WatchedStream(
        chunks(), context=((where, "request"),), describe=dict, finish=lambda outcome, _: seen.append(where.get())
    )
    assert next(stream) == b"a" and where.get() == "server"
    with pytest.raises(StopIteration):
        next(stream)
    assert seen == ["request", "request"] and where.get() == "server"
