"""The local gateway: the app's own requests, recorded by the middleware, as the console's invocations."""

from __future__ import annotations

import json

import pytest

from console import observability
from console.health import invocation_metrics, invocations, log_pages, request_lines
from console.health import invocations as invocations_question
from console.health.gateway import LogQuery
from console.health.local import LocalGateway
from console.health.metrics import Window, utcnow


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    observability.reset_buffers()
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {"project_name": "notes-console", "memory_size": 256, "runtime": "python3.11"}}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    yield
    observability.reset_buffers()


def traffic(client):
    client.get("/healthz", HTTP_X_CORRELATION_ID="first")
    client.get("/healthz")
    client.get("/missing/")


def test_requests_become_invocations_with_durations_and_status(client):
    traffic(client)
    gateway = LocalGateway()
    window = Window.for_range("1h")
    sample = invocations_question.recent(gateway, window, limit=10)
    assert [i.label for i in sample.invocations] == ["GET /missing/ 404", "GET /healthz 200", "GET /healthz 200"]
    assert all(i.duration_ms > 0 and i.billed_ms >= i.duration_ms and i.memory_mb == 256 for i in sample.invocations)
    assert sample.invocations[-1].cold_start and sample.invocations[-1].request_id == "first"
    assert not any(i.cold_start for i in sample.invocations[:-1])
    metrics = invocation_metrics.read(gateway, window)
    assert metrics.total_invocations == 3 and metrics.total_errors == 0 and metrics.source == "local"
    assert metrics.overall_duration["max"] >= metrics.overall_duration["p50"] > 0
    assert gateway.calls == 0


def test_server_errors_count_as_errors(client, settings):
    from django.http import HttpResponse
    from django.urls import path

    import console.urls

    settings.ROOT_URLCONF = type(
        "urls", (), {"urlpatterns": [path("boom", lambda request: HttpResponse(status=500)), *console.urls.urlpatterns]}
    )
    client.get("/boom")
    gateway = LocalGateway()
    sample = invocations_question.recent(gateway, Window.for_range("1h"))
    assert sample.invocations[0].failed and sample.invocations[0].detail == "HTTP 500"
    assert invocation_metrics.read(gateway, Window.for_range("1h")).total_errors == 1


def test_aggregates_cost_and_cold_starts_are_computed_at_once(client):
    traffic(client)
    gateway = LocalGateway()
    result = invocations.aggregates(gateway, invocations.start_aggregates(gateway, Window.for_range("1h")))
    assert result.done and (result.invocations, result.cold_starts) == (3, 1)
    assert result.gb_seconds == pytest.approx(result.billed_ms / 1000 * 256 / 1024)


def test_logs_are_the_processes_own_json_lines_newest_first(client):
    traffic(client)
    now = utcnow()
    from datetime import timedelta

    page = log_pages.page(LocalGateway(), LogQuery(start=now - timedelta(hours=1), end=now + timedelta(seconds=1)))
    requests = [line for line in page.lines if line.fields.get("path")]
    assert [line.fields["path"] for line in requests] == ["/missing/", "/healthz", "/healthz"]
    assert requests[-1].request_id == "first" and requests[0].level == "WARNING"
    detail = request_lines.request_detail(LocalGateway(), "first", start=now - timedelta(hours=1), end=now)
    assert detail.invocation and detail.invocation.label == "GET /healthz 200" and len(detail.lines) == 1


def test_configuration_is_the_stage_labelled_local():
    config = LocalGateway().configuration()
    assert config.source == "local" and config.name == "notes-console-dev" and config.memory_mb == 256
    assert "stage 'dev'" in config.source_detail and "pid" in config.source_detail
