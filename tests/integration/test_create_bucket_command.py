"""`manage.py create_bucket`: the attachments bucket, private, encrypted, CORS for the site only, unconfirmed
uploads expiring; a second run changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from console.aws import s3


@pytest.fixture
def fresh(aws):
    s3.reset_client()
    yield
    s3.reset_client()


def bucket_state(name: str) -> dict:
    c = s3.client()
    return {
        "public": c.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
        "encryption": c.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"],
        "cors": c.get_bucket_cors(Bucket=name)["CORSRules"],
        "lifecycle": c.get_bucket_lifecycle_configuration(Bucket=name)["Rules"],
    }


def test_it_creates_a_private_encrypted_bucket_for_the_site_only(fresh, capsys):
    call_command("create_bucket", "--origin", "https://notes.example.com")
    assert "Created bucket" in capsys.readouterr().out
    state = bucket_state(s3.bucket_name())
    assert state["public"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert state["encryption"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert [rule["AllowedOrigins"] for rule in state["cors"]] == [["https://notes.example.com"]]
    (rule,) = state["lifecycle"]
    assert rule["Status"] == "Enabled"
    assert rule["Expiration"] == {"Days": s3.UNCONFIRMED_UPLOAD_DAYS}
    assert rule["Filter"]["Prefix"] == s3.UPLOADS_PREFIX


def test_a_second_run_changes_nothing(fresh, capsys):
    call_command("create_bucket", "--origin", "https://notes.example.com")
    before = bucket_state(s3.bucket_name())
    call_command("create_bucket", "--origin", "https://notes.example.com")
    assert "Checked bucket" in capsys.readouterr().out
    assert bucket_state(s3.bucket_name()) == before


@pytest.mark.parametrize("origin", ["*", "notes.example.com"])
def test_it_refuses_a_wildcard_or_a_bare_host(fresh, origin):
    with pytest.raises(CommandError):
        call_command("create_bucket", "--origin", origin)
    assert "Buckets" not in s3.client().list_buckets() or s3.client().list_buckets()["Buckets"] == []
