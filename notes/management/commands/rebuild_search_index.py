"""manage.py rebuild_search_index: index the notes written before the search index existed (or after a
stream outage). It Scans the whole table, which the function's role may not: run it with the operator's
credentials (policy-operator.json), e.g. `USE_REAL_AWS=1 DYNAMODB_TABLE=notes-console-dev manage.py rebuild_search_index`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from console.aws.errors import StoreUnavailable
from notes import services


class Command(BaseCommand):
    help = "Recompute the search index from every live note (reads the whole table once; safe to re-run)."

    def handle(self, *args, **options) -> None:
        try:
            counts = services.search_index_rebuild()
        except StoreUnavailable as exc:
            raise CommandError(f"{exc}. Is DYNAMODB_ENDPOINT_URL / the table right?") from None
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt: {counts['notes']} notes, {counts['entries']} words indexed.")
        )
