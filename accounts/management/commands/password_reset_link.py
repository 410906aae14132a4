"""manage.py password_reset_link USERNAME [--base-url URL] [--minutes N]: print a one-time link that lets
the user set a new password (this site sends no email).

Through the function itself: `zappa manage dev "password_reset_link alice --base-url https://.../dev"`.
The link is printed, so there it also lands in the invocation's log: it works once and expires (30 minutes
by default), and using it ends every session of the user and revokes their API tokens.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.urls import get_script_prefix, reverse

from accounts.reset_links import RESET_LINK_MINUTES
from accounts.services import password_reset_link_create
from accounts.users import UserNotFound
from console.aws.errors import StoreUnavailable


class Command(BaseCommand):
    help = "Print a one-time, expiring link with which USERNAME sets a new password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address the link starts with, e.g. https://notes.example.com or https://<api>.execute-api.<region>.amazonaws.com/dev",
        )
        parser.add_argument(
            "--minutes", type=int, default=RESET_LINK_MINUTES, help=f"how long it works (default {RESET_LINK_MINUTES})"
        )

    def handle(self, *args, username: str, base_url: str, minutes: int, **options) -> None:
        if not 1 <= minutes <= 24 * 60:
            raise CommandError("--minutes must be between 1 and 1440 (a day).")
        try:
            user, secret, expires_at = password_reset_link_create(username=username, minutes=minutes)
        except UserNotFound:
            raise CommandError(f"There is no user {username!r}.") from None
        except StoreUnavailable as exc:
            raise CommandError(f"{exc}. Is DYNAMODB_ENDPOINT_URL / the table right?") from None
        path = reverse("password_reset")
        if base_url:  # the base carries whatever prefix its host needs (/dev on execute-api, none on a domain)
            path = base_url.rstrip("/") + path.removeprefix(get_script_prefix().rstrip("/"))
        link = f"{path}?{urlencode({'key': secret})}"
        until = datetime.fromtimestamp(expires_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.stdout.write(f"Password reset link for {user.username!r}, valid once until {until}:")
        self.stdout.write(link)
        if not base_url:
            self.stdout.write("(Put the site's address in front of it, or give --base-url.)")
