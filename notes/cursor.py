"""Opaque list cursors: a signed position in a user's newest-first listing, bound to that user."""

from __future__ import annotations

from django.core import signing

from notes.domain import InvalidCursor

_SALT = "notes.cursor"


def encode_cursor(*, user_id: str, updated_sk: str, note_id: str) -> str:
    return signing.dumps({"u": updated_sk, "n": note_id}, salt=f"{_SALT}:{user_id}", compress=True)


def load_signed(cursor: object, *, salt: str) -> object:
    """The payload of a signed cursor (list or search); InvalidCursor for anything malformed or tampered."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > 1024:
        raise InvalidCursor("malformed")
    try:
        return signing.loads(cursor, salt=salt)
    except signing.BadSignature:
        raise InvalidCursor("bad signature") from None
    except Exception:  # noqa: BLE001 - any decoding problem is the client's bad cursor
        raise InvalidCursor("undecodable") from None


def decode_cursor(*, user_id: str, cursor: str) -> tuple[str, str]:
    """Returns (updated_sk, note_id). A tampered cursor, or one made for another user, is InvalidCursor."""
    data = load_signed(cursor, salt=f"{_SALT}:{user_id}")
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("n"), str):
        raise InvalidCursor("bad payload")
    return data["u"], data["n"]


def updated_sort_key(updated_at: str, note_id: str) -> str:
    """The sort key of the newest-first index: unique even when two notes share a timestamp."""
    return f"{updated_at}#{note_id}"
