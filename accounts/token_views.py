"""The Tokens page: make, list and revoke personal API tokens (a new token is shown once)."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import login_required
from accounts.services import token_create, token_list, token_revoke
from accounts.tokens import TokenNotFound, TokenValidationError

# A new token waits in the session for the one page that shows it (Post/Redirect/Get, so reloading that page
# makes no second token); the GET takes it out, and one left unshown is dropped after this long.
_NEW_TOKEN_KEY = "new_api_token"
_NEW_TOKEN_SHOWN_FOR_S = 300


def _page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    context.setdefault("name", "")
    context.setdefault("errors", {})
    context["tokens"] = [{"token": t} for t in token_list(user_id=request.user.id)]
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
        request.session[_NEW_TOKEN_KEY] = {"name": token.name, "secret": secret, "at": time.time()}
        return redirect(f"{reverse('api-tokens')}?created=1")
    new = request.session.pop(_NEW_TOKEN_KEY, None) if _NEW_TOKEN_KEY in request.session else None
    if new and time.time() - new["at"] <= _NEW_TOKEN_SHOWN_FOR_S:
        return _page(request, created={"name": new["name"]}, secret=new["secret"])
    return _page(request, revoked=request.GET.get("revoked") == "1", missed=request.GET.get("created") == "1")


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    try:
        token_revoke(user_id=request.user.id, token_id=token_id)
    except TokenNotFound:
        return _page(request, status=404, errors={"revoke": "There is no such token (already revoked?)."})
    return redirect(f"{reverse('api-tokens')}?revoked=1")
