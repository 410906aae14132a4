"""The account's email address (checked by a link before it is used) and "Forgot password?", which mails the
one-time reset link (accounts/reset_links.py) to that address. Neither page says whether an account or an
address exists: "Forgot password?" answers the same page whatever was typed, throttled per address typed
(a refusal says so, whoever asks) and, silently, per account."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import auth
from accounts.email_addresses import EmailCheckInvalid, EmailTaken, address_key, clean_address
from accounts.services import (
    email_check_confirm,
    email_check_send,
    email_remove,
    password_reset_by_email,
    user_current,
)
from accounts.throttle import Limit, Throttled, throttle_hit
from accounts.users import AccountValidationError
from console.aws.errors import AwsError, StoreUnavailable
from console.errors import store_failure_keeping_input

log = logging.getLogger(__name__)


def _absolute(request: HttpRequest, name: str, secret: str) -> str:
    return request.build_absolute_uri(f"{reverse(name)}?{urlencode({'key': secret})}")


def _throttled(request: HttpRequest, template: str, context: dict, exc: Throttled, what: str) -> HttpResponse:
    unit = "minute" if exc.minutes == 1 else "minutes"
    context["error"] = f"Too many {what}; try again in {exc.minutes} {unit}."
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@auth.login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    template = "accounts/email.html"
    current = user_current(user_id=request.user.id)
    context: dict = {
        "current": current.email if current else "",
        "address": "",
        "errors": {},
        "error": "",
        "sent_to": request.GET.get("sent") == "1",
        "confirmed": request.GET.get("confirmed") == "1",
        "removed": request.GET.get("removed") == "1",
        "hours": settings.EMAIL_VERIFY_HOURS,
    }
    if request.method != "POST":
        return render(request, template, context)
    try:
        if request.POST.get("action") == "remove":
            email_remove(user=request.user)
            return redirect(f"{reverse('account_email')}?removed=1")
        context["address"] = request.POST.get("email", "")
        clean_address(context["address"])  # a typo costs no throttle step
        limit = Limit("email-check", settings.EMAIL_CHANGES_PER_ACCOUNT, settings.RESET_EMAIL_WINDOW)
        throttle_hit(limit=limit, subject=request.user.id)
        email_check_send(
            user=request.user,
            address=context["address"],
            link_for=lambda secret: _absolute(request, "account_email_verify", secret),
        )
    except AccountValidationError as exc:
        context["errors"] = exc.errors
        return render(request, template, context, status=400)
    except Throttled as exc:
        return _throttled(request, template, context, exc, "address checks")
    except AwsError:
        context["error"] = "The mail could not be sent just now; try again in a few minutes."
        return render(request, template, context, status=503)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=template, context=context)
    return redirect(f"{reverse('account_email')}?sent=1")


@auth.login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_verify(request: HttpRequest) -> HttpResponse:
    """GET shows a button, POST uses the link: a mail scanner that follows links confirms nothing."""
    template = "accounts/email_verify.html"
    secret = (request.POST.get("key") if request.method == "POST" else request.GET.get("key")) or ""
    context: dict = {"key": secret, "error": ""}
    if request.method != "POST":
        return render(request, template, context)
    try:
        email_check_confirm(user=request.user, secret=secret)
    except EmailCheckInvalid as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=400)
    except EmailTaken:
        context["error"] = "This address is another account's already: remove it there first, or use another."
        return render(request, template, context, status=409)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=template, context=context)
    return redirect(f"{reverse('account_email')}?confirmed=1")


def _address_subject(address: str) -> str:
    # The address is personal data: its hash keys the counter, never the address itself.
    return hashlib.sha256(address_key(address).encode()).hexdigest()[:32]


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    template = "accounts/password_forgot.html"
    context: dict = {"address": "", "errors": {}, "error": "", "sent": request.GET.get("sent") == "1"}
    if request.method != "POST":
        return render(request, template, context)
    context["address"] = request.POST.get("email", "")
    try:
        address = clean_address(context["address"])
        limit = Limit("reset-address", settings.RESET_EMAIL_PER_ADDRESS, settings.RESET_EMAIL_WINDOW)
        throttle_hit(limit=limit, subject=_address_subject(address))
        sent = password_reset_by_email(
            address=address, link_for=lambda secret: _absolute(request, "password_reset", secret)
        )
        log.info("password reset by email requested", extra={"fields": {"mailed": sent}})
    except AccountValidationError as exc:
        context["errors"] = exc.errors
        return render(request, template, context, status=400)
    except Throttled as exc:
        return _throttled(request, template, context, exc, "reset requests for this address")
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=template, context=context)
    return redirect(f"{reverse('password_forgot')}?sent=1")
