"""Export and import pages: the plan of an export's parts, each part's download (streamed), and the upload
of another app's export. Thin views over notes/exports.py and notes/imports.py; keys from request.user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input
from console.web.htmx_request import HtmxHttpRequest
from notes import exports, imports
from notes.attachments import Attachment
from notes.list_pages import signed_in
from notes.transfer_http import BadPart, download, part_range, part_url, rest_url_maker

_RESULT_SALT = "notes.import-result"
_RESULT_FIELDS = (
    "formats",
    "found",
    "created",
    "already",
    "attachments",
    "remaining",
    "trashed",
    "not_kept",
    "not_kept_total",
)


def _parts(plan_parts: list[exports.ExportPart], name: str) -> list[dict[str, Any]]:
    return [
        {
            "number": p.number,
            "notes": p.notes,
            "size": p.size,
            "url": part_url(name, part=p.number, after=p.after, until=p.until),
        }
        for p in plan_parts
    ]


def _transfer_context(request: HttpRequest) -> dict[str, Any]:
    plan = exports.notes_export_plan(user_id=request.user.id)
    return {
        "notes_count": plan.notes,
        "json_parts": _parts(plan.json_parts, "notes:export_json"),
        "markdown_parts": _parts(plan.markdown_parts, "notes:export_markdown"),
        "import_max_mb": imports.IMPORT_MAX_BYTES // (1024 * 1024),
        "part_max_mb": f"{exports.PART_TARGET_BYTES / 1_000_000:g}",
    }


def _part_or_404(request: HttpRequest) -> tuple[int, str | None, str | None]:
    try:
        return part_range(request)
    except BadPart:
        raise Http404("No such part of the export.") from None  # only the export page's links make them


@signed_in
@require_safe
def export_page(request: HttpRequest) -> HttpResponse:
    context = _transfer_context(request)
    context["result"] = _result_from(request.GET.get("result"))
    return render(request, "notes/transfer.html", context)


@signed_in
@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    part, after, until = _part_or_404(request)
    notes = exports.notes_export_part(user_id=request.user.id, after=after, until=until)
    chunks = exports.export_json_chunks(
        notes=notes,
        part=part,
        after=after,
        rest_url=rest_url_maker(request, "notes:export_json", part=part, until=until),
        attachments=exports.attachments_by_note(user_id=request.user.id),
    )
    return download(chunks, content_type=f"{exports.JSON_TYPE}; charset=utf-8", filename=f"notes-part-{part}.json")


@signed_in
@require_safe
def export_markdown(request: HttpRequest) -> HttpResponse:
    part, after, until = _part_or_404(request)
    notes = exports.notes_export_part(user_id=request.user.id, after=after, until=until)
    chunks = exports.export_markdown_chunks(
        notes=notes,
        after=after,
        rest_url=rest_url_maker(request, "notes:export_markdown", part=part, until=until),
        attachments=exports.attachments_by_note(user_id=request.user.id),
        read_file=_file_bytes,
    )
    return download(chunks, content_type=exports.ZIP_TYPE, filename=f"notes-markdown-part-{part}.zip")


def _file_bytes(attachment: Attachment) -> bytes:
    from notes.attachment_services import attachment_bytes  # S3's client: only for an export with files

    return attachment_bytes(attachment=attachment)


def uploaded_files(request: HttpRequest) -> list[tuple[str, bytes]]:
    files = request.FILES.getlist("file")
    total = sum(f.size or 0 for f in files)
    if total > imports.IMPORT_MAX_BYTES:
        raise imports.ImportRejected(
            [
                f"The upload is {total:,} bytes; at most {imports.IMPORT_MAX_BYTES:,} at a time. "
                "Import the files in several uploads (each note is imported once, whatever the order)."
            ],
            of_the_form=True,
        )
    return [(f.name or "upload", f.read()) for f in files]


def _result_from(signed: str | None) -> dict[str, Any] | None:
    if not signed:
        return None
    try:
        return signing.loads(signed, salt=_RESULT_SALT, max_age=3600)
    except signing.BadSignature:
        return None


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("notes:export") + "#import")
    template = "notes/_import_result.html" if request.htmx else "notes/transfer.html"
    try:
        result = imports.notes_import(user_id=request.user.id, files=uploaded_files(request))
    except imports.ImportRejected as exc:
        # The form without its file is a 400 like any form's; a file that cannot be imported as it is, a 422.
        return _import_refused(
            request,
            template,
            {"problems": exc.problems, "problems_total": exc.total},
            status=400 if exc.of_the_form else 422,
        )
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, form=_import_interrupted(request, template))
    summary = {k: v for k, v in asdict(result).items() if k in _RESULT_FIELDS}
    if request.htmx:
        return render(request, template, {"result": summary})
    signed = signing.dumps(summary, salt=_RESULT_SALT)
    return HttpResponseRedirect(f"{reverse('notes:export')}?{urlencode({'result': signed})}#import")


def _import_interrupted(request: HtmxHttpRequest, template: str) -> Callable[..., HttpResponse]:
    def form(failure: dict[str, Any], status: int) -> HttpResponse:
        extra = {"reference": failure["reference"], "store_unavailable_import": True}
        return _import_refused(request, template, extra, status=status)

    return form


def _import_refused(request: HtmxHttpRequest, template: str, extra: dict[str, Any], *, status: int) -> HttpResponse:
    context: dict[str, Any] = dict(extra)
    if not request.htmx:
        try:
            context.update(_transfer_context(request))
        except StoreUnavailable:
            context["export_unavailable"] = True  # the upload's answer matters more; it is logged already
    return render(request, template, context, status=status)
