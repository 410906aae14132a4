"""The console's pages for a text-format and a JSON-format function whose log holds the real-line corpus.

moto serves Lambda, CloudWatch and the log group; its FilterLogEvents applies CloudWatch's documented
filter-pattern rules here (tests/cloudwatch_filter.py) instead of matching everything, and its GetFunction
answers LoggingConfig (which moto leaves out) in the shape Lambda documents."""

from __future__ import annotations

import html
import re

import pytest

from console.health import aws as health_aws
from console.health import invocations, patterns
from tests import health_samples as s
from tests.cloudwatch_filter import moto_follows_cloudwatch
from tests.lambda_corpus import corpus, function_log

FUNCTION = "notes-console-dev"
FORMATS = {"text": "Text", "json": "JSON"}


@pytest.fixture(params=["text", "json"])
def real_function(request, aws, settings, monkeypatch, tmp_path):
    import moto.awslambda.models

    fmt = request.param
    original = moto.awslambda.models.LambdaFunction.get_configuration

    def with_logging_config(self, *args, **kwargs):
        config = original(self, *args, **kwargs)
        config["LoggingConfig"] = {
            "LogFormat": FORMATS[fmt],
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "INFO",
            "LogGroup": f"/aws/lambda/{self.function_name}",
        }
        return config

    monkeypatch.setattr(moto.awslambda.models.LambdaFunction, "get_configuration", with_logging_config)
    moto_follows_cloudwatch(monkeypatch)
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []  # moto cannot compute percentiles
    settings.HEALTH_ZAPPA_SETTINGS = tmp_path / "none.json"
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION, lines=function_log(fmt), minutes_ago=10)
    yield fmt
    health_aws.reset_clients()


@pytest.fixture
def calls(real_function):
    made: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-call", lambda event_name, **_: made.append(event_name.removeprefix("before-call."))
        )
    return made


def _get(client, url, calls) -> str:
    before = len(calls)
    response = client.get(url)
    assert response.status_code == 200, url
    assert 1 <= len(calls) - before <= 3, (url, calls[before:])
    return html.unescape(response.content.decode())


def _row(page: str, request_id: str) -> str:
    found = re.search(rf'title="{re.escape(request_id)}">.*?</tr>', page, re.S)
    assert found, request_id
    return found.group(0)


def _reports(fmt):
    return [line for line in corpus() if line["format"] == fmt and "report" in line["expect"]]


EXPECTED_OUTCOMES = {
    "text": {
        "4725a167-21a7-5731-99c2-c3d0e3dfd770": "timeout",
        "595492f6-5916-4b98-94e5-a1079dfab87b": "timeout",
        "4299ee26-8d1d-4ea9-bd43-77b85ed96cfe": "timeout",
        "abc-123": "runtime exit",
        "c16b0a58-61af-4b5e-ae57-b5dad549e389": "error",
        "8f507cfc-xmpl-4697-b07a-ac58fc914c95": "ok",
    },
    "json": {"aec7a529-47f9-4090-be01-c9ed91bf83cf": "timeout", "4b142fc3-17b8-4cdb-a46b-a8dbe7918715": "ok"},
}


def test_invocations_page_lists_every_report_with_its_outcome_and_cold_start(client_for, admin, real_function, calls):
    fmt = real_function
    page = _get(client_for(admin), "/console/invocations/?range=1h", calls)
    for line in _reports(fmt):
        _row(page, line["expect"]["request_id"])
    for request_id, outcome in EXPECTED_OUTCOMES[fmt].items():
        row = _row(page, request_id)
        assert (f">{outcome}<" in row) if outcome != "ok" else ("pill-ok" in row), (request_id, row)
    cold = "c16b0a58-61af-4b5e-ae57-b5dad549e389" if fmt == "text" else "4b142fc3-17b8-4cdb-a46b-a8dbe7918715"
    assert 'title="cold start"' in _row(page, cold)


def test_overview_shows_the_newest_invocations_with_their_outcomes(client_for, admin, real_function, calls):
    from console.health.invocation_lines import invocations_from_events
    from console.health.logparse import LogEvent

    events = [LogEvent(i, m, st, str(i)) for i, (st, _, m) in enumerate(function_log(real_function))]
    newest = invocations_from_events(events)[:10]
    page = _get(client_for(admin), "/console/?range=1h", calls)
    assert "Recent invocations" in page
    for inv in newest:
        assert f'title="{inv.request_id}"' in page, inv.request_id
        if inv.failed:
            assert f">{inv.outcome}<" in _row(page, inv.request_id)
    assert any(inv.failed for inv in newest) and any(inv.cold_start for inv in newest)


def test_request_page_shows_outcome_start_and_lines(client_for, admin, real_function, calls):
    client = client_for(admin)
    if real_function == "text":
        page = _get(client, "/console/requests/c16b0a58-61af-4b5e-ae57-b5dad549e389/", calls)
        assert re.search(r'Outcome</p><p class="tile-value">error<', page)
        assert re.search(r'Start</p><p class="tile-value">cold<', page) and "Unknown application error occurred" in page
        xray = _get(client, "/console/requests/8f507cfc-xmpl-4697-b07a-ac58fc914c95/", calls)
        assert "X-Ray 1-5e34a614-10bdxmplf1fb44f07bc535a1" in xray and "## ENVIRONMENT VARIABLES" in xray
    else:
        page = _get(client, "/console/requests/aec7a529-47f9-4090-be01-c9ed91bf83cf/", calls)
        assert re.search(r'Outcome</p><p class="tile-value">timeout<', page) and "platform.runtimeDone" in page
        cold = _get(client, "/console/requests/4b142fc3-17b8-4cdb-a46b-a8dbe7918715/", calls)
        assert re.search(r'Start</p><p class="tile-value">cold<', cold) and "ENV 2024-05-20T16:29:42.891Z" in cold


LEVEL_EXPECTATIONS = {
    "text": {
        "ERROR": (
            [
                "Task timed out after 31.01 seconds",
                "INIT_REPORT Init Duration: 9999.79 ms",
                "Error: Runtime exited with error: signal: killed",
                "KeyError: 'action'",
                "FaultExceptionType: Fault exception msg",
                "status <b>timeout</b>",
            ],
            ["Create kube config file.", "{'key': 'value'}"],
        ),
        "WARNING": (["Task timed out after 3.03 seconds"], ["Create kube config file."]),
        "INFO": (["Create kube config file.", "{'key': 'value'}", "Task timed out after 3.03 seconds"], []),
        "DEBUG": (["Create kube config file."], []),
        "": (["START RequestId: 8f507cfc", "2018/03/13 20:21:44 unexpected EOF"], []),
    },
    "json": {
        "ERROR": (
            ["platform.runtimeDone", "TEST CRITICAL", "test exception", "TEST 1", "status <b>timeout</b>"],
            ["Just some logs here =)", "ENV 2024-05-20T16:29:42.891Z"],
        ),
        "WARNING": (["TEST CRITICAL"], ["Just some logs here =)"]),
        "INFO": (["Just some logs here =)", "TEST CRITICAL"], []),
        "DEBUG": (["ENV 2024-05-20T16:29:42.891Z"], []),
        "": (["platform.initStart", "PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL"], []),
    },
}


@pytest.mark.parametrize("level", ["", "DEBUG", "INFO", "WARNING", "ERROR"])
def test_logs_page_at_each_level(client_for, admin, real_function, calls, level):
    page = _get(client_for(admin), f"/console/logs/?range=1h&level={level}", calls)
    shown, hidden = LEVEL_EXPECTATIONS[real_function][level]
    for text in shown:
        assert text in page, (level, text)
    for text in hidden:
        assert text not in page, (level, text)


def test_the_configuration_page_reads_the_log_format(client_for, admin, real_function, calls):
    page = _get(client_for(admin), "/console/configuration/", calls)
    assert "Log format" in page and FORMATS[real_function] in page


def test_after_one_get_function_the_pages_send_the_formats_patterns_and_query(client_for, admin, real_function):
    sent: list[tuple[str, dict]] = []
    for service in ("lambda", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build",
            lambda event_name, params, **_: sent.append((event_name.rsplit(".", 1)[-1], params)),
        )
    client = client_for(admin)
    assert client.get("/console/configuration/").status_code == 200  # GetFunction: LoggingConfig.LogFormat
    sent.clear()
    assert client.get("/console/invocations/?range=1h").status_code == 200
    log_format = FORMATS[real_function]
    by_operation = {operation: params for operation, params in sent}
    assert "GetFunction" not in by_operation
    assert by_operation["FilterLogEvents"]["filterPattern"] == patterns.invocation_pattern(log_format)
    assert by_operation["StartQuery"]["queryString"] == invocations.insights_query(log_format)
    sent.clear()
    assert client.get("/console/logs/?range=1h&level=ERROR").status_code == 200
    assert [p["filterPattern"] for op, p in sent if op == "FilterLogEvents"][0] == patterns.level_pattern(
        "ERROR", log_format
    )
