"""Account pages. Included by console/urls.py at /accounts/ (URL names are global: signin, signup, ...).

Their modules load on their first request (console/web/lazy_views.py): a cold start for a signed-in person's
notes needs none of them, nor the password hashers they bring."""

from __future__ import annotations

from functools import partial

from django.urls import path

from console.web.lazy_views import lazy_view

# The sign-in and account pages load on their first request (with Django's hashers and validators): a cold
# start that serves a notes page skips them.
_view = partial(lazy_view, "accounts.views")
_token_view = partial(lazy_view, "accounts.token_views")
_deletion_view = partial(lazy_view, "accounts.deletion_views")
_reset_view = partial(lazy_view, "accounts.reset_views")
_email_view = partial(lazy_view, "accounts.email_views")

urlpatterns = [
    path("signin/", _view("signin"), name="signin"),
    path("signup/", _view("signup"), name="signup"),
    path("signout/", _view("signout"), name="signout"),
    path("password/", _view("password_change"), name="password_change"),
    path("password/done/", _view("password_change_done"), name="password_change_done"),
    path("delete/", _deletion_view("account_delete"), name="account_delete"),
    path("delete/continue/", _deletion_view("account_delete_continue"), name="account_delete_continue"),
    path("delete/done/", _deletion_view("account_delete_done"), name="account_delete_done"),
    path("reset/", _reset_view("password_reset"), name="password_reset"),
    path("reset/done/", _reset_view("password_reset_done"), name="password_reset_done"),
    path("reset/forgot/", _email_view("password_forgot"), name="password_forgot"),
    path("email/", _email_view("email_settings"), name="account_email"),
    path("email/verify/", _email_view("email_verify"), name="account_email_verify"),
    path("tokens/", _token_view("tokens"), name="api-tokens"),
    path("tokens/<str:token_id>/revoke/", _token_view("revoke"), name="api-token-revoke"),
]
