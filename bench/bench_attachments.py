"""Attachments: what passes through the function, and what processing a 10 MB JPEG costs.

1. Bytes of an uploaded file that pass through the function: the API is asked for a presigned POST (a small
   JSON body in and out) and the file goes from the client straight to S3 (moto, in process). The figure is
   how many of the file's bytes were in any request or response the app handled: 0 by design.
2. Processing a 10 MB JPEG in the S3 handler's checks (notes/file_check.py: sniff, decode, strip metadata,
   thumbnail), each in a fresh child process: wall time and peak RSS (ru_maxrss, the process's whole peak,
   Python and Django included). Two cases: an upright photo (metadata cut from the byte stream, decoded at a
   reduced scale for the thumbnail) and one whose EXIF orientation forces a full decode and re-encode. The
   dev stage has 512 MB (zappa_settings.json); the target is to fit with room to spare.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_BYTES = 10 * 1024 * 1024 - 64 * 1024

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
body = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from notes.file_check import SNIFF_BYTES, check
start = time.perf_counter()
checked = check(declared="image/jpeg", head=body[:SNIFF_BYTES], read_all=lambda: body)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kb": peak, "before_kb": before, "stored": len(checked.body),
                  "thumbnail": len(checked.thumbnail)}))
"""


def make_jpeg(path: Path, *, orientation: int | None) -> int:
    """A photo-like JPEG just under 10 MB (noise over gradients compresses about as badly as a real photo)."""
    import io

    from PIL import Image

    side = 3350
    while True:
        noise = Image.effect_noise((side, side * 3 // 4), 90).convert("RGB")
        exif = Image.Exif()
        exif.get_ifd(0x8825)[2] = (48, 51, 29)
        if orientation:
            exif[0x0112] = orientation
        out = io.BytesIO()
        noise.save(out, "JPEG", quality=97, exif=exif)
        if len(out.getvalue()) <= TARGET_BYTES or side < 500:
            path.write_bytes(out.getvalue())
            return len(out.getvalue())
        side = int(side * 0.93)


def measure(path: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bytes_through_the_function() -> tuple[int, int, int]:
    """(file bytes in the app's traffic, JSON bytes the API took in, file size) for one upload on moto."""
    code = r"""
import json, os, sys
os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
                  DJANGO_SETTINGS_MODULE="console.settings", LOCAL_DATA_DIR=sys.argv[1], DYNAMODB_TABLE="bench")
sys.path.insert(0, sys.argv[2])
import django; django.setup()
from moto import mock_aws
with mock_aws():
    import requests
    from django.test import Client
    from console.aws import dynamodb, s3
    dynamodb.create_table()
    s3.create_bucket(origins=["http://127.0.0.1:8000"])
    from accounts.services import token_create, user_create
    from notes import services
    user = user_create(username="bench", password="correct horse battery staple")
    _, token = token_create(user=user, name="bench")
    note = services.note_create(user_id=user.id, data={"title": "t"})
    body = os.urandom(10 * 1024 * 1024 - 100)
    seen = []
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    request = json.dumps({"name": "big.pdf", "content_type": "application/pdf", "size": len(body)})
    answer = client.post(f"/api/notes/{note.id}/attachments", data=request, content_type="application/json")
    seen += [request.encode(), answer.content]
    upload = answer.json()["upload"]
    assert requests.post(upload["url"], data=upload["fields"], files={"file": ("big.pdf", body)}).status_code == 204
    through = sum(len(chunk) for chunk in seen if body[:4096] in chunk)
    print(json.dumps({"through": through, "api_in": len(request), "file": len(body)}))
"""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", code, tmp, str(ROOT)], capture_output=True, text=True, check=True, cwd=ROOT
        )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return figures["through"], figures["api_in"], figures["file"]


def main() -> None:
    through, api_in, size = bytes_through_the_function()
    print(f"bytes of a {size:,}-byte upload through the function: {through} (the API took {api_in} bytes of JSON)")
    with tempfile.TemporaryDirectory() as tmp:
        for label, orientation in (("upright 10 MB JPEG", None), ("10 MB JPEG to turn (EXIF 6)", 6)):
            path = Path(tmp) / "photo.jpg"
            size = make_jpeg(path, orientation=orientation)
            m = measure(path)
            print(
                f"{label} ({size:,} bytes): {m['seconds'] * 1000:.0f} ms, peak RSS {m['peak_kb'] / 1024:.0f} MB "
                f"(before Pillow {m['before_kb'] / 1024:.0f} MB); stored {m['stored']:,} bytes, "
                f"thumbnail {m['thumbnail']:,} bytes"
            )


if __name__ == "__main__":
    main()
