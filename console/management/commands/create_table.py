from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from console.aws import dynamodb


class Command(BaseCommand):
    help = "Create the app's DynamoDB table (keys, index, TTL, stream) if it does not exist yet."

    def handle(self, *args, **options) -> None:
        name = settings.DYNAMODB_TABLE
        where = settings.DYNAMODB_ENDPOINT_URL or f"AWS {settings.AWS_REGION}"
        if dynamodb.create_table(name=name):
            self.stdout.write(self.style.SUCCESS(f"Created table {name!r} on {where}."))
        else:
            self.stdout.write(f"Table {name!r} already exists on {where}; nothing to do.")
