"""What a refused or missing page writes to the terminal: one JSON line each, no traceback."""

from __future__ import annotations

import io
import json
import logging

import pytest


@pytest.fixture
def terminal(settings):
    """Everything the terminal would show for django.request's lines, as `make run` (DEBUG) prints them."""
    settings.DEBUG = True
    out = io.StringIO()
    swapped = []
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:
                # Swapped by hand, not with setStream(): that flushes the old stream first, which may be a capture
                # file an earlier test in this process closed (the order depends on the xdist worker).
                swapped.append((handler, handler.stream))
                handler.stream = out
        logger = logger.parent if logger.propagate else None
    assert swapped
    yield out
    for handler, stream in swapped:
        handler.stream = stream


def test_a_non_admin_on_the_console_is_one_warning_line_without_a_traceback(alice, client_for, terminal):
    assert client_for(alice).get("/console/").status_code == 403
    err = terminal.getvalue()
    assert "Traceback" not in err and "PermissionDenied" not in err
    lines = [json.loads(line) for line in err.splitlines() if "/console/" in line]  # every line is JSON
    assert sorted(line["logger"] for line in lines) == ["console.request", "django.request"], err


def test_a_missing_page_is_logged_once(alice, client_for, terminal):
    client_for(alice).get("/no-such-page/")
    lines = [json.loads(line) for line in terminal.getvalue().splitlines() if "/no-such-page/" in line]
    assert sorted(line["logger"] for line in lines) == ["console.request", "django.request"]


# --- under `make run` (DEBUG) a missing page is the site's own 404, Django's debug page a setting away -----


@pytest.mark.parametrize("path", ["/no-such-page/", "/notes/0123456789abcdef0123456789abcdef/"])
def test_under_debug_a_missing_page_is_the_sites_own_404(alice, client_for, settings, path):
    settings.DEBUG = True
    response = client_for(alice).get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page and "Reference:" in page
    assert "URLconf" not in page and "console.urls" not in page


def test_django_debug_404_brings_back_the_debug_page(alice, client_for, settings):
    settings.DEBUG, settings.DEBUG_404_DETAILS = True, True
    page = client_for(alice).get("/no-such-page/").content.decode()
    assert "Using the URLconf defined in" in page


def test_under_debug_a_missing_slash_still_redirects(alice, client_for, settings):
    settings.DEBUG = True
    response = client_for(alice).get("/notes")
    assert response.status_code == 301 and response["Location"] == "/notes/"
