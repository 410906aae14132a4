"""The console's pages: admin only, local and AWS mode, redaction, drift and the AWS-call budget."""

from __future__ import annotations

import json
import re

import pytest

from console import observability
from console.health import aws as health_aws
from console.health.metrics import utcnow
from tests import health_samples as s

pytestmark = pytest.mark.usefixtures("cloudwatch_patterns")

FUNCTION = "notes-console-dev"
PAGES = [
    "/console/",
    "/console/configuration/",
    "/console/invocations/",
    "/console/logs/",
    f"/console/requests/{s.COLD_ID}/",
    "/console/triggers/",
]


@pytest.fixture(autouse=True)
def fresh_buffers():
    observability.reset_buffers()
    yield
    observability.reset_buffers()


@pytest.fixture
def zappa_settings(tmp_path, settings):
    path = tmp_path / "zappa_settings.json"
    path.write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "aws_region": "us-east-1",
                    "django_settings": "console.settings",
                    "memory_size": 1024,
                    "architecture": "arm64",
                    "aws_environment_variables": {
                        "DYNAMODB_TABLE": "notes-dev",
                        "DJANGO_SECRET_KEY": "other-secret",
                        "LOG_LEVEL": "INFO",
                    },
                    "environment_variables": {"API_TOKEN": "tok-123", "FEATURE_X": "on"},
                },
                "prod": {"extends": "dev", "memory_size": 2048},
            }
        )
    )
    settings.HEALTH_ZAPPA_SETTINGS = path
    return path


@pytest.fixture
def aws_mode(aws, settings, zappa_settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []  # moto cannot compute percentiles (Stubber tests cover them)
    health_aws.reset_clients()
    s.seed_moto_function(
        FUNCTION,
        environment={"DYNAMODB_TABLE": "notes-dev", "DJANGO_SECRET_KEY": "s3cr3t-value-xyz", "EXTRA_BY_HAND": "1"},
    )
    yield
    health_aws.reset_clients()


@pytest.fixture
def aws_calls(aws_mode):
    calls: list[str] = []

    def record(event_name: str, **_: object) -> None:
        calls.append(event_name.removeprefix("before-call."))

    for service in ("lambda", "cloudwatch", "logs", "events", "cloudformation"):
        health_aws.client(service).meta.events.register("before-call", record)
    return calls


# --- access -------------------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, aws):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/signin/?next=/console/"), url


def test_it_refuses_signed_in_non_admins(client_for, alice):
    client = client_for(alice)
    for url in [*PAGES, "/console/logs/tail/", "/console/invocations/aggregates/?q=local-1h"]:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403, url


def test_it_shows_every_page_to_admins(client_for, admin, zappa_settings):
    client = client_for(admin)
    for url in PAGES:
        response = client.get(url)
        # this process never saw the sample request: its page is a 404 that says so
        assert response.status_code == (404 if "/requests/" in url else 200), url
        assert b"Function health" in response.content and b"Local process" in response.content, url


def test_console_pages_refuse_post(client_for, admin):
    assert client_for(admin).post("/console/").status_code == 405


# --- local mode ---------------------------------------------------------------------------------------


def test_local_console_shows_the_requests_made_to_the_app(client_for, admin, client, zappa_settings):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/no-such-page/")
    admin_client = client_for(admin)
    page = admin_client.get("/console/invocations/?range=1h").content.decode()
    assert page.count("GET /healthz 200") == 3 and "GET /no-such-page/ 404" in page
    assert re.search(r"\d+(\.\d+)? ms", page)  # durations
    overview = admin_client.get("/console/?range=1h").content.decode()
    assert "notes-console-dev" in overview  # the stage's function name, labelled local
    tiles = re.search(r"Invocations</p>\s*<p class=\"tile-value\">(\d+)<", overview)
    assert tiles and int(tiles.group(1)) >= 4


def test_local_logs_show_json_request_lines_and_link_to_the_request(client_for, admin, client, zappa_settings):
    response = client.get("/healthz", HTTP_X_CORRELATION_ID="trace-me-123")
    assert response["X-Correlation-Id"] == "trace-me-123"
    admin_client = client_for(admin)
    logs = admin_client.get("/console/logs/?q=%22%2Fhealthz%22").content.decode()
    assert "GET /healthz 200" in logs and "/console/requests/trace-me-123/" in logs
    detail = admin_client.get("/console/requests/trace-me-123/").content.decode()
    assert "GET /healthz 200" in detail and "1 line" in detail


def test_local_logs_filter_by_level(client_for, admin, client, zappa_settings):
    client.get("/no-such-page/")
    client.get("/healthz")
    page = client_for(admin).get("/console/logs/?level=WARNING").content.decode()
    assert "GET /no-such-page/ 404" in page and "GET /healthz 200" not in page


def test_local_aggregates_render_without_polling(client_for, admin, client, zappa_settings):
    client.get("/healthz")
    response = client_for(admin).get("/console/invocations/aggregates/?q=local-1h&range=1h", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "Cold starts and cost" in body and "hx-trigger" not in body
    assert "GB-seconds" in body and "$" in body


def test_local_live_tail_returns_only_new_lines(client_for, admin, client, zappa_settings):
    admin_client = client_for(admin)
    after = int(utcnow().timestamp() * 1000)
    client.get("/healthz", HTTP_X_CORRELATION_ID="tail-1")
    first = admin_client.get(f"/console/logs/tail/?range=1h&after={after}", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="afterbegin:#log-rows"' in first and "tail-1" in first
    next_url = re.search(r'hx-get="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = admin_client.get(next_url, HTTP_HX_REQUEST="true").content.decode()
    assert "tail-1" not in second  # already shown (the tail request itself logs after it answers)


def test_local_configuration_shows_the_stage_and_redacts(client_for, admin, zappa_settings):
    page = client_for(admin).get("/console/configuration/").content.decode()
    assert "1024 MB" in page and "arm64" in page and "notes-dev" in page
    assert "other-secret" not in page and "tok-123" not in page
    assert "DJANGO_SECRET_KEY" in page and "API_TOKEN" in page and "FEATURE_X" in page
    assert "Local mode shows the stage itself" in page


# --- AWS mode -------------------------------------------------------------------------------------------


def test_aws_configuration_redacts_secrets_and_shows_drift(client_for, admin, aws_mode):
    page = client_for(admin).get("/console/configuration/").content.decode()
    assert "AWS Lambda" in page and "handler.lambda_handler" in page
    assert "s3cr3t-value-xyz" not in page and "other-secret" not in page and "DJANGO_SECRET_KEY" in page
    drift = page[page.index("Drift from zappa_settings.json") :]
    assert "Memory (MB)" in drift and "512" in drift and "1024" in drift
    assert "Environment EXTRA_BY_HAND" in drift and "added outside zappa_settings.json" in drift
    assert "Environment LOG_LEVEL" in drift and "not deployed yet" in drift
    assert "secret value differs" in drift
    assert "Architecture" not in drift  # arm64 on both sides


def test_aws_overview_shows_metrics_and_report_lines(client_for, admin, aws_mode):
    page = client_for(admin).get("/console/?range=1h").content.decode()
    assert re.search(r"Invocations</p>\s*<p class=\"tile-value\">6<", page)
    assert re.search(r"Errors</p>\s*<p class=\"tile-value\">3<", page) and "50% Lambda error rate" in page
    assert s.COLD_ID[:11] in page and "timeout" in page and "runtime exit" in page
    assert "<svg" in page


def test_aws_logs_and_request_pages(client_for, admin, aws_mode):
    admin_client = client_for(admin)
    logs = admin_client.get("/console/logs/").content.decode()
    assert "REPORT" in logs and "cold start, init" in logs and "ValueError: boom" in logs
    detail = admin_client.get(f"/console/requests/{s.TIMEOUT_ID}/").content.decode()
    assert "Task timed out after 30.03 seconds" in detail and ">timeout<" in detail


def test_each_page_makes_at_most_three_aws_calls(client_for, admin, aws_calls):
    client = client_for(admin)
    for url in [
        *PAGES,
        "/console/?range=7d",
        "/console/invocations/?range=7d",
        "/console/logs/?level=ERROR&range=24h",
        "/console/logs/?q=%22boom%22",
        f"/console/requests/client-ref/?t={int(utcnow().timestamp() * 1000)}",
        "/console/errors/?range=24h",
        "/console/routes/?range=24h",
        "/console/alarms/",
        "/console/deploys/",
        "/console/triggers/streams/?range=24h",
    ]:
        calls_before = len(aws_calls)
        response = client.get(url)
        assert response.status_code == (404 if "client-ref" in url else 200), url  # no line carries client-ref
        made = aws_calls[calls_before:]
        assert 1 <= len(made) <= 3, (url, made)


def test_the_aggregates_fragment_makes_at_most_three_aws_calls(client_for, admin, aws_calls):
    client = client_for(admin)
    page = client.get("/console/invocations/?range=1h").content.decode()
    url = re.search(r'hx-get="(/console/invocations/aggregates/[^"]+)"', page).group(1).replace("&amp;", "&")
    before = len(aws_calls)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert 1 <= len(aws_calls) - before <= 3


def test_a_missing_function_is_explained_not_a_500(client_for, admin, aws_mode, settings):
    settings.HEALTH_FUNCTION_NAME = "someone-elses-function"
    page = client_for(admin).get("/console/configuration/")
    assert page.status_code == 200 and b"Could not read" in page.content


def test_access_denied_names_the_iam_action_on_the_page(client_for, admin, aws_mode):
    from botocore.stub import Stubber

    with Stubber(health_aws.client("lambda")) as stub:
        stub.add_client_error(
            "get_function",
            service_error_code="AccessDeniedException",
            http_status_code=403,
            service_message="User: arn:aws:sts::123456789012:assumed-role/r/notes-console-dev is not authorized to "
            "perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:x",
        )
        page = client_for(admin).get("/console/configuration/")
    body = page.content.decode()
    assert page.status_code == 200 and "lambda:GetFunction" in body and "Policy statement to add" in body


def test_throttled_metrics_still_render_the_rest_of_the_overview(client_for, admin, aws_mode):
    from botocore.stub import Stubber

    with Stubber(health_aws.client("cloudwatch")) as stub:
        stub.add_client_error(
            "get_metric_data", service_error_code="Throttling", service_message="Rate exceeded", http_status_code=400
        )
        page = client_for(admin).get("/console/?range=1h")
    body = page.content.decode()
    assert page.status_code == 200 and "Partial data" in body and "throttled" in body
    assert "Recent invocations" in body and s.COLD_ID[:11] in body  # the log read still happened


def test_pages_work_without_zappa_settings(client_for, admin, settings, tmp_path):
    settings.HEALTH_ZAPPA_SETTINGS = tmp_path / "missing.json"
    client = client_for(admin)
    for url in PAGES:
        assert client.get(url).status_code == (404 if "/requests/" in url else 200), url
    assert b"nothing to compare with" in client.get("/console/configuration/").content


def test_bad_parameters_are_explained(client_for, admin, zappa_settings):
    client = client_for(admin)
    page = client.get("/console/logs/?range=custom&from=yesterday&to=2026-01-01T00:00&request=%22x%22").content.decode()
    assert "From and To are dates" in page and "A request id has only" in page
    assert client.get("/console/requests/abc/?t=99999999999999999999").status_code == 404  # no lines: not there
    assert b"Invalid JSON filter" in client.get("/console/logs/?q=%7B+level+%7D").content


def test_django_request_lines_carry_the_correlation_id(client, aws):
    client.get("/no-such-page/", HTTP_X_CORRELATION_ID="nf-1")
    lines = [line for line in observability.recent_log_lines() if line.logger == "django.request"]
    assert lines and lines[-1].correlation_id == "nf-1"


def test_a_running_insights_query_is_polled(client_for, admin, aws_mode):
    from botocore.stub import Stubber

    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-1"})
        response = client_for(admin).get("/console/invocations/aggregates/?q=q-1&range=1h", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="load delay:1500ms"' in body and "running" in body
    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-1"})
        page = client_for(admin).get("/console/invocations/aggregates/?q=q-1&range=1h")  # no JavaScript
    assert b'http-equiv="refresh"' in page.content
