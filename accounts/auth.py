"""Sign-in state without django.contrib.auth's models: the user lives in DynamoDB, and what a request
needs of it (id, username, admin flag) is kept in the server-side session, so identifying the user
costs no read beyond the session's own.

Where it matters the session's word is not enough: a deleted user's session must stop working and a demoted
admin must stop being one at once, not in 14 days. So admin pages and every write (unsafe method) check the
stored profile: one strongly consistent read, cached for the request (`checked_user`); API tokens likewise
(notes/api/http.py). A deleted user is signed out; a changed admin flag or username is written to the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.middleware.csrf import rotate_token
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from accounts.session_keys import ADMIN_KEY, CREDENTIALS_KEY, USER_ID_KEY, USERNAME_KEY
from accounts.session_middleware import USER_FROM_MISSING_COOKIE, has_session_cookie, session_opened
from accounts.users import AnonymousUser, InvalidCredentials, User
from console.aws.errors import StoreUnavailable
from console.errors import permission_denied

log = logging.getLogger(__name__)


def _user_from_session(request: HttpRequest) -> User | AnonymousUser:
    if not has_session_cookie(request) and not session_opened(request):
        # No cookie, so no session to read (accounts/session_middleware.py): anonymous, without loading the store.
        setattr(request, USER_FROM_MISSING_COOKIE, True)
        return AnonymousUser()
    session = request.session
    user_id = session.get(USER_ID_KEY)
    if not user_id:
        return AnonymousUser()
    return User(id=user_id, username=session.get(USERNAME_KEY, ""), is_admin=bool(session.get(ADMIN_KEY)))


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_CHECKED = "_account_checked"


def _checked(request: HttpRequest, user: User | AnonymousUser) -> User | AnonymousUser:
    if not user.is_authenticated:
        setattr(request, _CHECKED, True)
        return user
    from accounts.services import credentials_revoke_finish, user_current

    stored = user_current(user_id=user.id)
    setattr(request, _CHECKED, True)
    session = getattr(request, "session", None)
    from_session = session is not None and session.get(USER_ID_KEY) == user.id
    if stored is not None and stored.revoke_pending:  # a password change stopped part way: finish it
        credentials_revoke_finish(user=stored)  # (it spares the sessions of the new password, this one if it is)
    if stored is not None and from_session and not stored.accepts_credentials_of(session.get(CREDENTIALS_KEY, "")):
        stored = None  # signed in before the password was changed: this session ends here
    if stored is None:  # the account was deleted, or the session predates a password change: it ends here
        if session is not None:
            key = session.session_key
            session.flush()
            if key:
                from accounts.sessions import forget_user_session

                forget_user_session(user_id=user.id, session_key=key)
        return AnonymousUser()
    if session is not None and (stored.username, stored.is_admin) != (user.username, user.is_admin):
        store_user_in_session(session, stored)
    return User(
        id=stored.id, username=stored.username, is_admin=stored.is_admin, credentials_since=stored.credentials_since
    )


def _checked_from_session(request: HttpRequest) -> User | AnonymousUser:
    user = _user_from_session(request)
    try:
        return _checked(request, user)
    except StoreUnavailable:
        # The store is failing: the write this check guards goes to the same store and its view answers the
        # outage keeping what was typed; an admin page still insists (checked_user raises).
        log.warning("profile check skipped: the store is unavailable")
        return user


def checked_user(request: HttpRequest) -> User | AnonymousUser:
    """request.user as the stored profile says now (one read per request, then cached)."""
    if not getattr(request, _CHECKED, False):
        request.user = _checked(request, request.user)
    return request.user


class AuthenticationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not hasattr(request, "user"):  # an API token authenticator may have set it already
            # A write is checked against the stored profile, lazily: only if the view looks at the user.
            load = _user_from_session if request.method in _SAFE_METHODS else _checked_from_session
            request.user = SimpleLazyObject(lambda: load(request))
        return self.get_response(request)


def store_user_in_session(session, user: User) -> None:
    session[USER_ID_KEY] = user.id
    session[USERNAME_KEY] = user.username
    session[ADMIN_KEY] = user.is_admin


def login(request: HttpRequest, user: User) -> None:
    """Sign the user in with a new session key (no session fixation) and a new CSRF token."""
    from django.contrib.sessions.backends.base import UpdateError

    from accounts.sessions import remember_user_session

    session = request.session
    if session.get(USER_ID_KEY) not in (None, user.id):
        session.flush()
    else:
        session.cycle_key()
    store_user_in_session(session, user)
    session[CREDENTIALS_KEY] = user.credentials_since
    try:
        session.save()
    except UpdateError:  # its new item was deleted before this save (ended by another request): a new session
        session.create()
    remember_user_session(user_id=user.id, session_key=session.session_key)
    rotate_token(request)
    request.user = user
    # A password change that landed while this sign-in checked the old one: its revocation may have read the
    # user's sessions before this one joined them, so this one ends here.
    from accounts.services import user_current

    stored = user_current(user_id=user.id)
    if stored is None or stored.credentials_since != user.credentials_since:
        logout(request)
        raise InvalidCredentials()


def rotate_session(request: HttpRequest, generation: str) -> str:
    """Give this browser's session a new key under `generation` (the password change about to be stored) and a
    new CSRF token; the old key stops working. Returns the new key."""
    from accounts.sessions import forget_user_session, remember_user_session

    session = request.session
    old = session.session_key
    session.cycle_key()
    session[CREDENTIALS_KEY] = generation
    session.save()
    remember_user_session(user_id=session[USER_ID_KEY], session_key=session.session_key)
    if old:
        forget_user_session(user_id=session[USER_ID_KEY], session_key=old)
    rotate_token(request)
    return session.session_key


def logout(request: HttpRequest) -> None:
    """End this session on the server, so the old cookie no longer works."""
    from accounts.sessions import forget_user_session

    user_id = request.session.get(USER_ID_KEY)
    key = request.session.session_key
    request.session.flush()
    if user_id and key:
        forget_user_session(user_id=user_id, session_key=key)
    request.user = AnonymousUser()


def redirect_to_login(request: HttpRequest, *, after_post: str | None = None) -> HttpResponse:
    """To the sign-in page, and back afterwards. An htmx request fetches a fragment: come back to the page
    the user was on, and make the browser (not htmx's swap) follow the redirect. A plain POST can't be
    replayed after sign-in: with `after_post`, come back to that page instead."""
    htmx = getattr(request, "htmx", None)
    query = QueryDict(mutable=True)
    back = htmx.current_url_abs_path if htmx else None
    if not back and after_post and request.method not in ("GET", "HEAD"):
        back = after_post
    query["next"] = back or request.get_full_path()
    url = f"{resolve_url(settings.LOGIN_URL)}?{query.urlencode(safe='/')}"
    if htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        if not checked_user(request).is_authenticated:  # deleted since the session was made
            return redirect_to_login(request)
        if not request.user.is_admin:
            # Answered, not raised: a refusal is no error, so no traceback in the log (one warning line).
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapper
