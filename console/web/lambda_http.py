"""HTTP details that a WSGI server would handle, for when Zappa's handler is the server."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def head_without_body(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """HEAD gets GET's status and headers without the body, as runserver and gunicorn do but Zappa does not."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method == "HEAD":
            drop_body(response)
        return response

    return middleware


def drop_body(response: HttpResponse) -> None:
    """What a HEAD answer sends: the headers, no body (streamed or not)."""
    if response.streaming:
        response.streaming_content = []
    else:
        response.content = b""
