"""axe-core on every page (notes, accounts, API docs, each console page), with and without errors shown,
under DEBUG as `make run` serves them: no violation of impact serious or critical.

Each page is checked as served (no JavaScript run yet matters little: htmx pages render on the server),
after its scripts ran, and in its error states (a form sent back with errors, a conflict, an outage).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from console import observability
from notes import services
from tests.browser.axe import describe, serious, violations
from tests.conftest import PASSWORD, _make_user

PHONE = {"width": 390, "height": 844}


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
                    "events": [{"function": "notes.events.purge_trash", "expression": "cron(15 3 * * ? *)"}],
                    "aws_environment_variables": {"DYNAMODB_TABLE": "notes-console-dev"},
                }
            }
        )
    )
    settings.HEALTH_ZAPPA_SETTINGS = path
    return path


class Sweep:
    """Visits pages and keeps axe's serious and critical findings, page by page."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, page, label: str) -> None:
        page.wait_for_load_state("load")
        # While an htmx request is in flight its form's buttons are faded on purpose (notes.css): check the
        # page as it settles, not mid-request.
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        self.checked.append(label)
        bad = serious(violations(page))
        if bad:
            self.found[label] = bad

    def check_without_javascript(self, page, label: str, checker) -> None:
        """axe needs JavaScript: the page's HTML, as served to a browser without it, goes into a page that
        runs scripts (same origin, so its stylesheets load) and is checked there."""
        html = page.content()
        checker.goto("/healthz")
        checker.set_content(html.replace("<script", "<template").replace("</script>", "</template>"))
        self.check(checker, label)

    def assert_clean(self) -> None:
        report = "\n\n".join(f"== {label} ==\n{describe(v)}" for label, v in self.found.items())
        assert not self.found, f"axe found serious/critical violations on {len(self.found)} page(s):\n{report}"


def seed(user):
    note = services.note_create(
        user_id=user.id,
        data={"title": "Groceries", "content": "Oat milk, eggs\n\n- [links](https://example.com)", "category": "home"},
    )
    done = services.note_create(
        user_id=user.id,
        data={"title": "Dentist", "content": "Tuesday", "category": "health", "completed": True, "important": True},
    )
    services.note_update(
        user_id=user.id, note_id=note.id, expected_version=1, data={"content": "Oat milk, eggs, bread"}
    )
    old = services.note_create(user_id=user.id, data={"title": "Old plans", "category": "misc"})
    services.note_delete(user_id=user.id, note_id=old.id, expected_version=1)
    return services.note_get(user_id=user.id, note_id=note.id), done


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_notes_and_account_pages(viewport, new_context, sign_in, debug):
    sweep = Sweep()
    alice = _make_user("alice")
    note, done = seed(alice)
    options = {"bypass_csp": True, **({"viewport": viewport} if viewport else {})}

    anon = new_context(**options).new_page()
    for url, label in [
        ("/", "home"),
        ("/accounts/signin/", "sign-in"),
        ("/accounts/signup/", "sign-up"),
        ("/api/", "API docs"),
        ("/accounts/reset/?token=not-a-real-link", "password reset, a dead link"),
    ]:
        anon.goto(url)
        sweep.check(anon, label)
    anon.goto("/accounts/signin/")
    anon.get_by_label("Username").fill("alice")
    anon.get_by_label("Password").fill("wrong password")
    anon.get_by_role("button", name="Sign in").click()
    expect(anon.locator(".form-error, .notice-error, [role=alert]").first).to_be_visible()
    sweep.check(anon, "sign-in, refused")
    anon.goto("/accounts/signup/")
    anon.get_by_label("Username").fill("a")
    anon.get_by_label("Password", exact=True).fill("short")
    anon.get_by_label("Password again").fill("other")
    anon.get_by_role("button", name="Sign up").click()
    expect(anon.locator(".field-error").first).to_be_visible()
    sweep.check(anon, "sign-up, with errors")

    context = new_context(**options)
    sign_in(context, alice)
    page = context.new_page()
    pages = [
        ("/notes/", "notes list"),
        ("/notes/?category=nothing-here", "notes list, no match"),
        (f"/notes/{note.id}/", "note"),
        (f"/notes/{done.id}/", "done note"),
        (f"/notes/{note.id}/edit", "edit"),
        ("/notes/new", "new note"),
        (f"/notes/{note.id}/delete", "delete"),
        (f"/notes/{note.id}/history/", "history"),
        ("/notes/trash/", "trash"),
        ("/notes/trash/empty", "empty the trash"),
        ("/accounts/tokens/", "API tokens"),
        ("/accounts/password/", "password"),
        ("/notes/export/", "export and import"),
        ("/accounts/delete/", "delete my account"),
        ("/notes/?cursor=forged", "notes list, bad cursor"),
    ]
    for url, label in pages:
        page.goto(url)
        sweep.check(page, label)

    page.goto("/notes/new")
    page.get_by_label("Title").fill("x")
    page.get_by_label("Add labels").fill("x" * 51)
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#err_labels")).to_be_visible()
    sweep.check(page, "new note, with an error (htmx)")

    page.get_by_label("Add labels").fill("home")
    page.get_by_label("Note", exact=True).fill("## Plan\n\n- **one**\n- [two](https://example.com)\n\n> quoted")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_be_visible()
    sweep.check(page, "new note, previewed")
    page.wait_for_timeout(600)  # the draft is kept
    page.goto("/notes/new")
    expect(page.get_by_role("region", name="Unsaved draft")).to_be_visible()
    sweep.check(page, "new note, a kept draft offered")

    page.goto("/notes/")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    sweep.check(page, "keyboard shortcuts")
    page.keyboard.press("Escape")

    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill("backup")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    sweep.check(page, "API tokens, a new token shown")
    page.get_by_label("Name").fill("   ")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#name-error")).to_be_visible()
    sweep.check(page, "API tokens, with an error")

    page.goto("/accounts/password/")
    page.get_by_label("Current password").fill("wrong")
    page.get_by_label("New password", exact=True).fill(PASSWORD + "x")
    page.get_by_label("New password again").fill(PASSWORD + "x")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field-error, [role=alert]").first).to_be_visible()
    sweep.check(page, "password, with an error")

    # A conflict, without JavaScript (a whole page), and a list row's refusal shown inline.
    stale = new_context(java_script_enabled=False, **options)
    sign_in(stale, alice)
    stale_page = stale.new_page()
    stale_page.goto(f"/notes/{note.id}/edit")
    services.note_update(user_id=alice.id, note_id=note.id, expected_version=note.version, data={"title": "Moved on"})
    stale_page.get_by_label("Title").fill("Mine")
    stale_page.get_by_role("button", name="Save changes").click()
    expect(stale_page.get_by_role("heading", name="This note changed while you were editing")).to_be_visible()
    sweep.check_without_javascript(stale_page, "conflict (without JavaScript)", page)

    page.goto("/notes/does-not-exist/")
    sweep.check(page, "404 page")
    sweep.assert_clean()
    assert len(sweep.checked) >= 25


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_console_pages(
    viewport, new_context, sign_in, debug, zappa_settings, live_server, monkeypatch, settings, tmp_path
):
    import urllib.request

    sweep = Sweep()
    admin = _make_user("admin", is_admin=True)
    observability.reset_buffers()
    for i, path in enumerate(["/", "/healthz", "/accounts/signin/", "/no-such-page/", "/healthz"]):
        request = urllib.request.Request(live_server.url + path, headers={"X-Correlation-Id": f"axe-{i:02d}"})
        try:
            urllib.request.urlopen(request, timeout=10).read()  # noqa: S310 - the test's own live server
        except urllib.error.HTTPError:
            pass
    context = new_context(bypass_csp=True, **({"viewport": viewport} if viewport else {}))
    sign_in(context, admin)
    page = context.new_page()
    for url, label in [
        ("/console/?range=1h", "overview"),
        ("/console/configuration/", "configuration"),
        ("/console/invocations/?range=1h", "invocations"),
        ("/console/logs/", "logs"),
        ("/console/logs/?live=1", "logs, live tail"),
        ("/console/requests/axe-03/", "one request"),
        ("/console/logs/?request=no-such-request", "logs, nothing found"),
        ("/console/requests/no-such-request/", "an unknown request"),
        ("/console/triggers/", "triggers"),
        ("/console/triggers/streams/?range=1h", "streams"),
        ("/console/triggers/async/?range=1h", "asynchronous invocations"),
        ("/console/errors/?range=1h", "errors"),
        ("/console/routes/?range=1h", "routes"),
        ("/console/routes/?range=1h&sort=p99", "routes, sorted"),
        ("/console/alarms/", "alarms"),
        ("/console/deploys/", "deploys"),
        ("/console/checks/", "checks"),
        ("/console/logs/?range=custom&from=2026-12-07T10:00&to=2026-12-07T09:00", "logs, a range refused"),
        ("/console/?range=custom&from=0001-01-01T00:00%2B14:00", "overview, a range refused"),
    ]:
        page.goto(url)
        sweep.check(page, label)

    # Errors shown: the local stream poller failing, on the triggers page.
    from notes import stream_poller

    monkeypatch.setenv("NOTES_EMBEDDED_DYNAMODB", "1")
    settings.LOCAL_DATA_DIR = tmp_path
    stream_poller.status_path().write_text(
        json.dumps({"healthy": False, "checked_at": 1e12, "problem": "polling failed: endpoint gone"})
    )
    page.goto("/console/triggers/")
    expect(page.locator(".risks")).to_contain_text("polling failed")
    sweep.check(page, "triggers, poller failing")
    sweep.assert_clean()


def test_the_error_pages_as_production_serves_them(new_context, sign_in, aws):
    """DEBUG off: the site's own 404 page, and the notes pages' outage page (503, with a reference)."""
    from tests.integration.note_views_support import dynamodb_outage

    sweep = Sweep()
    alice = _make_user("alice")
    context = new_context(bypass_csp=True)
    sign_in(context, alice)
    page = context.new_page()
    page.goto("/no-such-page/")
    sweep.check(page, "404")
    with dynamodb_outage():
        page.goto("/notes/")
        expect(page.get_by_text("Reference")).to_be_visible()
        sweep.check(page, "notes, store unavailable (503)")
    sweep.assert_clean()


def test_the_console_pages_on_aws(new_context, sign_in, debug, zappa_settings, settings):
    """The AWS gateway's pages (moto): REPORT lines, cold starts, timeouts, the deployed triggers."""
    from console.health import aws as health_aws
    from tests import health_samples as samples

    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = "notes-console-dev"
    settings.HEALTH_PERCENTILES = []  # moto cannot compute percentiles
    health_aws.reset_clients()
    sweep = Sweep()
    try:
        samples.seed_moto_function("notes-console-dev", environment={"DYNAMODB_TABLE": "notes-console-dev"})
        admin = _make_user("admin", is_admin=True)
        context = new_context(bypass_csp=True)
        sign_in(context, admin)
        page = context.new_page()
        for url, label in [
            ("/console/?range=1h", "AWS overview"),
            ("/console/logs/", "AWS logs"),
            ("/console/configuration/", "AWS configuration"),
            ("/console/invocations/?range=1h", "AWS invocations"),
            ("/console/triggers/", "AWS triggers"),
            ("/console/triggers/async/?range=1h", "AWS asynchronous invocations"),
            ("/console/errors/?range=1h", "AWS errors"),
            ("/console/routes/?range=1h", "AWS routes"),
            ("/console/alarms/", "AWS alarms"),
        ]:
            page.goto(url)
            sweep.check(page, label)
        page.goto("/console/logs/")
        expect(page.locator(".lvl-report").first).to_be_visible()  # the AWS gateway's lines, not local ones
    finally:
        health_aws.reset_clients()
    sweep.assert_clean()
