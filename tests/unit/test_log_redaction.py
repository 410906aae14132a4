"""console/log_redaction.py: what the filter on every log handler takes out of a line."""

from __future__ import annotations

import logging

from console.log_redaction import RedactSecretsFilter, redact

TOKEN = "nc_" + "A1b2_-" * 7 + "x"


def test_it_redacts_secret_query_parameters_in_a_request_line():
    line = '"GET /accounts/reset/?key=Zm9v-bar_42&next=/notes/ HTTP/1.1" 302 0'
    assert redact(line) == '"GET /accounts/reset/?key=[redacted]&next=/notes/ HTTP/1.1" 302 0'
    assert (
        redact("/x?a=1&token=abc;password=p&Secret=s")
        == "/x?a=1&token=[redacted];password=[redacted]&Secret=[redacted]"
    )


def test_it_redacts_api_tokens_anywhere_and_leaves_other_text_alone():
    assert redact(f"Authorization: Bearer {TOKEN} from 10.0.0.1") == "Authorization: Bearer nc_[redacted] from 10.0.0.1"
    assert redact("GET /notes/?keyword=milk&monkey=1") == "GET /notes/?keyword=milk&monkey=1"


def test_the_filter_rewrites_the_record_it_passes():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /r/?key=s3cret HTTP/1.1", 302, 0), None
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == '"GET /r/?key=[redacted] HTTP/1.1" 302 0'
