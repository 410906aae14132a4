"""Personal API tokens: `Authorization: Bearer nc_...` for scripts and other clients of the JSON API.

A token is shown once, when it is made; only its SHA-256 is stored. The token carries what a request needs
of its owner (id, username, admin flag), so authenticating an API request costs one DynamoDB call.
The DynamoDB adapter is accounts/tokens_dynamodb.py (wired in accounts/wiring.py); the services are in
accounts/services.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from accounts.token_prefix import TOKEN_PREFIX
from accounts.users import User

# nc_ + 43 URL-safe characters (32 random bytes): checked before any lookup, so junk costs no read.
TOKEN_RE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43}")
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
    credentials: str = ""  # the generation of its owner's credentials it was made under (User.credentials_since)


@dataclass(frozen=True)
class TokenOwner:
    """What a valid token says about who is calling."""

    token_id: str
    user: User
    credentials: str = ""  # made under another generation of its owner's credentials (a password ago): refused


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


def clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TokenValidationError({"name": "Give the token a name (what will use it?)."})
    name = name.strip()
    if len(name) > NAME_MAX_CHARS:
        raise TokenValidationError({"name": f"The name must be at most {NAME_MAX_CHARS} characters."})
    if "\x00" in name:
        raise TokenValidationError({"name": "The name contains a character that cannot be stored."})
    return name
