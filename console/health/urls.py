from __future__ import annotations

from functools import partial

from django.urls import path

from console.web.lazy_views import lazy_view

# The console (gateways, parsers, charts: ~30 ms of imports) is for admins; other cold starts skip it.
_view = partial(lazy_view, "console.health.views")
_logs = partial(lazy_view, "console.health.log_views")
_insights = partial(lazy_view, "console.health.insights_views")
_async = partial(lazy_view, "console.health.async_views")

# Reversed as "health:overview", "health:logs", ...
app_name = "health"

urlpatterns = [
    path("", _view("overview"), name="overview"),
    path("configuration/", _view("configuration"), name="configuration"),
    path("invocations/", _view("invocations"), name="invocations"),
    path("invocations/aggregates/", _view("aggregates"), name="aggregates"),
    path("logs/", _logs("logs"), name="logs"),
    path("triggers/", _view("triggers"), name="triggers"),
    path("logs/tail/", _logs("logs_tail"), name="logs_tail"),
    path("requests/<str:request_id>/", _logs("request_detail"), name="request"),
    path("errors/", _insights("errors"), name="errors"),
    path("errors/panel/", _insights("errors_panel"), name="errors_panel"),
    path("routes/", _insights("routes"), name="routes"),
    path("triggers/streams/", _view("streams"), name="streams"),
    path("triggers/async/", _async("async_invocations"), name="async"),
    path("alarms/", _view("alarms"), name="alarms"),
    path("deploys/", _view("deploys"), name="deploys"),
    path("checks/", lazy_view("console.health.check_views", "checks"), name="checks"),
]
