"""The page a password reset link opens: set a new password, once.

The link's secret comes in the query string (`?key=`). As Django's PasswordResetConfirmView does, the first GET
moves it into this browser's session and redirects to the page without it, so it stays in no URL: not in the
history, a Referer, or any later request line; the first request line is redacted (console/log_redaction.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import auth
from accounts.reset_links import ResetLinkInvalid
from accounts.services import password_reset_complete, password_reset_user
from accounts.users import AccountValidationError
from console.aws.errors import StoreUnavailable
from console.errors import store_failure_keeping_input

TEMPLATE = "accounts/password_reset.html"
SESSION_SECRET_KEY = "_reset_secret"


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" and "key" in request.GET:
        request.session[SESSION_SECRET_KEY] = request.GET["key"][:100]
        return redirect("password_reset")
    # A form opened before the secret moved to the session still posts it.
    secret = request.session.get(SESSION_SECRET_KEY) or (request.POST.get("key") if request.method == "POST" else "")
    context: dict = {"errors": {}, "username": ""}
    try:
        user = password_reset_user(secret=secret)
        context["username"] = user.username
        if request.method != "POST":
            return render(request, TEMPLATE, context)
        new1, new2 = request.POST.get("new_password1", ""), request.POST.get("new_password2", "")
        if new1 != new2:
            raise AccountValidationError({"new_password2": "The two new passwords differ."})
        try:
            user = password_reset_complete(secret=secret, new_password=new1)
        except AccountValidationError as exc:
            raise AccountValidationError({"new_password1": exc.errors.get("password", str(exc))}) from None
    except ResetLinkInvalid as exc:
        return render(
            request, TEMPLATE, {**context, "invalid": str(exc)}, status=400 if request.method == "POST" else 404
        )
    except AccountValidationError as exc:
        return render(request, TEMPLATE, {**context, "errors": exc.errors}, status=400)
    except StoreUnavailable as exc:
        return store_failure_keeping_input(request, exc, template=TEMPLATE, context=context)
    if request.user.is_authenticated and request.user.id == user.id:
        auth.logout(request)  # this browser's session ended with the others: clear its cookie too
    else:
        request.session.pop(SESSION_SECRET_KEY, None)
    return redirect("password_reset_done")


@require_safe
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")
