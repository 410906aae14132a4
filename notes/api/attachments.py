"""JSON API for a note's attachments: list and start an upload (a presigned POST the client sends the file to
S3 with: its bytes never pass through the function), read one, remove one. Thin: notes/attachment_services.py
does the work, notes/attachments.py says what a request may hold."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from console.aws.errors import AwsError
from console.errors import RETRY_AFTER_UNAVAILABLE
from notes import attachment_services
from notes.api.http import api_endpoint
from notes.api.input import RequestProblem, read_json_body
from notes.attachments import ATTACHMENT_ID_PATTERN, REASON_QUOTA, Attachment, AttachmentNotFound, QuotaExceeded
from notes.domain import NOTE_ID_PATTERN, NoteNotFound, ValidationError

_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)
_ATTACHMENT_ID_RE = re.compile(ATTACHMENT_ID_PATTERN)


def _ids(note_id: str, attachment_id: str | None = None) -> None:
    if not _NOTE_ID_RE.fullmatch(note_id):
        raise NoteNotFound(note_id)
    if attachment_id is not None and not _ATTACHMENT_ID_RE.fullmatch(attachment_id):
        raise _missing()


def _missing() -> RequestProblem:
    return RequestProblem(404, "not_found", "There is no such attachment.")


def _unavailable(exc: AwsError) -> RequestProblem:
    return RequestProblem(
        503,
        "unavailable",
        "File storage is unavailable; retry shortly.",
        headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
    )


def attachment_json(a: Attachment) -> dict[str, object]:
    return {
        "id": a.id,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "status": a.status,
        "reason": a.reason or None,
        "url": attachment_services.attachment_url(attachment=a),
        "thumbnail_url": attachment_services.attachment_thumbnail_url(attachment=a),
    }


def list_attachments(request: HttpRequest, note_id: str) -> HttpResponse:
    _ids(note_id)
    try:
        found = attachment_services.attachment_list(user_id=request.user.id, note_id=note_id)
        return JsonResponse({"attachments": [attachment_json(a) for a in found]})
    except AwsError as exc:
        raise _unavailable(exc) from None


def start_upload(request: HttpRequest, note_id: str) -> HttpResponse:
    _ids(note_id)
    body = read_json_body(request)
    if not isinstance(body, dict):
        raise RequestProblem(400, "bad_request", 'Send {"name", "content_type", "size"}.')
    try:
        upload = attachment_services.attachment_start(user_id=request.user.id, note_id=note_id, data=body)
    except ValidationError as exc:
        raise RequestProblem(
            422, "validation_failed", "The attachment is not valid; see fields.", fields=exc.errors
        ) from None
    except QuotaExceeded as exc:
        raise RequestProblem(
            507, "quota_exceeded", REASON_QUOTA, extra={"used": exc.used, "quota": exc.quota}
        ) from None
    except AwsError as exc:
        raise _unavailable(exc) from None
    response = JsonResponse(
        {"attachment": attachment_json(upload.attachment), "upload": {"url": upload.url, "fields": upload.fields}},
        status=201,
    )
    response["Location"] = reverse("api:note-attachment", args=[note_id, upload.attachment.id])
    return response


def get_attachment(request: HttpRequest, note_id: str, attachment_id: str) -> HttpResponse:
    _ids(note_id, attachment_id)
    try:
        found = attachment_services.attachment_get(
            user_id=request.user.id, note_id=note_id, attachment_id=attachment_id
        )
        return JsonResponse(attachment_json(found))
    except AttachmentNotFound:
        raise _missing() from None
    except AwsError as exc:
        raise _unavailable(exc) from None


def delete_attachment(request: HttpRequest, note_id: str, attachment_id: str) -> HttpResponse:
    _ids(note_id, attachment_id)
    try:
        attachment_services.attachment_delete(user_id=request.user.id, note_id=note_id, attachment_id=attachment_id)
    except AttachmentNotFound:
        raise _missing() from None
    except AwsError as exc:
        raise _unavailable(exc) from None
    return HttpResponse(status=204)


attachments_collection = api_endpoint({"GET": list_attachments, "POST": start_upload})
attachment_item = api_endpoint({"GET": get_attachment, "DELETE": delete_attachment})
