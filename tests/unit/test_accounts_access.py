"""login_required / admin_required, for plain and htmx requests (no store needed: the user is given)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from accounts.auth import admin_required, login_required
from accounts.users import AnonymousUser, User


@admin_required
def console_page(request):
    return HttpResponse("console")


@login_required
def notes_page(request):
    return HttpResponse("notes")


def request_as(user, path="/console/logs?q=err", **headers):
    request = RequestFactory().get(path, **headers)
    request.user = user
    request.htmx = HtmxDetails(request)
    return request


@pytest.mark.parametrize("view", [console_page, notes_page])
def test_anonymous_visitors_are_sent_to_sign_in_and_back(view):
    response = view(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signin/?next=/console/logs%3Fq%3Derr"


@pytest.mark.parametrize("view", [console_page, notes_page])
def test_htmx_requests_get_a_client_redirect_back_to_the_page_not_the_fragment(view):
    request = request_as(
        AnonymousUser(),
        "/console/logs/rows",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/console/logs",
    )
    response = view(request)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/signin/?next=/console/logs"


def test_a_current_url_from_another_site_is_not_used_as_next():
    request = request_as(
        AnonymousUser(), "/console/logs/rows", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/x"
    )
    assert console_page(request)["HX-Redirect"] == "/accounts/signin/?next=/console/logs/rows"


def test_signed_in_non_admins_get_403_and_admins_the_page(monkeypatch):
    from accounts import services
    from tests.fakes import InMemoryUserRepository

    users = InMemoryUserRepository()  # admin pages check the stored profile (tests/reliability/test_account_changes.py)
    users.add(User(id="a", username="admin", is_admin=True))
    users.add(User(id="b", username="bob"))
    monkeypatch.setattr(services.wiring, "user_repository", lambda: users)
    refused = console_page(request_as(User(id="b", username="bob")))  # answered, not raised: no traceback
    assert refused.status_code == 403 and b"console" not in refused.content
    assert console_page(request_as(User(id="a", username="admin", is_admin=True))).content == b"console"
    assert notes_page(request_as(User(id="b", username="bob"))).content == b"notes"
