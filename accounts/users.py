"""Users: the account model, its repository protocol with an in-memory fake, and the account services.

The DynamoDB adapter is accounts/users_dynamodb.py. Passwords are hashed with Django's hashers.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,40}$")


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password_hash: str = ""
    is_admin: bool = False
    created_at: str = ""

    is_authenticated = True
    is_anonymous = False


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

    def set_password_hash(self, *, user_id: str, password_hash: str) -> User: ...


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, user: User) -> User:
        with self._lock:
            key = user.username.casefold()
            if key in self._names:
                raise UsernameTaken(user.username)
            self._names[key] = user.id
            self._users[user.id] = user
            return user

    def get(self, *, user_id: str) -> User:
        try:
            return self._users[user_id]
        except KeyError:
            raise UserNotFound(user_id) from None

    def get_by_username(self, *, username: str) -> User:
        user_id = self._names.get(username.casefold())
        if user_id is None:
            raise UserNotFound(username)
        return self._users[user_id]

    def set_password_hash(self, *, user_id: str, password_hash: str) -> User:
        with self._lock:
            user = replace(self.get(user_id=user_id), password_hash=password_hash)
            self._users[user_id] = user
            return user


@lru_cache(maxsize=1)
def default_repository() -> UserRepository:
    from accounts.users_dynamodb import DynamoDBUserRepository

    return DynamoDBUserRepository()


def _repo(repo: UserRepository | None) -> UserRepository:
    return repo if repo is not None else default_repository()


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
        validate_password(password, user=User(id="", username=username))
    except DjangoValidationError as exc:
        raise AccountValidationError({"password": " ".join(exc.messages)}) from None
    return password


def user_create(*, username: str, password: str, is_admin: bool = False, repo: UserRepository | None = None) -> User:
    username = clean_username(username)
    check_new_password(password, username=username)
    user = User(
        id=uuid.uuid4().hex,
        username=username,
        password_hash=make_password(password),
        is_admin=is_admin,
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    return _repo(repo).add(user)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash to check against when the username is unknown, so timing doesn't reveal which usernames exist."""
    return make_password("not-a-real-password-but-costs-the-same")


def user_authenticate(*, username: str, password: str, repo: UserRepository | None = None) -> User:
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise InvalidCredentials()
    try:
        user = _repo(repo).get_by_username(username=username.strip())
    except UserNotFound:
        check_password(password, _dummy_hash())
        raise InvalidCredentials() from None
    if not check_password(password, user.password_hash):
        raise InvalidCredentials()
    return user


def user_set_password(*, user: User, new_password: str, repo: UserRepository | None = None) -> User:
    check_new_password(new_password, username=user.username)
    return _repo(repo).set_password_hash(user_id=user.id, password_hash=make_password(new_password))


def user_change_password(
    *, user_id: str, old_password: str, new_password: str, repo: UserRepository | None = None
) -> User:
    """Check the current password, then store the new one. Errors are keyed by the form's field names."""
    user = _repo(repo).get(user_id=user_id)
    if not isinstance(old_password, str) or not old_password or not check_password(old_password, user.password_hash):
        raise AccountValidationError({"old_password": "Your current password is incorrect."})
    if new_password == old_password:
        raise AccountValidationError({"new_password1": "The new password must differ from the current one."})
    try:
        return user_set_password(user=user, new_password=new_password, repo=repo)
    except AccountValidationError as exc:
        raise AccountValidationError({"new_password1": exc.errors.get("password", str(exc))}) from None
