"""POST /api/notes/bulk: a batch of operations on the user's notes, answered per note; POST /api/notes/bulk/undo
puts back what a batch changed. Thin: notes.bulk is the use case; the body's rules are stated here once and in
the OpenAPI document (notes/api/openapi_bulk.py) from the same constants."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse

from notes import bulk
from notes.api.http import api_endpoint
from notes.api.input import VERSION_MAX, RequestProblem, _as_object, _integer, idempotency_key, read_json_body
from notes.domain import NOTE_ID_PATTERN, NoteNotFound, ValidationError, label_problem

_NOTE_ID_RE = re.compile(NOTE_ID_PATTERN)
OPERATION_FIELDS = ("id", "version", "action", "label")
UNDO_ID_MAX_CHARS = 64


def _invalid(fields: dict[str, str], message: str = "The batch is not valid; see fields.") -> RequestProblem:
    return RequestProblem(422, "validation_failed", message, fields=fields)


def _operation(i: int, raw: object) -> bulk.Operation:
    where = f"operations[{i}]"
    if not isinstance(raw, dict):
        raise _invalid({where: "Each operation must be an object with id, version and action."})
    errors = {f"{where}.{k}": "Unknown field." for k in raw if k not in OPERATION_FIELDS}
    note_id, version, action, label = (raw.get(k) for k in OPERATION_FIELDS)
    if not isinstance(note_id, str) or not _NOTE_ID_RE.fullmatch(note_id):
        errors[f"{where}.id"] = "A note id: 32 lowercase hexadecimal characters."
    number = _integer(version)
    if number is None or not 1 <= number <= VERSION_MAX:
        errors[f"{where}.version"] = "The version of the note you saw: a whole number of at least 1."
    if not isinstance(action, str) or action not in bulk.ACTIONS:
        errors[f"{where}.action"] = f"One of: {', '.join(bulk.ACTIONS)}."
    if "label" in raw:  # checked whatever the action (null too), as the document states it
        problem = label_problem(label)
        if problem:
            errors[f"{where}.label"] = problem
    if errors:
        raise _invalid(errors)
    return bulk.Operation(note_id, number, action, label or "")  # type: ignore[arg-type]


def _operations(body: object) -> list[bulk.Operation]:
    body = _as_object(body)
    unknown = {k: "Unknown field." for k in body if k != "operations"}
    raw = body.get("operations")
    if unknown or not isinstance(raw, list):
        raise _invalid(
            {**unknown, "operations": "Send a list of operations."} if not isinstance(raw, list) else unknown
        )
    if len(raw) > bulk.BULK_MAX:  # before looking at any of them
        raise _invalid({"operations": bulk.TOO_MANY.format(n=len(raw))}, bulk.TOO_MANY.format(n=len(raw)))
    operations = [_operation(i, op) for i, op in enumerate(raw)]
    try:
        bulk.check_batch(operations)
    except ValidationError as exc:
        raise _invalid(exc.errors, next(iter(exc.errors.values()))) from None
    return operations


def _answer(result: bulk.BulkResult, actions: list[str]) -> dict[str, object]:
    results = [
        {"id": o.note_id, "action": action, "status": o.status, "title": o.title or None, "version": o.version}
        for o, action in zip(result.outcomes, actions, strict=True)
    ]
    return {
        "results": results,
        "applied": result.count(bulk.DONE),
        "unchanged": result.count(bulk.UNCHANGED),
        "refused": len(result.conflicts),
        "undo_id": result.undo_id,
    }


def run_batch(request: HttpRequest) -> HttpResponse:
    key = idempotency_key(request)
    body = read_json_body(request)
    operations = _operations(body)
    user_id = request.user.id

    def run() -> dict:
        result = bulk.bulk_run(user_id=user_id, operations=operations)
        return _answer(result, [op.action for op in operations])

    if key is None:
        return JsonResponse(run())
    answer, replayed = bulk.answer_once(user_id=user_id, key=key, body=body, run=run)
    response = JsonResponse(answer)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def undo_batch(request: HttpRequest) -> HttpResponse:
    body = _as_object(read_json_body(request))
    undo_id = body.get("undo_id")
    errors = {k: "Unknown field." for k in body if k != "undo_id"}
    if not isinstance(undo_id, str) or not 1 <= len(undo_id) <= UNDO_ID_MAX_CHARS:
        errors["undo_id"] = "The undo_id a batch answered with."
    if errors:
        raise _invalid(errors)
    try:
        result = bulk.bulk_undo(user_id=request.user.id, undo_id=undo_id)
    except NoteNotFound:
        raise RequestProblem(
            404, "not_found", "There is no such batch to undo (it was undone already, or too long ago)."
        ) from None
    return JsonResponse(_answer(result, ["undo"] * len(result.outcomes)))


bulk_collection = api_endpoint({"POST": run_batch})
bulk_undo = api_endpoint({"POST": undo_batch})
