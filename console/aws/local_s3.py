"""The embedded endpoint's S3 objects on disk, so that local mode's attachments survive a restart or a kill
of `make run` as its table does (console/aws/local_endpoint.py keeps the table in a snapshot and journal).

moto keeps objects in memory only. After each S3 request that can change a bucket (PUT, POST, DELETE: a
presigned POST from the browser, PutObject, CopyObject, DeleteObject(s), CreateBucket), served one at a time
under a lock, the bucket's objects are compared with what is on disk, and what changed is written (fsynced)
before the request is answered: an acknowledged upload or delete is never lost. A mirrored object is two
files named by a hash of its key: its bytes (under a name of their own version), then its description (key,
ETag, type, user metadata, which bytes), written last; so a kill between the two leaves the previous
description with its own bytes, never a description of other bytes.
At start the objects are put back through the endpoint itself.

Not kept: bucket settings (CORS, lifecycle, notifications: the endpoint's start and the local S3 notifier
set them again), versions, and the events of uploads that were waiting in the local queue when it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

_WRITES = {"PUT", "POST", "DELETE"}
_META_PREFIX = "x-amz-meta-"


def _backend() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def _signature(description: dict[str, Any]) -> str:
    """What makes an object's copy on disk current: its bytes (ETag), type and user metadata."""
    return json.dumps([description["etag"], description.get("content_type", ""), description.get("metadata", {})])


class S3Mirror:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "s3"
        self.lock = threading.Lock()  # one changing S3 request, and its mirroring, at a time
        self._held: dict[tuple[str, str], str] = {}  # (bucket, key) -> _signature of what is on disk

    @staticmethod
    def bucket_written(environ: dict[str, Any]) -> str | None:
        """The bucket a request may change (path-style addressing, as the app's clients use locally), or None:
        a read, DynamoDB or SQS (a JSON target, or a path under the account's number)."""
        if environ.get("REQUEST_METHOD") not in _WRITES or environ.get("HTTP_X_AMZ_TARGET"):
            return None
        bucket = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        return bucket if bucket and not bucket.isdigit() else None

    def _folder(self, bucket: str) -> Path:
        return self.root / bucket

    @staticmethod
    def _stem(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def sync(self, bucket: str) -> int:
        """Write what changed in `bucket` since the last sync; returns objects written or removed."""
        found = _backend().buckets.get(bucket)
        if found is None:
            return 0
        folder = self._folder(bucket)
        folder.mkdir(parents=True, exist_ok=True)
        current = dict(found.keys.items())
        changed = 0
        for key, obj in current.items():
            metadata = dict(obj.metadata)
            description = {
                "key": key,
                "etag": obj.etag,
                "content_type": metadata.get("content-type", ""),
                "metadata": {k[len(_META_PREFIX) :]: v for k, v in metadata.items() if k.startswith(_META_PREFIX)},
            }
            if self._held.get((bucket, key)) == _signature(description):
                continue
            stem = self._stem(key)
            body = f"{stem}.{hashlib.sha256(obj.etag.encode()).hexdigest()[:16]}.bin"
            description["body"] = body
            _write_durably(folder / body, obj.value)
            _write_durably(folder / f"{stem}.json", json.dumps(description).encode())
            for old in folder.glob(f"{stem}.*.bin"):  # the bytes the description named before
                if old.name != body:
                    old.unlink(missing_ok=True)
            self._held[(bucket, key)] = _signature(description)
            changed += 1
        for held_bucket, key in [k for k in self._held if k[0] == bucket and k[1] not in current]:
            stem = self._stem(key)
            (folder / f"{stem}.json").unlink(missing_ok=True)  # the description first: no torn object
            for body in folder.glob(f"{stem}.*.bin"):
                body.unlink(missing_ok=True)
            del self._held[(held_bucket, key)]
            changed += 1
        if changed:
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return changed

    def restore(self, s3_client: Any) -> int:
        """Put every mirrored bucket and object back through the endpoint (`s3_client` points at it). Returns
        the objects restored."""
        restored = 0
        for folder in sorted(p for p in self.root.glob("*") if p.is_dir()):
            bucket = folder.name
            try:
                s3_client.create_bucket(Bucket=bucket)
            except s3_client.exceptions.BucketAlreadyOwnedByYou:
                pass
            for path in sorted(folder.glob("*.json")):
                try:
                    description = json.loads(path.read_text())
                    body = (folder / description["body"]).read_bytes()
                except (OSError, ValueError):
                    continue  # a description without its bytes (a kill mid-write of a new object)
                self._held[(bucket, description["key"])] = _signature(description)  # the put below changes nothing
                extra = {"ContentType": description["content_type"]} if description.get("content_type") else {}
                s3_client.put_object(
                    Bucket=bucket, Key=description["key"], Body=body, Metadata=description.get("metadata", {}), **extra
                )
                restored += 1
            for stale in folder.glob("*.tmp"):
                stale.unlink(missing_ok=True)
        return restored
