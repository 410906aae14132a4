"""Attachments: what passes through the function, and what processing a 10 MB JPEG costs.

1. Bytes of an uploaded file that pass through the function: the API is asked for a presigned POST (a small
   JSON body in and out) and the file goes from the client straight to S3 (moto, in process). The figure is
   how many of the file's bytes were in any request or response the app handled: 0 by design.
2. Processing a 10 MB JPEG in the S3 handler's checks (notes/file_check.py: sniff, decode, strip metadata,
   thumbnail), each in a fresh child process: wall time and peak RSS (VmHWM, the process's whole peak, Python
   and Django included; not ru_maxrss, which Linux carries over from the parent that forked it). Two cases:
   an upright photo (metadata cut from the byte stream, decoded at a reduced scale for the thumbnail) and one
   whose EXIF orientation forces a full decode and re-encode. The
   child first loads what the handler's process holds on Lambda (Django set up, the handler and its AWS
   plumbing), so the peak is the function's, not Pillow's alone. Target: the peak within MEMORY_ROOM of the
   dev stage's memory size (zappa_settings.json: 512 MB), i.e. fits with room to spare. Time: Lambda gives a
   function CPU in proportion to its memory (one vCPU at 1,769 MB), so the CPU time measured here is scaled
   to the dev stage's size as an estimate, and must leave the handler's stop margin inside the stage's timeout.
   A 12-megapixel HEIC (an iPhone photo's size, encoded by pillow-heif, a dev dependency; pi-heif decodes it
   as on Lambda and it is stored as JPEG) is measured the same way in the full run only: encoding the sample
   takes over a minute here.
3. The Lambda package (`zappa package dev`, as `make package` builds it) stays within 25 MiB.
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
MEMORY_ROOM = 0.75  # the peak RSS may use at most this share of the stage's memory
FULL_VCPU_MB = 1769  # Lambda: one vCPU's worth of CPU time at this memory size, proportionally less below

CHILD = r"""
import json, os, sys, time
def hwm_kb():  # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's peak across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
sys.path.insert(0, sys.argv[2])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
import django; django.setup()
from notes import upload_events  # the handler and its AWS plumbing, as its process holds them on Lambda
from console.aws import s3; s3.client()
body = open(sys.argv[1], "rb").read()  # the handler reads the whole upload into memory too
before = hwm_kb()
from notes.file_check import SNIFF_BYTES, check
start, cpu = time.perf_counter(), time.process_time()
checked = check(declared=sys.argv[3], head=body[:SNIFF_BYTES], read_all=lambda: body)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = hwm_kb()
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_kb": peak, "before_kb": before,
                  "stored": len(checked.body), "thumbnail": len(checked.thumbnail)}))
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


def make_heic(path: Path) -> int:
    """A 4032x3024 (12 MP) HEIC of noise, under 10 MB."""
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.effect_noise((4032, 3024), 30).convert("RGB").save(
        out, "HEIF", quality=70, enc_params={"preset": "ultrafast"}
    )
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def measure(path: Path, declared: str = "image/jpeg") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT), declared],
        env=env,
        capture_output=True,
        text=True,
        check=True,
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


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def dev_stage() -> tuple[int, int]:
    """(memory size in MB, timeout in seconds) of the dev stage, as zappa_settings.json (or Zappa's defaults)."""
    dev = json.loads((ROOT / "zappa_settings.json").read_text())["dev"]
    return int(dev.get("memory_size", 512)), int(dev.get("timeout_seconds", 30))


def package_size() -> int:
    """Bytes of the dev stage's Lambda package, built as `make package` builds it."""
    from bench.lambda_package import zappa_package

    with tempfile.TemporaryDirectory(prefix="attachments-package-") as tmp:
        return zappa_package(ROOT, "dev", Path(tmp) / "dev.zip").stat().st_size


def main() -> None:
    from bench.check_package import MAX_BYTES
    from notes.upload_events import STOP_MARGIN_SECONDS

    through, api_in, size = bytes_through_the_function()
    print(
        f"bytes of a {size:,}-byte upload through the function: {through} (the API took {api_in} bytes of JSON); "
        f"target 0: {verdict(through == 0)}"
    )
    memory_mb, timeout = dev_stage()
    room_mb, time_budget = memory_mb * MEMORY_ROOM, timeout - STOP_MARGIN_SECONDS
    cases = [("upright 10 MB JPEG", "jpeg", None), ("10 MB JPEG to turn (EXIF 6)", "jpeg", 6)]
    if not os.environ.get("BENCH_QUICK"):
        cases.append(("12 MP HEIC", "heic", None))
    with tempfile.TemporaryDirectory() as tmp:
        for label, kind, orientation in cases:
            path = Path(tmp) / f"photo.{kind}"
            size = make_jpeg(path, orientation=orientation) if kind == "jpeg" else make_heic(path)
            m = measure(path, f"image/{kind}")
            peak_mb = m["peak_kb"] / 1024
            at_stage = m["cpu_seconds"] * max(1.0, FULL_VCPU_MB / memory_mb)
            print(
                f"{label} ({size:,} bytes): {m['seconds'] * 1000:.0f} ms here ({m['cpu_seconds'] * 1000:.0f} ms CPU; "
                f"about {at_stage * 1000:.0f} ms at the dev stage's {memory_mb} MB, target under {time_budget:.0f} s: "
                f"{verdict(at_stage < time_budget)}); peak RSS {peak_mb:.0f} MB (before the check "
                f"{m['before_kb'] / 1024:.0f} MB), target at most {room_mb:.0f} MB of {memory_mb} MB: "
                f"{verdict(peak_mb <= room_mb)}; stored {m['stored']:,} bytes, thumbnail {m['thumbnail']:,} bytes"
            )
    zipped = package_size()
    print(
        f"Lambda package (dev): {zipped / 2**20:.1f} MiB, target at most {MAX_BYTES / 2**20:.0f} MiB: "
        f"{verdict(zipped <= MAX_BYTES)}"
    )


if __name__ == "__main__":
    main()
