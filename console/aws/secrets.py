"""Secrets from SSM Parameter Store or Secrets Manager: the one module that asks AWS for them.

Read once per cold start (console/secret_key.py, from settings). The call is one signed HTTPS POST made
with botocore's own signer and HTTP session rather than a boto3 client: creating an SSM client loads and
parses its whole service model (~1.3 MB of JSON), which measured 170-300 ms of every cold start against
15-40 ms for this (bench/bench_cold_start.py). Errors (SecretUnavailable) say which secret and why, never its
value; which answers are worth another attempt is console/aws/translation.py's rule, as for every client.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import EnvProvider
from botocore.httpsession import URLLib3Session
from botocore.session import Session

from console.aws.errors import SecretUnavailable
from console.aws.translation import FAILURES, code_from_answer, retryable

# Short timeouts so a cold start fails in seconds, not at the function's timeout.
TIMEOUT_SECONDS = (2, 5)
# Pauses before the 2nd and 3rd attempts (throttling, 5xx, connection errors).
RETRY_PAUSES = (0.2, 0.5)


def read_parameter(name: str) -> str:
    """The decrypted value of an SSM parameter (SecureString or String)."""
    response = _call(
        "ssm", "AmazonSSM.GetParameter", {"Name": name, "WithDecryption": True}, what=f"SSM parameter {name}"
    )
    return response["Parameter"]["Value"]


def read_secret(secret_id: str) -> str:
    """The SecretString of a Secrets Manager secret (stored as plain text, not key/value JSON)."""
    response = _call(
        "secretsmanager", "secretsmanager.GetSecretValue", {"SecretId": secret_id}, what=f"secret {secret_id}"
    )
    if "SecretString" not in response:
        raise SecretUnavailable(f"secret {secret_id} holds binary data; store the key as a string")
    return response["SecretString"]


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def endpoint_url(service: str, region: str) -> str:
    """botocore's rules for these two services: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else regional."""
    env_name = {"ssm": "SSM", "secretsmanager": "SECRETS_MANAGER"}[service]
    configured = os.environ.get(f"AWS_ENDPOINT_URL_{env_name}") or os.environ.get("AWS_ENDPOINT_URL")
    if configured:
        return configured
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{service}.{region}.{suffix}/"


def _call(service: str, target: str, payload: dict[str, Any], *, what: str) -> dict[str, Any]:
    # Lambda puts the role's credentials in the environment; the full chain (profiles, SSO, ...) costs
    # ~10 ms more to set up, so it is only the fallback (local runs against real AWS).
    credentials = EnvProvider().load() or Session().get_credentials()
    if credentials is None:
        raise SecretUnavailable(f"{what} could not be read (no AWS credentials)")
    region = _region()
    body = json.dumps(payload)
    reason = ""
    for attempt in range(len(RETRY_PAUSES) + 1):
        if attempt:
            time.sleep(RETRY_PAUSES[attempt - 1])
        request = AWSRequest(
            method="POST",
            url=endpoint_url(service, region),
            data=body,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
        )
        SigV4Auth(credentials.get_frozen_credentials(), service, region).add_auth(request)
        try:
            status, content = _send(request)
        except FAILURES as exc:  # the connection failed or timed out
            reason = type(exc).__name__
            continue
        if status == 200:
            return json.loads(content)
        reason = code_from_answer(status, content)
        if not retryable(reason, status):
            break
    raise SecretUnavailable(f"{what} could not be read ({reason})", code=reason)


def _send(request: AWSRequest) -> tuple[int, bytes]:
    """The HTTP edge: botocore's urllib3 session (its CA bundle, proxies and timeouts)."""
    response = URLLib3Session(timeout=TIMEOUT_SECONDS).send(request.prepare())
    return response.status_code, response.content
