"""The app behind Zappa's real handler, reached through API Gateway (REST API, stage dev)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.signals import request_started

STATIC_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def test_it_serves_the_home_page_with_links_under_the_stage(lambda_app):
    page = lambda_app.get("/dev/")

    assert page.status == 200
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    assert "Notes Console" in page.text
    links = page.links()
    assert "/dev/" in links  # the brand link, {% url 'home' %}
    assert "/dev/accounts/signin/" in links
    assert "/dev/static/css/app.css" in links
    assert any(link.startswith("/dev/static/django_htmx/") for link in links)
    assert all(link.startswith(("/dev/", "#", "data:")) for link in links), links


def test_it_serves_every_static_file_the_page_links_to(lambda_app):
    page = lambda_app.get("/dev/")
    static_links = [link for link in page.links() if "/static/" in link]

    for link in static_links:
        asset = lambda_app.get(link)
        assert asset.status == 200, link
        assert asset.body, link


def test_it_serves_a_static_file_with_its_content_type(lambda_app):
    css = lambda_app.get("/dev/static/css/app.css")

    assert css.status == 200
    assert css.header("Content-Type") == 'text/css; charset="utf-8"'
    assert css.body == STATIC_CSS.read_bytes()
    assert "max-age" in css.header("Cache-Control")
    assert not css.raw.get("isBase64Encoded")


def test_it_serves_javascript_from_the_package(lambda_app):
    page = lambda_app.get("/dev/")
    htmx = next(link for link in page.links() if link.startswith("/dev/static/django_htmx/"))

    script = lambda_app.get(htmx)

    assert script.status == 200
    assert script.header("Content-Type").startswith("text/javascript")
    assert b"htmx" in script.body


def test_it_answers_the_health_check_as_json(lambda_app):
    response = lambda_app.get("/dev/healthz")

    assert response.status == 200
    assert response.header("Content-Type") == "application/json"
    assert response.json() == {"status": "ok"}


def test_it_answers_head_with_headers_and_no_body(lambda_app):
    get = lambda_app.get("/dev/")
    head = lambda_app.head("/dev/")

    assert head.status == 200
    assert head.header("Content-Type") == get.header("Content-Type")
    assert head.body == b""


def test_it_answers_head_for_a_static_file_without_its_body(lambda_app):
    head = lambda_app.head("/dev/static/css/app.css")

    assert head.status == 200
    assert head.header("Content-Length") == str(STATIC_CSS.stat().st_size)
    assert head.body == b""


def test_it_answers_404_for_an_unknown_page(lambda_app):
    response = lambda_app.get("/dev/no-such-page/")

    assert response.status == 404
    assert "Traceback" not in response.text  # DEBUG is off on Lambda


def test_it_answers_404_for_an_unknown_static_file(lambda_app):
    assert lambda_app.get("/dev/static/css/missing.css").status == 404


def test_it_sends_security_headers_on_lambda(lambda_app):
    page = lambda_app.get("/dev/")

    assert page.header("Strict-Transport-Security").startswith("max-age=")
    assert page.header("X-Frame-Options") == "DENY"
    assert page.header("X-Content-Type-Options") == "nosniff"


def test_it_refuses_a_host_it_does_not_serve(lambda_app):
    assert lambda_app.on_host("attacker.example.net").get("/").status == 400


@pytest.mark.urls("tests.lambda.urls")
def test_it_accepts_a_form_post_with_its_csrf_token(lambda_app):
    token = lambda_app.csrf_token()

    response = lambda_app.post(
        "/dev/test-only/echo", form={"title": "Groceries", "note": "eggs & milk", "csrfmiddlewaretoken": token}
    )

    assert response.status == 200
    assert response.json() == {
        "fields": {"title": "Groceries", "note": "eggs & milk"},
        "path": "/dev/test-only/echo",
        "path_info": "/test-only/echo",
    }


@pytest.mark.urls("tests.lambda.urls")
def test_it_refuses_a_form_post_without_a_csrf_token(lambda_app):
    lambda_app.csrf_token()  # the cookie alone is not enough

    response = lambda_app.post("/dev/test-only/echo", form={"title": "Groceries"})

    assert response.status == 403


@pytest.mark.urls("tests.lambda.urls")
def test_it_refuses_a_form_post_from_another_origin(lambda_app):
    token = lambda_app.csrf_token()

    response = lambda_app.post(
        "/dev/test-only/echo",
        form={"title": "Groceries", "csrfmiddlewaretoken": token},
        headers={"Origin": "https://attacker.example.net", "Referer": "https://attacker.example.net/"},
    )

    assert response.status == 403


@pytest.mark.urls("tests.lambda.urls")
def test_it_decodes_a_base64_encoded_body(lambda_app):
    token = lambda_app.csrf_token()
    body = f"title=Caf%C3%A9+%E2%98%95&csrfmiddlewaretoken={token}".encode()

    response = lambda_app.post(
        "/dev/test-only/echo",
        body=body,  # bytes: sent base64-encoded with isBase64Encoded, as API Gateway does for binary media types
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status == 200
    assert response.json()["fields"] == {"title": "Café ☕"}


def test_it_handles_the_keep_warm_event_without_serving_a_request(lambda_app):
    requests: list[object] = []

    def count(**kwargs: object) -> None:
        requests.append(kwargs)

    lambda_app.get("/dev/healthz")  # a warm function
    request_started.connect(count)
    try:
        result = lambda_app.keep_warm()
    finally:
        request_started.disconnect(count)

    assert result is None
    assert requests == []


def test_it_starts_the_app_on_a_keep_warm_event_at_a_cold_start(lambda_app):
    assert lambda_app.keep_warm() is None

    assert lambda_app.get("/dev/healthz").json() == {"status": "ok"}


def test_it_serves_a_custom_domain_without_the_stage_prefix(lambda_app):
    site = lambda_app.custom_domain()

    page = site.get("/")

    assert page.status == 200
    links = page.links()
    assert "/accounts/signin/" in links
    assert "/static/css/app.css" in links
    assert not any(link.startswith("/dev") for link in links), links
    assert site.get("/static/css/app.css").body == STATIC_CSS.read_bytes()


def test_it_keeps_each_host_s_prefix_when_both_are_used(lambda_app):
    # One warm function serves both hosts: neither may leak its prefix into the other's pages.
    assert "/static/css/app.css" in lambda_app.custom_domain().get("/").links()
    assert "/dev/static/css/app.css" in lambda_app.get("/dev/").links()
    assert "/static/css/app.css" in lambda_app.custom_domain().get("/").links()


def test_it_rejects_urls_outside_the_stage_like_api_gateway(lambda_app):
    with pytest.raises(ValueError):
        lambda_app.get("/static/css/app.css")
    assert lambda_app.host == lambda_app.EXECUTE_API_HOST


def test_it_signs_a_user_in_through_the_form(lambda_app, alice):
    from tests.conftest import PASSWORD

    response = lambda_app.sign_in("alice", PASSWORD)

    assert response.status == 302
    assert response.header("Location") == "/dev/"
    assert "sessionid" in lambda_app.cookies
    home = lambda_app.get("/dev/")
    assert home.status == 302 and home.header("Location") == "/dev/notes/"
    notes = lambda_app.get("/dev/notes/")
    assert "alice" in notes.text
    assert "/dev/accounts/signout/" in notes.links()


def test_it_lists_the_users_notes_under_the_stage(lambda_app, alice):
    from notes import services
    from tests.conftest import PASSWORD

    services.note_create(user_id=alice.id, data={"title": "Groceries", "content": "eggs"})
    lambda_app.sign_in("alice", PASSWORD)
    page = lambda_app.get("/dev/notes/")
    assert page.status == 200 and "Groceries" in page.text
    links = page.links()
    assert "/dev/static/css/app.css" in links
    assert all(link.startswith(("/dev/", "#", "data:", "?")) for link in links), links


def test_it_sends_an_anonymous_visitor_from_the_notes_to_sign_in(lambda_app):
    response = lambda_app.get("/dev/notes/")
    assert response.status == 302
    assert response.header("Location") == "/dev/accounts/signin/?next=/dev/notes/"


def test_it_creates_and_reads_a_note_through_the_json_api(lambda_app, alice):
    from tests.conftest import PASSWORD

    lambda_app.sign_in("alice", PASSWORD)
    created = lambda_app.post(
        "/dev/api/notes",
        json_body={"title": "From the API", "content": "x"},
        headers={"X-CSRFToken": lambda_app.cookies["csrftoken"]},
    )
    assert created.status == 201
    note = created.json()
    assert note["title"] == "From the API" and note["version"] == 1
    fetched = lambda_app.get(f"/dev/api/notes/{note['id']}")
    assert fetched.status == 200 and fetched.json()["id"] == note["id"]
    assert fetched.header("ETag") == '"1"'


def test_it_refuses_a_wrong_password_through_the_form(lambda_app, alice):
    response = lambda_app.sign_in("alice", "not the password")

    assert response.status == 400
    assert "sessionid" not in lambda_app.cookies


def test_it_sends_an_anonymous_visitor_to_sign_in_under_the_stage(lambda_app):
    # Signing out needs a session; without one the sign-in page is where the user ends up.
    token = lambda_app.csrf_token()

    response = lambda_app.post("/dev/accounts/signout/", form={"csrfmiddlewaretoken": token})

    assert response.status == 302
    assert response.header("Location") == "/dev/accounts/signin/?signed_out=1"


def test_it_leaves_no_handler_state_behind(settings, monkeypatch, lambda_runtime_factory):
    import logging
    import os
    import sys

    from django.urls import get_script_prefix, reverse

    environ, root = dict(os.environ), logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    prefix = get_script_prefix()

    with lambda_runtime_factory(settings, monkeypatch) as app:
        assert app.get("/dev/healthz").status == 200
        assert os.environ["STAGE"] == "dev"  # the handler did change the process

    assert dict(os.environ) == environ
    assert (root.level, root.handlers) == (level, handlers)
    assert "zappa_settings" not in sys.modules
    assert get_script_prefix() == prefix
    assert reverse("home") == "/"


def test_it_runs_the_daily_trash_purge_on_its_schedule(lambda_app, aws):
    # Zappa names the rule <function name>-<dotted function>; the handler runs that function.
    result = lambda_app.invoke(lambda_app.scheduled_event("notes-console-dev-notes.events.purge_trash"))

    assert result == {"purged": 0, "finished": True}
