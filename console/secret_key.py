"""Where the secret key comes from.

Locally a random key is generated once and kept in the git-ignored data folder, so sessions and
cursors survive restarts. On Lambda the key must be configured; it is never a literal in a file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def load_secret_key(*, on_lambda: bool, local_dir: Path) -> str:
    configured = os.environ.get("DJANGO_SECRET_KEY")
    if configured:
        return configured
    if on_lambda:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not configured for this Lambda function: store it in SSM Parameter Store "
            "and set SECRET_KEY_PARAMETER (see README, Deploy)."
        )
    path = local_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        local_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
