"""`manage.py wire_async --stage dev`: the function's asynchronous invocation config (retries, maximum event
age, the on-failure SQS queue) for the S3 trigger. Safe to run again. See console/deploy/async_wiring.py."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from console.aws.errors import AwsError
from console.deploy.async_wiring import AsyncSettings, wire_async


class Command(BaseCommand):
    help = "Set the function's asynchronous invocation retries, maximum event age and on-failure SQS destination."

    def add_arguments(self, parser) -> None:
        defaults = AsyncSettings()
        parser.add_argument("--stage", required=True, help="a stage of zappa_settings.json (dev, prod)")
        parser.add_argument("--max-retries", type=int, choices=[0, 1, 2], default=defaults.maximum_retry_attempts)
        parser.add_argument("--max-age", type=int, default=defaults.maximum_event_age_seconds, help="seconds, 60-21600")

    def handle(self, *args, stage: str, max_retries: int, max_age: int, **options) -> None:
        if not 60 <= max_age <= 21600:
            raise CommandError("--max-age must be between 60 and 21600 seconds (Lambda's bounds).")
        function = f"notes-console-{stage}"
        try:
            changed, config = wire_async(
                function, AsyncSettings(maximum_retry_attempts=max_retries, maximum_event_age_seconds=max_age)
            )
        except AwsError as exc:
            raise CommandError(exc.message) from exc
        destination = config["DestinationConfig"]["OnFailure"]["Destination"]
        verb = "Set" if changed else "Already set:"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {function}: {config['MaximumRetryAttempts']} retries, events up to "
                f"{config['MaximumEventAgeInSeconds']} s old, failures to {destination}."
            )
        )
