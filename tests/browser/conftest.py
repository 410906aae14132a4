"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live_server.

One browser per session, a fresh context (cookies, storage) per test. live_server runs the app in a thread
of this process, so moto's in-process mock (`aws`) serves it too. Pages are served under a strict
Content-Security-Policy (unless the app already sends one) and every test fails on a CSP violation or a
JavaScript error, so the pages are known to work without inline code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
STRICT_CSP = (
    "default-src 'self'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# htmx injects its indicator <style> unless <meta name="htmx-config"> turns that off (the security headers
# work does); until then that one violation is expected and harmless.
_TOLERATED_SAMPLES = (".htmx-indicator",)
DESKTOP = {"width": 1280, "height": 800}

_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample || "",
                               source: e.sourceFile || "", line: e.lineNumber || 0});
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def transactional_db() -> None:
    """pytest-django's live_server asks for a test database; this project has none (DATABASES = {})."""


class _StrictCsp:
    """WSGI wrapper: adds the strict policy to responses that have none of their own."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            if not any(name.lower() == "content-security-policy" for name, _ in headers):
                headers = [*headers, ("Content-Security-Policy", STRICT_CSP)]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


@pytest.fixture(scope="session")
def app_server(live_server):
    """pytest-django's live_server, its responses under a strict CSP."""
    httpd = live_server.thread.httpd
    if not isinstance(httpd.get_app(), _StrictCsp):
        httpd.set_app(_StrictCsp(httpd.get_app()))
    return live_server


# Package scope: Playwright's sync API keeps an event loop running in this thread while it lives, and
# Django refuses sync-only calls (management commands) from a thread with a running loop.
@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}: `make browser` or apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class BrowserProblems:
    def __init__(self) -> None:
        self.csp: list[dict] = []
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def check(self) -> None:
        csp = [v for v in self.csp if not v["sample"].startswith(_TOLERATED_SAMPLES)]
        assert not csp, f"Content-Security-Policy violations: {csp}"
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.fixture
def new_context(browser, app_server, aws) -> Iterator[Callable[..., object]]:
    """new_context(**options) -> a fresh browser context on the live server (options as Playwright's,
    e.g. java_script_enabled=False, viewport=...). Checks for CSP violations and JS errors at the end."""
    contexts = []
    problems = BrowserProblems()

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=app_server.url, **options)
        context.set_default_timeout(10_000)
        context.expose_function("__reportCspViolation", lambda violation: problems.csp.append(violation))
        context.add_init_script(_REPORT_CSP)
        context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    problems.check()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def sign_in(app_server):
    """sign_in(context, user): the context gets a session cookie for the user (no form round trip)."""
    from django.conf import settings

    from accounts.auth import store_user_in_session
    from accounts.sessions import SessionStore, remember_user_session

    def do(context, user) -> None:
        session = SessionStore()
        store_user_in_session(session, user)
        session.save()
        remember_user_session(user_id=user.id, session_key=session.session_key)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": app_server.url}]
        )

    return do


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # as under `make run`; the CSP middleware leaves only DEBUG's own error pages alone
