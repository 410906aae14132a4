from __future__ import annotations

from django.urls import include, path

from console import views
from console.web.deferred_urls import deferred_include

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # Namespaced: each URLconf is imported, and its reverse lookups built, when first used, not at every cold
    # start (console/web/deferred_urls.py).
    deferred_include("console/", "console.health.urls", "health"),
    deferred_include("notes/", "notes.urls", "notes"),
    deferred_include("api/", "notes.api.urls", "api"),
]

# JSON under /api/, HTML elsewhere.
handler400 = "console.errors.bad_request"
handler403 = "console.errors.permission_denied"
handler404 = "console.errors.page_not_found"
handler500 = "console.errors.server_error"  # a StoreUnavailable outside a view is still a 503
