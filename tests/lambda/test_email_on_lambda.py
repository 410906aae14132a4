"""'Forgot password?' through Zappa's handler on the dev stage: the mail goes through SES (moto) from the stage's
EMAIL_FROM, and its link carries the host and the stage prefix the request came in on, over https."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]


def test_forgot_password_mails_a_working_link_under_the_stage_through_ses(lambda_app, alice, settings):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from accounts.email_addresses import email_set
    from console.aws import clients

    stage_from = json.loads((REPO / "zappa_settings.json").read_text())["dev"]["environment_variables"]["EMAIL_FROM"]
    assert settings.EMAIL_BACKEND == "console.aws.ses.SesEmailBackend"
    assert settings.DEFAULT_FROM_EMAIL == stage_from
    clients.reset_clients()
    boto3.client("ses", region_name=settings.AWS_REGION).verify_email_identity(EmailAddress=stage_from)
    email_set(user_id=alice.id, address="alice@example.com")

    forgot = f"{lambda_app.prefix}/accounts/reset/forgot/"
    token = lambda_app.csrf_token(forgot)
    response = lambda_app.post(forgot, form={"email": "alice@example.com", "csrfmiddlewaretoken": token})

    assert response.status == 302 and response.header("Location") == "/dev/accounts/reset/forgot/?sent=1"
    [message] = ses_backends[DEFAULT_ACCOUNT_ID][settings.AWS_REGION].sent_messages
    assert message.source == stage_from and message.destinations["ToAddresses"] == ["alice@example.com"]
    link = re.search(r"https://\S+", message.body).group(0)
    assert link.startswith(f"https://{lambda_app.host}/dev/accounts/reset/?key=")
    page = lambda_app.get(link.removeprefix(f"https://{lambda_app.host}"))
    assert page.status in (200, 302)  # the form, or (with the secret moved to the session) a redirect to it
    clients.reset_clients()
