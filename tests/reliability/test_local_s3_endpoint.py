"""make run's embedded endpoint keeps the attachments bucket's objects across a restart and a kill,
as it keeps the table (tests/reliability/test_local_endpoint.py): what S3 acknowledged (a browser's presigned
POST, PutObject, CopyObject, DeleteObject(s)) is on disk before the answer, and comes back at the next start
with its bytes and content type; what was deleted stays deleted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from console.aws.local_endpoint import EmbeddedDynamoDB

ROOT = Path(__file__).resolve().parents[2]

KILLED = r"""
import sys, uuid
from pathlib import Path
import requests
from console.aws.local_endpoint import EmbeddedDynamoDB

server = EmbeddedDynamoDB(data_dir=Path(sys.argv[1]), table_name=sys.argv[2])
server.start()
s3, bucket = server._client("s3"), sys.argv[3]
s3.create_bucket(Bucket=bucket)
# The browser's way in: a presigned POST, its type in the form (as the app signs it).
post = s3.generate_presigned_post(bucket, "uploads/u/n/a b.png", Fields={"Content-Type": "image/png"},
                                  Conditions=[{"Content-Type": "image/png"}])
answer = requests.post(post["url"], data=post["fields"], files={"file": ("a b.png", b"\x89PNG posted")}, timeout=10)
assert answer.status_code == 204, answer.text
s3.put_object(Bucket=bucket, Key="files/u/n/doc.txt", Body=b"first", ContentType="text/plain")
s3.put_object(Bucket=bucket, Key="files/u/n/doc.txt", Body=b"second, replaced", ContentType="text/plain")
s3.copy_object(Bucket=bucket, Key="files/u/n/a b.png", CopySource={"Bucket": bucket, "Key": "uploads/u/n/a b.png"},
               ContentType="image/png", MetadataDirective="REPLACE")
s3.put_object(Bucket=bucket, Key="files/u/n/same.bin", Body=b"same bytes", ContentType="text/plain")
s3.copy_object(Bucket=bucket, Key="files/u/n/same.bin", CopySource={"Bucket": bucket, "Key": "files/u/n/same.bin"},
               ContentType="application/pdf", MetadataDirective="REPLACE")  # same bytes, new type: kept too
s3.put_object(Bucket=bucket, Key="thumbs/u/n/gone.jpg", Body=b"x", ContentType="image/jpeg")
s3.put_object(Bucket=bucket, Key="thumbs/u/n/gone too.jpg", Body=b"y", ContentType="image/jpeg")
s3.delete_object(Bucket=bucket, Key="thumbs/u/n/gone.jpg")
s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "thumbs/u/n/gone too.jpg"}, {"Key": "uploads/u/n/a b.png"}]})
print("ACKNOWLEDGED", flush=True)
import time; time.sleep(60)
"""


def objects(server: EmbeddedDynamoDB, bucket: str) -> dict[str, tuple[bytes, str]]:
    s3 = server._client("s3")
    found = {}
    for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        got = s3.get_object(Bucket=bucket, Key=o["Key"])
        found[o["Key"]] = (got["Body"].read(), got["ContentType"])
    return found


@pytest.mark.slow
def test_acknowledged_objects_survive_a_kill_and_a_restart_of_the_endpoint(tmp_path):
    data_dir, table = tmp_path / "data", f"killed-{uuid.uuid4().hex[:12]}"
    bucket = f"killed-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(data_dir), table, bucket],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ACKNOWLEDGED"
        proc.send_signal(signal.SIGKILL)  # no clean shutdown
    finally:
        proc.kill()
        proc.wait(timeout=10)
    expected = {
        "files/u/n/doc.txt": (b"second, replaced", "text/plain"),
        "files/u/n/a b.png": (b"\x89PNG posted", "image/png"),
        "files/u/n/same.bin": (b"same bytes", "application/pdf"),
    }

    server = EmbeddedDynamoDB(data_dir=data_dir, table_name=table)
    server.start()
    try:
        assert objects(server, bucket) == expected
        # No stray bytes on disk: one description and one body per object kept.
        assert len(list((data_dir / "s3" / bucket).iterdir())) == 2 * len(expected)
        server.stop()  # a clean stop and start: the same again
        server = EmbeddedDynamoDB(data_dir=data_dir, table_name=table)
        server.start()
        assert objects(server, bucket) == expected
    finally:
        s3 = server._client("s3")
        for key in expected:
            s3.delete_object(Bucket=bucket, Key=key)
        s3.delete_bucket(Bucket=bucket)
        server._client().delete_table(TableName=table)
        server.stop()
