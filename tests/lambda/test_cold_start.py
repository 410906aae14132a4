"""Cold starts of the real handler in fresh processes: the secret key comes from SSM, once, or the app
refuses to start with one log line saying what to set."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import boto3

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "lambda_process.py"
PARAMETER = "/notes-console/dev/secret-key"


def cold_start(settings_dir: Path, spec: dict, **env: str) -> tuple[dict, str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environ.update(AWS_LAMBDA_FUNCTION_NAME="notes-console-dev", **env)
    result = subprocess.run(
        [sys.executable, "-B", str(CHILD), str(REPO_ROOT), str(settings_dir)],
        input=json.dumps(spec),
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_it_reads_the_secret_key_from_ssm_once_per_cold_start(zappa_settings_dir, api_gateway, moto_server):
    ssm = boto3.client("ssm", region_name="us-east-1", endpoint_url=moto_server)
    ssm.put_parameter(Name=PARAMETER, Value=secrets.token_urlsafe(50), Type="SecureString", Overwrite=True)
    events = [
        api_gateway.event("GET", "/dev/"),
        api_gateway.event("GET", "/dev/healthz"),
        api_gateway.keep_warm_event(),
    ]

    report, _ = cold_start(zappa_settings_dir, {"events": events}, AWS_ENDPOINT_URL_SSM=moto_server)

    assert report["results"] == [{"status": 200}, {"status": 200}, {"status": None}]
    assert report["secret_reads"] == [PARAMETER]


def test_it_refuses_to_start_without_a_secret_key_with_one_log_line(zappa_settings_dir, api_gateway):
    spec = {"remove": ["SECRET_KEY_PARAMETER"], "events": [api_gateway.event("GET", "/dev/")]}

    report, stderr = cold_start(zappa_settings_dir, spec)

    [result] = report["results"]
    assert result["error"] == "ImproperlyConfigured"
    assert "SECRET_KEY_PARAMETER" in result["message"]
    lines = [line for line in stderr.splitlines() if "No secret key is configured" in line]
    assert lines == [f"CRITICAL:console.secret_key:{result['message']}"]
    assert report["secret_reads"] == []


def test_it_refuses_to_start_when_the_parameter_is_missing(zappa_settings_dir, api_gateway, moto_server):
    spec = {
        "environment": {"SECRET_KEY_PARAMETER": "/notes-console/missing/secret-key"},
        "events": [api_gateway.event("GET", "/dev/")],
    }

    report, stderr = cold_start(zappa_settings_dir, spec, AWS_ENDPOINT_URL_SSM=moto_server)

    [result] = report["results"]
    assert result["error"] == "ImproperlyConfigured"
    assert "/notes-console/missing/secret-key could not be read (ParameterNotFound)" in result["message"]
    assert sum("could not be read" in line for line in stderr.splitlines()) == 1
