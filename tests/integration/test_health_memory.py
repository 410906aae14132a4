"""Memory used against memory configured (p50/p99/max over the range), the headroom, the out-of-memory risk
and the cost per million requests at the current size: in the invocations page's aggregates, on AWS (Logs
Insights through Stubber, in AWS's result shape; the function in moto) and locally."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY, Stubber

from console import observability
from console.health import aws as health_aws
from console.health.metrics import memory_summary
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def zappa(settings, tmp_path):
    observability.reset_buffers()
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"dev": {"project_name": "notes-console", "runtime": "python3.11", "memory_size": 256}}))
    settings.HEALTH_ZAPPA_SETTINGS = path
    yield
    observability.reset_buffers()


def test_aws_memory_headroom_oom_risk_and_cost_per_million(client_for, admin, aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION)  # 512 MB, arm64
    cells = {
        "invocations": "1200",
        "coldStarts": "14",
        "billedMs": "96000",
        "billedMbMs": "49152000",
        "maxMemoryUsedMB": "480",
        "memP50": "200",
        "memP99": "470",
        "memoryMB": "512",
    }
    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response(
            "get_query_results",
            {
                "status": "Complete",
                "results": [[{"field": k, "value": v} for k, v in cells.items()]],
                "statistics": {"recordsMatched": 1200.0, "recordsScanned": 4000.0, "bytesScanned": 812345.0},
            },
            {"queryId": ANY},
        )
        body = (
            client_for(admin)
            .get("/console/invocations/aggregates/?q=q-mem-1&range=24h", HTTP_HX_REQUEST="true")
            .content.decode()
        )
    health_aws.reset_clients()
    memory = body[body.index('id="memory"') :]
    assert "out-of-memory risk" in memory and "480 of 512 MB" in memory
    assert "200 · 470 · 480 MB" in memory and "32 MB (6.2% of the size)" in memory
    # 80 ms average billed at 0.5 GB, arm64 list price, + $0.20 per million requests
    expected = 1_000_000 * 0.08 * 0.5 * 0.0000133334 + 0.20  # 0.7333
    assert f"${expected:,.2f}" == "$0.73" and "$0.73 <span" in memory


def test_no_risk_when_there_is_headroom():
    summary = memory_summary(
        memory_mb=1024,
        p50_mb=150,
        p99_mb=200,
        max_mb=210,
        invocations=10,
        billed_ms=1000,
        price_gb_second=0.0000166667,
        price_per_million_requests=0.2,
    )
    assert not summary.oom_risk and summary.headroom_mb == 814
    assert summary.cost_per_million_usd == pytest.approx(1_000_000 * 0.1 * 1.0 * 0.0000166667 + 0.2)
    assert (
        memory_summary(
            memory_mb=None,
            p50_mb=None,
            p99_mb=None,
            max_mb=None,
            invocations=0,
            billed_ms=0,
            price_gb_second=1,
            price_per_million_requests=1,
        )
        is None
    )


def test_local_memory_from_the_processs_records(client_for, admin, client):
    for _ in range(3):
        client.get("/healthz")
    body = (
        client_for(admin)
        .get("/console/invocations/aggregates/?q=local-1h&range=1h", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    memory = body[body.index('id="memory"') :]
    peak = max(r.max_rss_mb for r in observability.recent_requests())
    assert "256 MB" in memory and "Per million requests" in memory
    assert ("out-of-memory risk" in memory) == (peak >= 256 * 0.9)
