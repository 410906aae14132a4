"""Attachment pages. Every view checks first that the note is the signed-in user's (another user's note or
attachment is a 404). Files are never served from the site's origin: a view hands out a short-lived
presigned GET on the bucket (a redirect), as a download unless it is a known-safe raster image.

Without JavaScript: "Attach a file" (a POST, so no pending upload is made by merely viewing a page) shows a
form that posts the file straight to S3, which sends the browser back to the note. With JavaScript
(static/js/attachments.js) the note page asks the API for the presigned POST and uploads with progress, from
the file button, a drop or a paste.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from console.aws.errors import AwsError
from console.errors import reference_for
from console.web.htmx_request import HtmxHttpRequest
from notes import attachment_services
from notes.attachments import ALLOWED_TYPES, ATTACHMENT_ID_PATTERN, REASON_QUOTA, AttachmentNotFound, QuotaExceeded
from notes.domain import NoteNotFound
from notes.list_pages import signed_in

log = logging.getLogger(__name__)

TYPE_LABELS = {
    "image/jpeg": "Photo (JPEG)",
    "image/png": "Image (PNG)",
    "image/gif": "Animation (GIF)",
    "image/webp": "Image (WebP)",
    "image/heic": "Photo (HEIC, as iPhones take them)",
    "application/pdf": "PDF document",
    "text/plain": "Text",
    "text/markdown": "Markdown",
    "text/csv": "Spreadsheet (CSV)",
}


def _unavailable(request: HttpRequest, exc: AwsError) -> HttpResponse:
    reference = reference_for(request)
    log.error("attachments storage unavailable (reference %s): %s", reference, exc.message)
    return render(request, "notes/attachment_unavailable.html", {"reference": reference}, status=503)


def _checked(attachment_id: str) -> str:
    import re

    if not re.fullmatch(ATTACHMENT_ID_PATTERN, attachment_id):
        raise Http404("No such attachment.")
    return attachment_id


@signed_in
@require_POST
def attachment_form(request: HttpRequest, note_id: str) -> HttpResponse:
    back = request.build_absolute_uri(reverse("notes:detail", args=[note_id])) + "?uploaded=1"
    try:
        upload = attachment_services.attachment_start_form(user_id=request.user.id, note_id=note_id, redirect=back)
    except NoteNotFound:
        raise Http404("No such note.") from None
    except QuotaExceeded:
        return render(request, "notes/attach.html", {"note_id": note_id, "problem": REASON_QUOTA}, status=507)
    except AwsError as exc:
        return _unavailable(request, exc)
    types = [(t, TYPE_LABELS[t]) for t in ALLOWED_TYPES]
    return render(request, "notes/attach.html", {"note_id": note_id, "upload": upload, "types": types})


@signed_in
@require_safe
def attachment_file(request: HttpRequest, note_id: str, attachment_id: str) -> HttpResponse:
    try:
        found = attachment_services.attachment_get(
            user_id=request.user.id, note_id=note_id, attachment_id=_checked(attachment_id)
        )
        if request.GET.get("thumbnail"):
            url = attachment_services.attachment_thumbnail_url(attachment=found)
        else:
            url = attachment_services.attachment_url(attachment=found)
    except (NoteNotFound, AttachmentNotFound):
        raise Http404("No such attachment.") from None
    except AwsError as exc:
        return _unavailable(request, exc)
    if url is None:
        raise Http404("This file is not ready.")
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_POST
def attachment_remove(request: HtmxHttpRequest, note_id: str, attachment_id: str) -> HttpResponse:
    try:
        attachment_services.attachment_delete(
            user_id=request.user.id, note_id=note_id, attachment_id=_checked(attachment_id)
        )
    except (NoteNotFound, AttachmentNotFound):
        raise Http404("No such attachment.") from None
    except AwsError as exc:
        return _unavailable(request, exc)
    if request.htmx:
        return _fragment(request, note_id)  # not the GET view: its require_safe would answer this POST 405
    return HttpResponseRedirect(reverse("notes:detail", args=[note_id]) + "#attachments")


@signed_in
@require_safe
def attachments_fragment(request: HttpRequest, note_id: str) -> HttpResponse:
    """The note page's attachments section alone (htmx refreshes it after an upload or a removal)."""
    return _fragment(request, note_id)


def _fragment(request: HttpRequest, note_id: str) -> HttpResponse:
    from notes.templatetags.attachment_tags import attachments_context

    try:
        context = attachments_context(request, note_id)
    except NoteNotFound:
        raise Http404("No such note.") from None
    context["editor"] = request.GET.get("editor") == "1"  # the editor's section (its drops write references)
    return render(request, "notes/_attachments.html", context)
