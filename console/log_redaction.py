"""Secrets never reach a log line: a logging filter on every handler (console/settings.py's LOGGING, the root's
and runserver's request lines, `django.server`).

What it takes out of a record's message: the values of query parameters that carry secrets (a reset link's
`?key=`, whose first request line runserver logs before the page moves it into the session; the same for any
`token`, `password` or `secret` parameter) and anything shaped like a personal API token. The app's own request
log leaves query strings out already (console/observability.py); this covers the lines it does not write.
"""

from __future__ import annotations

import logging
import re

from accounts.token_prefix import TOKEN_PREFIX

REDACTED = "[redacted]"
SECRET_PARAMETERS = ("key", "token", "password", "secret")
_PARAMETER_RE = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&;#\s\"']*", re.IGNORECASE)
_TOKEN_RE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    return _TOKEN_RE.sub(TOKEN_PREFIX + REDACTED, _PARAMETER_RE.sub(r"\1" + REDACTED, text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is logging's to report, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
