"""JSON API for export and import: the plan of an export's parts, each part (streamed), and an import of
an uploaded file (this app's export, Simplenote's or Google Keep's). Thin over notes/exports.py and
notes/imports.py; the parts' limits are explained there.
"""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse, JsonResponse

from notes import exports, imports
from notes.api.http import api_endpoint
from notes.api.input import RequestProblem
from notes.attachment_services import attachment_bytes
from notes.transfer_http import BadPart, download, part_range, part_url, rest_url_maker

_IMPORT_TYPES = {exports.JSON_TYPE: "upload.json", exports.ZIP_TYPE: "upload.zip"}


def _parts(parts: list[exports.ExportPart], name: str) -> list[dict[str, object]]:
    return [
        {
            "part": p.number,
            "notes": p.notes,
            "bytes": p.size,
            "url": part_url(name, part=p.number, after=p.after, until=p.until),
        }
        for p in parts
    ]


def export_plan(request: HttpRequest) -> HttpResponse:
    plan = exports.notes_export_plan(user_id=request.user.id)
    return JsonResponse(
        {
            "notes": plan.notes,
            "part_max_bytes": exports.PART_TARGET_BYTES,
            "json": _parts(plan.json_parts, "api:export-json"),
            "markdown": _parts(plan.markdown_parts, "api:export-markdown"),
        }
    )


def _range(request: HttpRequest) -> tuple[int, str | None, str | None]:
    try:
        return part_range(request)
    except BadPart as exc:
        raise RequestProblem(400, "invalid_parameter", f"{exc} Use the URLs GET /api/export gives.") from None


def export_json_part(request: HttpRequest) -> HttpResponse:
    part, after, until = _range(request)
    notes = exports.notes_export_part(user_id=request.user.id, after=after, until=until)
    chunks = exports.export_json_chunks(
        notes=notes,
        part=part,
        after=after,
        rest_url=rest_url_maker(request, "api:export-json", part=part, until=until),
        attachments=exports.attachments_by_note(user_id=request.user.id),
    )
    return download(chunks, content_type=f"{exports.JSON_TYPE}; charset=utf-8", filename=f"notes-part-{part}.json")


def export_markdown_part(request: HttpRequest) -> HttpResponse:
    part, after, until = _range(request)
    notes = exports.notes_export_part(user_id=request.user.id, after=after, until=until)
    chunks = exports.export_markdown_chunks(
        notes=notes,
        after=after,
        rest_url=rest_url_maker(request, "api:export-markdown", part=part, until=until),
        attachments=exports.attachments_by_note(user_id=request.user.id),
        read_file=lambda attachment: attachment_bytes(attachment=attachment),
    )
    return download(chunks, content_type=exports.ZIP_TYPE, filename=f"notes-markdown-part-{part}.zip")


def import_file(request: HttpRequest) -> HttpResponse:
    media_type = (request.content_type or "").lower()
    if media_type not in _IMPORT_TYPES:
        raise RequestProblem(
            415,
            "unsupported_media_type",
            f"Send the file as {' or '.join(_IMPORT_TYPES)}.",
            fields={"Content-Type": "unsupported"},
        )
    body = request.read(imports.IMPORT_MAX_BYTES + 1)
    try:
        result = imports.notes_import(user_id=request.user.id, files=[(_IMPORT_TYPES[media_type], body)])
    except imports.ImportRejected as exc:
        raise RequestProblem(
            422,
            "import_rejected",
            "Nothing was imported: the file cannot be imported as it is; see problems.",
            extra={"problems": exc.problems, "problems_total": exc.total},
        ) from None
    return JsonResponse(asdict(result))


export_collection = api_endpoint({"GET": export_plan})
export_json = api_endpoint({"GET": export_json_part})
export_markdown = api_endpoint({"GET": export_markdown_part})
import_collection = api_endpoint({"POST": import_file}, max_body_bytes=imports.IMPORT_MAX_BYTES)
