"""The account's email address and "Forgot password?" by email: checked before use,
the reset link mailed end to end (locmem), on SES (moto), and nothing that tells whether an account exists."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from accounts.services import token_authenticate, token_create, user_authenticate
from accounts.users import InvalidCredentials
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new long passphrase"
FORGOT = "/accounts/reset/forgot/"


def link_in(message) -> str:
    """The path and query of the one link in a mail (the test client takes no host)."""
    url = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(url)
    assert parts.netloc == "testserver"
    return f"{parts.path}?{parts.query}"


def confirm_address(client: Client, address: str) -> None:
    mail.outbox.clear()
    assert client.post("/accounts/email/", {"email": address})["Location"] == "/accounts/email/?sent=1"
    (check,) = mail.outbox
    assert check.to == [address] and "confirm it is yours" in check.body
    page = client.get(link_in(check))
    assert page.status_code == 200 and "Confirm the address" in page.content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post("/accounts/email/verify/", {"key": key})["Location"] == "/accounts/email/?confirmed=1"
    mail.outbox.clear()


def forgot(address: str, client: Client | None = None):
    return (client or Client()).post(FORGOT, {"email": address})


def test_the_sign_in_page_offers_forgot_password(aws):
    page = Client().get("/accounts/signin/").content.decode()
    assert f'<a href="{FORGOT}">Forgot password?</a>' in page


def test_end_to_end_the_mail_its_link_the_reset_sessions_ended_and_tokens_revoked(alice, client_for):
    laptop, phone = client_for(alice), client_for(alice)
    _, token = token_create(user=alice, name="script")
    confirm_address(laptop, "Alice@Example.com")
    assert "Alice@Example.com" in laptop.get("/accounts/email/").content.decode()

    response = forgot("alice@example.COM")  # the address matches regardless of case
    assert response["Location"] == f"{FORGOT}?sent=1"
    (message,) = mail.outbox
    assert message.to == ["Alice@Example.com"] and message.from_email == "notes@localhost"
    assert "alice" in message.body and "works once" in message.body

    stranger = Client()
    form = stranger.get(link_in(message), follow=True)
    assert form.status_code == 200 and "alice" in form.content.decode()
    key = re.search(r'name="key" value="([^"]*)"', form.content.decode())
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **({"key": key.group(1)} if key else {})}
    done = stranger.post("/accounts/reset/", data)
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"

    assert user_authenticate(username="alice", password=NEW_PASSWORD).id == alice.id
    with pytest.raises(InvalidCredentials):
        user_authenticate(username="alice", password=PASSWORD)
    for client in (laptop, phone):  # every session ended
        assert client.get("/accounts/password/")["Location"].startswith("/accounts/signin/")
    assert token_authenticate(secret=token) is None  # tokens revoked
    again = Client().get(link_in(message), follow=True)  # the link works once
    assert "not valid" in again.content.decode()


def test_the_answer_is_the_same_for_no_account_an_unchecked_address_and_a_real_one(alice, bob, client_for):
    confirm_address(client_for(alice), "alice@example.com")
    client_for(bob).post("/accounts/email/", {"email": "bob@example.com"})  # never confirmed
    mail.outbox.clear()
    answers = []
    for address in ("nobody@example.com", "bob@example.com", "alice@example.com"):
        response = forgot(address)
        landed = Client().get(response["Location"])
        page = re.sub(r"[A-Za-z0-9]{64}", "CSRF", landed.content.decode())  # each page has its own token
        answers.append((response.status_code, response["Location"], landed.status_code, page))
    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]  # only the checked address gets mail


def test_an_unchecked_address_is_not_used_and_a_check_link_is_its_accounts_only(alice, bob, client_for):
    alices = client_for(alice)
    alices.post("/accounts/email/", {"email": "alice@example.com"})
    (check,) = mail.outbox
    key = re.search(r"key=(\S+)", check.body).group(1)
    refused = client_for(bob).post("/accounts/email/verify/", {"key": key})
    assert refused.status_code == 400 and "not valid" in refused.content.decode()
    mail.outbox.clear()
    forgot("alice@example.com")
    assert mail.outbox == []
    assert alices.post("/accounts/email/verify/", {"key": key}).status_code == 302
    assert alices.post("/accounts/email/verify/", {"key": key}).status_code == 400  # once


def test_a_bad_address_keeps_what_was_typed(alice, client_for):
    response = client_for(alice).post("/accounts/email/", {"email": "not an address"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="not an address"' in page and "like name@example.com" in page
    assert forgot("nope").status_code == 400
    assert mail.outbox == []


def test_an_address_is_one_accounts_and_can_be_removed(alice, bob, client_for):
    confirm_address(client_for(alice), "shared@example.com")
    bobs = client_for(bob)
    bobs.post("/accounts/email/", {"email": "SHARED@example.com"})
    key = re.search(r"key=(\S+)", mail.outbox[0].body).group(1)
    taken = bobs.post("/accounts/email/verify/", {"key": key})
    assert taken.status_code == 409
    client_for(alice).post("/accounts/email/", {"action": "remove"})
    mail.outbox.clear()
    forgot("shared@example.com")
    assert mail.outbox == []


def test_requests_are_throttled_per_address_whoever_it_belongs_to(alice, client_for, settings):
    settings.RESET_EMAIL_PER_ADDRESS = 2
    confirm_address(client_for(alice), "alice@example.com")
    for address in ("alice@example.com", "nobody@example.com"):
        assert [forgot(address).status_code for _ in range(3)] == [302, 302, 429]
    refused = forgot("ALICE@example.com")
    assert refused.status_code == 429 and "Too many reset requests" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 2


def test_requests_are_throttled_per_account_without_saying_so(alice, client_for, settings):
    settings.RESET_EMAIL_PER_ADDRESS, settings.RESET_EMAIL_PER_ACCOUNT = 10, 2
    confirm_address(client_for(alice), "alice@example.com")
    answers = {forgot("alice@example.com")["Location"] for _ in range(4)}
    assert answers == {f"{FORGOT}?sent=1"}  # the same answer as ever
    assert len(mail.outbox) == 2


def test_address_checks_are_throttled_per_account(alice, client_for, settings):
    settings.EMAIL_CHANGES_PER_ACCOUNT = 2
    client = client_for(alice)
    codes = [client.post("/accounts/email/", {"email": f"a{i}@example.com"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_password_reset_link_command_stays(alice):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("password_reset_link", "alice", stdout=out)
    assert "/accounts/reset/?key=" in out.getvalue()


def test_deleting_the_account_frees_its_address(alice, bob, client_for):
    confirm_address(client_for(alice), "alice@example.com")
    client_for(alice).post("/accounts/delete/", {"password": PASSWORD, "confirm": "yes"})
    confirm_address(client_for(bob), "alice@example.com")  # no longer taken
    forgot("alice@example.com")
    assert mail.outbox[0].body.count("bob") >= 1


# --- on Lambda: Amazon SES (moto), from the stage's address -------------------------------------------------


@pytest.fixture
def ses(aws, settings):
    import boto3

    from console.aws import clients

    settings.EMAIL_BACKEND = "console.aws.ses.SesEmailBackend"
    settings.DEFAULT_FROM_EMAIL = "no-reply@notes-console-dev.example.com"
    clients.reset_clients()
    boto3.client("ses", region_name=settings.AWS_REGION).verify_email_identity(EmailAddress=settings.DEFAULT_FROM_EMAIL)
    yield settings
    clients.reset_clients()


def ses_sent(settings) -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID][settings.AWS_REGION].sent_messages


def test_on_ses_the_reset_link_is_sent_from_the_stages_address(alice, client_for, ses):
    client = client_for(alice)
    client.post("/accounts/email/", {"email": "alice@example.com"})  # the check goes through SES too
    key = re.search(r"key=(\S+)", ses_sent(ses)[0].body).group(1)
    assert client.post("/accounts/email/verify/", {"key": key}).status_code == 302
    forgot("alice@example.com")
    sent = ses_sent(ses)
    assert [m.source for m in sent] == [ses.DEFAULT_FROM_EMAIL] * 2
    assert sent[-1].destinations["ToAddresses"] == ["alice@example.com"]
    assert "/accounts/reset/?key=" in sent[-1].body
    assert mail.outbox == []  # not the locmem backend


def test_an_ses_refusal_changes_no_answer_and_logs_no_link(alice, client_for, ses, caplog):
    from accounts.email_addresses import email_set

    email_set(user_id=alice.id, address="alice@example.com")
    ses.DEFAULT_FROM_EMAIL = "not-verified@example.com"  # SES refuses an unverified sender
    response = forgot("alice@example.com")
    assert response["Location"] == f"{FORGOT}?sent=1"  # as for any address: an error would tell it is known
    assert "MessageRejected" in caplog.text
    assert "key=" not in caplog.text and "alice@example.com" not in caplog.text
    refused = client_for(alice).post("/accounts/email/", {"email": "alice@example.org"})
    assert refused.status_code == 503 and "could not be sent" in refused.content.decode()


# --- locally: Django's console backend, the link in the `make run` terminal ---------------------------------


def test_locally_the_mail_and_its_link_are_printed_in_the_terminal(tmp_path, alice, settings, capsys):
    from tests.integration.test_local_mode import manage

    shown = manage(tmp_path, "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)")
    assert shown.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend", shown.stderr

    from accounts.email_addresses import email_set

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    email_set(user_id=alice.id, address="alice@example.com")
    forgot("alice@example.com")
    printed = capsys.readouterr().out
    assert "To: alice@example.com" in printed and "http://testserver/accounts/reset/?key=" in printed
