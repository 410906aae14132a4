"""Users: the account model, its errors, its validation and its repository protocol.

The DynamoDB adapter is accounts/users_dynamodb.py (wired in accounts/wiring.py); the services that use them
are in accounts/services.py. Passwords are hashed with Django's hashers.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple, Protocol

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError

# A username: 3-40 characters of letters and digits of any script (with their accents and other marks) and
# . @ + - _ ("rené.dupont", "山田_太郎"), kept as typed after Unicode NFKC (so a composed "é" and an "e" with
# a combining accent are one name) and unique regardless of case. Names made under the older ASCII-only
# rule are valid under this one, with the same claim key: their owners keep signing in.
USERNAME_MIN, USERNAME_MAX = 3, 40
USERNAME_PUNCTUATION = "._@+-"
USERNAME_HELP = f"{USERNAME_MIN}-{USERNAME_MAX} characters: letters (any language), digits, and . _ @ + - (no spaces)."
_USERNAME_CATEGORIES = ("L", "M", "N")  # letters, their marks (accents, vowel signs), digits and numerals


class _Field:
    __slots__ = ("verbose_name",)  # a plain class: a dataclass costs ~6 M instructions at import, every cold start

    def __init__(self, verbose_name: str) -> None:
        self.verbose_name = verbose_name


class _UserMeta:
    """What Django's password validators read of a model's options: UserAttributeSimilarityValidator names the
    attribute a password resembles through `user._meta.get_field(name).verbose_name`."""

    _VERBOSE_NAMES = {"username": "username"}

    def get_field(self, name: str) -> _Field:
        if name not in self._VERBOSE_NAMES:
            raise FieldDoesNotExist(name)
        return _Field(self._VERBOSE_NAMES[name])


class User(NamedTuple):
    """A named tuple, not a frozen dataclass: as immutable, and built at import for a fraction of the cost (the
    authentication middleware imports this module on every cold start, anonymous pages included)."""

    id: str
    username: str
    password_hash: str = ""
    is_admin: bool = False
    created_at: str = ""
    deleting_at: str = ""  # set when the account's deletion starts; it finishes at the next sign-in attempt
    email: str = ""  # the checked address "Forgot password?" mails (accounts/email_addresses.py), or none
    # The credentials' generation, a new one with each new password and in the same write: a session or an API
    # token carries the generation it was made under, and one of another generation is refused at once, whether
    # or not its item is gone yet ("" until the first change).
    credentials_since: str = ""
    revoke_pending: bool = False  # the items of the credentials before `credentials_since` may still exist

    is_authenticated = True
    is_anonymous = False
    _meta = _UserMeta()  # not annotated: a class attribute, not a field

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


def normalize_username(username: str) -> str:
    """The name as stored and shown: NFKC, surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", username).strip()


def username_key(username: str) -> str:
    """What makes two names the same account: NFKC and case folded (casefold, then NFKC again, as
    casefolding can undo the normalization). For ASCII names this is their lower case, as before."""
    return unicodedata.normalize("NFKC", normalize_username(username).casefold())


def _username_problem(name: str) -> str | None:
    if not name:
        return "Choose a username."
    if len(name) < USERNAME_MIN:
        return f"That username is too short: use at least {USERNAME_MIN} characters."
    if len(name) > USERNAME_MAX:
        return f"That username is too long: use at most {USERNAME_MAX} characters."
    if any(ch.isspace() for ch in name):
        return "A username can't contain spaces: use . or _ between words (like rené.dupont)."
    refused = dict.fromkeys(
        ch
        for ch in name
        if ch not in USERNAME_PUNCTUATION and not unicodedata.category(ch).startswith(_USERNAME_CATEGORIES)
    )
    if refused:
        shown = ", ".join(f"“{ch}”" if ch.isprintable() else "invisible characters" for ch in refused)
        return f"A username can't contain {shown}. Use letters, digits, and . _ @ + - only."
    if unicodedata.category(name[0]).startswith("M"):
        return "A username must start with a letter, a digit, or one of . _ @ + -"
    return None


def clean_username(username: object) -> str:
    """The username to store (see normalize_username); AccountValidationError saying what is wrong."""
    name = normalize_username(username) if isinstance(username, str) else ""
    problem = _username_problem(name)
    if problem:
        raise AccountValidationError({"username": problem})
    return name


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
