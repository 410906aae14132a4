from __future__ import annotations

from django.urls import include, path

from console import views
from console.web.deferred_urls import deferred_include

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # Namespaced: their reverse lookups are built when one of their names is first reversed, not at every cold
    # start's first {% url %} (console/web/deferred_urls.py).
    deferred_include("console/", "console.health.urls"),
    deferred_include("notes/", "notes.urls"),
    deferred_include("api/", "notes.api.urls"),
]

# JSON under /api/, HTML elsewhere.
handler400 = "console.errors.bad_request"
handler403 = "console.errors.permission_denied"
handler404 = "console.errors.page_not_found"
handler500 = "console.errors.server_error"  # a StoreUnavailable outside a view is still a 503
