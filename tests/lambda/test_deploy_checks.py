"""`python manage.py check --deploy` with the settings the function has on Lambda."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import boto3

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_finds_nothing_with_lambda_settings(moto_server):
    # Lambda's environment for the dev stage, the key read from SSM as deployed (moto's server here).
    stage_env = json.loads((REPO_ROOT / "zappa_settings.json").read_text())["dev"]["environment_variables"]
    boto3.client("ssm", region_name="us-east-1", endpoint_url=moto_server).put_parameter(
        Name=stage_env["SECRET_KEY_PARAMETER"], Value=secrets.token_urlsafe(50), Type="SecureString", Overwrite=True
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(stage_env, AWS_LAMBDA_FUNCTION_NAME="notes-console-dev", AWS_ENDPOINT_URL_SSM=moto_server)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check (security.W021, HSTS preload) is explained in console/settings.py.
    assert "System check identified no issues (1 silenced)." in result.stdout
