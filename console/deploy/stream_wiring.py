"""Wires the stage's table stream to its function (version history), the way Zappa 0.63 cannot.

Zappa creates a DynamoDB stream trigger with CreateEventSourceMapping(FunctionName, EventSourceArn, BatchSize,
Enabled) only: no StartingPosition, which AWS requires for a stream (it refuses, and Zappa only logs "Unable
to add event source"), and none of the retry and failure settings. Its handler, though, is what runs a stream
batch: it looks the batch's `eventSourceARN` up, exactly, in the stage's `events`. So wiring is two steps:

1. `route_stream`: the stage's `events` in zappa_settings.json gets {"function": HANDLER, "event_source":
   {"arn": <the table's current stream ARN>, "batch_size": N}}, which `zappa update` packages. Later updates
   find the mapping this module made and only set its batch size and Enabled again (same values).
2. `wire_mapping`, once that routing is deployed: creates or updates the mapping with everything Zappa
   leaves out. Not before: a batch from a stream the package does not route is dropped by Zappa's handler
   (it returns nothing, and Lambda counts the batch as processed).

Talks to AWS through console.aws.dynamodb (the table) and console.aws.clients (Lambda). Runs from a developer's
machine (`manage.py wire_stream`), never on Lambda: console/deploy is left out of the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from console.aws import clients as aws_clients
from console.aws import dynamodb
from console.aws.errors import AwsError
from console.deploy import zappa_settings_file
from console.health.stage import StageSettingsError, load_stage
from notes.history import STREAM_FILTER

HANDLER = "notes.events.handle_stream"
VIEW_TYPE = "NEW_AND_OLD_IMAGES"  # history needs the new image; REMOVE records carry only the old one


class WiringError(Exception):
    """Something the person wiring must fix first; the message says what."""


@dataclass(frozen=True)
class StreamSettings:
    """How Lambda reads the stream. Defaults and why (docs/deploy.md, step 6):

    - TRIM_HORIZON: the mapping is created after the table, the deploy and possibly some writes; starting at
      the oldest record still in the stream (24 h) gives those writes their versions too. Processing is
      idempotent, so re-reading costs a few conditional writes, never a duplicate.
    - 5 retries, records older than an hour skipped, the batch bisected on error, and partial batch
      responses (the handler reports the first record it could not store): a record that keeps failing is
      given up instead of blocking its shard for the stream's 24 hours. Lambda then sends the batch's
      description (shard, sequence numbers; not the data) to the on-failure destination, if set.
    """

    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    maximum_retry_attempts: int = 5
    maximum_record_age_s: int = 3600
    bisect_batch_on_function_error: bool = True
    on_failure: str = ""
    enabled: bool = True  # the route's "enabled", which `zappa update` sets too

    def check(self) -> None:
        if not 1 <= self.batch_size <= 10_000:
            raise WiringError("The batch size of a DynamoDB stream trigger is 1 to 10000.")
        if self.starting_position not in {"TRIM_HORIZON", "LATEST"}:
            raise WiringError("The starting position of a DynamoDB stream is TRIM_HORIZON or LATEST.")
        if not -1 <= self.maximum_retry_attempts <= 10_000:
            raise WiringError("Retries are -1 (until the record expires) to 10000.")
        if self.maximum_record_age_s != -1 and not 60 <= self.maximum_record_age_s <= 604_800:
            raise WiringError("The maximum record age is -1 (none) or 60 to 604800 seconds.")
        if self.on_failure and self.on_failure.split(":")[2:3] not in (["sqs"], ["sns"]):
            raise WiringError("The on-failure destination of a stream trigger is an SQS queue or SNS topic ARN.")

    def mapping_params(self) -> dict[str, Any]:
        """The UpdateEventSourceMapping parameters (CreateEventSourceMapping adds source and start)."""
        params: dict[str, Any] = {
            "Enabled": self.enabled,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": 0,  # history should follow an edit within seconds
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "MaximumRecordAgeInSeconds": self.maximum_record_age_s,
            "BisectBatchOnFunctionError": self.bisect_batch_on_function_error,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            # Only the notes' records reach the function (notes/history.py says why).
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps(STREAM_FILTER)}]},
        }
        if self.on_failure:
            params["DestinationConfig"] = {"OnFailure": {"Destination": self.on_failure}}
        return params


@dataclass(frozen=True)
class Target:
    stage: str
    function_name: str
    table: str
    region: str
    policy_path: Path | None


def target(settings_path: Path, stage: str) -> Target:
    """The stage's function, table and region, from zappa_settings.json."""
    try:
        found = load_stage(settings_path, wanted=stage)
    except StageSettingsError as exc:
        raise WiringError(str(exc)) from exc
    if found is None:
        raise WiringError(f"No {settings_path}.")
    if found.name != stage:
        raise WiringError(f"No stage {stage!r} in {settings_path.name} (it has {', '.join(found.stages)}).")
    s = found.settings
    env = {**(s.get("aws_environment_variables") or {}), **(s.get("environment_variables") or {})}
    if not env.get("DYNAMODB_TABLE"):
        raise WiringError(f"Stage {stage!r} sets no DYNAMODB_TABLE in its environment_variables.")
    policy = s.get("attach_policy")
    return Target(
        stage=stage,
        function_name=found.lambda_name,
        table=env["DYNAMODB_TABLE"],
        region=s.get("aws_region", ""),
        policy_path=settings_path.parent / policy if policy else None,
    )


def stream_arn(table: str) -> str:
    """The table's current stream; refuses a table without one, or without the images history needs."""
    try:
        arn, view_type = dynamodb.table_stream(table)
    except dynamodb.StoreUnavailable as exc:
        if exc.code == "ResourceNotFoundException":
            raise WiringError(f"No table {table!r}: create it first (README, Deploy, step 1).") from exc
        raise WiringError(f"Could not read table {table!r}: {exc}") from exc
    if not arn:
        raise WiringError(
            f"Table {table!r} has no stream: enable one with {VIEW_TYPE} (aws dynamodb update-table "
            f"--table-name {table} --stream-specification StreamEnabled=true,StreamViewType={VIEW_TYPE})."
        )
    if view_type != VIEW_TYPE:
        raise WiringError(f"The stream of {table!r} carries {view_type}; version history needs {VIEW_TYPE}.")
    return arn


def route_entry(arn: str, batch_size: int) -> dict[str, Any]:
    return {"function": HANDLER, "event_source": {"arn": arn, "batch_size": batch_size}}


def _is_stream_route(event: Any) -> bool:
    return isinstance(event, dict) and event.get("function") == HANDLER and "event_source" in event


def route_stream(settings_path: Path, stage: str, arn: str, batch_size: int) -> tuple[bool, dict[str, Any]]:
    """Makes the stage's `events` route `arn` (and no older stream) to HANDLER. Returns whether the file
    changed, and the route (its other `event_source` keys, such as "enabled": false, are kept)."""
    text, data = zappa_settings_file.read(settings_path)
    current = zappa_settings_file.stage_events(data, stage)
    old = next((e for e in current if _is_stream_route(e)), None)
    entry = route_entry(arn, batch_size)
    if old:
        entry["event_source"] = {**old["event_source"], **entry["event_source"]}
    wanted = [e for e in current if not _is_stream_route(e)] + [entry]
    if "events" in data[stage] and data[stage]["events"] == wanted:
        return False, entry
    after = {**data, stage: {**data[stage], "events": wanted}}
    heirs = zappa_settings_file.inheriting_stages(after, stage)
    if heirs:
        raise WiringError(
            f"Stage {', '.join(heirs)} extends {stage!r} without `events` of its own, so it would "
            f"route {stage}'s stream too: give it its own `events` first."
        )
    new_text = zappa_settings_file.set_stage_events(text, stage, wanted)
    settings_path.write_text(new_text)
    return True, entry


@dataclass
class WireResult:
    action: str  # "created", "updated", "unchanged"
    mapping: dict[str, Any]
    stale: list[dict[str, Any]] = field(default_factory=list)  # this function's mappings on older streams of the table
    notes: list[str] = field(default_factory=list)


def _list_mappings(function_name: str) -> list[dict[str, Any]]:
    mappings: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"FunctionName": function_name, "MaxItems": 100}
    while True:
        resp = aws_clients.call("lambda", "ListEventSourceMappings", **kwargs)
        mappings.extend(resp.get("EventSourceMappings", []))
        if not resp.get("NextMarker"):
            return mappings
        kwargs["Marker"] = resp["NextMarker"]


def _differences(current: dict[str, Any], params: dict[str, Any]) -> list[str]:
    out = []
    for key, value in params.items():
        if key == "Enabled":
            have: Any = current.get("State") in {"Enabled", "Enabling", "Creating", "Updating"}
        elif key == "DestinationConfig":
            have = {"OnFailure": {"Destination": _destination(current)}}
        else:
            have = current.get(key)
        if have != value:
            out.append(key)
    return out


def _destination(mapping: dict[str, Any]) -> str:
    return ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", "")


def wire_mapping(function_name: str, arn: str, wanted: StreamSettings, *, remove_stale: bool = False) -> WireResult:
    """Creates the stream's mapping to the function, or brings an existing one to `wanted`."""
    wanted.check()
    try:
        mappings = _list_mappings(function_name)
        table_streams = arn.split("/stream/", 1)[0] + "/stream/"
        same = [m for m in mappings if m.get("EventSourceArn") == arn]
        stale = [m for m in mappings if m.get("EventSourceArn", "").startswith(table_streams) and m not in same]
        params = wanted.mapping_params()
        notes: list[str] = []
        if not same:
            created = aws_clients.call(
                "lambda",
                "CreateEventSourceMapping",
                FunctionName=function_name,
                EventSourceArn=arn,
                StartingPosition=wanted.starting_position,
                **params,
            )
            result = WireResult("created", created, stale, notes)
        else:
            current = same[0]
            if current.get("StartingPosition") and current["StartingPosition"] != wanted.starting_position:
                notes.append(
                    f"The starting position counts only when a mapping is created; this one keeps "
                    f"{current['StartingPosition']}."
                )
            if not wanted.on_failure and _destination(current):
                notes.append(f"It keeps its on-failure destination {_destination(current)} (none was given).")
            changed = _differences(current, params)
            if changed:
                updated = aws_clients.call("lambda", "UpdateEventSourceMapping", UUID=current["UUID"], **params)
                result = WireResult("updated", updated, stale, notes)
            else:
                result = WireResult("unchanged", current, stale, notes)
        if remove_stale:
            for old in stale:
                aws_clients.call("lambda", "DeleteEventSourceMapping", UUID=old["UUID"])
                notes.append(f"Deleted mapping {old['UUID']} of the older stream {old.get('EventSourceArn')}.")
            result.stale = []
        return result
    except AwsError as exc:
        raise WiringError(exc.message) from exc


def policy_note(target: Target, destination: str) -> str:
    """Lambda sends failure records with the function's role: say what to grant if the policy lacks it."""
    if not destination or target.policy_path is None:
        return ""
    action = "sqs:SendMessage" if ":sqs:" in destination else "sns:Publish"
    try:
        granted = any(
            action in json.dumps(s.get("Action")) and destination in json.dumps(s.get("Resource"))
            for s in json.loads(target.policy_path.read_text()).get("Statement", [])
        )
    except (OSError, ValueError):
        granted = False
    if granted:
        return ""
    statement = json.dumps(
        {"Sid": "StreamFailureDestination", "Effect": "Allow", "Action": [action], "Resource": [destination]}
    )
    return (
        f"The function's role may not send to {destination}: add this statement to "
        f"{target.policy_path.name}, then `zappa update {target.stage}`:\n  {statement}"
    )


def region_problem(target: Target) -> str:
    if target.region and target.region != settings.AWS_REGION:
        return (
            f"Stage {target.stage!r} is in {target.region} but AWS_REGION is {settings.AWS_REGION}: "
            f"run with AWS_REGION={target.region}."
        )
    return ""
