from __future__ import annotations

from django.urls import path

from console import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signin/", account_views.signin, name="signin"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/signout/", account_views.signout, name="signout"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/done/", account_views.password_change_done, name="password_change_done"),
]

handler500 = "console.errors.server_error"  # StoreUnavailable outside a view is still a 503
