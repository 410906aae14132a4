"""What the JSON API accepts: request bodies, query strings and precondition headers.

The rules here are the request schemas of the OpenAPI document (notes/api/openapi.py builds them from the
same constants), checked before a service sees the data: a request the document calls valid is never
refused for its shape, and one it calls invalid always is. The domain's own cleaning runs afterwards.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from console.web.integers import json_int, parse_int
from notes import query as notes_query
from notes.domain import (
    CATEGORY_ALIAS,
    CATEGORY_MAX_CHARS,
    CONTENT_MAX_BYTES,
    EDITABLE_FIELDS,
    FIELD,
    LABELS_MAX,
    NoteFilters,
    ValidationError,
    label_problem,
)
from notes.idempotency import KEY_MAX_CHARS
from notes.services import MAX_PAGE_SIZE

VERSION_MAX = 2**53 - 1  # the largest integer every JSON parser reads exactly
CONTENT_MAX_CHARS = CONTENT_MAX_BYTES  # and, separately, at most this many bytes of UTF-8
QUERY_TEXT_MAX_CHARS = 200
CURSOR_MAX_CHARS = 1024

IDEMPOTENCY_KEY_PATTERN = r"^[!-~]+$"
INTEGER_PATTERN = r"^-?[0-9]+$"

_ETAG_RE = re.compile(r'(W/)?"([!#-~\x80-\xff]*)"')  # RFC 9110 entity-tag
_KEY_RE = re.compile(r"[!-~]+")
_DIGITS_RE = re.compile(r"[0-9]{1,16}")


class RequestProblem(Exception):
    """A request the API refuses before any service runs; the handler layer renders it."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


def invalid(fields: dict[str, str]) -> RequestProblem:
    return RequestProblem(422, "validation_failed", "The note is not valid; see fields.", fields=fields)


# --- bodies ----------------------------------------------------------------------------------

JSON = "application/json"
MERGE_PATCH_JSON = "application/merge-patch+json"


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _content_length(request: HttpRequest) -> int:
    length = parse_int(request.META.get("CONTENT_LENGTH") or "0", minimum=0)
    if length is None:
        raise RequestProblem(400, "bad_request", "Content-Length is not a number.")
    return length


def read_json_body(request: HttpRequest, *, media_types: tuple[str, ...] = (JSON,)) -> object:
    """The parsed body: 413 over the size limit (checked before reading), 415 if it isn't declared as
    JSON, 400 if it isn't valid UTF-8 JSON."""
    limit = settings.API_MAX_BODY_BYTES
    length = _content_length(request)
    if length > limit:
        raise RequestProblem(
            413, "body_too_large", f"The request body is {length:,} bytes; the limit is {limit:,} bytes."
        )
    if _media_type(request.META.get("CONTENT_TYPE", "")) not in media_types:
        raise RequestProblem(
            415, "unsupported_media_type", f"Send the body as JSON, with Content-Type: {' or '.join(media_types)}."
        )
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise RequestProblem(413, "body_too_large", f"The request body is over the limit of {limit:,} bytes.")
    try:
        text = raw.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant, parse_int=json_int)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RequestProblem(400, "invalid_json", f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise RequestProblem(400, "invalid_json", "The body is nested too deeply.") from None


def _as_object(body: object) -> dict[str, object]:
    if not isinstance(body, dict):
        raise RequestProblem(422, "validation_failed", "The body must be a JSON object.", fields={})
    return body


def _integer(value: object) -> int | None:
    """A JSON integer (1 and 1.0 are both integers to JSON Schema), never a boolean."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _check_version(value: object) -> str | None:
    number = _integer(value)
    if number is None or not 1 <= number <= VERSION_MAX:
        return "Version must be a whole number of at least 1 (the note's current version)."
    return None


@dataclass(frozen=True)
class NoteInput:
    data: dict[str, object]  # the editable fields present in the body
    version: int | None = None


def note_input(body: object, *, required: tuple[str, ...], allow_version: bool) -> NoteInput:
    """Check a note body: every error at once, as {field: message}."""
    body = _as_object(body)
    errors: dict[str, str] = {}
    for name in required:
        if name not in body:
            errors[name] = f"{name.capitalize()} is required."
    for name, value in body.items():
        if name == "version" and allow_version:
            problem = _check_version(value)
        elif name in FIELD:
            problem = FIELD[name].problem(value)
        elif name == CATEGORY_ALIAS:  # deprecated: becomes the only label (unless labels are sent too)
            if not isinstance(value, str):
                problem = "Category must be a string."
            else:
                problem = label_problem(value) if value.strip() else None
                problem = problem and problem.replace("Label", "Category", 1)
        else:
            problem = "Unknown field."
        if problem:
            errors[name] = problem
    if errors:
        raise invalid(errors)
    data = {name: body[name] for name in (*EDITABLE_FIELDS, CATEGORY_ALIAS) if name in body}
    version = _integer(body["version"]) if allow_version and "version" in body else None
    return NoteInput(data=data, version=version)


def optional_version_body(request: HttpRequest) -> int | None:
    """The optional body of a restore: nothing at all, or {"version": n} (the version you read)."""
    length = _content_length(request)
    if length == 0:
        return None
    body = _as_object(read_json_body(request))
    errors: dict[str, str] = {}
    for name, value in body.items():
        problem = _check_version(value) if name == "version" else "Unknown field."
        if problem:
            errors[name] = problem
    if errors:
        raise RequestProblem(422, "validation_failed", "The body is not valid; see fields.", fields=errors)
    return _integer(body["version"]) if "version" in body else None


# --- query strings ---------------------------------------------------------------------------


def _bad_query(name: str, message: str) -> RequestProblem:
    return RequestProblem(400, "invalid_parameter", message, fields={name: message})


def query_integer(request: HttpRequest, name: str, *, minimum: int, maximum: int) -> int | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise _bad_query(name, f"{name} must be a whole number from {minimum} to {maximum}.")
    return value


def query_flag(request: HttpRequest, name: str) -> bool | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise _bad_query(name, f"{name} must be true or false.")
    return raw == "true"


def query_text(request: HttpRequest, name: str, *, max_chars: int) -> str | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    if len(raw) > max_chars:
        raise _bad_query(name, f"{name} must be at most {max_chars} characters.")
    return raw


@dataclass(frozen=True)
class ListQuery:
    limit: int
    cursor: str | None
    filters: NoteFilters


def list_query(request: HttpRequest) -> ListQuery:
    limit = query_integer(request, "limit", minimum=1, maximum=MAX_PAGE_SIZE)
    cursor = query_text(request, "cursor", max_chars=CURSOR_MAX_CHARS)
    category = query_text(request, "category", max_chars=CATEGORY_MAX_CHARS)
    q = query_text(request, "q", max_chars=QUERY_TEXT_MAX_CHARS)
    labels = request.GET.getlist("label")
    if len(labels) > LABELS_MAX:
        raise _bad_query("label", f"label may be given at most {LABELS_MAX} times (all must match).")
    for label in labels:
        problem = label_problem(label)
        if problem:
            raise _bad_query("label", problem)
    filters = NoteFilters(
        category=(category or "").strip() or None,
        important=query_flag(request, "important"),
        completed=query_flag(request, "completed"),
        q=(q or "").strip() or None,
        labels=tuple(labels),
        pinned=query_flag(request, "pinned"),
        archived=query_flag(request, "archived"),
    )
    try:
        notes_query.check(filters)
    except ValidationError as exc:
        raise _bad_query("q", exc.errors["q"]) from None
    return ListQuery(limit=limit or settings.NOTES_PAGE_SIZE, cursor=cursor or None, filters=filters)


# --- headers ---------------------------------------------------------------------------------


def etag_for(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True)
class IfMatch:
    """An If-Match header: `*` (any current note), or the versions its entity tags name. If-Match compares
    strongly, so weak tags, tags that are not ours and a malformed header name no version: nothing matches."""

    any: bool = False
    versions: frozenset[int] = frozenset()


def _etag_version(tag: str) -> int | None:
    match = _ETAG_RE.fullmatch(tag)
    if not match or match.group(1) or not _DIGITS_RE.fullmatch(match.group(2)):
        return None
    return parse_int(match.group(2), minimum=1, maximum=VERSION_MAX)


def if_match(request: HttpRequest) -> IfMatch | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    if raw.strip() == "*":
        return IfMatch(any=True)
    tags = [tag.strip() for tag in raw.split(",")]
    if not all(_ETAG_RE.fullmatch(tag) for tag in tags):
        return IfMatch()  # RFC 9110: a condition that is not a list of entity tags is false
    return IfMatch(versions=frozenset(v for v in map(_etag_version, tags) if v is not None))


def if_none_match(request: HttpRequest, version: int) -> bool:
    """True when If-None-Match names the current representation (weak comparison, or `*`)."""
    raw = request.headers.get("If-None-Match")
    if raw is None:
        return False
    current = etag_for(version)
    for tag in raw.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == current:
            return True
    return False


def idempotency_key(request: HttpRequest) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if len(raw) > KEY_MAX_CHARS or not _KEY_RE.fullmatch(raw):
        raise RequestProblem(
            400,
            "invalid_header",
            f"Idempotency-Key must be 1-{KEY_MAX_CHARS} visible ASCII characters (a UUID is a good choice).",
            fields={"Idempotency-Key": "malformed"},
        )
    return raw
