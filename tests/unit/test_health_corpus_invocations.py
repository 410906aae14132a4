"""Invocations assembled from the real-line corpus laid out as a text-format and a JSON-format function's log."""

from __future__ import annotations

import pytest

from console.health.invocation_lines import (
    OUTCOME_CRASH,
    OUTCOME_ERROR,
    OUTCOME_OK,
    OUTCOME_TIMEOUT,
    invocations_from_events,
)
from console.health.logparse import LogEvent
from tests.lambda_corpus import function_log

T0 = 1_795_000_000_000


def invocations(fmt):
    events = [
        LogEvent(T0 + offset, message, stream, str(i)) for i, (stream, offset, message) in enumerate(function_log(fmt))
    ]
    return invocations_from_events(events)


def by_id(fmt):
    found = {}
    for inv in invocations(fmt):
        found.setdefault(inv.request_id, []).append(inv)
    return found


def test_text_function_outcomes_and_cold_starts():
    inv = by_id("text")
    sam = inv["c16b0a58-61af-4b5e-ae57-b5dad549e389"][0]
    # init failed and re-ran inside this invoke: its cold start and its error are on INIT_REPORT, not REPORT
    assert sam.cold_start and sam.init_ms == pytest.approx(1712.41) and sam.init_phase == "invoke"
    assert sam.outcome == OUTCOME_ERROR and sam.error_type == "Runtime.Unknown"
    assert inv["4299ee26-8d1d-4ea9-bd43-77b85ed96cfe"][0].outcome == OUTCOME_TIMEOUT  # Task timed out line
    assert inv["4725a167-21a7-5731-99c2-c3d0e3dfd770"][0].outcome == OUTCOME_TIMEOUT  # Status: timeout only
    cold_timeout = inv["595492f6-5916-4b98-94e5-a1079dfab87b"][0]
    assert cold_timeout.outcome == OUTCOME_TIMEOUT and cold_timeout.cold_start
    assert inv["b47cde10-029a-11e6-b5d6-1f01b70b94b2"][0].outcome == OUTCOME_TIMEOUT  # timeout line after REPORT
    assert inv["fb63a8b6-599d-11e8-a437-911ac44bc0b4"][0].outcome == OUTCOME_TIMEOUT
    assert inv["abc-123"][0].outcome == OUTCOME_CRASH  # out of memory: Runtime exited, signal: killed
    python = inv["8f507cfc-xmpl-4697-b07a-ac58fc914c95"][0]
    assert (
        python.outcome == OUTCOME_OK and python.cold_start and python.trace_id == "1-5e34a614-10bdxmplf1fb44f07bc535a1"
    )
    assert not inv["3604209a-e9a3-11e6-939a-754dd98c7be3"][0].cold_start
    restored = [i for i in inv["55bc566d-1e2c-11e7-93e6-6705ceb4c1cc"] if i.restore_ms is not None]
    assert restored and restored[0].cold_start and restored[0].init_ms is None


def test_json_function_outcomes_and_cold_starts():
    inv = by_id("json")
    assert len(invocations("json")) >= 4
    timed_out = inv["aec7a529-47f9-4090-be01-c9ed91bf83cf"][0]
    assert timed_out.outcome == OUTCOME_TIMEOUT and timed_out.duration_ms == 5000.0
    cold = inv["4b142fc3-17b8-4cdb-a46b-a8dbe7918715"][0]
    assert cold.outcome == OUTCOME_OK and cold.cold_start and cold.init_ms == pytest.approx(174.055)
    jid = inv["d661f7cf-9208-46b9-85b0-213b04a91065"]
    assert {i.init_ms for i in jid} == {10.0, None} and any(i.restore_ms == pytest.approx(500.795) for i in jid)


def test_the_unhandled_error_object_is_its_requests_error():
    start = "START RequestId: fc4f8810-88ff-4800-974c-12cec018a4b9 Version: $LATEST"
    error = (
        '{"errorMessage": "\'action\'", "errorType": "KeyError", "stackTrace": ["  File \\"/var/task/'
        "lambda_function.py\\\", line 36, in lambda_handler\\n    result = ACTIONS[event['action']](event['number'])\\n\"]}"
    )
    report = (
        "REPORT RequestId: fc4f8810-88ff-4800-974c-12cec018a4b9\tDuration: 1.00 ms\tBilled Duration: 1 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 30 MB\t"
    )
    events = [LogEvent(T0 + i, m, "s", str(i)) for i, m in enumerate([start, error, report])]
    (inv,) = invocations_from_events(events)
    assert inv.outcome == OUTCOME_ERROR and inv.detail == "KeyError: 'action'" and inv.error_type == "KeyError"


def test_an_init_ahead_of_the_request_is_not_its_cold_start():
    """Provisioned concurrency and proactive init: INIT_REPORT succeeded before, REPORT has no Init Duration."""
    lines = [
        "INIT_REPORT Init Duration: 173.78 ms\tPhase: init\tStatus: success",
        "START RequestId: 11111111-2222-4333-8444-555555555555 Version: $LATEST",
        "REPORT RequestId: 11111111-2222-4333-8444-555555555555\tDuration: 2.00 ms\tBilled Duration: 2 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 40 MB\t",
    ]
    (inv,) = invocations_from_events([LogEvent(T0 + i, m, "s", str(i)) for i, m in enumerate(lines)])
    assert not inv.cold_start and inv.outcome == OUTCOME_OK
