"""Account pages. Included by console/urls.py at /accounts/ (URL names are global: signin, signup, ...)."""

from __future__ import annotations

from django.urls import path

from accounts import token_views, views

urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signup/", views.signup, name="signup"),
    path("signout/", views.signout, name="signout"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("tokens/", token_views.tokens, name="api-tokens"),
    path("tokens/<str:token_id>/revoke/", token_views.revoke, name="api-token-revoke"),
]
