"""No log line carries a secret: a full reset, sign-in, password change and token flow
through a real runserver-style server (its request lines, `django.server`), with every configured handler's
output captured (the root's JSON lines, the app's request log among them). The one-time link printed by
`password_reset_link` is the only place a reset secret may appear."""

from __future__ import annotations

import io
import logging
import re
import threading

import pytest
import requests
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

from tests.conftest import PASSWORD

NEW = "a brand new passphrase 42"
NEWER = "and another passphrase 43"


@pytest.fixture
def server_url(aws):
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_internal_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def log_output():
    """What every configured handler writes (root's and runserver's), after their filters and formatters."""
    buffer = io.StringIO()
    handlers = [
        h
        for h in logging.getLogger().handlers + logging.getLogger("django.server").handlers
        if isinstance(h, logging.StreamHandler) and type(h).__module__ == "logging"
    ]
    assert {h.formatter.__class__.__name__ for h in handlers} >= {"JsonFormatter", "ServerFormatter"}
    old = [h.stream for h in handlers]  # by hand: setStream() flushes the old stream, which may be a closed capture
    for handler in handlers:
        handler.stream = buffer
    yield buffer
    for handler, stream in zip(handlers, old, strict=True):
        handler.stream = stream


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_no_log_line_carries_a_secret_through_a_whole_reset_and_sign_in_flow(alice, server_url, log_output):
    secrets: set[str] = {PASSWORD, NEW, NEWER, "wrong guess 99"}
    browser = requests.Session()
    sessions = lambda: {c.value for c in browser.cookies if c.name == "sessionid"}  # noqa: E731

    printed = io.StringIO()
    call_command("password_reset_link", "alice", "--base-url", server_url, stdout=printed)
    link = re.search(r"^(http\S+/accounts/reset/\?key=(\S+))$", printed.getvalue(), re.M)
    secrets.add(link.group(2))

    page = browser.get(link.group(1))  # the secret moves into the session; the page's URL has none
    assert page.status_code == 200 and page.url == f"{server_url}/accounts/reset/"
    assert link.group(2) not in page.text
    secrets |= sessions()
    done = browser.post(
        f"{server_url}/accounts/reset/",
        {"csrfmiddlewaretoken": csrf(page), "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 200 and done.url.endswith("/accounts/reset/done/")

    signin = browser.get(f"{server_url}/accounts/signin/")
    wrong = browser.post(
        f"{server_url}/accounts/signin/",
        {"csrfmiddlewaretoken": csrf(signin), "username": "alice", "password": "wrong guess 99"},
    )
    assert wrong.status_code == 400
    right = browser.post(
        f"{server_url}/accounts/signin/",
        {"csrfmiddlewaretoken": csrf(wrong), "username": "alice", "password": NEW},
    )
    assert right.status_code == 200 and right.url.endswith("/notes/")
    secrets |= sessions()

    tokens = browser.get(f"{server_url}/accounts/tokens/")
    made = browser.post(f"{server_url}/accounts/tokens/", {"csrfmiddlewaretoken": csrf(tokens), "name": "script"})
    token = re.search(r"nc_[A-Za-z0-9_-]{43}", made.text).group(0)
    secrets.add(token)
    api = requests.get(f"{server_url}/api/notes", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert requests.get(f"{server_url}/api/notes?token={token}").status_code == 401  # a token where it doesn't go

    change = browser.get(f"{server_url}/accounts/password/")
    changed = browser.post(
        f"{server_url}/accounts/password/",
        {"csrfmiddlewaretoken": csrf(change), "old_password": NEW, "new_password1": NEWER, "new_password2": NEWER},
    )
    assert changed.status_code == 200 and changed.url.endswith("/accounts/password/done/")
    secrets |= sessions()
    assert requests.get(f"{server_url}/api/notes", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    lines = log_output.getvalue()
    # The capture saw both kinds of line: runserver's request lines and the app's JSON request log.
    assert '"GET /accounts/reset/?key=[redacted] HTTP/1.1" 302' in lines
    assert '"path":"/accounts/reset/"' in lines.replace(": ", ":")
    assert len(secrets) >= 8
    leaked = sorted(s for s in secrets if s in lines)
    assert leaked == [], f"{len(leaked)} secrets in the logs"
