"""The embedded DynamoDB endpoint for local mode: moto's server on 127.0.0.1, in this process.

Data survives autoreloads (the endpoint lives in runserver's parent process, which the reloader keeps)
and restarts (every write is followed, within half a second, by a JSON snapshot in the local data
folder, loaded again at the next start). A second manage.py command reuses a running endpoint.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from console.aws.dynamodb import table_definition
from console.env import LOCAL_TABLE_NAME

log = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 1
_WRITE_TARGETS = (
    b"PutItem",
    b"UpdateItem",
    b"DeleteItem",
    b"BatchWriteItem",
    b"TransactWriteItems",
    b"CreateTable",
    b"DeleteTable",
)
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
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._writer: threading.Thread | None = None
        self._save_lock = threading.Lock()
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> str:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ, start_response):
            target = environ.get("HTTP_X_AMZ_TARGET", "").encode()
            if target.rsplit(b".", 1)[-1] in _WRITE_TARGETS:
                try:
                    return moto_app(environ, start_response)
                finally:
                    self._dirty.set()
            return moto_app(environ, start_response)

        self._server = make_server("127.0.0.1", self._port, app, threaded=True, request_handler=MotoRequestHandler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="embedded-dynamodb", daemon=True)
        self._thread.start()
        self._restore()
        self._writer = threading.Thread(target=self._write_loop, name="embedded-dynamodb-snapshot", daemon=True)
        self._writer.start()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.endpoint_file.write_text(json.dumps({"url": self.url, "pid": os.getpid()}))
        return self.url

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._dirty.set()
        if self._writer:
            self._writer.join(timeout=10)
        self.save()
        self._server.shutdown()
        self._server = None
        try:
            if json.loads(self.endpoint_file.read_text()).get("pid") == os.getpid():
                self.endpoint_file.unlink()
        except (OSError, ValueError):
            pass

    # -- snapshot ----------------------------------------------------------------------------
    def _client(self):
        return boto3.session.Session().client(
            "dynamodb",
            endpoint_url=self.url,
            region_name=os.environ.get("AWS_REGION", "us-east-1"),
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 2}),
        )

    def _write_loop(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            if self._stopping.is_set():
                return
            time.sleep(0.3)  # let a burst of writes finish, then save once
            self._dirty.clear()
            try:
                self.save()
            except Exception:  # noqa: BLE001 - keep serving; the next write retries the save
                log.exception("could not save the local DynamoDB snapshot")

    def save(self) -> int:
        """Write every item of the table to the snapshot file (atomically). Returns the item count."""
        with self._save_lock:
            ddb = self._client()
            items: list[dict[str, Any]] = []
            kwargs: dict[str, Any] = {"TableName": self.table_name}
            try:
                while True:
                    resp = ddb.scan(**kwargs)  # the whole local table, for the snapshot only
                    items.extend(resp.get("Items", []))
                    if "LastEvaluatedKey" not in resp:
                        break
                    kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
            except ddb.exceptions.ResourceNotFoundException:
                return 0
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.snapshot_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"format": SNAPSHOT_FORMAT, "table": self.table_name, "items": items}))
            tmp.replace(self.snapshot_path)
            return len(items)

    def _restore(self) -> int:
        ddb = self._client()
        try:
            ddb.create_table(**table_definition(self.table_name))
        except ddb.exceptions.ResourceInUseException:
            pass
        try:
            data = json.loads(self.snapshot_path.read_text())
        except FileNotFoundError:
            return 0
        except ValueError:
            broken = self.snapshot_path.with_suffix(f".broken-{int(time.time())}.json")
            self.snapshot_path.replace(broken)
            print(f"Local data snapshot was unreadable; kept it as {broken} and started empty.", file=sys.stderr)
            return 0
        items = data.get("items", [])
        for i in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[i : i + 25]]
            pending = {self.table_name: batch}
            while pending:
                pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        return len(items)


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
    """The same moto server answers S3: the attachments bucket lives there (its objects last as long as the
    endpoint's process; only the table has a snapshot). `manage.py create_bucket` sets the bucket up."""
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
