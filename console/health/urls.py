from __future__ import annotations

from django.urls import path

from console.health import views

urlpatterns = [
    path("", views.overview, name="health_overview"),
    path("configuration/", views.configuration, name="health_configuration"),
    path("invocations/", views.invocations, name="health_invocations"),
    path("invocations/aggregates/", views.aggregates, name="health_aggregates"),
    path("logs/", views.logs, name="health_logs"),
    path("triggers/", views.triggers, name="health_triggers"),
    path("logs/tail/", views.logs_tail, name="health_logs_tail"),
    path("requests/<str:request_id>/", views.request_detail, name="health_request"),
]
