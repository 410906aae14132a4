"""Local mode: the embedded endpoint serves S3 too, with the attachments bucket made for the developer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import urllib.request, uuid
from django.conf import settings
from console.aws import s3
print("ENDPOINT", settings.S3_ENDPOINT_URL, settings.DYNAMODB_ENDPOINT_URL)
form = s3.presigned_post(key="uploads/u/n/a", content_type="text/plain", max_bytes=100, expires=60)
boundary = uuid.uuid4().hex
parts = []
for name, value in form["fields"].items():
    parts.append(f'--{boundary}\\r\\nContent-Disposition: form-data; name="{name}"\\r\\n\\r\\n{value}\\r\\n')
body = "".join(parts).encode() + (
    f'--{boundary}\\r\\nContent-Disposition: form-data; name="file"; filename="a.txt"\\r\\n'
    "Content-Type: text/plain\\r\\n\\r\\nhello\\r\\n"
).encode() + f"--{boundary}--\\r\\n".encode()
req = urllib.request.Request(form["url"], data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                             "Origin": "http://127.0.0.1:8123"})
answer = urllib.request.urlopen(req)
print("POSTED", answer.status, "CORS", answer.headers.get("Access-Control-Allow-Origin"))
print("READ", s3.read("uploads/u/n/a"))
"""


def test_the_embedded_endpoint_serves_the_attachments_bucket(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DYNAMODB_ENDPOINT_URL", "DYNAMODB_TABLE", "RUN_MAIN", "S3_ENDPOINT_URL", "ATTACHMENTS_BUCKET"}
    }
    env["LOCAL_DATA_DIR"] = str(tmp_path)
    ran = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    endpoints = ran.stdout.split("ENDPOINT ", 1)[1].split()[:2]
    assert endpoints[0].startswith("http://127.0.0.1:") and endpoints[0] == endpoints[1]
    assert "POSTED 204 CORS http://127.0.0.1:8123" in ran.stdout  # the page's script may read the answer
    assert "READ b'hello'" in ran.stdout


NOTIFIER = """
import io, time, urllib.request, uuid
from django.conf import settings
from notes import attachment_services, services
from notes.attachments_dynamodb import DynamoDBAttachmentRepository
note = services.note_create(user_id="d" * 32, data={"title": "local"})
body = b"local notes, in plain text"
up = attachment_services.attachment_start(user_id="d" * 32, note_id=note.id,
                                          data={"name": "a.txt", "content_type": "text/plain", "size": len(body)})
boundary = uuid.uuid4().hex
parts = [f'--{boundary}\\r\\nContent-Disposition: form-data; name="{k}"\\r\\n\\r\\n{v}\\r\\n' for k, v in up.fields.items()]
data = "".join(parts).encode() + (f'--{boundary}\\r\\nContent-Disposition: form-data; name="file"; filename="a.txt"\\r\\n'
                                  "Content-Type: text/plain\\r\\n\\r\\n").encode() + body + f"\\r\\n--{boundary}--\\r\\n".encode()
urllib.request.urlopen(urllib.request.Request(up.url, data=data,
                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}))
# The process that owns the embedded endpoint started the notifier (notes/apps.py), as under make run.
deadline = time.time() + 20
while time.time() < deadline:
    a = DynamoDBAttachmentRepository().get(user_id="d" * 32, note_id=note.id, attachment_id=up.attachment.id)
    if a.status != "pending":
        break
    time.sleep(0.2)
print("STATUS", a.status)
"""


def test_the_local_notifier_delivers_s3s_event_to_the_upload_handler(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DYNAMODB_ENDPOINT_URL", "DYNAMODB_TABLE", "RUN_MAIN", "S3_ENDPOINT_URL", "ATTACHMENTS_BUCKET"}
    }
    env["LOCAL_DATA_DIR"] = str(tmp_path)
    ran = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", NOTIFIER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "STATUS ready" in ran.stdout
