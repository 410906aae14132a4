"""JSON API handlers for notes: parse the request, call a service, render JSON. Thin on purpose; the
HTTP plumbing (auth, errors) is notes/api/http.py and what a request may contain is notes/api/input.py.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from notes import services
from notes.api.http import api_endpoint, public_endpoint
from notes.api.input import (
    JSON,
    MERGE_PATCH_JSON,
    VERSION_MAX,
    RequestProblem,
    etag_for,
    idempotency_key,
    if_match,
    if_none_match,
    list_query,
    note_input,
    optional_version_body,
    query_integer,
    read_json_body,
)
from notes.api.openapi import build_document
from notes.domain import NOTE_ID_PATTERN, Note, NoteNotFound, TrashedNote, VersionConflict

# Note ids are 32 lowercase hex characters; anything else is a 404 without asking DynamoDB.
_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)
_VERSION_RE = re.compile(r"[1-9][0-9]{0,15}")


def note_json(note: Note) -> dict[str, object]:
    return {
        "id": note.id,
        "title": note.title,
        "content": note.content,
        "labels": list(note.labels),
        "category": note.category,  # deprecated: the first label
        "important": note.important,
        "completed": note.completed,
        "pinned": note.pinned,
        "archived": note.archived,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "version": note.version,
    }


def note_response(note: Note, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(note_json(note), status=status)
    response["ETag"] = etag_for(note.version)
    return response


def trashed_json(trashed: TrashedNote) -> dict[str, object]:
    return {**note_json(trashed.note), "deleted_at": trashed.deleted_at, "purge_at": trashed.purge_at}


def _checked_id(note_id: str) -> str:
    if not _NOTE_ID_RE.fullmatch(note_id):
        raise NoteNotFound(note_id)
    return note_id


def _checked_version(version: str) -> int:
    if not _VERSION_RE.fullmatch(version) or int(version) > VERSION_MAX:
        raise NoteNotFound(version)
    return int(version)


def _expected_version(request: HttpRequest, *, user_id: str, note_id: str, given: int | None) -> tuple[int, str]:
    """The version a write is conditional on, from the body's (or DELETE's query) `version` and If-Match,
    and which of them a conflict is reported against ("version": 409, "If-Match": 412)."""
    condition = if_match(request)
    if condition is None:
        if given is None:
            raise RequestProblem(
                428,
                "version_required",
                'Say which version you are changing: the note\'s "version", or its ETag in If-Match.',
                fields={"version": "required"},
            )
        return given, "version"
    if condition.any:  # "any current note": the body's version, if any, still has to be the current one
        if given is not None:
            return given, "version"
        return services.note_get(user_id=user_id, note_id=note_id).version, "If-Match"
    versions = condition.versions
    if given is not None and given in versions:
        return given, "If-Match"
    if given is None and len(versions) == 1:
        return next(iter(versions)), "If-Match"
    if not versions:
        return 0, "If-Match"  # no note has version 0: a 412, or a 404 if there is no such note
    # Several candidates, or a body version that If-Match does not name: the stored note decides.
    current = services.note_get(user_id=user_id, note_id=note_id)
    if current.version not in versions:
        raise _conflict(VersionConflict(expected=min(versions), current=current), source="If-Match")
    if given is not None:
        raise _conflict(VersionConflict(expected=given, current=current), source="version")
    return current.version, "If-Match"


def _conflict(exc: VersionConflict, *, source: str) -> RequestProblem:
    if source == "If-Match":
        return RequestProblem(
            412,
            "precondition_failed",
            f"If-Match does not match the note's ETag ({etag_for(exc.current.version)}); it changed since you read it.",
            fields={"If-Match": "stale"},
            extra={"current": note_json(exc.current)},
        )
    return RequestProblem(
        409,
        "version_conflict",
        f"The note is at version {exc.current.version}, not {exc.expected}; it changed since you read it.",
        fields={"version": "stale"},
        extra={"current": note_json(exc.current)},
    )


# --- /api/notes --------------------------------------------------------------------------------


def list_notes(request: HttpRequest) -> HttpResponse:
    query = list_query(request)
    page = services.note_list(user_id=request.user.id, limit=query.limit, cursor=query.cursor, filters=query.filters)
    return JsonResponse({"notes": [note_json(n) for n in page.notes], "next_cursor": page.cursor})


def create_note(request: HttpRequest) -> HttpResponse:
    key = idempotency_key(request)
    body = read_json_body(request)
    data = note_input(body, required=("title",), allow_version=False).data
    replayed = False
    if key is None:
        note = services.note_create(user_id=request.user.id, data=data)
    else:
        result = services.note_create(user_id=request.user.id, data=data, idempotency_key=key)
        note, replayed = result.note, result.replayed
    response = note_response(note, status=201)
    response["Location"] = reverse("api:note", args=[note.id])
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# --- /api/notes/{id} ---------------------------------------------------------------------------


def get_note(request: HttpRequest, note_id: str) -> HttpResponse:
    note = services.note_get(user_id=request.user.id, note_id=_checked_id(note_id))
    if if_none_match(request, note.version):
        response = HttpResponse(status=304)
        response["ETag"] = etag_for(note.version)
        return response
    return note_response(note)


def _write(request: HttpRequest, note_id: str, *, partial: bool) -> HttpResponse:
    note_id = _checked_id(note_id)
    media_types = (JSON, MERGE_PATCH_JSON) if partial else (JSON,)
    body = read_json_body(request, media_types=media_types)
    note_in = note_input(body, required=() if partial else ("title",), allow_version=True)
    user_id = request.user.id
    expected, source = _expected_version(request, user_id=user_id, note_id=note_id, given=note_in.version)
    try:
        note = services.note_update(
            user_id=user_id, note_id=note_id, expected_version=expected, data=note_in.data, partial=partial
        )
    except VersionConflict as exc:
        raise _conflict(exc, source=source) from None
    return note_response(note)


def replace_note(request: HttpRequest, note_id: str) -> HttpResponse:
    return _write(request, note_id, partial=False)


def update_note(request: HttpRequest, note_id: str) -> HttpResponse:
    return _write(request, note_id, partial=True)


def delete_note(request: HttpRequest, note_id: str) -> HttpResponse:
    note_id = _checked_id(note_id)
    given = query_integer(request, "version", minimum=1, maximum=VERSION_MAX)
    user_id = request.user.id
    expected, source = _expected_version(request, user_id=user_id, note_id=note_id, given=given)
    try:
        services.note_delete(user_id=user_id, note_id=note_id, expected_version=expected)
    except VersionConflict as exc:
        raise _conflict(exc, source=source) from None
    return HttpResponse(status=204)


# --- /api/trash ---------------------------------------------------------------------------------


def list_trash(request: HttpRequest) -> HttpResponse:
    trashed = services.trash_list(user_id=request.user.id)
    return JsonResponse({"notes": [trashed_json(t) for t in trashed]})


def empty_trash(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"deleted": services.trash_empty(user_id=request.user.id)})


def restore_trashed_note(request: HttpRequest, note_id: str) -> HttpResponse:
    note = services.note_restore(user_id=request.user.id, note_id=_checked_id(note_id))
    return note_response(note)


def delete_trashed_note(request: HttpRequest, note_id: str) -> HttpResponse:
    services.note_delete_forever(user_id=request.user.id, note_id=_checked_id(note_id))
    return HttpResponse(status=204)


# --- /api/notes/{id}/history -------------------------------------------------------------------


def list_note_history(request: HttpRequest, note_id: str) -> HttpResponse:
    note, versions = services.note_with_history(user_id=request.user.id, note_id=_checked_id(note_id))
    return JsonResponse({"current_version": note.version, "versions": [note_json(v) for v in versions]})


def restore_note_version(request: HttpRequest, note_id: str, version: str) -> HttpResponse:
    note_id = _checked_id(note_id)
    number = _checked_version(version)
    user_id = request.user.id
    expected, source = _expected_version(
        request, user_id=user_id, note_id=note_id, given=optional_version_body(request)
    )
    try:
        note = services.note_restore_version(
            user_id=user_id, note_id=note_id, version=number, expected_version=expected
        )
    except VersionConflict as exc:
        raise _conflict(exc, source=source) from None
    return note_response(note)


notes_collection = api_endpoint({"GET": list_notes, "POST": create_note})
note_item = api_endpoint({"GET": get_note, "PUT": replace_note, "PATCH": update_note, "DELETE": delete_note})
trash_collection = api_endpoint({"GET": list_trash, "DELETE": empty_trash})
trash_item = api_endpoint({"DELETE": delete_trashed_note})
trash_restore = api_endpoint({"POST": restore_trashed_note})
note_history = api_endpoint({"GET": list_note_history})
note_version_restore = api_endpoint({"POST": restore_note_version})


# --- the document and its page -----------------------------------------------------------------


def _openapi(request: HttpRequest) -> HttpResponse:
    document = build_document(server_url=reverse("api:docs").rstrip("/"))
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _docs(request: HttpRequest) -> HttpResponse:
    document = build_document(server_url=reverse("api:docs").rstrip("/"))
    context = {"operations": operations_for_page(document), "max_body_bytes": f"{settings.API_MAX_BODY_BYTES:,}"}
    return render(request, "api/docs.html", context)


def _prose(text: str) -> str:
    """The document's `code` spans as <code>, everything else escaped."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308 - escaped first


def operations_for_page(document: dict) -> list[dict]:
    parameters = document["components"]["parameters"]
    rows = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = [parameters[p["$ref"].rsplit("/", 1)[-1]]["name"] for p in operation.get("parameters", [])]
            rows.append(
                {
                    "method": method.upper(),
                    "path": f"/api{path}",
                    "summary": operation.get("summary", ""),
                    "description": _prose(operation.get("description", "")),
                    "parameters": [n for n in names if n != "id"],
                    "statuses": sorted(operation.get("responses", {})),
                }
            )
    return rows


openapi_document = public_endpoint(_openapi)
api_docs = public_endpoint(_docs)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/: a JSON 404 (in DEBUG too, where Django would show its HTML page)."""
    from console.errors import json_error

    return json_error(request, 404, code="not_found", message="There is no such API resource.")


not_found.csrf_exempt = True  # whatever the method: a POST to an unknown path is this JSON 404, not a CSRF page
