"""The local stand-ins for Lambda's triggers, in words: the stream poller (for the table's stream trigger)
and the S3 notifier (for the bucket's notification), each a row of the triggers page in the shape of an event
source mapping, worded from what its status file holds (the local gateway's `LocalRunner`)."""

from __future__ import annotations

from console.health.gateway import EventSourceMapping, LocalRunner

STREAM_HANDLER = "notes.events.handle_stream"
UPLOAD_HANDLER = "notes.upload_events.handle_upload"


def poller_mapping(runner: LocalRunner) -> EventSourceMapping:
    """The poller's row: "PROBLEM: ..." when its status says so (the streams question and mapping_risks read
    it the way they read Lambda's LastProcessingResult)."""
    from notes import stream_poller  # its interval and batch size; imports boto3: only when the page asks

    status, last_result = runner.status, ""
    if runner.runs_here:
        state = "Enabled"
        detail = (
            f"local stream poller: polling the embedded endpoint every {stream_poller.POLL_INTERVAL_S:g} s, in "
            "the manage.py process that started it"
        )
        if status is None:
            last_result = "PROBLEM: the poller has written no status yet: it may not have started"
        elif not status.healthy:
            state = "Stopped" if "stopped" in status.problem else "Failing"
            last_result = f"PROBLEM: {status.problem}; version history is not being recorded"
        else:
            last_result = "OK"
    elif runner.endpoint_url:
        state = "Not running"
        detail = (
            "the local poller follows only the embedded endpoint; with DYNAMODB_ENDPOINT_URL set, version history "
            "does not update here"
        )
    else:
        state, detail = "Not running", "no embedded endpoint: the table's own trigger (on AWS) keeps its history"
    return EventSourceMapping(
        source_arn=runner.endpoint_url,
        source=f"DynamoDB stream of {runner.target}",
        state=state,
        origin="local",
        batch_size=stream_poller.BATCH_LIMIT,
        starting_position="LATEST",
        routed_to=(STREAM_HANDLER,),
        detail=detail,
        last_result=last_result,
        batches_handled=status.batches if status else None,
        records_handled=status.records if status else None,
    )


def notifier_mapping(runner: LocalRunner) -> EventSourceMapping:
    """The notifier's row: uploads stay pending while it fails."""
    from notes import s3_notifier  # its queue and tries; imports boto3: only when the page asks

    status, last_result = runner.status, ""
    if runner.runs_here:
        state = "Enabled"
        detail = (
            f"local S3 notifier: the bucket notifies the queue {s3_notifier.QUEUE_NAME} on the embedded endpoint, "
            f"read by the manage.py process that started it; an event the handler asks to retry is tried "
            f"{s3_notifier.MAX_TRIES} times, then dropped (on AWS: the on-failure destination)"
        )
        if status is None:
            state, last_result = "Not running", "no status written yet: it may not have started"
        elif not status.healthy:
            state = "Stopped" if "not polled" in status.problem else "Failing"
            last_result = f"failing: {status.problem}; uploads stay pending"
        else:
            last_result = "OK"
            detail += (
                f". Since it started: {status.delivered} delivered, {status.retried} retried, {status.dropped} dropped"
            )
    else:
        state = "Not running"
        detail = "no embedded endpoint here: on AWS the bucket's own notification invokes the function"
    return EventSourceMapping(
        source_arn=f"arn:aws:s3:::{runner.target}",
        source=f"S3 ObjectCreated events of {runner.target} (uploads/)",
        state=state,
        origin="local",
        routed_to=(UPLOAD_HANDLER,),
        detail=detail,
        last_result=last_result,
        records_handled=status.delivered if status else None,
    )


def runner_mappings(runners: list[LocalRunner]) -> list[EventSourceMapping]:
    """Each stand-in's row, poller first, in the order the gateway read them."""
    wording = {"stream poller": poller_mapping, "S3 notifier": notifier_mapping}
    return [wording[r.kind](r) for r in runners if r.kind in wording]
