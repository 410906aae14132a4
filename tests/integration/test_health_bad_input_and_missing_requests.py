"""Bad input and missing requests: an invalid filter pattern is called invalid (before AWS sees it), an
unknown request id is a 404, a non-admin's 403 has a way back."""

from __future__ import annotations

import pytest

from tests import health_console
from tests import health_samples as s
from tests.health_console import FUNCTION

aws_mode = health_console.aws_mode
fresh_buffers = health_console.fresh_buffers


# --- logs: bad input, missing requests -----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["{ $.status >= }", "{ $.status = }", "{ $.status < }"])
def test_an_invalid_filter_pattern_is_called_invalid_and_why(client_for, admin, pattern):
    from urllib.parse import quote

    page = client_for(admin).get(f"/console/logs/?q={quote(pattern)}").content.decode()
    assert "Invalid filter pattern" in page and "has no value" in page
    assert "No lines match" not in page
    assert 'value="{ $.status' in page  # what the admin typed is kept


def test_an_invalid_filter_pattern_is_refused_before_aws_sees_it(client_for, admin, aws_mode):
    s.seed_moto_function(FUNCTION)
    page = client_for(admin).get("/console/logs/?q=%7B+%24.status+%3E%3D+%7D").content.decode()
    assert "Invalid filter pattern" in page and "has no value" in page


def test_a_request_id_with_no_lines_is_a_404(client_for, admin, client, aws_mode):
    s.seed_moto_function(FUNCTION)
    admin_client = client_for(admin)
    missing = admin_client.get("/console/requests/no-such-request/")
    assert missing.status_code == 404 and b"No lines carry this id" in missing.content
    assert admin_client.get(f"/console/requests/{s.COLD_ID}/").status_code == 200


def test_a_local_request_id_with_no_lines_is_a_404(client_for, admin, client):
    client.get("/healthz", HTTP_X_CORRELATION_ID="seen-here")
    admin_client = client_for(admin)
    assert admin_client.get("/console/requests/seen-here/").status_code == 200
    assert admin_client.get("/console/requests/never-seen/").status_code == 404


def test_a_non_admins_403_page_has_a_way_back(client_for, alice):
    response = client_for(alice).get("/console/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'href="/notes/"' in body and "Back to your notes" in body
    assert 'action="/accounts/signout/"' in body  # or sign in as someone else


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-12-07T10:00", "2026-12-07T09:00"), ("2026-12-01T10:00", "2026-12-01T10:00"), ("2026-13-01T00:00", "")],
)
def test_a_refused_time_range_is_said_so_and_lists_no_lines_of_another_range(client, client_for, admin, start, end):
    client.get("/healthz", HTTP_X_CORRELATION_ID="other-1")  # a line of the last hour
    page = client_for(admin).get("/console/logs/", {"range": "custom", "from": start, "to": end}).content.decode()
    assert "Time range refused" in page and "Partial data" not in page
    assert "other-1" not in page and '<tr class="log-' not in page
