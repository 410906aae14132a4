"""Mail through Amazon SES: a Django email backend (EMAIL_BACKEND on Lambda) on the project's own clients.

Why not django-ses: the site sends two kinds of short, plain-text mail (a reset link, an address check). A
backend of a few lines on console/aws/clients.py gets that module's timeouts, the request deadline, its
error translation (AccessDenied names ses:SendEmail) and the tests' AWS-call recording, which the IAM
catalogue is built from; django-ses would add a package to the Lambda zip (and its import to a cold start)
for bounce handling and statistics this site doesn't use.

SES's SendEmail (v1) with the stage's From address (EMAIL_FROM in zappa_settings.json): the stage policy
grants ses:SendEmail on that identity only.
"""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from console.aws import clients
from console.aws.errors import AwsError

log = logging.getLogger(__name__)


class SesEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                clients.call(
                    "ses",
                    "SendEmail",
                    Source=message.from_email,
                    Destination={"ToAddresses": list(message.to)},
                    Message={
                        "Subject": {"Data": str(message.subject), "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": str(message.body), "Charset": "UTF-8"}},
                    },
                )
            except AwsError as exc:
                # Never the body (it holds a one-time link) nor the recipient: the error and its code.
                log.error("SES SendEmail failed: %s", exc, extra={"fields": {"code": exc.code}})
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
