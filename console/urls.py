from __future__ import annotations

from django.urls import include, path

from console import account_views, token_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signin/", account_views.signin, name="signin"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/signout/", account_views.signout, name="signout"),
    path("console/", include("console.health.urls")),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/done/", account_views.password_change_done, name="password_change_done"),
    path("notes/", include("notes.urls")),
    path("accounts/tokens/", token_views.tokens, name="api-tokens"),
    path("accounts/tokens/<str:token_id>/revoke/", token_views.revoke, name="api-token-revoke"),
    path("api/", include("notes.api_urls")),
]

# JSON under /api/, HTML elsewhere.
handler400 = "console.error_handlers.bad_request"
handler403 = "console.error_handlers.permission_denied"
handler404 = "console.error_handlers.page_not_found"
handler500 = "console.error_handlers.server_error"  # a StoreUnavailable outside a view is still a 503
