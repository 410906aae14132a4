"""Users: the account model, its errors, its validation and its repository protocol.

The DynamoDB adapter is accounts/users_dynamodb.py (wired in accounts/wiring.py); the services that use them
are in accounts/services.py. Passwords are hashed with Django's hashers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,40}$")


@dataclass(frozen=True)
class _Field:
    verbose_name: str


class _UserMeta:
    """What Django's password validators read of a model's options: UserAttributeSimilarityValidator names the
    attribute a password resembles through `user._meta.get_field(name).verbose_name`."""

    _VERBOSE_NAMES = {"username": "username"}

    def get_field(self, name: str) -> _Field:
        if name not in self._VERBOSE_NAMES:
            raise FieldDoesNotExist(name)
        return _Field(self._VERBOSE_NAMES[name])


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password_hash: str = ""
    is_admin: bool = False
    created_at: str = ""
    deleting_at: str = ""  # set when the account's deletion starts; it finishes at the next sign-in attempt
    # The credentials' generation, a new one with each new password and in the same write: a session or an API
    # token carries the generation it was made under, and one of another generation is refused at once, whether
    # or not its item is gone yet ("" until the first change).
    credentials_since: str = ""
    revoke_pending: bool = False  # the items of the credentials before `credentials_since` may still exist

    is_authenticated = True
    is_anonymous = False
    _meta: ClassVar[_UserMeta] = _UserMeta()

    def accepts_credentials_of(self, generation: str) -> bool:
        """Whether a session or API token made under `generation` still holds: only under the current one."""
        return generation == self.credentials_since


class AnonymousUser:
    id = None
    username = ""
    is_admin = False
    is_authenticated = False
    is_anonymous = True

    def __repr__(self) -> str:
        return "AnonymousUser"


class AccountError(Exception):
    pass


class UsernameTaken(AccountError):
    def __init__(self, username: str) -> None:
        super().__init__(f"The username {username!r} is taken.")


class UserNotFound(AccountError):
    pass


class InvalidCredentials(AccountError):
    def __init__(self) -> None:
        super().__init__("Username or password is incorrect.")


class AccountValidationError(AccountError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class UserRepository(Protocol):
    def add(self, user: User) -> User:
        """Store a new user; the username is unique case-insensitively (UsernameTaken otherwise)."""
        ...

    def get(self, *, user_id: str) -> User:
        """Strongly consistent read by id; UserNotFound otherwise."""
        ...

    def get_by_username(self, *, username: str) -> User:
        """Case-insensitive lookup; UserNotFound otherwise."""
        ...

    def set_password_hash(self, *, user_id: str, password_hash: str, credentials_since: str = "") -> User:
        """Store the new hash; with `credentials_since`, in the same write, that stamp and the pending
        revocation of older credentials (revoke_pending). UserNotFound otherwise."""
        ...

    def revocation_done(self, *, user_id: str, credentials_since: str) -> None:
        """Clear revoke_pending, unless a newer password change (another stamp) set it again."""
        ...


class DeletionIncomplete(AccountError):
    """An account's deletion stopped for time (a large account); what is gone stays gone, the profile's mark
    stays, and running it again continues."""

    def __init__(self, deleted: int) -> None:
        super().__init__(f"The deletion is under way ({deleted} items deleted in this step); it continues.")
        self.deleted = deleted


class AccountEraser(Protocol):
    """Erases an account and everything of it (accounts/deletion_dynamodb.py)."""

    def mark(self, *, user_id: str, at: str) -> None:
        """Record on the profile that its deletion started (kept if it is there already)."""
        ...

    def erase(self, *, user_id: str, username: str, deadline: float | None = None) -> dict[str, int]:
        """Delete everything of the user, the profile last; safe to run again after an interruption.
        Returns how many of each kind were found; DeletionIncomplete once `deadline` (monotonic) passes."""
        ...


def clean_username(username: object) -> str:
    if not isinstance(username, str) or not USERNAME_RE.match(username.strip()):
        raise AccountValidationError(
            {"username": "Username must be 3-40 characters: letters, digits and . @ + - _ only."}
        )
    return username.strip()


def check_new_password(password: object, *, username: str = "") -> str:
    if not isinstance(password, str) or not password:
        raise AccountValidationError({"password": "Password is required."})
    if len(password) > 1024:
        raise AccountValidationError({"password": "Password must be at most 1024 characters."})
    try:
        # Imported here: it loads django.contrib.auth, which only sign-up and password changes need.
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user=User(id="", username=username))
    except DjangoValidationError as exc:
        raise AccountValidationError({"password": " ".join(exc.messages)}) from None
    return password
