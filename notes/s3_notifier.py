"""Local mode's stand-in for S3's event notification to Lambda: nothing on the embedded endpoint invokes a
function, so the bucket notifies an SQS queue there (moto delivers S3's own event shape), and a background
thread hands each message's event to the same handler Lambda calls (notes.upload_events.handle_upload).

As Lambda does with an asynchronous event: a RetryLater leaves the message for another try (SQS makes it
visible again after its visibility timeout), at most MAX_TRIES times, then it is dropped with an error line
(Lambda would send it to the on-failure destination).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from botocore.config import Config
from django.conf import settings

from console.aws import session as aws_session
from console.aws.s3 import UPLOADS_PREFIX
from notes.upload_events import RetryLater, handle_upload

log = logging.getLogger(__name__)

QUEUE_NAME = "notes-console-local-uploads"
VISIBILITY_TIMEOUT_S = 5
MAX_TRIES = 3
# Like the stream poller's: the console (runserver's child process) reads what the notifier's process wrote.
STATUS_FILE = "s3-notifier.json"
STALE_AFTER_S = 15.0
_started = threading.Event()


@dataclass(frozen=True)
class NotifierStatus:
    healthy: bool
    checked_at: float  # epoch seconds of the last poll of the queue
    delivered: int = 0  # events handed to the upload handler since the notifier started
    retried: int = 0  # deliveries the handler asked to retry (RetryLater)
    dropped: int = 0  # events given up after MAX_TRIES (Lambda would send them to the on-failure destination)
    problem: str = ""


def status_path() -> Path:
    return Path(settings.LOCAL_DATA_DIR) / STATUS_FILE


def read_status(*, now: float | None = None) -> NotifierStatus | None:
    """The notifier's last status as its process wrote it; None if none ever did; stopped if not refreshed."""
    try:
        status = NotifierStatus(**json.loads(status_path().read_text()))
    except (OSError, ValueError, TypeError):
        return None
    now = time.time() if now is None else now
    if now - status.checked_at > STALE_AFTER_S:
        ago = int(now - status.checked_at)
        return NotifierStatus(**{**asdict(status), "healthy": False, "problem": f"it has not polled for {ago} s"})
    return status


class S3Notifier:
    def __init__(self, *, endpoint_url: str, bucket: str) -> None:
        self.bucket = bucket
        self._stop = threading.Event()
        kwargs: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": settings.AWS_REGION,
            "aws_access_key_id": "local",
            "aws_secret_access_key": "local",
        }
        made = aws_session.session()
        self._sqs = made.create_client("sqs", config=Config(retries={"max_attempts": 2}), **kwargs)
        self._s3 = made.create_client("s3", config=Config(s3={"addressing_style": "path"}), **kwargs)
        self.queue_url = ""
        self.delivered = self.retried = self.dropped = 0
        self.status_file: Path | None = None

    def wire(self) -> None:
        """The bucket's ObjectCreated events under uploads/ -> the local queue (idempotent)."""
        self.queue_url = self._sqs.create_queue(
            QueueName=QUEUE_NAME, Attributes={"VisibilityTimeout": str(VISIBILITY_TIMEOUT_S)}
        )["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self._s3.put_bucket_notification_configuration(
            Bucket=self.bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "Id": "local-uploads",
                        "QueueArn": arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOADS_PREFIX}]}},
                    }
                ]
            },
        )

    def poll_once(self, wait_seconds: int = 1) -> int:
        """Deliver what is waiting; returns events handled."""
        answer = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["ApproximateReceiveCount"],
        )
        handled = 0
        for message in answer.get("Messages", []):
            try:
                event = json.loads(message["Body"])
            except ValueError:
                event = {}
            tries = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            if "Records" in event:  # s3:TestEvent (sent when the notification is set up) has none
                try:
                    handle_upload(event)
                    handled += 1
                    self.delivered += 1
                except RetryLater:
                    if tries < MAX_TRIES:
                        self.retried += 1
                        log.warning("local S3 notifier: the upload handler asked for a retry; trying again shortly")
                        continue
                    self.dropped += 1
                    log.error("local S3 notifier: an upload event failed %d times; dropped", tries)
            self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        self.write_status()
        return handled

    def write_status(self, problem: str = "") -> None:
        if self.status_file is None:
            return
        status = NotifierStatus(
            healthy=not problem,
            checked_at=time.time(),
            delivered=self.delivered,
            retried=self.retried,
            dropped=self.dropped,
            problem=problem,
        )
        try:
            tmp = self.status_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(status)))
            tmp.replace(self.status_file)
        except OSError:
            log.warning("local S3 notifier: cannot write its status to %s", self.status_file)

    def deliver_waiting(self) -> int:
        """Uploads already in the bucket when the notifier starts (they arrived while it was not running, or
        the endpoint came back with them from disk, console/aws/local_s3.py): each one's event, as S3 sends it,
        to the handler; it ignores what it has handled before. Returns the events delivered."""
        delivered = 0
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=UPLOADS_PREFIX)
        for obj in (o for page in pages for o in page.get("Contents", [])):
            record = {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "bucket": {"name": self.bucket, "arn": f"arn:aws:s3:::{self.bucket}"},
                    "object": {"key": quote_plus(obj["Key"], safe="/"), "size": obj["Size"]},
                },
            }
            try:
                handle_upload({"Records": [record]})
            except RetryLater:
                log.warning("local S3 notifier: a waiting upload could not be handled yet; it stays pending")
                continue
            delivered += 1
        self.delivered += delivered
        return delivered

    def run(self) -> None:
        try:
            self.deliver_waiting()
        except Exception:  # noqa: BLE001 - the queue's events still flow
            log.exception("local S3 notifier: the uploads waiting at start could not be delivered")
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # noqa: BLE001 - keep delivering; a dev server must not lose its uploads thread
                log.exception("local S3 notifier: poll failed; trying again")
                self.write_status(f"the last poll failed: {type(exc).__name__}")
                self._stop.wait(5)

    def start(self) -> threading.Thread:
        self.wire()
        thread = threading.Thread(target=self.run, name="local-s3-notifier", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def start_local_notifier() -> S3Notifier | None:
    """Start once per process that owns the embedded endpoint (not in runserver's reloaded children)."""
    if _started.is_set() or not settings.S3_ENDPOINT_URL:
        return None
    _started.set()
    notifier = S3Notifier(endpoint_url=settings.S3_ENDPOINT_URL, bucket=settings.ATTACHMENTS_BUCKET)
    notifier.status_file = status_path()
    try:
        notifier.start()
    except Exception as exc:  # noqa: BLE001 - uploads stay pending locally; the rest of the app runs
        log.exception("local S3 notifier could not start; uploads will stay pending")
        notifier.write_status(f"it could not start: {exc}")
        return None
    return notifier
