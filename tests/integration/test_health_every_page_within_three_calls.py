"""Every console page, on AWS, makes at most three AWS calls (the console's budget: a page must not eat the
function's own timeout or its account's API quotas). The function is moto's, its log the real-line corpus
in the text and in the JSON format (tests/data/lambda_log_lines.json), FilterLogEvents following
CloudWatch's pattern rules.

Every call the app makes is seen where the AWS-call catalogue sees it (tests/aws_calls.py): any service but
DynamoDB, which is the app's own store (the session read of every signed-in page). The list of pages is
checked against console/health/urls.py, so a new page is not left out."""

from __future__ import annotations

import re

import pytest

from console.health import urls as health_urls
from tests import aws_calls
from tests.integration.test_health_pages_real_logs import real_function  # noqa: F401 - both log formats

BUDGET = 3


@pytest.fixture
def made(monkeypatch):
    """The app's AWS calls (service.Operation) since the list was last cleared."""
    seen: list[str] = []
    original = aws_calls.record

    def counting(service, operation, params, frame):
        if service != "dynamodb" and aws_calls.caller(frame) is not None:
            seen.append(f"{service}.{operation}")
        original(service, operation, params, frame)

    monkeypatch.setattr(aws_calls, "record", counting)
    return seen


def _handle(page: str) -> str:
    found = re.search(r"[?&;]q=([A-Za-z0-9\-]+)", page)
    assert found, "no Logs Insights query id in the page"
    return found.group(1)


# One request of the corpus in each format (its REPORT line is in the log).
REQUEST = {"text": "c16b0a58-61af-4b5e-ae57-b5dad549e389", "json": "aec7a529-47f9-4090-be01-c9ed91bf83cf"}


def test_every_console_page_makes_at_most_three_aws_calls(client_for, admin, real_function, made):  # noqa: F811
    client = client_for(admin)
    spent: dict[str, list[str]] = {}

    def get(name: str, url: str, **headers) -> str:
        made.clear()
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        spent[name] = list(made)
        return response.content.decode()

    htmx = {"HTTP_HX_REQUEST": "true"}
    get("overview", "/console/?range=1h")
    get("configuration", "/console/configuration/")
    invocations = get("invocations", "/console/invocations/?range=1h")
    get("aggregates", f"/console/invocations/aggregates/?range=1h&q={_handle(invocations)}")
    get("logs", "/console/logs/?range=1h")
    get("logs_tail", "/console/logs/tail/?range=1h&after=0", **htmx)
    get("request", f"/console/requests/{REQUEST[real_function]}/")
    errors = get("errors", "/console/errors/?range=1h")
    get("errors (read)", f"/console/errors/?range=1h&q={_handle(errors)}")
    panel = get("errors_panel", "/console/errors/panel/?range=1h", **htmx)
    get("errors_panel (read)", f"/console/errors/panel/?range=1h&q={_handle(panel)}", **htmx)
    routes = get("routes", "/console/routes/?range=1h")
    get("routes (read)", f"/console/routes/?range=1h&q={_handle(routes)}")
    get("triggers", "/console/triggers/")
    get("streams", "/console/triggers/streams/?range=1h")
    get("async", "/console/triggers/async/?range=1h")
    get("alarms", "/console/alarms/")
    get("deploys", "/console/deploys/")
    get("overview (again)", "/console/?range=1h")
    get("checks", "/console/checks/?range=1h")  # the overview's reads of the last minute are reused

    pages = {p.name for p in health_urls.urlpatterns}
    assert pages <= {name.split(" ")[0] for name in spent}, pages - set(spent)
    assert {name: calls for name, calls in spent.items() if len(calls) > BUDGET} == {}
    assert all(spent[name] for name in ("overview", "logs", "request"))  # read AWS at all
