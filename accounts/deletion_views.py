"""Delete my account: with the password, everything of the user goes and every session ends."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import auth
from accounts.services import user_delete
from accounts.throttle import Limit, Throttled, throttle_clear, throttle_hit
from accounts.users import AccountValidationError, AnonymousUser, UserNotFound
from console.aws.errors import StoreUnavailable
from console.errors import store_unavailable_response

log = logging.getLogger(__name__)
TEMPLATE = "accounts/delete.html"


def _limit() -> Limit:
    # Password guesses here count with the password page's: the same secret, the same budget.
    return Limit("password", settings.SIGNIN_THROTTLE_ATTEMPTS, settings.SIGNIN_THROTTLE_WINDOW)


@auth.login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    context: dict = {"errors": {}, "error": ""}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    limit, subject = _limit(), request.user.id
    try:
        if request.POST.get("confirm") != "yes":
            raise AccountValidationError({"confirm": "Tick the box to confirm that everything is to be deleted."})
        throttle_hit(limit=limit, subject=subject)
        counts = user_delete(user_id=request.user.id, password=request.POST.get("password", ""))
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
    except StoreUnavailable as exc:
        # What was erased stays erased; the profile's mark makes the next try (or sign-in) finish the rest.
        return store_unavailable_response(request, exc, template=TEMPLATE, context={**context, "interrupted": True})
    throttle_clear(limit=limit, subject=subject)
    log.info("account deleted", extra={"fields": {"user": request.user.id, **counts}})
    # Not auth.logout(): its bookkeeping would write the user's session set again. The session is gone.
    request.session.flush()
    request.user = AnonymousUser()
    return redirect("account_delete_done")


@require_safe
def account_delete_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/delete_done.html")
