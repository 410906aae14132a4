"""Account services: sign-up, sign-in, passwords and personal API tokens (keyword-only, as in
notes/services.py). Repositories default to the DynamoDB adapters wired in accounts/wiring.py."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings

from accounts import wiring
from accounts.tokens import (
    LAST_USED_GRANULARITY,
    TOKEN_PREFIX,
    TOKEN_RE,
    ApiToken,
    TokenOwner,
    TokenRepository,
    TokenValidationError,
    clean_name,
    hash_token,
    now_iso,
)
from accounts.users import (
    AccountValidationError,
    InvalidCredentials,
    User,
    UserNotFound,
    UserRepository,
    check_new_password,
    clean_username,
)


# Django's hashers load on the first sign-in, sign-up or password change, not at every cold start.
def _make_password(password: str) -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def _check_password(password: str, encoded: str) -> bool:
    from django.contrib.auth.hashers import check_password

    return check_password(password, encoded)


def _users(repo: UserRepository | None) -> UserRepository:
    return repo if repo is not None else wiring.user_repository()


def _tokens(repo: TokenRepository | None) -> TokenRepository:
    return repo if repo is not None else wiring.token_repository()


# --- users ---------------------------------------------------------------------------------------------

def user_create(*, username: str, password: str, is_admin: bool = False, repo: UserRepository | None = None) -> User:
    username = clean_username(username)
    check_new_password(password, username=username)
    user = User(
        id=uuid.uuid4().hex,
        username=username,
        password_hash=_make_password(password),
        is_admin=is_admin,
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    return _users(repo).add(user)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash to check against when the username is unknown, so timing doesn't reveal which usernames exist."""
    return _make_password("not-a-real-password-but-costs-the-same")


def user_authenticate(*, username: str, password: str, repo: UserRepository | None = None) -> User:
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise InvalidCredentials()
    try:
        user = _users(repo).get_by_username(username=username.strip())
    except UserNotFound:
        _check_password(password, _dummy_hash())
        raise InvalidCredentials() from None
    if not _check_password(password, user.password_hash):
        raise InvalidCredentials()
    return user


def user_set_password(*, user: User, new_password: str, repo: UserRepository | None = None) -> User:
    check_new_password(new_password, username=user.username)
    return _users(repo).set_password_hash(user_id=user.id, password_hash=_make_password(new_password))


def user_change_password(
    *, user_id: str, old_password: str, new_password: str, repo: UserRepository | None = None
) -> User:
    """Check the current password, then store the new one. Errors are keyed by the form's field names."""
    user = _users(repo).get(user_id=user_id)
    if not isinstance(old_password, str) or not old_password or not _check_password(old_password, user.password_hash):
        raise AccountValidationError({"old_password": "Your current password is incorrect."})
    if new_password == old_password:
        raise AccountValidationError({"new_password1": "The new password must differ from the current one."})
    try:
        return user_set_password(user=user, new_password=new_password, repo=repo)
    except AccountValidationError as exc:
        raise AccountValidationError({"new_password1": exc.errors.get("password", str(exc))}) from None


# --- API tokens ------------------------------------------------------------------------------------------

def token_create(*, user: User, name: str, repo: TokenRepository | None = None) -> tuple[ApiToken, str]:
    """Make a token for the user. Returns the stored token and its secret, which is never stored."""
    name = clean_name(name)
    repository = _tokens(repo)
    if len(repository.list(user_id=user.id)) >= settings.API_TOKENS_PER_USER:
        raise TokenValidationError(
            {"name": f"You have {settings.API_TOKENS_PER_USER} tokens, the most allowed; revoke one first."}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=secrets.token_hex(8),
        user_id=user.id,
        name=name,
        created_at=now_iso(),
        hint=secret[: len(TOKEN_PREFIX) + 4],
    )
    repository.add(token, token_hash=hash_token(secret), owner=user)
    return token, secret


def token_list(*, user_id: str, repo: TokenRepository | None = None) -> list[ApiToken]:
    return _tokens(repo).list(user_id=user_id)


def token_revoke(*, user_id: str, token_id: str, repo: TokenRepository | None = None) -> None:
    _tokens(repo).delete(user_id=user_id, token_id=token_id)


def token_authenticate(*, secret: str, repo: TokenRepository | None = None) -> TokenOwner | None:
    """The owner of a presented token, or None when it is malformed, unknown or revoked."""
    if not isinstance(secret, str) or not TOKEN_RE.fullmatch(secret):
        return None
    now = datetime.now(UTC)
    touch_before = (now - LAST_USED_GRANULARITY).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return _tokens(repo).authenticate(
        token_hash=hash_token(secret), now=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), touch_before=touch_before
    )
