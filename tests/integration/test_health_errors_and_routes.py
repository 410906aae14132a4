"""The errors and routes pages on both gateways: groups, counts, first/last seen, route figures against
known requests, the AWS-call budget and AWS's refusals. Logs Insights through Stubber (moto ignores
filter and stats), the rest through moto."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from botocore.stub import ANY, Stubber
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from console import observability
from console.health import aws as health_aws
from console.health import failures, routes
from console.health.metrics import utcnow
from tests import failure_samples as fs
from tests import health_samples as s

FUNCTION = "notes-console-dev"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    observability.reset_buffers()
    zappa = tmp_path / "zappa_settings.json"
    zappa.write_text(
        json.dumps({"dev": {"project_name": "notes-console", "runtime": "python3.11", "memory_size": 512}})
    )
    settings.HEALTH_ZAPPA_SETTINGS = zappa
    yield
    observability.reset_buffers()


@pytest.fixture
def aws_mode(aws, settings):
    settings.HEALTH_GATEWAY = "aws"
    settings.HEALTH_FUNCTION_NAME = FUNCTION
    settings.HEALTH_PERCENTILES = []
    health_aws.reset_clients()
    s.seed_moto_function(FUNCTION)
    yield
    health_aws.reset_clients()


@pytest.fixture
def aws_calls(aws_mode):
    calls: list[str] = []
    # before-parameter-build fires for every call, stubbed ones too (Stubber answers at before-call)
    for service in ("lambda", "cloudwatch", "logs"):
        health_aws.client(service).meta.events.register(
            "before-parameter-build", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[-1])
        )
    return calls


def poll_url(page: str) -> str:
    # The pending page's link, which htmx follows by itself after 2 s (no meta refresh: axe's meta-refresh rule).
    return (
        re.search(r'<a href="([^"]+)" hx-get="[^"]+" hx-trigger="load delay:2s"', page).group(1).replace("&amp;", "&")
    )


# --- a local app with failing views ---------------------------------------------------------------------


def boom_key(request, n):
    return {}["missing"]


def boom_value(request):
    raise ValueError("bad value")


def slow_ok(request, n):
    return HttpResponse("ok")


def unavailable(request):
    return HttpResponse("later", status=503)


def teapot(request):
    return HttpResponse("no", status=418)


@pytest.fixture
def failing_app(settings):
    import console.urls

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": [
                path("boom/<int:n>/", boom_key),
                path("value/", boom_value),
                path("ok/<int:n>/", slow_ok),
                path("busy/", unavailable),
                path("teapot/", teapot),
                *console.urls.urlpatterns,
            ]
        },
    )
    return Client(raise_request_exception=False)


def test_local_errors_page_groups_the_processs_failures(client_for, admin, failing_app):
    started = utcnow()
    for n in (1, 2, 3):
        assert failing_app.get(f"/boom/{n}/").status_code == 500
    failing_app.get("/value/")
    failing_app.get("/busy/")
    failing_app.get("/ok/1/")
    report_page = client_for(admin).get("/console/errors/?range=1h")
    page = report_page.content.decode()
    assert report_page.status_code == 200 and "3 issues, 5 failures" in page
    issues = page.split('<article class="issue')[1:]
    key = next(i for i in issues if "KeyError" in i)
    assert "tests/integration/test_health_errors_and_routes.py:boom_key" in key
    assert re.search(r'issue-count">3<', key) and re.search(r'issue-requests">3<', key)
    assert "/boom/&lt;n&gt;/ <b>3</b>" in key and "Latest traceback" in key and "new since the last deploy" in key
    assert key.count('href="/console/requests/') == 3
    value = next(i for i in issues if "ValueError" in i)
    assert "bad value" in value and re.search(r'issue-count">1<', value)
    busy = next(i for i in issues if "HTTP 503" in i)
    assert "/busy/ <b>1</b>" in busy
    first = re.search(r'issue-first">([^<]+)<', key).group(1)
    assert first.startswith(started.strftime("%Y-%m-%d %H:"))


def test_local_errors_panel_on_the_overview(client_for, admin, failing_app):
    failing_app.get("/boom/1/")
    client = client_for(admin)
    overview = client.get("/console/?range=1h").content.decode()
    assert 'hx-get="/console/errors/panel/?range=1h"' in overview and 'href="/console/errors/?range=1h"' in overview
    panel = client.get("/console/errors/panel/?range=1h", HTTP_HX_REQUEST="true").content.decode()
    assert "KeyError in tests/integration/test_health_errors_and_routes.py:boom_key" in panel
    assert "new since the last deploy" in panel
    no_js = client.get("/console/errors/panel/?range=1h")
    assert no_js.status_code == 302 and no_js["Location"] == "/console/errors/?range=1h"


def test_local_routes_figures_match_the_requests_made(client_for, admin, failing_app):
    for n in (1, 2, 3, 4):
        failing_app.get(f"/ok/{n}/")
    failing_app.get("/boom/9/")
    failing_app.get("/teapot/")
    failing_app.get("/teapot/")
    records = observability.recent_requests()
    ok = [r for r in records if r.route == "/ok/<n>/"]
    assert len(ok) == 4
    page = client_for(admin).get("/console/routes/?range=1h").content.decode()
    row = next(r for r in page.split('<tr class="route-row">') if "/ok/&lt;n&gt;/</th>" in r)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    durations = sorted(r.duration_ms for r in ok)
    from console.templatetags.health_tags import ms

    assert cells[0] == "4" and cells[1] == "0%" and cells[2] == "0%"
    assert cells[3] == ms(durations[1]) and cells[5] == ms(durations[3])  # p50 (nearest rank of 4) and p99
    assert [r.cold_start for r in ok] == [True, False, False, False] and cells[6] == "25%"  # the buffers' first is cold
    teapot_row = next(r for r in page.split('<tr class="route-row">') if "/teapot/</th>" in r)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', teapot_row)[:3] == ["2", "100%", "0%"]
    boom_row = next(r for r in page.split('<tr class="route-row">') if "/boom/&lt;n&gt;/</th>" in r)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', boom_row)[:3] == ["1", "0%", "100%"]
    assert "failed (1)" in boom_row and "%24.status+%3E%3D+500" in boom_row  # a link to its failed requests


def test_routes_sort_by_each_column_without_javascript(client_for, admin, failing_app):
    for _ in range(3):
        failing_app.get("/ok/1/")
    failing_app.get("/teapot/")
    client = client_for(admin)
    by_requests = client.get("/console/routes/?range=1h").content.decode()
    order = re.findall(r'<th scope="row" class="mono route-name">([^<]+)</th>', by_requests)
    assert order.index("/ok/&lt;n&gt;/") < order.index("/teapot/")
    by_4xx = client.get("/console/routes/?range=1h&sort=4xx&dir=desc").content.decode()
    order = re.findall(r'<th scope="row" class="mono route-name">([^<]+)</th>', by_4xx)
    assert order[0] == "/teapot/"
    assert 'aria-sort="descending"><a href="/console/routes/?range=1h&amp;sort=4xx&amp;dir=asc"' in by_4xx
    for key in routes.COLUMNS:
        assert f"sort={key}" in by_requests
    by_route = client.get("/console/routes/?range=1h&sort=route&dir=asc").content.decode()
    order = re.findall(r'<th scope="row" class="mono route-name">([^<]+)</th>', by_route)
    assert order == sorted(order)


def test_each_request_line_counts_its_dynamodb_calls(client_for, alice, admin):
    client_for(alice).get("/notes/")
    record = next(r for r in observability.recent_requests() if r.path == "/notes/")
    assert record.route == "/notes/" and record.db_calls >= 2 and record.db_ms > 0  # session + the list query
    line = next(
        ln for ln in observability.recent_log_lines() if ln.logger == "console.request" and "/notes/" in ln.message
    )
    data = json.loads(line.line)
    assert data["route"] == "/notes/" and data["db_calls"] == record.db_calls and data["username"] == "alice"


def test_a_500_line_carries_the_exception_type_and_project_frame(failing_app):
    failing_app.get("/boom/5/")
    lines = [json.loads(ln.line) for ln in observability.recent_log_lines()]
    request_line = next(d for d in lines if d["logger"] == "console.request" and d["status"] == 500)
    assert request_line["exc_type"] == "KeyError" and request_line["route"] == "/boom/<n>/"
    assert request_line["exc_frame"] == "tests/integration/test_health_errors_and_routes.py:boom_key"
    django_line = next(d for d in lines if d["logger"] == "django.request")
    assert django_line["exc_type"] == "KeyError" and django_line["exc_frame"] == request_line["exc_frame"]


# --- AWS: one Logs Insights query, Stubber for its results ---------------------------------------------------


def insights_response(rows, status="Complete"):
    return {
        "results": rows,
        "status": status,
        "statistics": {"recordsMatched": float(len(rows)), "recordsScanned": 5000.0, "bytesScanned": 812345.0},
    }


def test_aws_errors_page_groups_both_log_formats(client_for, admin, aws_calls):
    base = utcnow() - timedelta(minutes=40)
    lines = fs.text_format_lines(base) + fs.json_format_lines(base)
    client = client_for(admin)
    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response(
            "start_query",
            {"queryId": "q-failures-1"},
            {
                "logGroupName": f"/aws/lambda/{FUNCTION}",
                "startTime": ANY,
                "endTime": ANY,
                "queryString": failures.INSIGHTS_QUERY,
                "limit": 10000,
            },
        )
        first = client.get("/console/errors/?range=1h")
        assert first.status_code == 200 and aws_calls == ["StartQuery"]
        url = poll_url(first.content.decode())
        assert "q=q-failures-1" in url
        stub.add_response("get_query_results", insights_response(fs.insights_rows(lines)), {"queryId": "q-failures-1"})
        page = client.get(url).content.decode()
    assert sorted(aws_calls[1:]) == ["GetFunction", "GetMetricData", "GetQueryResults"]
    assert 'content="2;url=' not in page
    issues = page.split('<article class="issue')[1:]
    titles = [re.sub(r"<[^>]+>|\s+", " ", i[: i.index("</h3>")]).strip() for i in issues]
    assert len(issues) == 8, titles
    store = next(i for i in issues if "StoreUnavailable" in i)
    assert "notes/repository_dynamodb.py:get" in store and re.search(r'issue-count">2<', store)
    assert "/notes/&lt;note_id&gt;/ <b>2</b>" in store and "notes/views.py" in store  # route and traceback
    timeout = next(i for i in issues if "Task timed out" in i)
    assert re.search(r'issue-count">2<', timeout) and "Lambda · timeout" in timeout
    assert re.search(r'issue-count">2<', next(i for i in issues if "Init failure" in i))
    key = next(i for i in issues if "KeyError" in i)
    assert "notes/events.py:handle_stream" in key and re.search(r'issue-requests">2<', key)
    assert "new since the last deploy" not in page  # moto's function was deployed after these failures
    assert "Last deploy" in page


def test_aws_routes_page_reads_stats_by_route(client_for, admin, aws_calls):
    rows = [
        [
            {"field": "route", "value": "/notes/<note_id>/"},
            {"field": "requests", "value": "200"},
            {"field": "c4xx", "value": "10"},
            {"field": "c5xx", "value": "2"},
            {"field": "p50", "value": "41.5"},
            {"field": "p95", "value": "180.25"},
            {"field": "p99", "value": "950.0"},
            {"field": "slowest", "value": "1203.0"},
            {"field": "cold", "value": "8"},
            {"field": "dbCalls", "value": "400"},
            {"field": "dbMs", "value": "1500.0"},
        ],
        [
            {"field": "route", "value": "/notes/"},
            {"field": "requests", "value": "1000"},
            {"field": "c4xx", "value": "0"},
            {"field": "c5xx", "value": "0"},
            {"field": "p50", "value": "20"},
            {"field": "p95", "value": "60"},
            {"field": "p99", "value": "120"},
            {"field": "slowest", "value": "300"},
            {"field": "cold", "value": "20"},
            {"field": "dbCalls", "value": "2000"},
            {"field": "dbMs", "value": "9000"},
        ],
    ]
    client = client_for(admin)
    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response(
            "start_query",
            {"queryId": "q-routes-1"},
            {
                "logGroupName": f"/aws/lambda/{FUNCTION}",
                "startTime": ANY,
                "endTime": ANY,
                "queryString": routes.INSIGHTS_QUERY,
                "limit": 1000,
            },
        )
        url = poll_url(client.get("/console/routes/?range=24h").content.decode())
        stub.add_response("get_query_results", insights_response(rows), {"queryId": "q-routes-1"})
        page = client.get(url).content.decode()
        stub.add_response("get_query_results", insights_response(rows), {"queryId": "q-routes-1"})
        resorted = client.get(url + "&sort=p99&dir=desc").content.decode()
    assert aws_calls == ["StartQuery", "GetQueryResults", "GetQueryResults"]  # re-sorting reads, never re-queries
    detail = next(r for r in page.split('<tr class="route-row">') if "/notes/&lt;note_id&gt;/</th>" in r)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', detail)
    assert cells == ["200", "5%", "1%", "41.5 ms", "180 ms", "950 ms", "4%", "2.0", "7.5 ms"]
    order = re.findall(r'<th scope="row" class="mono route-name">([^<]+)</th>', page)
    assert order == ["/notes/", "/notes/&lt;note_id&gt;/"]  # by requests
    assert re.findall(r'<th scope="row" class="mono route-name">([^<]+)</th>', resorted)[0] == "/notes/&lt;note_id&gt;/"


def test_aws_refusals_are_explained_not_a_500(client_for, admin, aws_mode):
    client = client_for(admin)
    for url in ("/console/errors/?range=1h", "/console/routes/?range=1h"):
        with Stubber(health_aws.client("logs")) as stub:
            stub.add_client_error(
                "start_query",
                service_error_code="AccessDeniedException",
                http_status_code=400,
                service_message="User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized "
                "to perform: logs:StartQuery on resource: arn:aws:logs:us-east-1:1:x",
            )
            page = client.get(url)
        assert page.status_code == 200 and b"logs:StartQuery" in page.content and b"Policy statement" in page.content
        assert b'http-equiv="refresh"' not in page.content


def test_new_pages_are_admin_only(client_for, alice, client):
    for url in ("/console/errors/", "/console/errors/panel/", "/console/routes/"):
        assert client.get(url).status_code == 302, url
        assert client_for(alice).get(url, HTTP_HX_REQUEST="true").status_code == 403, url


def test_a_running_failures_query_is_polled_with_one_call_each_time(client_for, admin, aws_calls):
    client = client_for(admin)
    with Stubber(health_aws.client("logs")) as stub:
        stub.add_response("start_query", {"queryId": "q-slow"}, None)
        url = poll_url(client.get("/console/errors/?range=1h").content.decode())
        stub.add_response("get_query_results", insights_response([], status="Running"), {"queryId": "q-slow"})
        page = client.get(url).content.decode()
        assert aws_calls == ["StartQuery", "GetQueryResults"] and poll_url(page) == url  # still polling
        stub.add_response("get_query_results", insights_response([]), {"queryId": "q-slow"})
        done = client.get(url).content.decode()
    assert sorted(aws_calls[2:]) == ["GetFunction", "GetMetricData", "GetQueryResults"]
    assert "No failures" in done and 'http-equiv="refresh"' not in done


def test_bad_parameters_are_explained_not_looped(client_for, admin, aws_calls):
    client = client_for(admin)
    for url in ("/console/errors/?range=1h&q=not%2Fa%2Fquery", "/console/routes/?range=1h&q=%3Cscript%3E&sort=nope"):
        page = client.get(url)
        body = page.content.decode()
        assert page.status_code == 200 and "Not a Logs Insights query id" in body, url
        assert 'http-equiv="refresh"' not in body and "<script>" not in body, url
    assert aws_calls == []  # refused before any call
    assert client.get("/console/routes/?range=forever&sort=%27").status_code == 200  # defaults: 24h, by requests
