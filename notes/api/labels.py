"""JSON API for labels: the list with counts, and renaming or deleting one on every note that has it.

Thin over the services behind the labels page (notes/services.py: label_list, label_rename, label_delete), so
both answer the same: a note changed meanwhile is read again and retried, never overwritten; renaming onto a
label that exists merges the two and says so; deleting takes the label off and keeps the notes. Each call
changes at most services.LABEL_CHANGE_BATCH notes; `more: true` says to send the same request again, which
goes on where the last one stopped (nothing is done twice).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from notes import services
from notes.api.http import api_endpoint
from notes.api.input import RequestProblem, read_json_body
from notes.domain import label_problem


def _body(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    body = read_json_body(request)
    if not isinstance(body, dict):
        raise RequestProblem(422, "validation_failed", "The body must be a JSON object.", fields={})
    unknown = sorted(set(body) - set(names))
    if unknown:
        fields = {name[:60]: "not a field of this request" for name in unknown[:10]}
        raise RequestProblem(422, "validation_failed", f"Send only {', '.join(names)}.", fields=fields)
    values, problems = {}, {}
    for name in names:
        value = body.get(name)
        problem = "required (a label)" if value is None else label_problem(value)
        if problem:
            problems[name] = problem
        else:
            values[name] = value
    if problems:
        raise RequestProblem(422, "validation_failed", "Nothing was changed; see fields.", fields=problems)
    return values  # type: ignore[return-value]


def _change_json(change: services.LabelChange, done: str) -> dict[str, object]:
    message = f"{done}: {change.changed} note{'s' if change.changed != 1 else ''} changed."
    if change.skipped:
        message += f" {len(change.skipped)} kept changing meanwhile and were left as they are."
    if change.more:
        message += " More notes have it: send the same request again to go on."
    return {
        "changed": change.changed,
        "merged": change.merged,
        "more": change.more,
        "skipped": change.skipped,
        "message": message,
    }


def list_labels(request: HttpRequest) -> HttpResponse:
    labels = services.label_list(user_id=request.user.id)
    return JsonResponse({"labels": [{"label": s.label, "notes": s.notes} for s in labels]})


def rename_label(request: HttpRequest) -> HttpResponse:
    body = _body(request, ("from", "to"))
    old, new = body["from"], body["to"]
    change = services.label_rename(user_id=request.user.id, old=old, new=new, batch=services.LABEL_CHANGE_BATCH)
    if change.merged:
        done = f"Merged “{old.strip()}” into the existing label “{new.strip()}”"
    else:
        done = f"Renamed “{old.strip()}” to “{new.strip()}”"
    return JsonResponse(_change_json(change, done))


def delete_label(request: HttpRequest) -> HttpResponse:
    label = _body(request, ("label",))["label"]
    change = services.label_delete(user_id=request.user.id, label=label, batch=services.LABEL_CHANGE_BATCH)
    return JsonResponse(_change_json(change, f"Deleted the label “{label.strip()}” (the notes stay)"))


labels_collection = api_endpoint({"GET": list_labels})
labels_rename = api_endpoint({"POST": rename_label})
labels_delete = api_endpoint({"POST": delete_label})
