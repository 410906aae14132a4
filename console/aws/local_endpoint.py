"""The embedded DynamoDB endpoint for local mode: moto's server on 127.0.0.1, in this process.

Data survives autoreloads (the endpoint lives in runserver's parent process, which the reloader keeps),
restarts and kills: every write request is appended to a journal and fsynced before it is answered, so a
write that was acknowledged is never lost (issue 19: a deletion answered 302 came back in part after a
kill, when a snapshot was saved half a second after the writes). At start the endpoint loads the JSON
snapshot, replays the journal of that snapshot's generation in order (the writes were applied one at a time
under one lock, so replaying them gives the same table), then folds both into a new snapshot. A second
manage.py command reuses a running endpoint. The same server answers S3 and SQS; the bucket's objects are
kept on disk too (console/aws/local_s3.py).

moto's DynamoDB is changed for the requests served here (console/aws/local_moto.py): writes serialized, a
failed transaction undoes only its own items, the stream trimmed as DynamoDB trims it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from console.aws import local_moto
from console.aws.dynamodb import table_definition
from console.aws.local_s3 import S3Mirror
from console.env import LOCAL_TABLE_NAME

log = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 2  # 2 adds the journal's generation; a format 1 snapshot reads as generation 0
# Item writes are journaled and replayed (the start creates the table itself).
_ITEM_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
# A journal past this size is folded into a new snapshot (writes wait for one scan of the table meanwhile).
# It bounds the replay after a kill: about 10,000 writes, replayed at a few ms each.
JOURNAL_COMPACT_BYTES = 16 * 1024 * 1024
_REGION_RE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/")
# Commands that never touch the store don't pay for starting it.
_NO_STORE_COMMANDS = {
    "help",
    "--help",
    "-h",
    "version",
    "--version",
    "check",
    "collectstatic",
    "findstatic",
    "diffsettings",
}


class EmbeddedDynamoDB:
    def __init__(self, *, data_dir: Path, table_name: str = LOCAL_TABLE_NAME, port: int = 0) -> None:
        self.data_dir = Path(data_dir)
        self.table_name = table_name
        self.snapshot_path = self.data_dir / f"dynamodb-{table_name}.json"
        self.endpoint_file = self.data_dir / "endpoint.json"
        self._port = port
        self._server = None
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._journal: Any = None  # the open journal file; None while the start replays it
        self._journal_bytes = 0
        self.s3_mirror = S3Mirror(self.data_dir)
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> str:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        local_moto.install()
        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ, start_response):
            service, _, action = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")
            if not service.startswith("DynamoDB"):
                bucket = self.s3_mirror.bucket_written(environ)
                if bucket is None:
                    return moto_app(environ, start_response)  # S3 reads, SQS: moto as it is
                with self.s3_mirror.lock:  # S3 writes: on disk (console/aws/local_s3.py) before the answer
                    response = moto_app(environ, start_response)
                    self.s3_mirror.sync(bucket)
                return response
            journaled = action in _ITEM_WRITES and service.startswith("DynamoDB_")
            body = _read_body(environ) if journaled else b""
            # One DynamoDB request at a time, as local_moto explains; the journal's order is the order applied.
            with local_moto.serving(), local_moto.WRITE_LOCK:
                response = moto_app(environ, start_response)
                journal = self._journal if journaled else None
                if journal is not None:
                    region = _REGION_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
                    line = json.dumps(
                        {"region": region.group(1) if region else "", "target": environ["HTTP_X_AMZ_TARGET"]}
                    )
                    data = f"{line}\n{body.decode()}\n".encode()
                    journal.write(data)
                    journal.flush()
                    self._journal_bytes += len(data)
            if journal is not None:
                # Outside the lock, so concurrent writers share an fsync; the answer is sent only after it.
                with contextlib.suppress(ValueError):  # closed by a save, whose fsynced snapshot holds the write
                    os.fsync(journal.fileno())
                if self._journal_bytes > JOURNAL_COMPACT_BYTES:
                    self.save()
            return response

        self._server = make_server("127.0.0.1", self._port, app, threaded=True, request_handler=MotoRequestHandler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="embedded-dynamodb", daemon=True)
        self._thread.start()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._restore() or not self.snapshot_path.exists():
            self.save()  # the snapshot now holds the replayed journal; a new, empty journal follows it
        else:
            with local_moto.WRITE_LOCK:
                self._journal = open(self._journal_path(self._generation), "ab")  # noqa: SIM115 - kept open
        self.s3_mirror.restore(self._client("s3"))
        self.endpoint_file.write_text(json.dumps({"url": self.url, "pid": os.getpid()}))
        _serving_endpoints[self.table_name] = self
        return self.url

    def stop(self) -> None:
        if self._server is None:
            return
        self.save()
        self._server.shutdown()
        self._server = None
        _serving_endpoints.pop(self.table_name, None)
        with local_moto.WRITE_LOCK:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
        try:
            if json.loads(self.endpoint_file.read_text()).get("pid") == os.getpid():
                self.endpoint_file.unlink()
        except (OSError, ValueError):
            pass

    def stream_consumed(self, sequence_number: int | None) -> None:
        """The local poller has handled the table's stream up to `sequence_number` (None: nothing yet): drop
        what it read and what is older than 24 hours, as DynamoDB would, so the stream does not grow with
        history, and the shard iterators moto keeps from its polls."""
        local_moto.trim_stream(self.table_name, consumed_through=sequence_number)

    # -- snapshot and journal ----------------------------------------------------------------
    def _client(self, service: str = "dynamodb"):
        return boto3.session.Session().client(
            service,
            endpoint_url=self.url,
            region_name=os.environ.get("AWS_REGION", "us-east-1"),
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 2}, s3={"addressing_style": "path"}),
        )

    def _journal_path(self, generation: int) -> Path:
        return self.data_dir / f"dynamodb-{self.table_name}.journal-{generation}"

    def save(self) -> int:
        """Write every item of the table to a new snapshot (atomically, fsynced) and start its empty
        journal, writes paused meanwhile so that the two agree. Returns the item count."""
        with local_moto.WRITE_LOCK:
            items = local_moto.table_items(self.table_name)  # in this process: no request can run meanwhile
            if items is None:
                return 0
            self.data_dir.mkdir(parents=True, exist_ok=True)
            generation = self._generation + 1
            snapshot = {"format": SNAPSHOT_FORMAT, "table": self.table_name, "generation": generation, "items": items}
            _write_durably(self.snapshot_path, json.dumps(snapshot).encode())
            # From here the snapshot names the new journal: the old one is never replayed again.
            old, self._generation = self._journal_path(self._generation), generation
            if self._journal is not None:
                self._journal.close()
            self._journal = open(self._journal_path(generation), "ab")  # noqa: SIM115 - kept open for appends
            self._journal_bytes = 0
            _fsync_dir(self.data_dir)
            old.unlink(missing_ok=True)
            for stale in self.data_dir.glob(f"dynamodb-{self.table_name}.journal-*"):  # a kill mid-save left it
                if stale.name != self._journal_path(generation).name:
                    stale.unlink(missing_ok=True)
            return len(items)

    def _restore(self) -> int:
        """Create the table, load the snapshot and replay its journal. Returns the writes replayed."""
        ddb = self._client()
        try:
            ddb.create_table(**table_definition(self.table_name))
        except ddb.exceptions.ResourceInUseException:
            pass
        try:
            data = json.loads(self.snapshot_path.read_text())
        except FileNotFoundError:
            data = {}
        except ValueError:
            broken = self.snapshot_path.with_suffix(f".broken-{int(time.time())}.json")
            self.snapshot_path.replace(broken)
            print(f"Local data snapshot was unreadable; kept it as {broken} and started empty.", file=sys.stderr)
            return 0
        self._generation = int(data.get("generation", 0))
        items = data.get("items", [])
        for i in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[i : i + 25]]
            pending = {self.table_name: batch}
            while pending:
                pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        return self._replay()

    def _replay(self) -> int:
        """Send the journal's writes again, in order, as they were sent. Returns the writes replayed."""
        import urllib.request

        try:
            lines = self._journal_path(self._generation).read_bytes().split(b"\n")
        except FileNotFoundError:
            return 0
        replayed = 0
        for head, body in zip(lines[0::2], lines[1::2], strict=False):
            try:
                meta = json.loads(head)
                json.loads(body)
            except ValueError:
                break  # the last write was cut by the kill, so it was never answered
            region = meta["region"] or os.environ.get("AWS_REGION", "us-east-1")
            request = urllib.request.Request(  # noqa: S310 - our own endpoint on 127.0.0.1
                self.url,
                data=body,
                method="POST",
                headers={
                    "X-Amz-Target": meta["target"],
                    "Content-Type": "application/x-amz-json-1.0",
                    "Authorization": f"AWS4-HMAC-SHA256 Credential=local/20000101/{region}/dynamodb/aws4_request, "
                    "SignedHeaders=host, Signature=0",
                },
            )
            try:
                urllib.request.urlopen(request, timeout=60).close()  # noqa: S310
            except urllib.error.HTTPError:
                pass  # it failed the same way when it was first sent (a condition, a cancelled transaction)
            replayed += 1
        return replayed


# The endpoints this process serves, by table: the local stream poller reports to its table's endpoint.
_serving_endpoints: dict[str, EmbeddedDynamoDB] = {}


def serving_endpoint(table_name: str) -> EmbeddedDynamoDB | None:
    return _serving_endpoints.get(table_name)


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, read once and put back for moto."""
    import io

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _running_endpoint(data_dir: Path) -> str | None:
    """The URL of an embedded endpoint another live process of this checkout already serves."""
    try:
        info = json.loads((data_dir / "endpoint.json").read_text())
        pid, url = int(info["pid"]), str(info["url"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    host, port = url.rsplit("//", 1)[-1].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return None
    return url


def start_for_command(argv: list[str], *, data_dir: Path) -> EmbeddedDynamoDB | None:
    """Called by manage.py before Django loads settings: in local mode with nothing configured,
    point DYNAMODB_ENDPOINT_URL at an embedded endpoint (a running one, or a new one here)."""
    from console.env import uses_embedded_dynamodb

    command = argv[1] if len(argv) > 1 else "help"
    if command in _NO_STORE_COMMANDS or not uses_embedded_dynamodb():
        return None
    table = os.environ.get("DYNAMODB_TABLE", LOCAL_TABLE_NAME)
    url = _running_endpoint(data_dir)
    if url:
        os.environ["DYNAMODB_ENDPOINT_URL"] = url
        os.environ["NOTES_EMBEDDED_DYNAMODB"] = "shared"
        _serve_s3_too(url)
        return None
    server = EmbeddedDynamoDB(data_dir=data_dir, table_name=table)
    url = server.start()
    os.environ["DYNAMODB_ENDPOINT_URL"] = url
    os.environ["NOTES_EMBEDDED_DYNAMODB"] = "1"
    _serve_s3_too(url)
    atexit.register(server.stop)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if command == "runserver":
        print(
            f"Local DynamoDB: embedded endpoint at {url}, table {table!r}; data kept in {server.snapshot_path}",
            flush=True,
        )
    return server


def _serve_s3_too(url: str) -> None:
    """The same moto server answers S3: the attachments bucket lives there (its objects kept on disk by the
    endpoint, console/aws/local_s3.py). `manage.py create_bucket` sets the bucket up."""
    os.environ.setdefault("S3_ENDPOINT_URL", url)
    from console.env import LOCAL_BUCKET_NAME

    s3 = boto3.session.Session().client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(s3={"addressing_style": "path"}),
    )
    from console.aws.s3 import bucket_configuration

    bucket = os.environ.get("ATTACHMENTS_BUCKET", LOCAL_BUCKET_NAME)
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    # The pages on any local port upload to it from the browser (with JavaScript: a cross-origin POST).
    local_origins = ["http://127.0.0.1:*", "http://localhost:*"]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=bucket_configuration(local_origins)["CORSConfiguration"])
