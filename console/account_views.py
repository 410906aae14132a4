"""Sign up, sign in, sign out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from console import auth
from console.users import AccountValidationError, InvalidCredentials, UsernameTaken, user_authenticate, user_create


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    context = {"next": _next_url(request), "username": "", "error": ""}
    if request.method == "POST":
        username = request.POST.get("username", "")
        context["username"] = username
        try:
            user = user_authenticate(username=username, password=request.POST.get("password", ""))
        except InvalidCredentials as exc:
            context["error"] = str(exc)
            return render(request, "accounts/signin.html", context, status=400)
        auth.login(request, user)
        return redirect(context["next"])
    return render(request, "accounts/signin.html", context)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        return render(request, "accounts/signup_closed.html", status=403)
    context: dict = {"username": "", "errors": {}}
    if request.method == "POST":
        username = request.POST.get("username", "")
        password, confirm = request.POST.get("password", ""), request.POST.get("password2", "")
        context["username"] = username
        try:
            if password != confirm:
                raise AccountValidationError({"password2": "The two passwords differ."})
            user = user_create(username=username, password=password)
        except AccountValidationError as exc:
            context["errors"] = exc.errors
            return render(request, "accounts/signup.html", context, status=400)
        except UsernameTaken as exc:
            context["errors"] = {"username": str(exc)}
            return render(request, "accounts/signup.html", context, status=400)
        auth.login(request, user)
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", context)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("signin")
