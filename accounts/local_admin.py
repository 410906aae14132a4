"""The local admin account: created the first time local mode serves, its password printed that once.

Nothing secret is kept on disk: the password exists only in the message printed at creation and, hashed,
in the store. Once the user `admin` exists (in the embedded endpoint's snapshot), later starts print nothing.
"""

from __future__ import annotations

import secrets

from accounts.services import user_create
from accounts.users import UsernameTaken, UserNotFound
from accounts.wiring import user_repository

LOCAL_ADMIN_USERNAME = "admin"


def ensure_local_admin() -> str | None:
    """Create the local admin if it doesn't exist yet. Returns the new password, or None if it already existed.

    One strongly consistent read when the admin exists; may raise StoreUnavailable.
    """
    repo = user_repository()
    try:
        repo.get_by_username(username=LOCAL_ADMIN_USERNAME)
        return None
    except UserNotFound:
        pass
    password = secrets.token_urlsafe(12)
    try:
        user_create(username=LOCAL_ADMIN_USERNAME, password=password, is_admin=True, repo=repo)
    except UsernameTaken:  # another manage.py process created it meanwhile
        return None
    return password
