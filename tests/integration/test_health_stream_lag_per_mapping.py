"""Stream lag per event source mapping: each stream trigger's own IteratorAge (the EventSourceMappingUUID
dimension, alone or with FunctionName), in the streams page's one GetMetricData call; the function's IteratorAge
with a note when CloudWatch holds none for the mapping. On moto, which stores AWS/Lambda datapoints as sent."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from console.health.gateway import EventSourceMapping
from console.health.metrics import Window
from console.health.stream_lag import FALLBACK_NOTE, lag_queries
from tests.integration import test_health_streams as streams

FUNCTION = streams.FUNCTION
fresh = streams.fresh
aws_stream = streams.aws_stream
aws_calls = streams.aws_calls


def mapping_uuid() -> str:
    (mapping,) = boto3.client("lambda", region_name="us-east-1").list_event_source_mappings(FunctionName=FUNCTION)[
        "EventSourceMappings"
    ]
    return mapping["UUID"]


def put_age(dimensions: dict[str, str], *values: float) -> None:
    when = datetime.now(tz=UTC) - timedelta(minutes=15)
    boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "IteratorAge",
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                "Timestamp": when,
                "Value": value,
                "Unit": "Milliseconds",
            }
            for value in values
        ],
    )


def lag_cell(client) -> tuple[str, str]:
    body = html.unescape(client.get("/console/triggers/streams/?range=1h", HTTP_HX_REQUEST="true").content.decode())
    row = body[body.index('<tr class="stream-row">') :]
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)[0], row


@pytest.mark.parametrize("with_function", [False, True], ids=["uuid", "function+uuid"])
def test_the_mapping_own_iterator_age_is_its_lag(client_for, admin, aws_calls, with_function):
    uuid = mapping_uuid()
    put_age(
        {"FunctionName": FUNCTION, "EventSourceMappingUUID": uuid}
        if with_function
        else {"EventSourceMappingUUID": uuid},
        4000.0,
        2500.0,
    )
    lag, row = lag_cell(client_for(admin))
    assert lag == "4 s"  # not the function's 95 s (the fixture's FunctionName datapoints)
    assert FALLBACK_NOTE not in row and "falling behind" not in row
    assert aws_calls == ["ListEventSourceMappings", "GetMetricData", "FilterLogEvents"]


def test_another_mapping_lag_is_not_this_one(client_for, admin, aws_calls):
    put_age({"EventSourceMappingUUID": "0b9c8d7e-0000-4000-8000-000000000000"}, 600_000.0)
    lag, row = lag_cell(client_for(admin))
    assert lag == "95 s" and FALLBACK_NOTE in row  # the function's, said so


def test_both_dimension_sets_are_asked_for_each_mapping_with_a_uuid():
    mappings = [EventSourceMapping("arn:s", "s", "Enabled", uuid="u-1"), EventSourceMapping("arn:t", "t", "Enabled")]
    queries = lag_queries(FUNCTION, mappings, Window.for_range("1h"))
    assert [q["Id"] for q in queries] == ["lag0u", "lag0u_all", "lag0fu", "lag0fu_all"]
    assert [q["MetricStat"]["Metric"]["Dimensions"] for q in queries[::2]] == [
        [{"Name": "EventSourceMappingUUID", "Value": "u-1"}],
        [{"Name": "FunctionName", "Value": FUNCTION}, {"Name": "EventSourceMappingUUID", "Value": "u-1"}],
    ]
