from __future__ import annotations

from django.urls import include, path

from console import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signin/", account_views.signin, name="signin"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/signout/", account_views.signout, name="signout"),
    path("console/", include("console.health.urls")),
]
