"""The site's two mails, in words: a password reset link and an address check. Sent through Django's mail API
(settings.EMAIL_BACKEND: SES on Lambda, the terminal under `make run`, locmem in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail


def send_reset_link(*, to: str, username: str, link: str, minutes: int) -> None:
    send_mail(
        subject="Set a new password for Notes Console",
        message=(
            f"Someone (we hope you) asked to set a new password for the Notes Console account {username}.\n\n"
            f"Open this link within {minutes} minutes to choose one; it works once:\n\n{link}\n\n"
            "Setting it signs you out everywhere and revokes your API tokens. If you did not ask, ignore this "
            "mail: your password stays as it is.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )


def send_address_check(*, to: str, username: str, link: str, hours: int) -> None:
    send_mail(
        subject="Check your email address for Notes Console",
        message=(
            f"The Notes Console account {username} wants to use this address for password resets.\n\n"
            f"Open this link within {hours} hours to confirm it is yours:\n\n{link}\n\n"
            "If that was not you, ignore this mail: the address will not be used.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )
