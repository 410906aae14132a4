"""Drive the real Zappa handler (`zappa.handler.lambda_handler`) with API Gateway REST proxy events.

`lambda_app` is an `ApiGateway`: each request builds the event that API Gateway's REST API (proxy
integration, payload v1) sends for the `dev` stage on an execute-api host, invokes the handler in
process, and decodes the proxy response. URLs are written as the browser sees them (`/dev/...` on the
execute-api host; no prefix on a custom domain: `lambda_app.custom_domain()`); cookies that responses set
are sent back, and unsafe methods carry Origin and Referer, like a browser. `sign_in(username, password)`
goes through the sign-in form; `post(url, json_body=...)` sends JSON.

The handler runs with Lambda's Django settings (console/settings.py evaluated as on Lambda) and the
stage's generated zappa_settings.py; whatever it changes (its singleton, os.environ, logging, Django's
script prefix) is undone after each test. Other fixtures: `api_gateway` builds events for a handler in
another process (with `zappa_settings_dir`); `lambda_runtime_factory` is the context manager itself.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import runpy
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import get_script_prefix, set_script_prefix

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
EXECUTE_API_HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
CUSTOM_DOMAIN = "notes.example.com"
FUNCTION_NAME = f"notes-console-{STAGE}"
# Settings that stay as the test session has them even though Lambda's differ (ON_LAMBDA: code that picks
# real AWS by it must keep to moto in tests).
_KEEP_TEST_SETTINGS = {"DYNAMODB_TABLE", "ON_LAMBDA"}
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def stage_config(stage: str = STAGE) -> dict[str, Any]:
    """A stage of zappa_settings.json, with `extends` resolved as Zappa does (one level, shallow)."""
    stages = json.loads((REPO_ROOT / "zappa_settings.json").read_text())
    config = dict(stages[stage])
    parent = config.pop("extends", None)
    return {**stages[parent], **config} if parent else config


def _evaluate_settings(env: dict[str, str]) -> dict[str, Any]:
    # The test key stands in for the one read from SSM (tests/lambda/test_cold_start.py reads it from SSM).
    env = {**env, "SECRET_KEY_PARAMETER": "", "SECRET_KEY_SECRET_ID": ""}
    with mock.patch.dict(os.environ, env):
        evaluated = runpy.run_path(str(REPO_ROOT / "console" / "settings.py"))
    return {name: value for name, value in evaluated.items() if name.isupper()}


@cache
def lambda_settings(stage: str = STAGE) -> dict[str, Any]:
    """The settings whose values differ on Lambda: console/settings.py evaluated with the stage's
    environment on Lambda, against the same file evaluated as the tests run it."""
    here = _evaluate_settings({})
    env = {**stage_config(stage)["environment_variables"], "AWS_LAMBDA_FUNCTION_NAME": f"notes-console-{stage}"}
    there = _evaluate_settings(env)
    return {
        name: value
        for name, value in there.items()
        if name not in _KEEP_TEST_SETTINGS and (name not in here or here[name] != value)
    }


@dataclass
class ProxyResponse:
    """What the handler returned to API Gateway, decoded."""

    raw: dict[str, Any]
    status: int = field(init=False)
    headers: dict[str, list[str]] = field(init=False)
    body: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.status = self.raw["statusCode"]
        self.headers = {name.lower(): values for name, values in self.raw.get("multiValueHeaders", {}).items()}
        body = self.raw.get("body") or ""
        self.body = base64.b64decode(body) if self.raw.get("isBase64Encoded") else body.encode()

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for value in self.headers.get("set-cookie", []):
            jar.load(value)
        return jar

    def links(self) -> list[str]:
        """Every href/src/action in the page, as written."""
        return re.findall(r'(?:href|src|action)="([^"]*)"', self.text)


def rest_event(
    method: str,
    url: str,
    *,
    host: str,
    stage: str = STAGE,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    is_base64: bool = False,
) -> dict[str, Any]:
    """The event of API Gateway's REST API proxy integration for a browser request to https://{host}{url}.

    On an execute-api host the URL starts with /<stage> and the event's `path` is the rest of it; a
    custom domain mapped to the stage has no prefix.
    """
    parts = urlsplit(url)
    browser_path = parts.path or "/"
    path = browser_path
    if ".execute-api." in host:
        prefix = f"/{stage}"
        if browser_path != prefix and not browser_path.startswith(prefix + "/"):
            raise ValueError(f"{url} is not under the stage prefix {prefix} (API Gateway answers 403 itself)")
        path = browser_path[len(prefix) :] or "/"
    all_headers = {
        "Host": host,
        "User-Agent": "Mozilla/5.0 (lambda tests)",
        "Accept": "text/html,application/json;q=0.9,*/*;q=0.8",
        "X-Forwarded-For": "203.0.113.7, 130.176.0.1",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        "X-Amzn-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}",
        **(headers or {}),
    }
    query = parse_qs(parts.query, keep_blank_values=True)
    request_id = str(uuid.uuid4())
    return {
        "resource": "/" if path == "/" else "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": None if path == "/" else {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/" if path == "/" else "/{proxy+}",
            "httpMethod": method,
            "path": browser_path,
            "stage": stage,
            "domainName": host,
            "apiId": host.split(".", 1)[0],
            "accountId": "123456789012",
            "requestId": request_id,
            "extendedRequestId": request_id,
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": all_headers["User-Agent"]},
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def scheduled_event(rule_name: str) -> dict[str, Any]:
    """What EventBridge sends for a schedule rule, e.g. Zappa's keep-warm rule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-27T12:00:00Z",
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{rule_name}"],
        "detail": {},
    }


class LambdaContext:
    """The parts of Lambda's context object that code reads."""

    function_name = FUNCTION_NAME
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION_NAME}"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 28_000


class ApiGateway:
    """A browser talking to the function through API Gateway.

    (Tests reach these helpers through the `lambda_app` fixture: `tests.lambda` cannot be imported by
    name, `lambda` being a keyword.)
    """

    EXECUTE_API_HOST = EXECUTE_API_HOST
    CUSTOM_DOMAIN = CUSTOM_DOMAIN

    def __init__(self, host: str = EXECUTE_API_HOST, stage: str = STAGE) -> None:
        self.host = host
        self.stage = stage
        self.cookies: dict[str, str] = {}

    def on_host(self, host: str) -> ApiGateway:
        """The same function reached on another host (a custom domain), with its own cookies."""
        return ApiGateway(host=host, stage=self.stage)

    def custom_domain(self) -> ApiGateway:
        """The same function on a custom domain mapped to the stage (no /<stage> in its URLs)."""
        return self.on_host(CUSTOM_DOMAIN)

    @property
    def prefix(self) -> str:
        """What URLs of this host start with: /<stage> on execute-api hosts, nothing on a custom domain."""
        return f"/{self.stage}" if ".execute-api." in self.host else ""

    def invoke(self, event: dict[str, Any]) -> Any:
        from zappa.handler import lambda_handler

        return lambda_handler(event, LambdaContext())

    def scheduled_event(self, rule_name: str) -> dict[str, Any]:
        return scheduled_event(rule_name)

    def keep_warm_event(self) -> dict[str, Any]:
        return scheduled_event(f"notes-console-{self.stage}-zappa-keep-warm-handler.keep_warm_callback")

    def keep_warm(self) -> Any:
        """Invoke the function as Zappa's keep-warm schedule does."""
        return self.invoke(self.keep_warm_event())

    def event(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        """The event for a request to this host, without sending it (for a handler in another process)."""
        return rest_event(method, url, host=self.host, stage=self.stage, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: str | bytes | None = None,
        form: dict[str, str] | None = None,
        json_body: Any = None,
        base64_body: bool = False,
    ) -> ProxyResponse:
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not None:
            body = json.dumps(json_body)
            headers.setdefault("Content-Type", "application/json")
        if method in _UNSAFE_METHODS:
            origin = f"https://{self.host}"
            headers.setdefault("Origin", origin)
            headers.setdefault("Referer", f"{origin}{self.prefix}/")
        if self.cookies:
            headers.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if isinstance(body, bytes) or (body is not None and base64_body):
            raw = body if isinstance(body, bytes) else body.encode()
            body, base64_body = base64.b64encode(raw).decode(), True
        event = rest_event(
            method, url, host=self.host, stage=self.stage, headers=headers, body=body, is_base64=base64_body
        )
        response = ProxyResponse(self.invoke(event))
        self._remember(response)
        return response

    def get(self, url: str, **kwargs: Any) -> ProxyResponse:
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> ProxyResponse:
        return self.request("HEAD", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> ProxyResponse:
        return self.request("POST", url, **kwargs)

    def csrf_token(self, url: str | None = None) -> str:
        """GET a page (the home page by default) and return the CSRF token it carries; the cookie is kept."""
        page = self.get(url or f"{self.prefix}/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text) or re.search(
            r'"X-CSRFToken": "([^"]+)"', page.text
        )
        assert match, f"no CSRF token in {url}"
        return match.group(1)

    def sign_in(self, username: str, password: str) -> ProxyResponse:
        signin = f"{self.prefix}/accounts/signin/"
        token = self.csrf_token(signin)
        return self.post(signin, form={"username": username, "password": password, "csrfmiddlewaretoken": token})

    def _remember(self, response: ProxyResponse) -> None:
        for name, morsel in response.cookies.items():
            if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


@cache
def _generated_settings_source(stage: str, settings_file: str = "") -> str:
    """zappa_settings.py as `zappa package` writes it into the zip, made by Zappa's own CLI (from
    `settings_file` instead of the repository's zappa_settings.json when given)."""
    folder = f"zappa-settings-{stage}" + (f"-{abs(hash(settings_file))}" if settings_file else "")
    out = Path(os.environ["LOCAL_DATA_DIR"]) / folder / "zappa_settings.py"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        # --json also skips Zappa's new-version lookup on PyPI.
        [
            sys.executable,
            "-c",
            "from zappa.cli import handle; handle()",
            "save-python-settings-file",
            stage,
            "-o",
            str(out),
            "--json",
            *(["-s", settings_file] if settings_file else []),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(out.parent)


@contextlib.contextmanager
def lambda_runtime(
    settings, monkeypatch: pytest.MonkeyPatch, stage: str = STAGE, settings_file: Path | None = None
) -> Iterator[ApiGateway]:
    """A fresh Zappa handler for `stage` with Lambda's Django settings; everything it changes is undone.
    `settings_file`: package the stage from this zappa_settings.json (e.g. one with a stream route)."""
    # The handler copies the stage's variables into os.environ and sets the root logger's level; importing
    # it adds a root handler (logging.basicConfig) and Django's setup inside it reconfigures logging.
    saved_environ = dict(os.environ)
    root = logging.getLogger()
    saved_root = (root.level, root.handlers[:])
    saved_levels = {name: logging.getLogger(name).level for name in ("zappa.handler", "botocore", "werkzeug")}
    # Django keeps the last request's script prefix (/dev/) for the thread: later reverse() calls would carry it.
    saved_prefix = get_script_prefix()
    from zappa.handler import LambdaHandler

    for name, value in lambda_settings(stage).items():
        setattr(settings, name, value)
    # As a stage serving a custom domain sets it in DJANGO_ALLOWED_HOSTS (README, Deploy).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, CUSTOM_DOMAIN]
    monkeypatch.syspath_prepend(_generated_settings_source(stage, str(settings_file or "")))
    monkeypatch.setattr(LambdaHandler, "_LambdaHandler__instance", None)
    monkeypatch.setattr(LambdaHandler, "settings", None)
    try:
        yield ApiGateway(stage=stage)
    finally:
        sys.modules.pop("zappa_settings", None)
        os.environ.clear()
        os.environ.update(saved_environ)
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        set_script_prefix(saved_prefix)


@pytest.fixture
def zappa_settings_dir() -> Path:
    """A folder holding the dev stage's zappa_settings.py as Zappa generates it."""
    return Path(_generated_settings_source(STAGE))


@pytest.fixture
def api_gateway() -> ApiGateway:
    """Builds events without a handler in this process (see `lambda_app` for one)."""
    return ApiGateway()


@pytest.fixture
def lambda_runtime_factory():
    """`lambda_runtime` itself, for tests of what it restores."""
    return lambda_runtime


@pytest.fixture
def lambda_app(settings, monkeypatch) -> Iterator[ApiGateway]:
    """A browser on the dev stage's execute-api host, served by the real Zappa handler."""
    with lambda_runtime(settings, monkeypatch) as app:
        yield app
