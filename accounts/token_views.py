"""The Tokens page: make, list and revoke personal API tokens (a new token is shown once)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import login_required
from accounts.services import token_create, token_list, token_revoke
from accounts.tokens import TokenNotFound, TokenValidationError


def _when(iso: str) -> str:
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else ""


def _page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    context.setdefault("name", "")
    context.setdefault("errors", {})
    context["tokens"] = [
        {"token": t, "created": _when(t.created_at), "last_used": _when(t.last_used_at)}
        for t in token_list(user_id=request.user.id)
    ]
    return render(request, "accounts/tokens.html", context, status=status)


@never_cache  # the page that shows a new token must not be kept by any cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            token, secret = token_create(user=request.user, name=name)
        except TokenValidationError as exc:
            return _page(request, status=400, name=name, errors=exc.errors)
        return _page(request, status=201, created=token, secret=secret)
    return _page(request, revoked=request.GET.get("revoked") == "1")


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    try:
        token_revoke(user_id=request.user.id, token_id=token_id)
    except TokenNotFound:
        return _page(request, status=404, errors={"revoke": "There is no such token (already revoked?)."})
    return redirect(f"{reverse('api-tokens')}?revoked=1")
