"""The Checks page (/console/checks/) and the overview's count: each check on AWS's real response shapes
(moto's GetFunction, GetMetricData and FilterLogEvents; a real out-of-memory REPORT line), the healthy case,
and the page's calls."""

from __future__ import annotations

import boto3
import pytest

from console.health import aws as health_aws
from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION
from tests.lambda_corpus import by_id

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers


def lambda_client():
    return boto3.client("lambda", region_name="us-east-1")


# The samples' cold, warm and traced invocations (at most 122 of 512 MB): no timeout, no out-of-memory exit.
HEALTHY_LINES = s.invocation_lines()[:11]


def seed(**configuration):
    s.seed_moto_function(FUNCTION, lines=configuration.pop("lines", HEALTHY_LINES))
    lambda_client().update_function_configuration(FunctionName=FUNCTION, **configuration)


def with_reserved_concurrency_zero():
    """GetFunction as AWS answers it for a function with reserved concurrency 0 (moto leaves the Concurrency
    key out when it is 0): moto's own answer, plus that key."""
    from botocore.stub import Stubber

    answer = lambda_client().get_function(FunctionName=FUNCTION)
    answer.pop("ResponseMetadata")
    answer["Concurrency"] = {"ReservedConcurrentExecutions": 0}
    stub = Stubber(health_aws.client("lambda"))
    stub.add_response("get_function", answer, {"FunctionName": FUNCTION})
    return stub


def finding_keys(page: str) -> set[str]:
    import re

    return set(re.findall(r'id="check-([a-z\-]+)"', page))


@pytest.fixture
def calls(aws_mode):
    sent: list[str] = []
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: sent.append(event_name.rsplit(".", 1)[-1])
        )
    return sent


def test_a_healthy_setup_passes_every_check_in_three_calls(client_for, admin, calls):
    seed(Timeout=20, MemorySize=256)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert "All checks pass" in page and finding_keys(page) == set()
    assert "API Gateway timeout, Reserved concurrency, Memory size against use, Secrets in the environment" in page
    assert sorted(calls) == ["FilterLogEvents", "GetFunction", "GetMetricData"]


def test_a_timeout_above_api_gateways_29_seconds_is_flagged_with_the_fix(client_for, admin, calls):
    seed(Timeout=60, MemorySize=256)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"timeout-above-api-gateway"}
    assert "Timeout 60 s is above API Gateway&#x27;s 29 s" in page and "&quot;timeout_seconds&quot;: 29" in page


def test_reserved_concurrency_zero_means_the_function_cannot_run(client_for, admin, calls):
    seed(Timeout=20, MemorySize=256)
    with with_reserved_concurrency_zero():
        page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"reserved-concurrency-zero"} and "delete-function-concurrency" in page


def test_reserved_concurrency_below_the_peak_seen_is_flagged(client_for, admin, calls):
    seed(Timeout=20, MemorySize=256)  # the seeded metrics peak at 2 concurrent executions
    lambda_client().put_function_concurrency(FunctionName=FUNCTION, ReservedConcurrentExecutions=1)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"reserved-concurrency-below-peak"}
    assert "Reserved concurrency 1 is below the peak of 2 seen" in page


def test_memory_far_above_the_largest_use_is_flagged(client_for, admin, calls):
    seed(Timeout=20, MemorySize=1024)  # the seeded invocations use at most 122 MB
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"memory-far-above-use"} and "(122 MB)" in page


def test_memory_within_ten_percent_of_the_size_is_flagged_from_a_real_out_of_memory_report(client_for, admin, calls):
    line = by_id("oom-report-out-of-memory")["message"]  # Memory Size 1024 MB, Max Memory Used 1024 MB
    start = "START RequestId: 276ff3b9-1609-4ee7-a288-db3752630767 Version: $LATEST"
    seed(
        Timeout=20, MemorySize=1024, lines=[("2026/12/01/[$LATEST]oom", 0, start), ("2026/12/01/[$LATEST]oom", 5, line)]
    )
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"memory-near-limit"} and "Runtime.OutOfMemory" in page


def test_a_plaintext_secret_in_the_environment_is_flagged_by_name_never_by_value(client_for, admin, calls):
    s.seed_moto_function(
        FUNCTION, environment={"DJANGO_SECRET_KEY": "s3cr3t-value", "DYNAMODB_TABLE": "t"}, lines=HEALTHY_LINES
    )
    lambda_client().update_function_configuration(FunctionName=FUNCTION, Timeout=20, MemorySize=256)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == {"plaintext-secret-in-environment"}
    assert "DJANGO_SECRET_KEY" in page and "s3cr3t-value" not in page


def test_where_a_secret_is_kept_is_no_secret(client_for, admin, calls):
    s.seed_moto_function(
        FUNCTION, environment={"DJANGO_SECRET_KEY_PARAMETER": "/notes/dev/secret"}, lines=HEALTHY_LINES
    )
    lambda_client().update_function_configuration(FunctionName=FUNCTION, Timeout=20, MemorySize=256)
    page = client_for(admin).get("/console/checks/?range=1h").content.decode()
    assert finding_keys(page) == set()


def test_the_overview_counts_the_findings_and_links_to_the_checks(client_for, admin, aws_mode):
    seed(Timeout=60, MemorySize=256)
    with with_reserved_concurrency_zero():
        page = client_for(admin).get("/console/?range=1h").content.decode()
    assert "2 checks to fix</strong> (2 failing)" not in page  # timeout is a warning, concurrency 0 fails
    assert "2 checks to fix</strong> (1 failing)" in page and 'href="/console/checks/?range=1h"' in page


def test_locally_the_checks_read_the_stage_and_this_process(client_for, admin):
    """The test stage sets no timeout_seconds: Zappa's default, 30 s, is above API Gateway's 29 s."""
    page = client_for(admin).get("/console/checks/").content.decode()
    assert "timeout-above-api-gateway" in finding_keys(page) and "Timeout 30 s is above" in page
    assert "plaintext-secret-in-environment" not in finding_keys(page)


def test_the_checks_page_is_for_admins_only(client, client_for, alice):
    assert client.get("/console/checks/").status_code == 302
    assert client_for(alice).get("/console/checks/").status_code == 403
