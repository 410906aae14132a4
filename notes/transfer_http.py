"""What the export pages and the export API share: a part's query (number and id range), its URL, and the
streamed download response."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse

_NOTE_ID_RE = re.compile(r"^[0-9a-f]{32}$")


class BadPart(ValueError):
    pass


def part_range(request: HttpRequest) -> tuple[int, str | None, str | None]:
    """A part's number and id range from the query, as the plan's links give them; BadPart otherwise."""
    part, after, until = (
        request.GET.get("part", "1"),
        request.GET.get("after"),
        request.GET.get("until"),  # present but empty is malformed too
    )
    if not (part.isascii() and part.isdigit() and 0 < len(part) < 6 and int(part) > 0):
        raise BadPart("part must be a number from 1.")
    for value in (after, until):
        if value is not None and not _NOTE_ID_RE.match(value):
            raise BadPart("after and until must be note ids (32 lowercase hex characters).")
    return int(part), after, until


def part_url(name: str, *, part: int, after: str | None, until: str | None) -> str:
    query = {"part": part, **({"after": after} if after else {}), **({"until": until} if until else {})}
    return f"{reverse(name)}?{urlencode(query)}"


def rest_url_maker(request: HttpRequest, name: str, *, part: int, until: str | None) -> Callable[[str], str]:
    """Where the rest of a part that stopped early is (absolute: it is read in a downloaded file)."""
    return lambda last: request.build_absolute_uri(part_url(name, part=part, after=last, until=until))


def download(chunks: Iterator[bytes], *, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
