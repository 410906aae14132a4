"""Delete my account: with the password, everything of the user goes and every session ends."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import auth
from accounts.services import user_check_password, user_delete, user_delete_finish
from accounts.throttle import PASSWORD_SCOPE, Limit, Throttled, throttle_check, throttle_clear, throttle_fail
from accounts.users import AccountValidationError, AnonymousUser, DeletionIncomplete, UserNotFound
from accounts.wiring import user_repository
from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input

log = logging.getLogger(__name__)
TEMPLATE = "accounts/delete.html"
_CONTINUE_SALT = "accounts.delete-continue"


def _limit() -> Limit:
    # Password guesses here count with the password page's: the same secret, the same budget.
    return Limit(PASSWORD_SCOPE, settings.SIGNIN_THROTTLE_ATTEMPTS, settings.SIGNIN_THROTTLE_WINDOW)


@auth.login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    context: dict = {"errors": {}, "error": ""}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    limit, subject = _limit(), request.user.id
    try:
        throttle_check(limit=limit, subject=subject)  # failures are counted, not attempts (accounts/throttle.py)
        if request.POST.get("confirm") != "yes":
            # Every problem at once: an unticked box with a wrong password reports both.
            errors = {"confirm": "Tick the box to confirm that everything is to be deleted."}
            try:
                user_check_password(user_id=request.user.id, password=request.POST.get("password", ""))
            except AccountValidationError as exc:
                throttle_fail([(limit, subject)])
                errors.update(exc.errors)
            raise AccountValidationError(errors)
        try:
            counts = user_delete(user_id=request.user.id, password=request.POST.get("password", ""))
        except AccountValidationError:
            throttle_fail([(limit, subject)])
            raise
    except AccountValidationError as exc:
        context["errors"] = exc.errors
        return render(request, TEMPLATE, context, status=400)
    except Throttled as exc:
        unit = "minute" if exc.minutes == 1 else "minutes"
        context["error"] = f"Too many failed password checks; try again in {exc.minutes} {unit}."
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except UserNotFound:
        counts = {}  # erased already (another tab finished it)
    except DeletionIncomplete as exc:
        throttle_clear(limit=limit, subject=subject)
        return _in_progress(request, exc)
    except StoreUnavailable as exc:
        # What was erased stays erased; the profile's mark makes the next try (or sign-in) finish the rest.
        return store_failure_keeping_input(request, exc, template=TEMPLATE, context={**context, "interrupted": True})
    throttle_clear(limit=limit, subject=subject)
    log.info("account deleted", extra={"fields": {"user": request.user.id, **counts}})
    # Not auth.logout(): its bookkeeping would write the user's session set again. The session is gone.
    request.session.flush()
    request.user = AnonymousUser()
    return redirect("account_delete_done")


def _in_progress(request: HttpRequest, exc: DeletionIncomplete) -> HttpResponse:
    """A large account is deleted in steps. Its sessions are ended already, so the page carries a signed
    note of whose deletion to continue (it can only continue a deletion that was confirmed)."""
    ticket = signing.dumps({"user": request.user.id}, salt=_CONTINUE_SALT)
    request.session.flush()
    request.user = AnonymousUser()
    return render(request, "accounts/delete_progress.html", {"ticket": ticket, "deleted": exc.deleted}, status=202)


@require_POST
def account_delete_continue(request: HttpRequest) -> HttpResponse:
    try:
        user_id = signing.loads(request.POST.get("ticket", ""), salt=_CONTINUE_SALT, max_age=24 * 3600)["user"]
        user = user_repository().get(user_id=user_id)
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "accounts/delete_progress.html", {"bad_ticket": True}, status=400)
    except UserNotFound:
        return redirect("account_delete_done")  # finished meanwhile
    if not user.deleting_at:
        return render(request, "accounts/delete_progress.html", {"bad_ticket": True}, status=400)
    try:
        user_delete_finish(user=user)
    except DeletionIncomplete as exc:
        context = {"ticket": request.POST["ticket"], "deleted": exc.deleted}
        return render(request, "accounts/delete_progress.html", context, status=202)
    except StoreUnavailable as exc:
        context = {"ticket": request.POST["ticket"], "interrupted": True}
        return store_failure_keeping_input(request, exc, template="accounts/delete_progress.html", context=context)
    return redirect("account_delete_done")


@require_safe
def account_delete_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/delete_done.html")
