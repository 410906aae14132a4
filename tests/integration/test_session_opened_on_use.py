"""The session store is made when a request first uses its session (accounts/session_middleware.py): the
answers are Django's own, with or without a session cookie, signed in or not."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD

DJANGOS = [
    "django.contrib.sessions.middleware.SessionMiddleware"
    if m == "accounts.session_middleware.SessionMiddleware"
    else m
    for m in settings.MIDDLEWARE
]


def _headers(response) -> tuple:
    cookies = {name: (morsel.value != "", morsel["max-age"]) for name, morsel in response.cookies.items()}
    return response.status_code, response.get("Vary"), response.get("Cache-Control"), sorted(cookies.items())


@pytest.mark.parametrize("path", ["/", "/healthz", "/accounts/signin/", "/notes/", "/no-such-page/", "/api/notes"])
@pytest.mark.parametrize("cookie", [None, "tooshort", "k" * 40], ids=["no-cookie", "invalid-cookie", "unknown-key"])
def test_a_visitor_gets_djangos_answer(aws, path, cookie):
    def visit():
        client = Client()
        if cookie:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return _headers(client.get(path))

    ours = visit()
    with override_settings(MIDDLEWARE=DJANGOS):
        djangos = visit()

    assert ours == djangos


def test_signing_in_without_a_cookie_opens_the_session_then_it_is_read(alice):
    client = Client()
    assert settings.SESSION_COOKIE_NAME not in client.get("/accounts/signin/").cookies

    response = client.post("/accounts/signin/", {"username": "alice", "password": PASSWORD, "next": "/notes/"})

    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value
    assert "alice" in client.get("/notes/").content.decode()


def test_signing_out_ends_the_session(alice, client_for):
    client = client_for(alice)
    client.post("/accounts/signout/")
    assert client.get("/notes/").status_code == 302
