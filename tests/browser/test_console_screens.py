"""The console in Chromium (local mode, after some traffic): pages render finished, screenshots for review.

Screenshots go to artifacts/ (git-ignored). Debian's chromium drives them; Playwright never downloads one.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from console import observability

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def transactional_db():
    """No relational database here (DATABASES = {}): live_server asks for this fixture, which has nothing to do."""
    yield


@pytest.fixture
def zappa_settings(tmp_path, settings):
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {
        "project_name": "notes-console", "runtime": "python3.11", "django_settings": "console.settings",
        "memory_size": 512, "timeout_seconds": 30, "aws_region": "us-east-1",
        "aws_environment_variables": {"DYNAMODB_TABLE": "notes-console-dev", "DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret"},
    }}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    return path


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def admin_page(browser, live_server, admin, zappa_settings):
    from django.conf import settings

    from accounts.auth import store_user_in_session
    from accounts.sessions import SessionStore, remember_user_session

    session = SessionStore()
    store_user_in_session(session, admin)
    session.save()
    remember_user_session(user_id=admin.id, session_key=session.session_key)
    context = browser.new_context(viewport={"width": 1360, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                          "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


def traffic(base_url: str) -> None:
    """Requests a person would make: pages, a missing page, a health check, with correlation ids."""
    observability.reset_buffers()
    paths = ["/", "/healthz", "/accounts/signin/", "/healthz", "/no-such-page/", "/", "/accounts/signup/",
             "/healthz", "/accounts/signin/?next=/console/", "/healthz", "/robots.txt", "/"]
    for i, path in enumerate(paths):
        request = urllib.request.Request(base_url + path, headers={"X-Correlation-Id": f"demo-{i:02d}"})
        try:
            urllib.request.urlopen(request, timeout=10).read()  # noqa: S310 - the test's own live server
        except urllib.error.HTTPError as exc:
            assert exc.code == 404


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_overview_after_traffic(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.goto(f"{live_server.url}/console/?range=1h")
    assert page.locator("h1").inner_text() == "notes-console-dev"
    assert page.get_by_text("Local process").is_visible()
    invocations = page.locator(".tile").filter(has=page.locator(".tile-label", has_text=re.compile("^Invocations$")))
    assert int(invocations.locator(".tile-value").inner_text()) >= 12
    assert page.locator("svg.chart").count() == 2
    assert page.locator("table.data tbody tr").count() >= 10
    assert page.get_by_text("GET /no-such-page/ 404").is_visible()
    assert shot(page, "console-overview").stat().st_size > 10_000


def test_logs_page_and_one_request(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.goto(f"{live_server.url}/console/logs/")
    rows = page.locator("#log-rows tr")
    assert rows.count() >= 12
    assert page.locator(".lvl-warning").first.is_visible()  # the 404
    assert shot(page, "console-logs").stat().st_size > 10_000

    page.fill("#f-request", "demo-04")
    page.click(".log-filters button[type=submit]")
    assert page.locator("#log-rows tr").count() >= 1
    page.locator("#log-rows a", has_text="demo-04").first.click()
    page.wait_for_url("**/console/requests/demo-04/**")
    assert page.get_by_text("GET /no-such-page/ 404").first.is_visible()
    shot(page, "console-request")


def test_live_tail_appends_only_new_lines(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.goto(f"{live_server.url}/console/logs/?live=1")
    assert page.locator("#tail-poller").is_visible()
    before = page.locator("#log-rows tr").count()
    urllib.request.urlopen(  # noqa: S310 - the test's own live server
        urllib.request.Request(live_server.url + "/healthz", headers={"X-Correlation-Id": "tail-new-line"}), timeout=10)
    page.locator("#log-rows tr", has_text="tail-new-line").first.wait_for(timeout=10_000)
    first_row = page.locator("#log-rows tr").first.inner_text()
    assert "tail-new-line" in first_row or page.locator("#log-rows tr").nth(1).inner_text().find("tail-new") >= 0
    assert page.locator("#log-rows tr", has_text="tail-new-line").count() == 1  # appended once, not again
    assert page.locator("#log-rows tr").count() > before


def test_configuration_and_invocations_pages(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.goto(f"{live_server.url}/console/configuration/")
    assert page.get_by_text("DJANGO_SECRET_KEY_PARAMETER").is_visible()
    assert "/notes/dev/secret" not in page.content()
    shot(page, "console-configuration")
    page.goto(f"{live_server.url}/console/invocations/?range=1h")
    page.locator("#aggregates .tile").first.wait_for(timeout=10_000)  # htmx loaded the aggregates
    assert page.locator("svg.chart").count() == 3
    shot(page, "console-invocations")


def test_aws_mode_pages_render_reports_and_drift(admin_page, live_server, settings, zappa_settings):
    """The same pages on the AWS gateway (moto): REPORT rows, outcomes, redaction and drift."""
    from console.aws import clients as aws_clients
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-dev"
    settings.HEALTH_PERCENTILES = []  # moto cannot compute percentiles
    aws_clients.reset_clients()
    try:
        samples.seed_moto_function("notes-console-dev", environment={
            "DYNAMODB_TABLE": "notes-console-dev", "DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret",
            "ADDED_BY_HAND": "1"})
        page = admin_page
        page.goto(f"{live_server.url}/console/?range=1h")
        assert page.get_by_text("AWS Lambda").is_visible()
        assert page.locator(".pill-bad", has_text="timeout").is_visible()
        shot(page, "console-aws-overview")
        page.goto(f"{live_server.url}/console/logs/")
        assert page.locator(".lvl-report").count() == 6
        assert page.locator(".chip-cold").count() >= 2
        shot(page, "console-aws-logs")
        page.goto(f"{live_server.url}/console/configuration/")
        assert page.get_by_text("Environment ADDED_BY_HAND").is_visible()
        assert "/notes/dev/secret" not in page.content()
        shot(page, "console-aws-configuration")
    finally:
        aws_clients.reset_clients()


def test_triggers_page_on_aws(admin_page, live_server, settings, zappa_settings):
    """The triggers page on the AWS gateway (moto): the wired stream trigger, Zappa's schedules, the API URL."""
    from console.aws import clients as aws_clients
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-prod"
    settings.HEALTH_PERCENTILES = []
    aws_clients.reset_clients()
    try:
        samples.seed_moto_function("notes-console-prod")
        stream = samples.seed_moto_triggers("notes-console-prod", keep_warm="rate(5 minutes)")
        # A queue trigger someone added by hand: the package routes no queue, so the page flags it.
        import boto3

        queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="notes-import")["QueueUrl"]
        queue_arn = boto3.client("sqs", region_name="us-east-1").get_queue_attributes(
            QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        boto3.client("lambda", region_name="us-east-1").create_event_source_mapping(
            FunctionName="notes-console-prod", EventSourceArn=queue_arn, BatchSize=10)
        # The stage routes the stream, as `manage.py wire_stream --stage prod` leaves zappa_settings.json.
        stage = json.loads(zappa_settings.read_text())["dev"]
        zappa_settings.write_text(json.dumps({"prod": {**stage, "events": [
            {"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"},
            {"function": "notes.events.handle_stream", "event_source": {"arn": stream, "batch_size": 100}}]}}))
        page = admin_page
        page.goto(f"{live_server.url}/console/triggers/")
        assert page.locator(".hc-tabs a[aria-current=page]").inner_text() == "Triggers"
        assert page.locator(".trigger-url a").inner_text().startswith("https://")
        assert page.locator("tr.esm").count() == 2
        assert page.locator("tr.esm", has_text="DynamoDB stream").locator(".pill-ok").inner_text() == "Enabled"
        assert "does not route this ARN" in page.locator("ul.risks").inner_text()  # the queue only
        assert page.locator("tr.rule").count() == 2
        assert shot(page, "console-triggers").stat().st_size > 10_000
    finally:
        aws_clients.reset_clients()


def test_triggers_page_locally(admin_page, live_server, zappa_settings, monkeypatch):
    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")  # as under `make run`
    stage = json.loads(zappa_settings.read_text())["dev"]
    zappa_settings.write_text(json.dumps({"dev": {**stage, "keep_warm": False, "events": [
        {"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"}]}}))
    page = admin_page
    page.goto(f"{live_server.url}/console/triggers/")
    poller = page.locator("tr.esm-local")
    assert "polling the embedded endpoint every 0.5 s" in poller.inner_text()
    assert page.locator("tr.rule").count() == 1
    shot(page, "console-triggers-local")
