"""Sign up, sign in, sign out, change password."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import auth
from accounts.client_address import client_address
from accounts.services import user_authenticate, user_change_password, user_create
from accounts.throttle import (
    ACCOUNT_SCOPE,
    PASSWORD_SCOPE,
    SIGNIN_SCOPE,
    Limit,
    Throttled,
    account_subject,
    known_address,
    known_address_remember,
    signin_subject,
    throttle_check,
    throttle_clear,
    throttle_fail,
    throttle_failures,
    throttled,
)
from accounts.users import (
    USERNAME_HELP,
    AccountValidationError,
    InvalidCredentials,
    UsernameTaken,
    UserNotFound,
    check_new_password,
    clean_username,
)
from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input

log = logging.getLogger(__name__)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _signin_limit() -> Limit:
    return Limit(SIGNIN_SCOPE, settings.SIGNIN_THROTTLE_ATTEMPTS, settings.SIGNIN_THROTTLE_WINDOW)


def _account_limit() -> Limit:
    return Limit(ACCOUNT_SCOPE, settings.SIGNIN_ACCOUNT_ATTEMPTS, settings.SIGNIN_ACCOUNT_WINDOW)


def _password_limit() -> Limit:
    return Limit(PASSWORD_SCOPE, settings.SIGNIN_THROTTLE_ATTEMPTS, settings.SIGNIN_THROTTLE_WINDOW)


def _throttled(request: HttpRequest, template: str, context: dict, exc: Throttled, what: str) -> HttpResponse:
    unit = "minute" if exc.minutes == 1 else "minutes"
    context["error"] = f"Too many failed {what}; try again in {exc.minutes} {unit}."
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    template = "accounts/signin.html"
    context = {"next": _next_url(request), "username": "", "error": "", "signup_enabled": settings.SIGNUP_ENABLED}
    if request.method != "POST":
        return render(request, template, context)
    username, password = request.POST.get("username", ""), request.POST.get("password", "")
    context["username"] = username
    if not username.strip() or not password:
        context["error"] = "Enter your username and password."
        return render(request, template, context, status=400)
    limit, address = _signin_limit(), client_address(request)
    subject = signin_subject(username=username, client_address=address)
    account_limit, account = _account_limit(), account_subject(username=username)
    try:
        # Failures are counted, not attempts: a throttled guess costs a read and no hashing, and sign-ins in
        # flight at once with the right password don't refuse each other.
        counters = [(limit, subject), (account_limit, account)]
        failures, account_failures = throttle_failures(counters)
        if failures >= limit.attempts:
            raise throttled(limit)
        if account_failures >= account_limit.attempts and not known_address(username=username, address=address):
            raise throttled(account_limit)
        try:
            user = user_authenticate(username=username, password=password)
        except InvalidCredentials:
            throttle_fail(counters)
            raise
        if failures or account_failures:
            throttle_clear(limit=limit, subject=subject)
            throttle_clear(limit=account_limit, subject=account)
        known_address_remember(username=username, address=address, days=settings.SIGNIN_KNOWN_ADDRESS_DAYS)
        auth.login(request, user)
    except Throttled as exc:
        log.warning("sign-in throttled for %s", address)
        return _throttled(request, template, context, exc, "sign-ins")
    except InvalidCredentials as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=400)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=template, context=context)
    return redirect(context["next"])


def _signup_errors(username: str, password: str, confirm: str) -> dict[str, str]:
    """Every problem of the form at once, before anything is written."""
    errors: dict[str, str] = {}
    try:
        username = clean_username(username)
    except AccountValidationError as exc:
        errors.update(exc.errors)
    try:
        check_new_password(password, username=username)
    except AccountValidationError as exc:
        errors.update(exc.errors)
    if password != confirm:
        errors["password2"] = "The two passwords differ."
    return errors


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        return render(request, "accounts/signup_closed.html", status=403)
    template = "accounts/signup.html"
    context: dict = {"username": "", "errors": {}, "username_help": USERNAME_HELP}
    if request.method == "POST":
        username = request.POST.get("username", "")
        password, confirm = request.POST.get("password", ""), request.POST.get("password2", "")
        context["username"] = username
        errors = _signup_errors(username, password, confirm)
        if errors:
            context["errors"] = errors
            return render(request, template, context, status=400)
        try:
            user = user_create(username=username, password=password)
            auth.login(request, user)
        except AccountValidationError as exc:
            context["errors"] = exc.errors
            return render(request, template, context, status=400)
        except UsernameTaken as exc:
            context["errors"] = {"username": str(exc)}
            return render(request, template, context, status=400)
        except StoreUnavailable as exc:
            return store_failure_keeping_input(request, exc, template=template, context=context)
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, template, context)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect(f"{reverse('signin')}?signed_out=1")


@auth.login_required
@require_http_methods(["GET", "HEAD", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    template = "accounts/password_change.html"
    context: dict = {"errors": {}, "error": ""}
    if request.method != "POST":
        return render(request, template, context)
    old = request.POST.get("old_password", "")
    new1, new2 = request.POST.get("new_password1", ""), request.POST.get("new_password2", "")
    limit, subject = _password_limit(), request.user.id
    try:
        if new1 != new2:
            raise AccountValidationError({"new_password2": "The two new passwords differ."})
        throttle_check(limit=limit, subject=subject)  # failures are counted, not attempts (accounts/throttle.py)
        try:
            user = user_change_password(
                user_id=request.user.id,
                old_password=old,
                new_password=new1,
                keep_session=lambda generation: auth.rotate_session(request, generation),
            )
        except AccountValidationError as exc:
            if "old_password" in exc.errors:
                throttle_fail([(limit, subject)])
            else:
                throttle_clear(limit=limit, subject=subject)  # the current password was right
            raise
        throttle_clear(limit=limit, subject=subject)
        request.user = user
    except AccountValidationError as exc:
        context["errors"] = exc.errors
        return render(request, template, context, status=400)
    except Throttled as exc:
        return _throttled(request, template, context, exc, "password checks")
    except UserNotFound:
        auth.logout(request)
        return redirect("signin")
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=template, context=context)
    return redirect("password_change_done")


@auth.login_required
@require_safe
def password_change_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_change_done.html")
