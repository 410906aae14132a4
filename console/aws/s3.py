"""The attachments bucket: its one definition, the process-wide S3 client, presigned URLs; its
failures become console.aws.errors' AwsError family (console/aws/translation.py). Nothing else in the app imports botocore for S3.

Keys (written once here): `uploads/<user>/<note>/<attachment>` is where the browser's presigned POST puts a
file, and the only prefix whose ObjectCreated events the function handles; `files/...` holds a checked file,
`thumbs/...` an image's thumbnail. Uploads never confirmed are removed by the bucket's lifecycle rule.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from botocore.config import Config
from django.conf import settings

from console.aws import deadline
from console.aws import session as aws_session
from console.aws.errors import AwsError, NotFound, Unavailable
from console.aws.translation import FAILURES, service_error

UPLOADS_PREFIX = "uploads/"
FILES_PREFIX = "files/"
THUMBS_PREFIX = "thumbs/"
# Uploads S3 holds without the function having confirmed them (a browser that never finished, or an event
# that never came) are deleted by the lifecycle rule after this many days.
UNCONFIRMED_UPLOAD_DAYS = 1


def upload_key(*, user_id: str, note_id: str, attachment_id: str) -> str:
    return f"{UPLOADS_PREFIX}{user_id}/{note_id}/{attachment_id}"


def file_key(*, user_id: str, note_id: str, attachment_id: str) -> str:
    return f"{FILES_PREFIX}{user_id}/{note_id}/{attachment_id}"


def thumb_key(*, user_id: str, note_id: str, attachment_id: str) -> str:
    return f"{THUMBS_PREFIX}{user_id}/{note_id}/{attachment_id}.jpg"


def bucket_name() -> str:
    return settings.ATTACHMENTS_BUCKET


def bucket_arn(name: str | None = None) -> str:
    return f"arn:aws:s3:::{name or bucket_name()}"


_client = None
_lock = threading.Lock()


def client():
    """The process-wide S3 client: short timeouts, few retries, SigV4 (presigned POSTs need it); path-style
    against a local endpoint (moto), virtual-hosted on AWS."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = _make_client()
    return _client


def reset_client() -> None:
    global _client
    with _lock:
        _client = None


def _make_client():
    endpoint = settings.S3_ENDPOINT_URL
    config = Config(
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint else "virtual", "us_east_1_regional_endpoint": "regional"},
    )
    kwargs: dict[str, Any] = {"region_name": settings.AWS_REGION, "config": config}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        kwargs["aws_access_key_id"] = "local"  # a local endpoint accepts any; never send real ones there
        kwargs["aws_secret_access_key"] = "local"
    return deadline.install(aws_session.session().create_client("s3", **kwargs))


def call(operation: str, **kwargs: Any) -> dict[str, Any]:
    """One S3 operation by its API name ("GetObject") on the stage's bucket (Bucket filled in unless given)."""
    kwargs.setdefault("Bucket", bucket_name())
    method = getattr(client(), _snake(operation))
    try:
        return method(**kwargs)
    except FAILURES as exc:
        raise service_error(exc, operation) from exc


def _snake(operation: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


# --- presigned URLs (signed locally: no call to AWS) -----------------------------------------------------


def presigned_post(
    *, key: str, content_type: str | None, max_bytes: int, expires: int, redirect: str | None = None
) -> dict[str, Any]:
    """The form a browser posts a file with: only to `key`, only `content_type` (any, when None: a plain HTML
    form's own field then says it, and the S3 handler checks the bytes anyway), at most `max_bytes` (S3 refuses
    a bigger body with EntityTooLarge), within `expires` seconds; S3 sends the browser to `redirect` after."""
    fields: dict[str, str] = {}
    conditions: list[Any] = [["content-length-range", 1, max_bytes]]
    if content_type is None:
        conditions.append(["starts-with", "$Content-Type", ""])
    else:
        fields["Content-Type"] = content_type
        conditions.append({"Content-Type": content_type})
    if redirect:
        fields["success_action_redirect"] = redirect
        conditions.append({"success_action_redirect": redirect})
    try:
        return client().generate_presigned_post(
            Bucket=bucket_name(), Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires
        )
    except FAILURES as exc:
        raise service_error(exc, "PutObject") from exc


def presigned_get(*, key: str, filename: str, content_type: str, inline: bool, expires: int) -> str:
    """A short-lived GET of `key` whose response S3 sends with this type and disposition (a download unless
    `inline`), whatever the object's own metadata says."""
    disposition = "inline" if inline else "attachment"
    params = {
        "Bucket": bucket_name(),
        "Key": key,
        "ResponseContentType": content_type,
        "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}",
        "ResponseCacheControl": "private, max-age=60",
    }
    try:
        return client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
    except FAILURES as exc:
        raise service_error(exc, "GetObject") from exc


# --- objects ---------------------------------------------------------------------------------------------


def head(key: str) -> dict[str, Any]:
    return call("HeadObject", Key=key)


def read(key: str, *, first_bytes: int | None = None) -> bytes:
    """The object's bytes (only the first `first_bytes` when given: a ranged GET)."""
    kwargs: dict[str, Any] = {"Key": key}
    if first_bytes is not None:
        kwargs["Range"] = f"bytes=0-{first_bytes - 1}"
    body = call("GetObject", **kwargs)["Body"]
    try:
        return body.read()
    except FAILURES as exc:  # the connection broke or timed out while the body was read
        raise service_error(exc, "GetObject") from exc
    finally:
        body.close()


def put(key: str, body: bytes, *, content_type: str) -> None:
    call("PutObject", Key=key, Body=body, ContentType=content_type)


def copy(source_key: str, key: str, *, content_type: str) -> None:
    """Server-side copy (the bytes stay in S3) with the checked content type."""
    call(
        "CopyObject",
        Key=key,
        CopySource={"Bucket": bucket_name(), "Key": source_key},
        ContentType=content_type,
        MetadataDirective="REPLACE",
    )


def delete(*keys: str) -> None:
    """Delete these keys (absent ones are fine), up to 1,000 per call."""
    keys_list = [k for k in keys if k]
    for i in range(0, len(keys_list), 1000):
        chunk = keys_list[i : i + 1000]
        answer = call("DeleteObjects", Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        errors = answer.get("Errors") or []
        if errors:
            raise Unavailable(f"DeleteObjects failed for {len(errors)} keys ({errors[0].get('Code', '')}).")


# --- the bucket ------------------------------------------------------------------------------------------


def bucket_configuration(origins: list[str]) -> dict[str, Any]:
    """What `create_bucket` makes true, in S3's own shapes: the single statement of the bucket's settings."""
    return {
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
        "ServerSideEncryptionConfiguration": {
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]
        },
        "CORSConfiguration": {
            "CORSRules": [
                {
                    "AllowedOrigins": list(origins),
                    "AllowedMethods": ["POST", "GET"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
        "LifecycleConfiguration": {
            "Rules": [
                {
                    "ID": "unconfirmed-uploads",
                    "Filter": {"Prefix": UPLOADS_PREFIX},
                    "Status": "Enabled",
                    "Expiration": {"Days": UNCONFIRMED_UPLOAD_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": UNCONFIRMED_UPLOAD_DAYS},
                }
            ]
        },
    }


def create_bucket(*, name: str | None = None, origins: list[str]) -> bool:
    """Create the bucket if absent, then make its settings what `bucket_configuration` says (every step
    replaces the whole setting, so a second run changes nothing). True when the bucket was created now."""
    name = name or bucket_name()
    try:
        call("HeadBucket", Bucket=name)
        created = False
    except NotFound:
        created = True
        kwargs: dict[str, Any] = {"Bucket": name}
        if settings.AWS_REGION != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": settings.AWS_REGION}
        try:
            call("CreateBucket", **kwargs)
        except AwsError as exc:
            if exc.code == "BucketAlreadyExists":
                raise AwsError(f"The bucket name {name!r} belongs to another account; choose another.") from exc
            raise
    wanted = bucket_configuration(origins)
    call("PutPublicAccessBlock", Bucket=name, PublicAccessBlockConfiguration=wanted["PublicAccessBlockConfiguration"])
    call(
        "PutBucketEncryption",
        Bucket=name,
        ServerSideEncryptionConfiguration=wanted["ServerSideEncryptionConfiguration"],
    )
    call("PutBucketCors", Bucket=name, CORSConfiguration=wanted["CORSConfiguration"])
    call("PutBucketLifecycleConfiguration", Bucket=name, LifecycleConfiguration=wanted["LifecycleConfiguration"])
    return created
