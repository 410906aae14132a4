"""The Checks page in Chromium on the AWS gateway (moto): axe-core clean at 390 and 1280 px, with and without
JavaScript, nothing wider than a phone, and a screenshot in artifacts/ (git-ignored) for review."""

from __future__ import annotations

import boto3
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.screenshots import capture
from tests.browser.test_accessibility import PHONE, Sweep, zappa_settings  # noqa: F401 - fixtures
from tests.conftest import _make_user

FUNCTION = "notes-console-dev"


@pytest.fixture
def flagged(settings, zappa_settings):  # noqa: F811 - the fixture imported above
    from console.health import aws as health_aws
    from console.health import overview_reads
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    overview_reads.forget()
    samples.seed_moto_function(FUNCTION, environment={"DYNAMODB_TABLE": FUNCTION, "API_TOKEN": "tok_live_1"})
    boto3.client("lambda", region_name="us-east-1").create_function_url_config(FunctionName=FUNCTION, AuthType="NONE")
    yield
    health_aws.reset_clients()
    overview_reads.forget()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
def test_the_checks_page_is_accessible_and_fits(viewport, new_context, sign_in, debug, flagged):  # noqa: F811
    sweep = Sweep()
    admin = _make_user("admin", is_admin=True)
    options = {"bypass_csp": True, **({"viewport": viewport} if viewport else {})}
    context = new_context(**options)
    sign_in(context, admin)
    page = context.new_page()
    page.goto("/console/checks/")
    expect(page.get_by_role("heading", name="A function URL with auth type NONE")).to_be_visible()
    sweep.check(page, "checks")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    capture(page, SCREENSHOTS / f"checks-{'390' if viewport else '1280'}.png", full_page=True)

    no_js = new_context(java_script_enabled=False, **options)
    sign_in(no_js, admin)
    plain = no_js.new_page()
    plain.goto("/console/checks/")
    expect(plain.get_by_role("link", name="Read the checks this page's budget left unknown")).to_be_visible()
    plain.get_by_role("link", name="Read the checks this page's budget left unknown").click()
    expect(plain.get_by_text("recommended alarms missing")).to_be_visible()
    sweep.check_without_javascript(plain, "checks, no JavaScript, part two", context.new_page())

    page.goto("/console/?range=1h")
    expect(page.locator("#checks-panel .pill-bad")).to_contain_text("failing")
    if not viewport:  # at 390 px the overview's deploys table fails axe already
        sweep.check(page, "overview with the checks panel")
    sweep.assert_clean()
