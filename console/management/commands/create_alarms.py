"""`manage.py create_alarms --stage dev --email you@example.com`: the function's recommended CloudWatch alarms
(error rate, throttles, p99 near the timeout, stream lag, API 5xx) to an SNS topic mailing that address.
Run again after changing a threshold in console/health/alarms.py: it updates only what differs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.aws.errors import AwsError
from console.health.alarms import OPERATOR_ACTIONS, AlarmTarget, alarms_apply
from console.health.gateway import AccessDenied
from console.health.stage import StageSettingsError, load_stage


class Command(BaseCommand):
    help = "Create or update the stage function's recommended CloudWatch alarms, mailing --email."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--stage", required=True, help="a stage of zappa_settings.json (dev, prod)")
        parser.add_argument("--email", required=True, help="the address the alarms' SNS topic mails")
        parser.add_argument("--settings-file", default=str(Path(settings.BASE_DIR) / "zappa_settings.json"))

    def handle(self, *args, **options) -> None:
        email = options["email"].strip()
        if "@" not in email or " " in email:
            raise CommandError(f"{email!r} is not an email address.")
        try:
            stage = load_stage(Path(options["settings_file"]), wanted=options["stage"])
        except StageSettingsError as exc:
            raise CommandError(str(exc)) from exc
        if stage is None or stage.name != options["stage"]:
            raise CommandError(f"No stage {options['stage']!r} in {options['settings_file']}.")
        s = stage.settings
        target = AlarmTarget(
            function_name=stage.lambda_name,
            timeout_s=int(s.get("timeout_seconds", 30)),
            api_name=stage.lambda_name if s.get("apigateway_enabled", True) else "",
            api_stage=stage.name,
        )
        try:
            result = alarms_apply(target=target, email=email)
        except AccessDenied as exc:
            raise CommandError(f"{exc.message}\ncreate_alarms needs: {', '.join(OPERATOR_ACTIONS)}.") from exc
        except AwsError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Alarms of {stage.lambda_name} -> {result.topic_arn}")
        for label, names in (("created", result.created), ("updated", result.updated), ("unchanged", result.unchanged)):
            if names:
                self.stdout.write(f"  {label}: {', '.join(names)}")
        if result.subscribed:
            self.stdout.write(f"AWS mailed {email} a confirmation link: the alarms mail it only once it is confirmed.")
