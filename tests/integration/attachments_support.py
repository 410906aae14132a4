"""Helpers for the attachment tests: the browser's side of a presigned POST (sent to moto in process), and
the S3 ObjectCreated event S3 would send for it (AWS's documented shape, event version 2.1)."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote_plus

import requests

from console.aws import s3


def send_upload(upload: dict[str, Any], body: bytes, *, filename: str = "file") -> int:
    """POST the file to S3 as a browser does with the form's fields (moto answers in this process)."""
    answer = requests.post(upload["url"], data=upload["fields"], files={"file": (filename, body)}, timeout=10)
    return answer.status_code


def policy_of(upload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def s3_event(key: str, *, size: int | None = None, bucket: str | None = None, name: str = "ObjectCreated:Post") -> dict:
    """One S3 notification record for `key`, encoded as S3 encodes keys in events (URL-encoded, + for space)."""
    bucket = bucket or s3.bucket_name()
    if size is None:
        size = int(s3.head(key)["ContentLength"])
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-12-07T12:00:00.000Z",
                "eventName": name,
                "userIdentity": {"principalId": "AWS:AROAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.9"},
                "responseElements": {
                    "x-amz-request-id": "C3D13FE58DE4C810",
                    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "notes-console-dev",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": "0055AED6DCD90281E5",
                    },
                },
            }
        ]
    }


def notifier_clients():
    """The notifier's SQS and S3 clients on moto in this process (the app's own session, no endpoint)."""
    from botocore.config import Config

    from console.aws import session as aws_session

    made = aws_session.session()
    kwargs = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    return made.create_client("sqs", **kwargs), made.create_client(
        "s3", config=Config(s3={"addressing_style": "path"}), **kwargs
    )
