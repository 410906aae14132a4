"""Where the secret key comes from.

In order: SSM Parameter Store (SECRET_KEY_PARAMETER, a SecureString) or Secrets Manager
(SECRET_KEY_SECRET_ID), read once per process since settings are; then DJANGO_SECRET_KEY. Locally,
with none of them, a random key is generated once and kept in the git-ignored data folder, so
sessions and cursors survive restarts. On Lambda one must be configured: the key is never a literal
in a file, and without one the function refuses to start with one log line saying what to set.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured

from console.aws.errors import SecretUnavailable

log = logging.getLogger(__name__)

MISSING_ON_LAMBDA = (
    "No secret key is configured for this Lambda function: store one in SSM Parameter Store as a SecureString "
    "and set SECRET_KEY_PARAMETER to its name (or SECRET_KEY_SECRET_ID for Secrets Manager); see README, Deploy."
)


def load_secret_key(*, on_lambda: bool, local_dir: Path) -> str:
    parameter = os.environ.get("SECRET_KEY_PARAMETER", "").strip()
    secret_id = os.environ.get("SECRET_KEY_SECRET_ID", "").strip()
    if parameter and secret_id:
        _refuse("Both SECRET_KEY_PARAMETER and SECRET_KEY_SECRET_ID are set: set only one of them.")
    if parameter or secret_id:
        key = _read_from_aws(parameter=parameter, secret_id=secret_id)
    else:
        key = os.environ.get("DJANGO_SECRET_KEY") or ""
    if not key:
        if on_lambda:
            _refuse(MISSING_ON_LAMBDA)
        return _local_key(local_dir)
    if on_lambda:
        _refuse_weak(key, source=parameter or secret_id or "DJANGO_SECRET_KEY")
    return key


# What `manage.py check --deploy` calls a weak key (security.W009): shorter than 50 characters, fewer than 5
# different characters, or Django's generated insecure prefix.
MIN_KEY_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5


def _refuse_weak(key: str, *, source: str) -> None:
    if len(key) < MIN_KEY_LENGTH or len(set(key)) < MIN_UNIQUE_CHARACTERS or key.startswith("django-insecure-"):
        _refuse(
            f"The secret key in {source} is too weak for Lambda: use at least {MIN_KEY_LENGTH} random characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'); see README, Deploy."
        )


def _read_from_aws(*, parameter: str, secret_id: str) -> str:
    # Imported here so that local runs and tests without a configured secret never load boto3 for it.
    from console.aws import secrets as aws_secrets

    try:
        key = aws_secrets.read_parameter(parameter) if parameter else aws_secrets.read_secret(secret_id)
    except SecretUnavailable as exc:
        _refuse(f"The secret key could not be read: {exc}.")
    key = key.strip()
    if not key:
        _refuse(f"The secret key in {parameter or secret_id} is empty.")
    return key


def _refuse(message: str) -> NoReturn:
    # One line in the function's log, then settings fail to load and the function does not start.
    log.critical(message)
    raise ImproperlyConfigured(message)


def _local_key(local_dir: Path) -> str:
    path = local_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        local_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
