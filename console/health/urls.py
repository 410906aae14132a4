from __future__ import annotations

from functools import partial

from django.urls import path

from console.web.lazy_views import lazy_view

# The console (gateways, parsers, charts: ~30 ms of imports) is for admins; other cold starts skip it.
_view = partial(lazy_view, "console.health.views")
_logs = partial(lazy_view, "console.health.log_views")
_insights = partial(lazy_view, "console.health.insights_views")
_async = partial(lazy_view, "console.health.async_views")

urlpatterns = [
    path("", _view("overview"), name="health_overview"),
    path("configuration/", _view("configuration"), name="health_configuration"),
    path("invocations/", _view("invocations"), name="health_invocations"),
    path("invocations/aggregates/", _view("aggregates"), name="health_aggregates"),
    path("logs/", _logs("logs"), name="health_logs"),
    path("triggers/", _view("triggers"), name="health_triggers"),
    path("logs/tail/", _logs("logs_tail"), name="health_logs_tail"),
    path("requests/<str:request_id>/", _logs("request_detail"), name="health_request"),
    path("errors/", _insights("errors"), name="health_errors"),
    path("errors/panel/", _insights("errors_panel"), name="health_errors_panel"),
    path("routes/", _insights("routes"), name="health_routes"),
    path("triggers/streams/", _view("streams"), name="health_streams"),
    path("triggers/async/", _async("async_invocations"), name="health_async"),
    path("alarms/", _view("alarms"), name="health_alarms"),
    path("deploys/", _view("deploys"), name="health_deploys"),
    path("checks/", lazy_view("console.health.check_views", "checks"), name="health_checks"),
]
