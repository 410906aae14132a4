"""Security headers, a CSP the pages actually satisfy, CSRF, and Django's deploy checks in a Lambda-like process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from console.aws.errors import StoreUnavailable
from console.errors import StoreUnavailableMiddleware, server_error
from tests.conftest import PASSWORD
from tests.integration.accounts_support import session_key

ROOT = Path(__file__).resolve().parents[2]
# The attachments bucket (its origin in these tests' settings) is the one place outside 'self' allowed: images
# shown inline, uploads posted to it.
BUCKET_ORIGIN = "https://notes-console-local-attachments.s3.us-east-1.amazonaws.com"
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {BUCKET_ORIGIN}; "
    f"connect-src 'self' {BUCKET_ORIGIN}; object-src 'none'; "
    f"base-uri 'self'; form-action 'self' {BUCKET_ORIGIN}; frame-ancestors 'none'"
)


class InlineCodeFinder(HTMLParser):
    """Collects what the CSP would block: inline <script>/<style>, style="..." and on*="..." attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.scripts_with_src = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            if "src" in names:
                self.scripts_with_src += 1
            else:
                self.blocked.append("<script> without src")
            self._in_script = True
        self.blocked += [f"{tag}[{name}]" for name in names if name == "style" or name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.blocked.append("inline script code")


def blocked_by_csp(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder


def test_it_sends_the_security_headers_on_a_page(aws):
    response = Client().get("/accounts/signin/")
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/signin/", 200),
        ("/accounts/signup/", 200),
        ("/accounts/password/", 200),
        ("/accounts/password/done/", 200),
        ("/notes/", 200),
    ],
)
def test_its_pages_need_nothing_the_csp_blocks(alice, client_for, path, status):
    response = client_for(alice).get(path)
    assert response.status_code == status
    found = blocked_by_csp(response.content.decode())
    assert found.blocked == []
    assert found.scripts_with_src >= 1  # htmx, from our own static files


def test_its_error_pages_need_nothing_the_csp_blocks(alice, client_for, settings, dynamodb_outage):
    settings.SIGNUP_ENABLED = False
    pages = [Client().get("/accounts/signup/"), Client(enforce_csrf_checks=True).post("/accounts/signin/")]
    client = client_for(alice)
    dynamodb_outage()
    pages.append(client.get("/notes/"))
    assert [p.status_code for p in pages] == [403, 403, 503]
    for page in pages:
        assert blocked_by_csp(page.content.decode()).blocked == []
        assert page["Content-Security-Policy"] == CSP


def test_htmx_is_told_not_to_inject_styles_or_eval(aws):
    html = Client().get("/accounts/signin/").content.decode()
    content = html.split('<meta name="htmx-config" content=\'', 1)[1].split("'", 1)[0]
    config = json.loads(content)
    assert (config["includeIndicatorStyles"], config["allowEval"]) == (False, False)
    assert html.index('name="htmx-config"') < html.index("htmx-2")


def test_a_post_without_the_csrf_token_gets_a_plain_403(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/signin/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_a_form_from_before_sign_in_is_refused_afterwards(alice, steady_clock):
    # Signing in rotates the CSRF token, so a form rendered in another tab before can't be replayed.
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/signin/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post("/accounts/signin/", data).status_code == 302
    assert session_key(client)
    assert client.post("/accounts/signout/", {"csrfmiddlewaretoken": token}).status_code == 403


def test_the_503_page_shows_the_requests_correlation_id(aws):
    request = RequestFactory().get("/notes/")
    request.correlation_id = "req-7f3a"
    middleware = StoreUnavailableMiddleware(lambda r: None)
    response = middleware.process_exception(request, StoreUnavailable("down", code="EndpointConnectionError"))
    assert response.status_code == 503
    assert b"Reference: <code>req-7f3a</code>" in response.content
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_a_store_outage_outside_any_view_is_a_503_too(aws):
    request = RequestFactory().get("/")
    try:
        raise StoreUnavailable("down", code="EndpointConnectionError")  # e.g. from a middleware
    except StoreUnavailable:
        response = server_error(request)
    assert response.status_code == 503
    assert b"Reference: <code>" in response.content
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


LAMBDA_CHECK = """
import json, django
django.setup()
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")}))
"""


def test_lambda_settings_pass_djangos_deploy_checks():
    env = {k: v for k, v in os.environ.items() if k not in {"DYNAMODB_ENDPOINT_URL", "DJANGO_DEBUG"}}
    env.update(
        AWS_LAMBDA_FUNCTION_NAME="notes-console-dev",
        DJANGO_SECRET_KEY="k3Yq9-" + "x7Vb2mN8pQ4rT6wZ1aC5dF0gH3jK9lS2uE7iO4yR" * 2,
        DJANGO_SETTINGS_MODULE="console.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", LAMBDA_CHECK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
