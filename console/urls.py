from __future__ import annotations

from django.urls import include, path

from console import views
from console.web.deferred_urls import deferred_include

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # Namespaced: imported when a path under them is first resolved, their reverse lookups built when one of their
    # names is first reversed, not at every cold start (console/web/deferred_urls.py).
    deferred_include("console/", "console.health.urls", app_name="health"),
    deferred_include("notes/", "notes.urls", app_name="notes"),
    deferred_include("api/", "notes.api.urls", app_name="api"),
]

# JSON under /api/, HTML elsewhere.
handler400 = "console.errors.bad_request"
handler403 = "console.errors.permission_denied"
handler404 = "console.errors.page_not_found"
handler500 = "console.errors.server_error"  # a StoreUnavailable outside a view is still a 503
