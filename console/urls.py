from __future__ import annotations

from django.urls import include, path

from console import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("console/", include("console.health.urls")),
    path("notes/", include("notes.urls")),
    path("api/", include("notes.api.urls")),
]

# JSON under /api/, HTML elsewhere.
handler400 = "console.errors.bad_request"
handler403 = "console.errors.permission_denied"
handler404 = "console.errors.page_not_found"
handler500 = "console.errors.server_error"  # a StoreUnavailable outside a view is still a 503
