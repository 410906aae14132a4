"""Personal API tokens: `Authorization: Bearer nc_...` for scripts and other clients of the JSON API.

A token is shown once, when it is made; only its SHA-256 is stored. The token carries what a request needs
of its owner (id, username, admin flag), so authenticating an API request costs one DynamoDB call.
The DynamoDB adapter is accounts/tokens_dynamodb.py.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from django.conf import settings

from accounts.users import User

TOKEN_PREFIX = "nc_"
# nc_ + 43 URL-safe characters (32 random bytes): checked before any lookup, so junk costs no read.
TOKEN_RE = re.compile(r"nc_[A-Za-z0-9_-]{43}")
NAME_MAX_CHARS = 60
# last_used_at is rewritten at most this often, so using a token doesn't write on every request.
LAST_USED_GRANULARITY = timedelta(minutes=5)


@dataclass(frozen=True)
class ApiToken:
    id: str
    user_id: str
    name: str
    created_at: str
    hint: str  # the first characters of the secret, so its owner can tell tokens apart
    last_used_at: str = ""


@dataclass(frozen=True)
class TokenOwner:
    """What a valid token says about who is calling."""

    token_id: str
    user: User


class TokenError(Exception):
    pass


class TokenNotFound(TokenError):
    pass


class TokenValidationError(TokenError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenRepository(Protocol):
    def add(self, token: ApiToken, *, token_hash: str, owner: User) -> ApiToken:
        """Store the lookup item (key: the hash) and the listing item (key: the owner + token id) together."""
        ...

    def list(self, *, user_id: str) -> list[ApiToken]:
        """The user's tokens, oldest first, with their last use. Strongly consistent."""
        ...

    def delete(self, *, user_id: str, token_id: str) -> None:
        """Remove both items, so the token stops working at once; TokenNotFound if the user has no such token."""
        ...

    def authenticate(self, *, token_hash: str, now: str, touch_before: str) -> TokenOwner | None:
        """The owner of the token with this hash, or None. One strongly consistent call; records the use
        when the stored last use is older than `touch_before`."""
        ...


class InMemoryTokenRepository:
    def __init__(self) -> None:
        self._by_hash: dict[str, tuple[ApiToken, User]] = {}
        self._lock = threading.Lock()

    def add(self, token: ApiToken, *, token_hash: str, owner: User) -> ApiToken:
        with self._lock:
            self._by_hash[token_hash] = (token, owner)
        return token

    def list(self, *, user_id: str) -> list[ApiToken]:
        with self._lock:
            mine = [t for t, _ in self._by_hash.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    def delete(self, *, user_id: str, token_id: str) -> None:
        with self._lock:
            for key, (token, _) in list(self._by_hash.items()):
                if token.user_id == user_id and token.id == token_id:
                    del self._by_hash[key]
                    return
        raise TokenNotFound(token_id)

    def authenticate(self, *, token_hash: str, now: str, touch_before: str) -> TokenOwner | None:
        with self._lock:
            found = self._by_hash.get(token_hash)
            if found is None:
                return None
            token, owner = found
            if token.last_used_at < touch_before:
                self._by_hash[token_hash] = (replace(token, last_used_at=now), owner)
            return TokenOwner(token_id=token.id, user=owner)


@lru_cache(maxsize=1)
def default_repository() -> TokenRepository:
    from accounts.tokens_dynamodb import DynamoDBTokenRepository

    return DynamoDBTokenRepository()


def _repo(repo: TokenRepository | None) -> TokenRepository:
    return repo if repo is not None else default_repository()


def clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TokenValidationError({"name": "Give the token a name (what will use it?)."})
    name = name.strip()
    if len(name) > NAME_MAX_CHARS:
        raise TokenValidationError({"name": f"The name must be at most {NAME_MAX_CHARS} characters."})
    if "\x00" in name:
        raise TokenValidationError({"name": "The name contains a character that cannot be stored."})
    return name


def token_create(*, user: User, name: str, repo: TokenRepository | None = None) -> tuple[ApiToken, str]:
    """Make a token for the user. Returns the stored token and its secret, which is never stored."""
    name = clean_name(name)
    repository = _repo(repo)
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
    return _repo(repo).list(user_id=user_id)


def token_revoke(*, user_id: str, token_id: str, repo: TokenRepository | None = None) -> None:
    _repo(repo).delete(user_id=user_id, token_id=token_id)


def token_authenticate(*, secret: str, repo: TokenRepository | None = None) -> TokenOwner | None:
    """The owner of a presented token, or None when it is malformed, unknown or revoked."""
    if not isinstance(secret, str) or not TOKEN_RE.fullmatch(secret):
        return None
    now = datetime.now(UTC)
    touch_before = (now - LAST_USED_GRANULARITY).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return _repo(repo).authenticate(
        token_hash=hash_token(secret), now=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), touch_before=touch_before
    )
