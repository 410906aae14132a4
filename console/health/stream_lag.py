"""IteratorAge per event source mapping: how far behind each stream trigger is, not the function as a whole.

Lambda's metric docs ("Viewing metrics for Lambda functions") say its `AWS/Lambda` metrics can be filtered by
function name, alias, version, or event source mapping UUID: the `EventSourceMappingUUID` dimension. They do not
say which dimension set IteratorAge carries with it, so both candidates (the UUID alone, and FunctionName with the
UUID) are asked for in the streams page's one GetMetricData call; whichever has datapoints is the mapping's lag.
Neither has any (an older mapping, or no records yet): the function's own IteratorAge stands in, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.health.gateway import EventSourceMapping, MetricData
from console.health.metrics import Window, fill_buckets

DIMENSION = "EventSourceMappingUUID"


@dataclass(frozen=True)
class MappingLag:
    per_bucket: list[float]
    max_ms: float | None
    per_mapping: bool  # False: the function's IteratorAge, shared by its stream triggers


def _query(qid: str, dimensions: list[tuple[str, str]], period: int) -> dict:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": "IteratorAge",
                "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions],
            },
            "Period": period,
            "Stat": "Maximum",
        },
    }


def _candidates(function_name: str, uuid: str) -> dict[str, list[tuple[str, str]]]:
    return {"u": [(DIMENSION, uuid)], "fu": [("FunctionName", function_name), (DIMENSION, uuid)]}


def lag_queries(function_name: str, mappings: list[EventSourceMapping], window: Window) -> list[dict]:
    """Per bucket and over the range, for each mapping with a UUID, under each candidate dimension set."""
    queries = []
    for i, m in enumerate(mappings):
        if not m.uuid:
            continue
        for key, dimensions in _candidates(function_name, m.uuid).items():
            queries.append(_query(f"lag{i}{key}", dimensions, window.period))
            queries.append(_query(f"lag{i}{key}_all", dimensions, window.seconds))
    return queries


def mapping_lag(data: MetricData, index: int, window: Window) -> MappingLag | None:
    """The mapping's own IteratorAge, or None when CloudWatch holds none for it."""
    for key in ("u", "fu"):
        points = data.points.get(f"lag{index}{key}") or []
        overall = [v for _, v in data.points.get(f"lag{index}{key}_all") or []]
        if points or overall:
            per_bucket = fill_buckets(window, points, combine="max")
            values = overall or [v for _, v in points]
            return MappingLag(per_bucket=per_bucket, max_ms=max(values), per_mapping=True)
    return None


FALLBACK_NOTE = (
    "No IteratorAge for this trigger's own UUID (EventSourceMappingUUID) in the range: "
    "the function's IteratorAge is shown, shared by its stream triggers"
)
