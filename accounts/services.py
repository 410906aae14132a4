"""Account services: sign-up, sign-in, passwords and personal API tokens (keyword-only, as in
notes/services.py). Repositories default to the DynamoDB adapters wired in accounts/wiring.py."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings

from accounts import email_addresses, mail, reset_links, wiring
from accounts.sessions import end_user_sessions
from accounts.throttle import Limit, Throttled, throttle_hit
from accounts.tokens import (
    LAST_USED_GRANULARITY,
    TOKEN_PREFIX,
    TOKEN_RE,
    ApiToken,
    TokenNotFound,
    TokenOwner,
    TokenRepository,
    TokenValidationError,
    clean_name,
    hash_token,
    now_iso,
)
from accounts.users import (
    AccountEraser,
    AccountValidationError,
    DeletionIncomplete,
    InvalidCredentials,
    User,
    UserNotFound,
    UserRepository,
    check_new_password,
    clean_username,
)
from console.aws.errors import AwsError


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
    if user.revoke_pending:  # a password change stopped part way: its revocation is finished first
        credentials_revoke_finish(user=user, repo=repo)
    if user.deleting_at:  # a deletion was interrupted: this attempt carries it on, and there is no account
        try:
            user_delete_finish(user=user)
        except DeletionIncomplete:
            pass  # a large account: the next attempt goes on
        raise InvalidCredentials()
    if not _check_password(password, user.password_hash):
        raise InvalidCredentials()
    return user


def user_delete(
    *, user_id: str, password: str, repo: UserRepository | None = None, eraser: AccountEraser | None = None
) -> dict[str, int]:
    """Delete the account and everything of it (notes, trash, history, tokens, sessions, idempotency
    records), after checking the password. Resumable: an interruption leaves the profile marked, and
    running this again, or the next sign-in attempt, finishes it."""
    user = user_check_password(user_id=user_id, password=password, repo=repo)
    return user_delete_finish(user=user, eraser=eraser)


def user_check_password(*, user_id: str, password: str, repo: UserRepository | None = None) -> User:
    """The user, if `password` is theirs; else AccountValidationError on the field `password`."""
    user = _users(repo).get(user_id=user_id)
    if not isinstance(password, str) or not password or not _check_password(password, user.password_hash):
        raise AccountValidationError({"password": "Your password is incorrect."})
    return user


ERASE_TIME_BUDGET_SECONDS = 20.0  # API Gateway gives up at 29 s: a large account is deleted in several steps


def user_delete_finish(
    *, user: User, eraser: AccountEraser | None = None, time_budget: float | None = None
) -> dict[str, int]:
    """Mark the account as being deleted (once) and erase what is left. DeletionIncomplete when the time is
    up: a large account takes several runs (the page's Continue, or sign-in attempts)."""
    eraser = eraser if eraser is not None else wiring.account_eraser()
    if not user.deleting_at:
        eraser.mark(user_id=user.id, at=now_iso())
    budget = ERASE_TIME_BUDGET_SECONDS if time_budget is None else time_budget
    return eraser.erase(user_id=user.id, username=user.username, deadline=time.monotonic() + budget)


def user_current(*, user_id: str, repo: UserRepository | None = None) -> User | None:
    """The user's profile as stored now (strongly consistent), or None when it was deleted."""
    try:
        return _users(repo).get(user_id=user_id)
    except UserNotFound:
        return None


def user_set_password(
    *,
    user: User,
    new_password: str,
    keep_session: Callable[[str], str] | None = None,
    repo: UserRepository | None = None,
    tokens: TokenRepository | None = None,
) -> User:
    """Store a new password, end every session of the user and revoke every API token:
    whoever knew the old password may have made one, and a password change is how a user takes their account
    back (docs/security.md).

    Safe to stop at any point (deadline, outage, crash): the other sessions end first (a page trusts its
    session without reading the profile, so none may outlive the old password); then one write stores the
    hash with `credentials_since`, from which the profile refuses every older session and token (writes,
    admin pages and the API read it) and records the revocation as pending; the items go last, and whatever
    is left is finished by the user's next request that reads the profile (credentials_revoke_finish).

    `keep_session(generation)`: the browser that asks keeps a session: it is given a new key under the new
    generation of the credentials before anything else happens (no session older than the change survives) and
    returns that key."""
    check_new_password(new_password, username=user.username)
    password_hash = _make_password(new_password)
    since = f"{now_iso()}~{secrets.token_hex(4)}"  # the new generation: unique, and ordered by time
    keep = keep_session(since) if keep_session is not None else None
    end_user_sessions(user_id=user.id, keep=keep)
    changed = _users(repo).set_password_hash(user_id=user.id, password_hash=password_hash, credentials_since=since)
    credentials_revoke_finish(user=changed, keep_session=keep, repo=repo, tokens=tokens)
    return changed


def credentials_revoke_finish(
    *,
    user: User,
    keep_session: str | None = None,
    repo: UserRepository | None = None,
    tokens: TokenRepository | None = None,
) -> None:
    """Delete the items of the credentials a password change revoked (the API tokens and sessions made under
    an older generation than `user.credentials_since`, but `keep_session`), then clear the profile's pending
    mark. Running it again, or late, is harmless: what was made under the new generation stays."""
    token_revoke_all(user_id=user.id, repo=tokens, keep_credentials=user.credentials_since)
    end_user_sessions(user_id=user.id, keep=keep_session, keep_credentials=user.credentials_since)
    _users(repo).revocation_done(user_id=user.id, credentials_since=user.credentials_since)


def user_current_for_token(*, owner: TokenOwner, repo: UserRepository | None = None) -> User | None:
    """The token's owner as stored now, or None when the account is gone or the token predates the
    account's last password change (then the revocation's leftovers are finished here)."""
    account = user_current(user_id=owner.user.id, repo=repo)
    if account is None:
        return None
    if account.revoke_pending:
        credentials_revoke_finish(user=account, repo=repo)
    if not account.accepts_credentials_of(owner.credentials):
        return None
    return account


def user_change_password(
    *,
    user_id: str,
    old_password: str,
    new_password: str,
    keep_session: Callable[[str], str] | None = None,
    repo: UserRepository | None = None,
) -> User:
    """Check the current password, then store the new one. Errors are keyed by the form's field names."""
    user = _users(repo).get(user_id=user_id)
    if not isinstance(old_password, str) or not old_password or not _check_password(old_password, user.password_hash):
        raise AccountValidationError({"old_password": "Your current password is incorrect."})
    if new_password == old_password:
        raise AccountValidationError({"new_password1": "The new password must differ from the current one."})
    try:
        return user_set_password(user=user, new_password=new_password, keep_session=keep_session, repo=repo)
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
        credentials=user.credentials_since,
    )
    repository.add(token, token_hash=hash_token(secret), owner=user)
    return token, secret


def token_list(*, user_id: str, repo: TokenRepository | None = None) -> list[ApiToken]:
    return _tokens(repo).list(user_id=user_id)


def token_revoke(*, user_id: str, token_id: str, repo: TokenRepository | None = None) -> None:
    _tokens(repo).delete(user_id=user_id, token_id=token_id)


def token_revoke_all(*, user_id: str, repo: TokenRepository | None = None, keep_credentials: str | None = None) -> int:
    """Revoke every token of the user (but, with `keep_credentials`, those made under that generation of the
    credentials). Returns how many were revoked."""
    repository = _tokens(repo)
    tokens = [t for t in repository.list(user_id=user_id) if not keep_credentials or t.credentials != keep_credentials]
    for token in tokens:
        try:
            repository.delete(user_id=user_id, token_id=token.id)
        except TokenNotFound:
            pass  # revoked meanwhile
    return len(tokens)


def token_authenticate(*, secret: str, repo: TokenRepository | None = None) -> TokenOwner | None:
    """The owner of a presented token, or None when it is malformed, unknown or revoked."""
    if not isinstance(secret, str) or not TOKEN_RE.fullmatch(secret):
        return None
    now = datetime.now(UTC)
    touch_before = (now - LAST_USED_GRANULARITY).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return _tokens(repo).authenticate(
        token_hash=hash_token(secret), now=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), touch_before=touch_before
    )


# --- password reset links (no email: an admin hands the link over) ----------------------------------------


def password_reset_link_create(
    *, username: str, minutes: int = reset_links.RESET_LINK_MINUTES, repo: UserRepository | None = None
) -> tuple[User, str, int]:
    """A one-time link's secret for the user, and when it expires (epoch seconds). UserNotFound otherwise."""
    user = _users(repo).get_by_username(username=username.strip())
    secret, expires_at = reset_links.reset_link_store(
        user_id=user.id, password_hash=user.password_hash, minutes=minutes
    )
    return user, secret, expires_at


def password_reset_user(*, secret: str, repo: UserRepository | None = None) -> User:
    """The user a link is for, without using it up; ResetLinkInvalid if it cannot be used."""
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        raise reset_links.ResetLinkInvalid()
    link = reset_links.reset_link_get(secret=secret)
    try:
        user = _users(repo).get(user_id=link.user_id)
    except UserNotFound:
        raise reset_links.ResetLinkInvalid() from None
    if reset_links.password_fingerprint(user.password_hash) != link.password_fingerprint:
        raise reset_links.ResetLinkInvalid()  # the password changed since the link was made
    return user


def password_reset_complete(
    *, secret: str, new_password: str, repo: UserRepository | None = None, tokens: TokenRepository | None = None
) -> User:
    """Set a new password through a link: the link is used up, every session of the user ends and every API
    token is revoked (whoever had the old password may have made one). The password is checked first, so a
    refused one leaves the link usable."""
    user = password_reset_user(secret=secret, repo=repo)
    check_new_password(new_password, username=user.username)
    link = reset_links.reset_link_consume(secret=secret)
    if link.user_id != user.id:
        raise reset_links.ResetLinkInvalid()
    # Every session ends (this browser's too) and every token is revoked.
    return user_set_password(user=user, new_password=new_password, repo=repo, tokens=tokens)


# --- the account's email address and "Forgot password?" ----------------------------------------------------


def email_check_send(*, user: User, address: str, link_for: Callable[[str], str]) -> None:
    """Mail a check link for `address` to it (the address is used only once the link is opened).
    AccountValidationError for an address that is not one; `link_for(secret)` makes the page's URL."""
    address = email_addresses.clean_address(address)
    hours = settings.EMAIL_VERIFY_HOURS
    secret = email_addresses.email_check_store(user_id=user.id, address=address, hours=hours)
    mail.send_address_check(to=address, username=user.username, link=link_for(secret), hours=hours)


def email_check_confirm(*, user: User, secret: str) -> str:
    """Use the user's check link: the address becomes theirs. EmailCheckInvalid, or EmailTaken."""
    address = email_addresses.email_check_consume(secret=secret, user_id=user.id)
    current = user_current(user_id=user.id)
    email_addresses.email_set(user_id=user.id, address=address, previous=current.email if current else "")
    return address


def email_remove(*, user: User) -> None:
    current = user_current(user_id=user.id)
    if current and current.email:
        email_addresses.email_remove(user_id=user.id, address=current.email)


def password_reset_by_email(
    *, address: str, link_for: Callable[[str], str], repo: UserRepository | None = None
) -> bool:
    """Mail a one-time reset link to the account whose checked address this is. Says nothing to the caller
    about whether there is one (the view answers the same either way); True if a mail went out (for tests
    and logs). Throttled per account silently: the caller throttles per address."""
    owner = email_addresses.email_owner(address=address)
    if owner is None:
        return False
    try:
        user = _users(repo).get(user_id=owner)
    except UserNotFound:
        return False
    if not address_matches(user.email, address) or user.deleting_at:
        return False
    limit = Limit("reset-account", settings.RESET_EMAIL_PER_ACCOUNT, settings.RESET_EMAIL_WINDOW)
    try:
        throttle_hit(limit=limit, subject=user.id)
    except Throttled:
        return False
    secret, _ = reset_links.reset_link_store(user_id=user.id, password_hash=user.password_hash)
    try:
        mail.send_reset_link(
            to=user.email, username=user.username, link=link_for(secret), minutes=reset_links.RESET_LINK_MINUTES
        )
    except AwsError:
        # Logged by the mail backend (never the link). The answer stays the one every request gets: an error
        # page only when the address is an account's would tell that it is.
        return False
    return True


def address_matches(stored: str, asked: str) -> bool:
    return bool(stored) and email_addresses.address_key(stored) == email_addresses.address_key(asked)
