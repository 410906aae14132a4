"""Delete my account and a password reset link, in a real browser, with and without JavaScript."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.users import UserNotFound
from accounts.wiring import user_repository
from notes import services
from tests.conftest import PASSWORD, _make_user


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_delete_my_account_from_the_password_page(javascript, new_context, sign_in):
    alice = _make_user("alice")
    services.note_create(user_id=alice.id, data={"title": "Soon gone"})
    context = new_context(java_script_enabled=javascript, viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/accounts/password/")
    page.get_by_role("link", name="Delete my account").click()

    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("Delete my account and all my notes for good").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your password is incorrect.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Delete my account and all my notes for good").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    page.goto("/notes/")
    expect(page).to_have_url(re.compile(r"/accounts/signin/"))
    with pytest.raises(UserNotFound):
        user_repository().get(user_id=alice.id)


def test_a_reset_link_sets_a_new_password(new_context):
    _make_user("alice")
    out = io.StringIO()
    call_command("password_reset_link", "alice", stdout=out)
    path = re.search(r"^(/accounts/reset/\?key=\S+)$", out.getvalue(), re.M).group(1)
    page = new_context(java_script_enabled=False).new_page()

    page.goto(path)
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("New password again").fill("a brand new passphrase")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/notes/"))
    page.goto(path)
    expect(page.get_by_role("alert")).to_contain_text("used already")
