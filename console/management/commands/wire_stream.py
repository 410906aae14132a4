"""`manage.py wire_stream --stage dev`: the table's stream -> notes.events.handle_stream (version history).

Step one routes the stream in zappa_settings.json (and stops if that changed: deploy it, then run again);
step two creates or updates the event source mapping with the retry and failure settings Zappa leaves out.
`make wire-stream STAGE=dev` runs both with `zappa update` between them. See console/deploy/stream_wiring.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.deploy import zappa_settings_file
from console.deploy.stream_wiring import (
    HANDLER,
    StreamSettings,
    WiringError,
    policy_note,
    region_problem,
    route_stream,
    stream_arn,
    target,
    wire_mapping,
)


class Command(BaseCommand):
    help = "Route the stage's DynamoDB stream to the version history handler and create its Lambda trigger."

    def add_arguments(self, parser) -> None:
        defaults = StreamSettings()
        parser.add_argument("--stage", required=True, help="a stage of zappa_settings.json (dev, prod)")
        parser.add_argument("--settings-file", default=str(Path(settings.BASE_DIR) / "zappa_settings.json"))
        parser.add_argument(
            "--route-only",
            action="store_true",
            help="only make zappa_settings.json route the stream; no AWS call but DescribeTable",
        )
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        parser.add_argument(
            "--starting-position",
            choices=["TRIM_HORIZON", "LATEST"],
            default=defaults.starting_position,
            help="used when the mapping is created",
        )
        parser.add_argument(
            "--max-retries",
            type=int,
            default=defaults.maximum_retry_attempts,
            help="retries of a failing batch (-1: until its records expire)",
        )
        parser.add_argument(
            "--max-record-age",
            type=int,
            default=defaults.maximum_record_age_s,
            help="seconds after which a record is given up (-1: none)",
        )
        parser.add_argument(
            "--on-failure",
            default=settings.STREAM_ON_FAILURE_DESTINATION,
            help="SQS queue or SNS topic ARN told about given-up batches (default: STREAM_ON_FAILURE_DESTINATION)",
        )
        parser.add_argument(
            "--remove-stale", action="store_true", help="delete this function's mappings on older streams of the table"
        )

    def handle(self, *args, **options) -> None:
        if settings.DYNAMODB_ENDPOINT_URL:
            raise CommandError(
                "wire_stream wires a stage on AWS: run it with USE_REAL_AWS=1 (DynamoDB now points at "
                f"{settings.DYNAMODB_ENDPOINT_URL})."
            )
        wanted = StreamSettings(
            batch_size=options["batch_size"],
            starting_position=options["starting_position"],
            maximum_retry_attempts=options["max_retries"],
            maximum_record_age_s=options["max_record_age"],
            on_failure=options["on_failure"] or "",
        )
        path = Path(options["settings_file"])
        try:
            wanted.check()
            stage = target(path, options["stage"])
            problem = region_problem(stage)
            if problem:
                raise WiringError(problem)
            arn = stream_arn(stage.table)
            self.stdout.write(f"Stream of {stage.table}: {arn}")
            changed, route = route_stream(path, stage.stage, arn, wanted.batch_size)
            if changed:
                self.stdout.write(
                    f"{path.name}: stage {stage.stage} now routes this stream to {HANDLER} (its `events`)."
                )
                if not options["route_only"]:
                    self.stdout.write(
                        f"Next: deploy that (make update STAGE={stage.stage}), then run this command again to create "
                        "the trigger.\n(The trigger waits for the deploy: Zappa's handler drops a batch from a stream "
                        "its package does not route, and Lambda counts that batch as processed.)"
                    )
                return
            self.stdout.write(f"{path.name}: stage {stage.stage} routes it to {HANDLER}.")
            if options["route_only"]:
                return
            wanted = replace(wanted, enabled=bool(route["event_source"].get("enabled", True)))
            result = wire_mapping(stage.function_name, arn, wanted, remove_stale=options["remove_stale"])
        except (WiringError, zappa_settings_file.SettingsFileError) as exc:
            raise CommandError(str(exc)) from exc
        m = result.mapping
        self.stdout.write(
            f"Trigger {m.get('UUID')} {result.action}: {stage.function_name} <- {arn}, {m.get('State')}.\n"
            f"  starting position {m.get('StartingPosition')}, batch size {m.get('BatchSize')}, "
            f"{m.get('MaximumRetryAttempts')} retries, records older than {m.get('MaximumRecordAgeInSeconds')} s "
            f"given up, bisect on error: {'on' if m.get('BisectBatchOnFunctionError') else 'off'}, "
            f"function response types {', '.join(m.get('FunctionResponseTypes') or ['none'])}, on failure: "
            f"{((m.get('DestinationConfig') or {}).get('OnFailure') or {}).get('Destination') or 'none'}."
        )
        for note in result.notes:
            self.stdout.write(f"  {note}")
        for old in result.stale:
            self.stdout.write(
                f"  Also maps an older stream of the table: {old.get('UUID')} {old.get('EventSourceArn')} "
                f"({old.get('State')}); --remove-stale deletes it."
            )
        note = policy_note(stage, wanted.on_failure)
        if note:
            self.stderr.write(note)
