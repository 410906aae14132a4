"""The request timeline and the asynchronous-invocations panel in Chromium, at 390 and 1280 px: axe-core finds
nothing serious or critical, the waterfall's bars fit the width, and screenshots go to artifacts/ (git-ignored)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from playwright.sync_api import expect

from tests.browser.axe import describe, serious, violations
from tests.browser.test_accessibility import zappa_settings  # noqa: F401 - the stage the console reads
from tests.browser.test_console_screens import shot
from tests.conftest import _make_user

WIDTHS = [1280, 390]


def admin_context(new_context, sign_in, width):
    context = new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    sign_in(context, _make_user("admin", is_admin=True))
    return context


def assert_axe_clean(page, label):
    bad = serious(violations(page))
    assert not bad, f"{label}:\n{describe(bad)}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_request_timeline(new_context, sign_in, zappa_settings, width):  # noqa: F811
    page = admin_context(new_context, sign_in, width).new_page()
    page.set_extra_http_headers({"X-Correlation-Id": f"timeline-{width}"})
    page.goto("/notes/")  # the session's GetItem and the list's Query
    page.set_extra_http_headers({})
    page.goto(f"/console/requests/timeline-{width}/")
    bars = page.locator("svg.waterfall-track")
    expect(bars.first).to_be_visible()
    assert bars.count() >= 2
    # The list's Queries on its index (since pins: the pinned block, then the page), each a bar of its own.
    assert page.locator("svg.waterfall-track[aria-label^='Query on notes-test / by_updated']").count() >= 1
    document_width = page.evaluate("document.documentElement.scrollWidth")
    assert document_width <= width, document_width  # nothing sideways at 390 px
    assert_axe_clean(page, f"request timeline at {width}")
    shot(page, f"console-request-timeline-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_async_panel_on_aws(new_context, sign_in, zappa_settings, settings, width):  # noqa: F811
    from console.health import aws as health_aws
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-dev"
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    try:
        samples.seed_moto_function("notes-console-dev")
        boto3.client("lambda", region_name="us-east-1").put_function_event_invoke_config(
            FunctionName="notes-console-dev", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600
        )
        when = datetime.now(tz=UTC) - timedelta(minutes=15)
        dims = [{"Name": "FunctionName", "Value": "notes-console-dev"}]
        boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[
                {"MetricName": m, "Dimensions": dims, "Timestamp": when, "Value": v}
                for m, v in (("AsyncEventsReceived", 40), ("AsyncEventAge", 93_000), ("AsyncEventsDropped", 3))
            ],
        )
        page = admin_context(new_context, sign_in, width).new_page()
        page.goto("/console/triggers/async/?range=1h")
        expect(page.locator("#async-health .flag-bad")).to_contain_text("3 events dropped")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_axe_clean(page, f"async panel at {width}")
        shot(page, f"console-async-{width}")
        page.goto("/console/?range=1h")
        expect(page.locator("#async-flag .flag-bad")).to_contain_text("3 events dropped")
        assert_axe_clean(page, f"overview with the async flag at {width}")
    finally:
        health_aws.reset_clients()
