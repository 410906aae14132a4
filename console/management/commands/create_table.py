from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from console.aws import dynamodb


class Command(BaseCommand):
    help = (
        "Create the app's DynamoDB table (keys, index, TTL, stream) if it does not exist yet. On AWS it gets "
        "deletion protection and point-in-time recovery; --unprotected leaves both off (a dev table to throw away)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--unprotected",
            action="store_true",
            help="no deletion protection and no point-in-time recovery (default: both on, except on a local endpoint)",
        )

    def handle(self, *args, unprotected: bool = False, **options) -> None:
        name = settings.DYNAMODB_TABLE
        where = settings.DYNAMODB_ENDPOINT_URL or f"AWS {settings.AWS_REGION}"
        # A local endpoint (embedded, DynamoDB Local) holds nothing worth protecting, and some lack PITR.
        protect = not unprotected and not settings.DYNAMODB_ENDPOINT_URL
        if dynamodb.create_table(name=name, protect=protect):
            extra = " with deletion protection and point-in-time recovery" if protect else ""
            self.stdout.write(self.style.SUCCESS(f"Created table {name!r} on {where}{extra}."))
        else:
            self.stdout.write(f"Table {name!r} already exists on {where}; nothing to do.")
