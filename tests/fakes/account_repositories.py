"""In-memory fakes of accounts/users.py's and accounts/tokens.py's repositories."""

from __future__ import annotations

import threading
from dataclasses import replace

from accounts.tokens import ApiToken, TokenNotFound, TokenOwner
from accounts.users import User, UsernameTaken, UserNotFound, username_key


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, user: User) -> User:
        with self._lock:
            key = username_key(user.username)
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
        user_id = self._names.get(username_key(username))
        if user_id is None:
            raise UserNotFound(username)
        return self._users[user_id]

    def set_password_hash(self, *, user_id: str, password_hash: str, credentials_since: str = "") -> User:
        with self._lock:
            user = self.get(user_id=user_id)._replace(password_hash=password_hash)
            if credentials_since:
                user = user._replace(credentials_since=credentials_since, revoke_pending=True)
            self._users[user_id] = user
            return user

    def revocation_done(self, *, user_id: str, credentials_since: str) -> None:
        with self._lock:
            user = self._users.get(user_id)
            if user is not None and user.credentials_since == credentials_since:
                self._users[user_id] = user._replace(revoke_pending=False)


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
            return TokenOwner(token_id=token.id, user=owner, credentials=token.credentials)
