"""One translation of AWS's failures (console/aws/translation.py) for every client: the table's calls, the other
services' and the secrets' signed requests; the project's own errors import no botocore and none poses as one.

AWS's documented error answers (tests/data/aws_errors/SOURCES.md) are parsed by botocore's own parsers, as a
client would, and read from the raw body, as secrets.py does: both give the same code and the same error.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError
from botocore.parsers import create_parser

from console.aws import errors
from console.aws.translation import code_from_answer, retryable, service_error, table_error

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "aws_errors"
THE_ONE_PLACE = Path("console/aws/translation.py")


def parsed(protocol: str, status: int, body: bytes) -> dict:
    """What botocore makes of an error answer (the ClientError's response)."""
    return create_parser(protocol).parse({"status_code": status, "headers": {}, "body": body}, None)


def test_only_the_translation_names_botocores_errors():
    found = []
    for package in ("console", "accounts", "notes"):
        for path in (ROOT / package).rglob("*.py"):
            if path.relative_to(ROOT) == THE_ONE_PLACE:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module == "botocore.exceptions":
                    found.append(str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.parametrize("refusal", [errors.ItemTooLarge, errors.DeadlineExceeded])
def test_the_hooks_refusals_are_the_projects_errors_not_botocores(refusal):
    assert issubclass(refusal, errors.CallRefused) and not issubclass(refusal, BotoCoreError)


def test_a_documented_dynamodb_error_reads_the_same_from_botocore_and_from_the_body():
    body = (DATA / "dynamodb_resource_not_found.json").read_bytes()
    response = parsed("json", 400, body)
    assert response["Error"]["Code"] == code_from_answer(400, body) == "ResourceNotFoundException"
    failure = table_error(ClientError(response, "GetItem"))
    assert type(failure) is errors.StoreUnavailable and failure.code == "ResourceNotFoundException"
    assert isinstance(service_error(ClientError(response, "DescribeTable"), "DescribeTable"), errors.NotFound)
    assert not retryable(code_from_answer(400, body), 400)


def test_a_documented_s3_error_reads_the_same_from_botocore_and_from_the_body():
    body = (DATA / "s3_no_such_key.xml").read_bytes()
    response = parsed("rest-xml", 404, body)
    assert response["Error"]["Code"] == code_from_answer(404, body) == "NoSuchKey"
    assert isinstance(service_error(ClientError(response, "GetObject"), "GetObject"), errors.NotFound)


def test_a_full_store_is_known_by_its_type_not_by_an_attribute():
    assert isinstance(table_error(errors.ItemTooLarge(kind="note", size=200_000, limit=131_072)), errors.StorageFull)

    class PosingAsFull(BotoCoreError):
        storage_full = True  # what call() used to sniff

    assert type(table_error(PosingAsFull())) is errors.StoreUnavailable


def test_a_deadline_or_a_connection_failure_is_an_outage_for_the_table_and_for_other_services():
    for exc in (errors.DeadlineExceeded(detail="0.1 s left"), EndpointConnectionError(endpoint_url="https://x")):
        assert type(table_error(exc)) is errors.StoreUnavailable and table_error(exc).code == type(exc).__name__
        assert isinstance(service_error(exc, "FilterLogEvents"), errors.Unavailable)


@pytest.mark.parametrize(
    ("code", "status", "again", "kind"),
    [
        ("ThrottlingException", 400, True, errors.Throttled),
        ("InternalServerError", 500, True, errors.Unavailable),
        ("AccessDeniedException", 400, False, errors.AccessDenied),
        ("ParameterNotFound", 400, False, errors.Unavailable),
    ],
)
def test_the_secrets_retry_rule_and_the_clients_errors_come_from_one_table(code, status, again, kind):
    assert retryable(code, status) is again
    assert isinstance(service_error(ClientError({"Error": {"Code": code}}, "GetParameter"), "GetParameter"), kind)


def test_secret_unavailable_is_an_aws_error_of_the_project():
    assert issubclass(errors.SecretUnavailable, errors.AwsError)
