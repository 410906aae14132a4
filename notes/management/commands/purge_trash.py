"""manage.py purge_trash: what the daily schedule does on Lambda (notes.events.purge_trash), by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from console.aws.errors import StoreUnavailable
from notes import services
from notes.domain import TRASH_DAYS


class Command(BaseCommand):
    help = f"Delete for good the notes that have been in the trash for more than {TRASH_DAYS} days."

    def handle(self, *args, **options) -> None:
        try:
            purged = services.trash_purge()
        except StoreUnavailable as exc:
            raise CommandError(f"{exc}. Is DYNAMODB_ENDPOINT_URL / the table right?") from None
        noun = "note" if purged == 1 else "notes"
        self.stdout.write(self.style.SUCCESS(f"Purged {purged} {noun} from the trash."))
