from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _view(name: str) -> Callable[..., HttpResponse]:
    """The console's views, imported on the first console request: the console (gateways, parsers,
    charts: ~30 ms of imports) is for admins, and every other cold start should not pay for it."""

    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return getattr(import_module("console.health.views"), name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    return view


urlpatterns = [
    path("", _view("overview"), name="health_overview"),
    path("configuration/", _view("configuration"), name="health_configuration"),
    path("invocations/", _view("invocations"), name="health_invocations"),
    path("invocations/aggregates/", _view("aggregates"), name="health_aggregates"),
    path("logs/", _view("logs"), name="health_logs"),
    path("triggers/", _view("triggers"), name="health_triggers"),
    path("logs/tail/", _view("logs_tail"), name="health_logs_tail"),
    path("requests/<str:request_id>/", _view("request_detail"), name="health_request"),
]
