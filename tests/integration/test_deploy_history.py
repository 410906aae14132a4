"""Deploy history that survives the process: the first cold start of new code or settings records the deploy
with one conditional PutItem (on moto's DynamoDB), off the request path; the deploys panel and the charts'
markers show every recorded deploy on the AWS gateway (moto) and the local one."""

from __future__ import annotations

import html
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.apps import ConsoleConfig
from console.aws import dynamodb
from console.health import deploy_reads, deploy_record
from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers
ENV = {"DYNAMODB_TABLE": "notes-dev", "LOG_LEVEL": "INFO", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}


@pytest.fixture(autouse=True)
def no_cached_reads():
    deploy_reads.forget()
    yield
    deploy_reads.forget()


@pytest.fixture
def package(tmp_path) -> Path:
    """A package as Lambda unpacks it: the project's files and installed distributions."""
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "views.py").write_text("def home(): return 'v1'\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<html></html>\n")
    (tmp_path / "Django-5.2.19.dist-info").mkdir()
    return tmp_path


def stored() -> list[dict]:
    resp = dynamodb.table_call(
        "query",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"{dynamodb.DEPLOY_PREFIX}{FUNCTION}"}},
    )
    return resp["Items"]


def test_the_first_cold_start_of_a_deploy_records_it_once(aws, package):
    assert deploy_record.record(FUNCTION, root=package, environ=ENV) is True
    again = {**ENV, "_X_AMZN_TRACE_ID": "Root=1-x", "AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency"}
    assert deploy_record.record(FUNCTION, root=package, environ=again) is False
    (item,) = stored()
    assert item["sk"]["S"] == f"CODE#{item['code_hash']['S']}#{item['settings_digest']['S']}"
    assert len(item["code_hash"]["S"]) == 16 and "notes-dev" not in str(item)  # a digest, never the values


def test_new_code_new_settings_or_a_new_library_is_a_new_deploy(aws, package):
    deploy_record.record(FUNCTION, root=package, environ=ENV)
    (package / "console" / "views.py").write_text("def home(): return 'v2'\n")  # same size, new content
    assert deploy_record.record(FUNCTION, root=package, environ=ENV) is True
    assert deploy_record.record(FUNCTION, root=package, environ={**ENV, "LOG_LEVEL": "DEBUG"}) is True
    (package / "Django-5.2.19.dist-info").rename(package / "Django-5.2.20.dist-info")
    assert deploy_record.record(FUNCTION, root=package, environ={**ENV, "LOG_LEVEL": "DEBUG"}) is True
    assert deploy_record.record(FUNCTION, root=package, environ={**ENV, "LOG_LEVEL": "DEBUG"}, key="rotated") is True
    assert len(stored()) == 5 and len({i["code_hash"]["S"] for i in stored()}) == 3


def test_recording_runs_beside_the_first_request_not_before_it(aws, package, monkeypatch):
    release = threading.Event()
    real_call = dynamodb.table_call

    def held(operation, **kwargs):
        assert release.wait(10)  # DynamoDB answers only once the caller has its thread back
        return real_call(operation, **kwargs)

    monkeypatch.setattr(dynamodb, "table_call", held)
    thread = deploy_record.record_in_background(FUNCTION, package)
    try:
        assert thread.is_alive() and thread.daemon  # returned while the put waits
    finally:
        release.set()
        thread.join(10)  # never left writing into a later test's moto
    assert not thread.is_alive() and len(stored()) == 1


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"AWS_LAMBDA_FUNCTION_NAME": FUNCTION, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, [FUNCTION]),
        ({"AWS_LAMBDA_FUNCTION_NAME": FUNCTION}, []),  # a test playing Lambda: never a real write
        ({}, []),  # manage.py, make run
    ],
)
def test_only_a_real_lambda_environment_records(monkeypatch, environ, expected):
    import console

    seen: list[str] = []
    monkeypatch.setattr(deploy_record, "record_in_background", lambda name, root: seen.append(name))
    for name in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_RUNTIME_API"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    ConsoleConfig("console", console).ready()
    assert seen == expected


def put_deploy(at: datetime, code: str) -> None:
    dynamodb.table_call(
        "put_item",
        Item={
            "pk": {"S": f"{dynamodb.DEPLOY_PREFIX}{FUNCTION}"},
            "sk": {"S": f"CODE#{code}#s1"},
            "at": {"S": at.isoformat()},
            "code_hash": {"S": code},
            "settings_digest": {"S": "s1"},
            "version": {"S": "$LATEST"},
        },
    )


def test_the_deploys_panel_and_charts_show_every_recorded_deploy_on_aws(client_for, admin, aws_mode):
    s.seed_moto_function(FUNCTION, minutes_ago=10)  # $LATEST: last modified now
    now = datetime.now(tz=UTC)
    put_deploy(now - timedelta(minutes=40), "aaaa1111bbbb2222")
    put_deploy(now - timedelta(days=2), "cccc3333dddd4444")
    put_deploy(now + timedelta(minutes=5), "eeee5555ffff6666")  # $LATEST's own first cold start: the same deploy
    client = client_for(admin)
    panel = html.unescape(client.get("/console/deploys/", HTTP_HX_REQUEST="true").content.decode())
    versions = panel[panel.index('class="versions"') :]
    assert "3 versions" in versions and "aaaa1111bb" in versions and "cccc3333dd" in versions
    assert "eeee5555ff" not in versions and "$LATEST" in panel.split("deploy-latest")[1][:80]
    charts = html.unescape(client.get("/console/invocations/?range=1h").content.decode())
    assert "deploy aaaa1111bb at" in charts  # a marker from the record, in the hour shown
    assert "deploy cccc3333dd" not in charts  # two days ago: outside the range


def test_the_local_deploys_panel_lists_recorded_deploys(client_for, admin, aws):
    put_deploy(datetime.now(tz=UTC) - timedelta(days=1), "1234abcd5678ef90")
    panel = html.unescape(client_for(admin).get("/console/deploys/", HTTP_HX_REQUEST="true").content.decode())
    assert "this process" in panel and "recorded" in panel and "1234abcd56" in panel


def test_any_listed_deploy_can_be_compared_before_and_after(client_for, admin, aws_mode):
    s.seed_moto_function(FUNCTION, minutes_ago=10)
    earlier = (datetime.now(tz=UTC) - timedelta(days=1)).replace(microsecond=0)
    put_deploy(earlier, "aaaa1111bbbb2222")
    client = client_for(admin)
    panel = html.unescape(client.get("/console/deploys/").content.decode())
    at = int(earlier.timestamp() * 1000)
    assert f'href="/console/deploys/?at={at}"' in panel and "Latest deploy" in panel
    chosen = html.unescape(client.get(f"/console/deploys/?at={at}").content.decode())
    headline = chosen.split('class="deploy-latest"')[1][:200]
    assert "Deploy compared" in chosen and "recorded" in headline and "aaaa1111bb" in headline
