"""accounts.throttle on moto, and the client address it is keyed by."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from zappa.wsgi import create_wsgi_request

from accounts.client_address import client_address
from accounts.throttle import Limit, Throttled, signin_subject, throttle_clear, throttle_hit
from console.aws import dynamodb

LIMIT = Limit("signin", 3, 900)
T0 = 1_800_000_000 - (1_800_000_000 % 900)  # the start of a window


def items(subject: str) -> list[dict]:
    return dynamodb.client().query(
        TableName=dynamodb.table_name(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"THROTTLE#signin#{subject}"}},
        ConsistentRead=True,
    )["Items"]


def test_it_counts_attempts_in_a_ttl_item_and_refuses_past_the_limit(aws):
    assert [throttle_hit(limit=LIMIT, subject="alice#10.0.0.1", now=T0 + n) for n in range(3)] == [1, 2, 3]
    with pytest.raises(Throttled) as refused:
        throttle_hit(limit=LIMIT, subject="alice#10.0.0.1", now=T0 + 60)
    assert refused.value.retry_after == 840 and refused.value.minutes == 14
    [item] = items("alice#10.0.0.1")
    assert item["attempts"]["N"] == "3"  # a refused attempt writes nothing
    assert item["expires_at"]["N"] == str(T0 + 900)  # TTL: DynamoDB removes it after the window


def test_it_starts_afresh_in_the_next_window(aws):
    for n in range(3):
        throttle_hit(limit=LIMIT, subject="s", now=T0 + n)
    assert throttle_hit(limit=LIMIT, subject="s", now=T0 + 900) == 1


def test_clear_forgets_the_current_window(aws):
    for n in range(3):
        throttle_hit(limit=LIMIT, subject="s", now=T0 + n)
    throttle_clear(limit=LIMIT, subject="s", now=T0 + 5)
    assert items("s") == []
    assert throttle_hit(limit=LIMIT, subject="s", now=T0 + 6) == 1


def test_the_subject_is_the_casefolded_username_and_the_address():
    assert signin_subject(username=" Alice ", client_address="10.0.0.1") == "alice#10.0.0.1"
    assert len(signin_subject(username="x" * 5000, client_address="::1")) < 100


def test_throttled_rounds_up_to_whole_minutes():
    assert Throttled(61).minutes == 2 and Throttled(1).minutes == 1 and Throttled(0).retry_after == 1


def test_it_raises_store_unavailable_when_dynamodb_is_down(aws, dynamodb_outage):
    dynamodb_outage()
    with pytest.raises(dynamodb.StoreUnavailable):
        throttle_hit(limit=LIMIT, subject="s")


# --- client address --------------------------------------------------------------------------------


def test_locally_the_address_is_remote_addr_whatever_the_headers_say():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "127.0.0.1"


def lambda_request(event: dict) -> WSGIRequest:
    # What Zappa's handler does: build the environ from the event, then keep the event in it.
    environ = create_wsgi_request(event, script_name="/dev")
    environ["lambda.event"] = event
    return WSGIRequest(environ)


def test_on_lambda_it_is_api_gateways_source_ip_not_a_forged_x_forwarded_for():
    event = {
        "httpMethod": "POST",
        "path": "/accounts/signin/",
        "headers": {"Host": "abc.execute-api.us-east-1.amazonaws.com", "X-Forwarded-For": "1.2.3.4, 198.51.100.20"},
        "requestContext": {"identity": {"sourceIp": "198.51.100.20"}, "stage": "dev"},
        "body": "",
    }
    request = lambda_request(event)
    assert request.META["REMOTE_ADDR"] == "1.2.3.4"  # Zappa's pick: the client-written entry
    assert client_address(request) == "198.51.100.20"


def test_on_lambda_it_reads_the_v2_payload_too():
    event = {
        "version": "2.0",
        "rawPath": "/accounts/signin/",
        "headers": {"host": "abc.execute-api.us-east-1.amazonaws.com", "x-forwarded-for": "1.2.3.4, 2001:db8::1"},
        "requestContext": {"http": {"method": "POST", "sourceIp": "2001:db8::1"}},
        "body": "",
    }
    assert client_address(lambda_request(event)) == "2001:db8::1"


def test_an_unusable_address_is_unknown():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"


# --- the per-account cap across addresses -------------------------------------------------------
def _sign_in(address: str, password: str):
    from django.test import Client

    from tests.conftest import PASSWORD

    return Client(REMOTE_ADDR=address).post(
        "/accounts/signin/", {"username": "alice", "password": PASSWORD if password == "right" else password}
    )


def test_many_addresses_share_one_gentler_cap_per_account(alice, steady_clock, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS, settings.SIGNIN_ACCOUNT_ATTEMPTS = 5, 20
    statuses = [_sign_in(f"198.51.100.{n}", "guess").status_code for n in range(40)]  # one guess per address

    assert statuses[:20] == [400] * 20  # each address is far below its own 5
    assert set(statuses[20:]) == {429}  # but the account has had its 20 this hour
    refused = _sign_in("198.51.100.250", "guess")
    assert refused.status_code == 429 and refused.has_header("Retry-After")


def test_the_owners_recent_address_is_spared_by_the_account_cap(alice, steady_clock, settings):
    settings.SIGNIN_ACCOUNT_ATTEMPTS = 20
    assert _sign_in("192.0.2.10", "right").status_code == 302  # the owner, from home
    for n in range(25):
        _sign_in(f"198.51.100.{n}", "guess")
    assert _sign_in("198.51.100.77", "right").status_code == 429  # a new address waits, even with the password

    assert _sign_in("192.0.2.10", "right").status_code == 302  # the owner is not locked out


def test_the_owners_recent_address_still_has_its_own_limit(alice, steady_clock, settings):
    settings.SIGNIN_THROTTLE_ATTEMPTS = 5
    assert _sign_in("192.0.2.10", "right").status_code == 302
    for _ in range(5):
        _sign_in("192.0.2.10", "guess")
    assert _sign_in("192.0.2.10", "guess").status_code == 429
