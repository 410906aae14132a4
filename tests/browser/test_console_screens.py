"""The console in Chromium (local mode, after some traffic): pages render finished, screenshots for review.

Screenshots go to artifacts/ (git-ignored). Debian's chromium drives them; Playwright never downloads one.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest

from console import observability
from tests.browser.conftest import SCREENSHOTS
from tests.browser.screenshots import capture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def transactional_db():
    """No relational database here (DATABASES = {}): live_server asks for this fixture, which has nothing to do."""
    yield


@pytest.fixture
def zappa_settings(tmp_path, settings):
    path = tmp_path / "zappa_settings.json"
    path.write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "notes-console",
                    "runtime": "python3.11",
                    "django_settings": "console.settings",
                    "memory_size": 512,
                    "timeout_seconds": 30,
                    "aws_region": "us-east-1",
                    "aws_environment_variables": {
                        "DYNAMODB_TABLE": "notes-console-dev",
                        "DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret",
                    },
                }
            }
        )
    )
    settings.HEALTH_ZAPPA_SETTINGS = path
    return path


# The browser is tests/browser/conftest.py's (one per package): a second sync_playwright() started here
# while that one runs fails, whichever test file runs first.


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
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


def traffic(base_url: str) -> None:
    """Requests a person would make: pages, a missing page, a health check, with correlation ids."""
    observability.reset_buffers()
    paths = [
        "/",
        "/healthz",
        "/accounts/signin/",
        "/healthz",
        "/no-such-page/",
        "/",
        "/accounts/signup/",
        "/healthz",
        "/accounts/signin/?next=/console/",
        "/healthz",
        "/robots.txt",
        "/",
    ]
    for i, path in enumerate(paths):
        request = urllib.request.Request(base_url + path, headers={"X-Correlation-Id": f"demo-{i:02d}"})
        try:
            urllib.request.urlopen(request, timeout=10).read()  # noqa: S310 - the test's own live server
        except urllib.error.HTTPError as exc:
            assert exc.code == 404


def shot(page, name: str) -> Path:
    return capture(page, SCREENSHOTS / f"{name}.png", full_page=True)  # retried: a busy machine fails captures


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
        urllib.request.Request(live_server.url + "/healthz", headers={"X-Correlation-Id": "tail-new-line"}), timeout=10
    )
    page.locator("#log-rows tr", has_text="tail-new-line").first.wait_for(timeout=10_000)
    first_row = page.locator("#log-rows tr").first.inner_text()
    assert "tail-new-line" in first_row or page.locator("#log-rows tr").nth(1).inner_text().find("tail-new") >= 0
    assert page.locator("#log-rows tr", has_text="tail-new-line").count() == 1  # appended once, not again
    assert page.locator("#log-rows tr").count() > before


def test_the_logs_table_gives_the_message_the_width_at_390(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/console/logs/")
    widths = page.locator("#log-rows td.msg").evaluate_all("cells => cells.map(c => c.getBoundingClientRect().width)")
    assert len(widths) >= 12 and min(widths) >= 300, widths
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 12 * 400, height  # a dozen short lines, not a column of words
    shot(page, "console-logs-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_of_checks(admin_page, live_server, width):
    traffic(live_server.url)
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/console/checks/")
    assert page.locator("h1, h2", has_text="Check").count() + page.get_by_text("Checked:").count() >= 1
    shot(page, f"console-checks-{width}")


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
    from console.health import aws as health_aws
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-dev"
    settings.HEALTH_PERCENTILES = []  # moto cannot compute percentiles
    health_aws.reset_clients()
    try:
        samples.seed_moto_function(
            "notes-console-dev",
            environment={
                "DYNAMODB_TABLE": "notes-console-dev",
                "DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret",
                "ADDED_BY_HAND": "1",
            },
        )
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
        health_aws.reset_clients()


def test_triggers_page_on_aws(admin_page, live_server, settings, zappa_settings):
    """The triggers page on the AWS gateway (moto): the wired stream trigger, Zappa's schedules, the API URL."""
    from console.health import aws as health_aws
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-prod"
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    try:
        samples.seed_moto_function("notes-console-prod")
        stream = samples.seed_moto_triggers("notes-console-prod", keep_warm="rate(5 minutes)")
        # A queue trigger someone added by hand: the package routes no queue, so the page flags it.
        import boto3

        queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="notes-import")["QueueUrl"]
        queue_arn = boto3.client("sqs", region_name="us-east-1").get_queue_attributes(
            QueueUrl=queue, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        boto3.client("lambda", region_name="us-east-1").create_event_source_mapping(
            FunctionName="notes-console-prod", EventSourceArn=queue_arn, BatchSize=10
        )
        # The stage routes the stream, as `manage.py wire_stream --stage prod` leaves zappa_settings.json.
        stage = json.loads(zappa_settings.read_text())["dev"]
        zappa_settings.write_text(
            json.dumps(
                {
                    "prod": {
                        **stage,
                        "events": [
                            {"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"},
                            {
                                "function": "notes.events.handle_stream",
                                "event_source": {"arn": stream, "batch_size": 100},
                            },
                        ],
                    }
                }
            )
        )
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
        health_aws.reset_clients()


def test_triggers_page_locally(admin_page, live_server, zappa_settings, monkeypatch):
    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")  # as under `make run`
    stage = json.loads(zappa_settings.read_text())["dev"]
    zappa_settings.write_text(
        json.dumps(
            {
                "dev": {
                    **stage,
                    "keep_warm": False,
                    "events": [{"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"}],
                }
            }
        )
    )
    page = admin_page
    page.goto(f"{live_server.url}/console/triggers/")
    poller = page.locator("tr.esm-local", has_text="DynamoDB stream")  # the S3 notifier's row is local too
    assert "polling the embedded endpoint every 0.5 s" in poller.inner_text()
    assert page.locator("tr.rule").count() == 1
    shot(page, "console-triggers-local")


def test_overview_recent_invocations_are_not_clipped_at_1280(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/console/?range=1h")
    wrap = page.locator(".recent-invocations .table-wrap")
    clipped = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
    assert clipped <= 0, f"the recent-invocations table is {clipped}px wider than its panel"
    assert page.locator(".recent-invocations th", has_text="Outcome").is_visible()


def test_phone_tabs_show_that_they_scroll(admin_page, live_server):
    page = admin_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/console/")
    tabs = page.locator("nav.hc-tabs")
    assert tabs.evaluate("el => el.scrollWidth > el.clientWidth")  # more tabs than fit: they scroll
    assert "gradient" in tabs.evaluate("el => getComputedStyle(el).backgroundImage")  # the edge shadow
    assert page.locator(".hc-tabs-more").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not page.locator(".hc-tabs-more").is_visible()


def issue_traffic(alice, bob) -> None:
    """What a day looks like: two people using their notes, a few missing pages, a DynamoDB hiccup (503s)
    and a bug (a KeyError the notes list raises): all real requests through the app, recorded by it."""
    from django.test import Client

    from console.aws import dynamodb
    from notes import services
    from tests.conftest import session_client

    observability.reset_buffers()
    anon = Client(raise_request_exception=False)
    people = [session_client(alice), session_client(bob)]
    for person in people:
        person.raise_request_exception = False
    notes = [
        services.note_create(user_id=alice.id, data={"title": t, "content": "…"})
        for t in ("Packing list", "Groceries", "Books to read")
    ]
    for _ in range(3):
        for person in people:
            person.get("/notes/")
        for note in notes:
            people[0].get(f"/notes/{note.id}/")
    people[0].get(f"/notes/{notes[0].id}/edit")
    people[1].get("/notes/new")
    for path in ("/", "/accounts/signin/", "/healthz", "/healthz", "/no-such-page/", "/wp-login.php"):
        anon.get(path)
    people[1].get(f"/notes/{notes[0].id}/")  # not bob's: a 404
    events = dynamodb.client().meta.events

    def outage(**_):
        from botocore.exceptions import EndpointConnectionError

        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    # a stdlib callable raising, so the innermost frame of the project's own is the repository's call
    bug = mock.Mock(side_effect=KeyError("Items"))

    events.register("before-call.dynamodb.Query", outage)
    people[0].get("/notes/")
    people[1].get("/notes/?q=lemon")
    events.unregister("before-call.dynamodb.Query", outage)
    events.register("before-call.dynamodb.Query", bug)
    for person in people:
        person.get("/notes/")
    people[0].get("/notes/trash/")
    events.unregister("before-call.dynamodb.Query", bug)
    people[0].get("/notes/")


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_errors_routes_and_overview(admin_page, live_server, alice, bob, width):
    issue_traffic(alice, bob)
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/console/errors/?range=1h")
    issues = page.locator("article.issue")
    assert issues.count() >= 2
    assert page.locator("article.issue", has_text="KeyError").locator(".issue-count").inner_text() == "3"
    assert page.locator("article.issue", has_text="HTTP 503").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    shot(page, f"console-errors-{width}")
    page.goto(f"{live_server.url}/console/routes/?range=1h")
    assert page.locator("tr.route-row th", has_text=re.compile(r"^/notes/<note_id>/$")).count() == 1
    shot(page, f"console-routes-{width}")
    page.goto(f"{live_server.url}/console/?range=1h")
    page.locator("section#errors-panel").wait_for()
    page.locator("section#deploys-panel").wait_for()
    page.locator("section#alarms-panel").wait_for()
    assert "KeyError" in page.locator("section#errors-panel").inner_text()
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    shot(page, f"console-overview-{width}")


def test_live_tail_button_and_line_count_in_the_browser(admin_page, live_server):
    traffic(live_server.url)
    page = admin_page
    page.goto(f"{live_server.url}/console/logs/")
    page.get_by_role("link", name=re.compile("Live tail off")).click()
    page.locator("#tail-poller").wait_for()
    before = int(page.locator("#log-count").inner_text().split()[0])
    urllib.request.urlopen(  # noqa: S310 - the test's own live server
        urllib.request.Request(live_server.url + "/healthz", headers={"X-Correlation-Id": "count-me"}), timeout=10
    )
    page.locator("#log-rows tr", has_text="count-me").first.wait_for(timeout=10_000)
    page.wait_for_function("n => parseInt(document.querySelector('#log-count').textContent) > n", arg=before)
    assert page.locator("#log-rows tr", has_text="/console/logs/tail/").count() == 0  # no poll of its own


def test_screenshot_of_errors_on_aws_both_log_formats(admin_page, live_server, settings, zappa_settings):
    """The errors page on the AWS gateway: Lambda-level failures too (timeouts, out of memory, init failures),
    from text- and JSON-format lines; Logs Insights through Stubber (moto ignores filter), the rest moto."""
    from datetime import timedelta

    from botocore.stub import ANY, Stubber

    from console.health import aws as health_aws
    from console.health.metrics import utcnow
    from tests import failure_samples as fs
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-dev"
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    try:
        samples.seed_moto_function("notes-console-dev")
        base = utcnow() - timedelta(minutes=50)
        rows = fs.insights_rows(fs.text_format_lines(base) + fs.json_format_lines(base + timedelta(minutes=20)))
        with Stubber(health_aws.client("logs")) as stub:
            stub.add_response("start_query", {"queryId": "q-shot"}, None)
            stub.add_response(
                "get_query_results",
                {
                    "status": "Complete",
                    "results": rows,
                    "statistics": {
                        "recordsMatched": float(len(rows)),
                        "recordsScanned": 48211.0,
                        "bytesScanned": 9120411.0,
                    },
                },
                {"queryId": ANY},
            )
            page = admin_page
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{live_server.url}/console/errors/?range=1h")
            page.locator("article.issue").first.wait_for(timeout=10_000)  # after the page's own reload
        assert page.locator("article.issue-lambda").count() >= 4
        assert page.locator("article.issue", has_text="Task timed out").locator(".issue-count").inner_text() == "2"
        shot(page, "console-errors-aws-1280")
    finally:
        health_aws.reset_clients()


def test_errors_and_routes_work_without_javascript(browser, live_server, admin, alice, bob, zappa_settings):
    from django.conf import settings

    from accounts.auth import store_user_in_session
    from accounts.sessions import SessionStore, remember_user_session

    issue_traffic(alice, bob)
    session = SessionStore()
    store_user_in_session(session, admin)
    session.save()
    remember_user_session(user_id=admin.id, session_key=session.session_key)
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/console/")
        page.get_by_role("link", name=re.compile("Grouped issues of the last")).click()  # the panel's fallback link
        page.wait_for_url("**/console/errors/**")
        assert page.locator("article.issue", has_text="KeyError").count() == 1
        page.goto(f"{live_server.url}/console/routes/?range=1h")
        page.get_by_role("link", name=re.compile("^5xx")).click()  # sort by the 5xx rate: a plain link
        page.wait_for_url("**sort=5xx**")
        first = page.locator("tr.route-row th").first.inner_text()
        assert first in {"/notes/trash/", "/notes/"}  # the routes that failed come first
        page.get_by_role("link", name="failed (1)").first.click()  # a route's failed requests, in the logs
        page.wait_for_url("**/console/logs/**")
        assert page.locator("#log-rows tr").count() >= 1
    finally:
        context.close()
