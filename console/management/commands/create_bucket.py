from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.aws import s3
from console.aws.errors import AwsError


class Command(BaseCommand):
    help = (
        "Create the stage's attachments bucket if it does not exist, and make its settings right: Block Public "
        "Access on, default encryption, CORS for the site's origin only, and a lifecycle rule that deletes uploads "
        "never confirmed. Safe to run again: it changes nothing that is already right."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            help="the site's origin the browser uploads from (e.g. https://abc.execute-api.us-east-1.amazonaws.com); "
            "repeat for several; default: DJANGO_CSRF_TRUSTED_ORIGINS, or http://127.0.0.1:8000 locally",
        )

    def handle(self, *args, origin: list[str], **options) -> None:
        origins = origin or list(settings.CSRF_TRUSTED_ORIGINS)
        if not origins and (settings.S3_ENDPOINT_URL or settings.DEBUG):
            origins = ["http://127.0.0.1:8000", "http://localhost:8000"]
        if not origins:
            raise CommandError("Say which origin uploads come from: --origin https://<your site>.")
        if any(o.strip() in {"*", ""} or not o.startswith(("https://", "http://")) for o in origins):
            raise CommandError("Each --origin is a scheme and host, like https://notes.example.com (no wildcard).")
        name = settings.ATTACHMENTS_BUCKET
        where = settings.S3_ENDPOINT_URL or f"AWS {settings.AWS_REGION}"
        try:
            created = s3.create_bucket(name=name, origins=origins)
        except AwsError as exc:
            raise CommandError(exc.message) from exc
        verb = "Created" if created else "Checked"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} bucket {name!r} on {where}: private, encrypted, CORS for {', '.join(origins)}.")
        )
