"""Forgot password? by email in the browser: with and without JavaScript, at 1280 and 390,
and axe-clean (no serious or critical violation) on each page and state."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.services import user_authenticate
from tests.browser.axe import describe, serious, violations
from tests.browser.conftest import DESKTOP
from tests.conftest import _make_user

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a brand new long passphrase"


def fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def axe_clean(page, label: str) -> None:
    bad = serious(violations(page))
    assert not bad, f"{label}:\n{describe(bad)}"


def mailed_link(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_check_an_address_then_forget_the_password_and_set_a_new_one(new_context, sign_in, javascript, viewport):
    alice = _make_user("alice")
    # bypass_csp: axe is injected (the pages' own scripts still run under their CSP checks elsewhere)
    context = new_context(java_script_enabled=javascript, viewport=viewport, bypass_csp=True)
    checker = new_context(viewport=viewport, bypass_csp=True).new_page()  # axe needs JavaScript

    def check(page, label: str) -> None:
        fits(page)
        if javascript:
            axe_clean(page, label)
        else:
            checker.goto("/healthz")
            html = page.content().replace("<script", "<template").replace("</script>", "</template>")
            checker.set_content(html)
            axe_clean(checker, label + " (without JavaScript)")

    sign_in(context, alice)
    page = context.new_page()
    page.goto("/accounts/password/")
    page.get_by_role("link", name="Email address for password resets").click()
    check(page, "email address, none yet")
    page.get_by_label("Address").fill("not an address")
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.locator("#err_email")).to_have_text("Enter an email address like name@example.com.")
    check(page, "email address, refused")
    page.get_by_label("Address").fill("alice@example.com")
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_role("status")).to_contain_text("We mailed a link to the address")
    page.goto(mailed_link("alice@example.com"))
    check(page, "confirm the address")
    page.get_by_role("button", name="Confirm the address").click()
    expect(page.get_by_role("status")).to_contain_text("Your address is confirmed")
    expect(page.get_by_text("Confirmed address: alice@example.com")).to_be_visible()
    check(page, "email address, confirmed")

    context.clear_cookies()
    page.goto("/accounts/signin/")
    page.get_by_role("link", name="Forgot password?").click()
    check(page, "forgot password")
    page.get_by_label("Email address").fill("alice@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account has that address")
    check(page, "forgot password, sent")

    page.goto(mailed_link("alice@example.com"))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    assert user_authenticate(username="alice", password=NEW_PASSWORD).id == alice.id
