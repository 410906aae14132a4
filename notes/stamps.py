"""A note's dates: the one text form they are stored and exported in, and the range a note can hold.

Stored and exported as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, the year always four digits (strftime's %Y
writes year 1 as "1", which is not an ISO-8601 date-time and sorts wrongly as text).

The range is what every export format can write and every page can show: years 1 to 9999 as Python and
ISO-8601 hold them, less a day at each end, so that the note's time in any reader's time zone (pages show
local time) is still a date. A zip entry can only hold 1980-2107: the Markdown export clamps the entry's
date, and the note's real dates are in its front matter. Imports refuse dates outside the range.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
RANGE_TEXT = "0001-01-02 to 9999-12-30, UTC"
EXAMPLE = "2024-05-01T12:30:00Z"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST_USEC = (EARLIEST - _EPOCH) // timedelta(microseconds=1)
_LATEST_USEC = (LATEST - _EPOCH) // timedelta(microseconds=1)
_MANY_DIGIT_YEAR = re.compile(r"^\s*[+-]?\d{5,}-")


class StampProblem(ValueError):
    """Why a value cannot be a note's date, in words for the person who sent it."""


ZIP_EARLIEST = (1980, 1, 1, 0, 0, 0)  # what a zip entry's DOS date can hold
ZIP_LATEST = (2107, 12, 31, 23, 59, 58)
_STORED = re.compile(r"^(\d{1,4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,6})?Z$")


def normal_stamp(stamp: str) -> str:
    """A stored stamp with its year written in four digits (notes imported before the year was padded hold
    "1-01-02T..."); anything else unchanged."""
    match = _STORED.match(stamp)
    return f"{int(match[1]):04d}{stamp[len(match[1]) :]}" if match else stamp


def zip_date_time(stamp: str) -> tuple[int, int, int, int, int, int]:
    """A stored stamp as a zip entry's date and time, clamped to what a zip can hold (1980-2107)."""
    match = _STORED.match(stamp)
    if not match:
        return ZIP_EARLIEST
    moment = tuple(int(part) for part in match.groups()[:6])
    return min(max(moment, ZIP_EARLIEST), ZIP_LATEST)  # type: ignore[return-value]


def format_stamp(moment: datetime) -> str:
    """An aware datetime as a stored stamp (UTC, four-digit year)."""
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S.%f}Z"


def in_range(moment: datetime) -> datetime:
    """The moment (aware), if a note can hold it; StampProblem otherwise."""
    if not EARLIEST <= moment <= LATEST:
        raise StampProblem(f"outside the dates a note can hold ({RANGE_TEXT})")
    return moment


def stamp_from_iso(value: object) -> str:
    """An ISO-8601 date-time (a zone offset or Z; none means UTC) as a stored stamp; StampProblem otherwise."""
    if not isinstance(value, str):
        raise StampProblem(f"must be an ISO-8601 date-time such as {EXAMPLE} (it is {_kind(value)})")
    if _MANY_DIGIT_YEAR.match(value):
        raise StampProblem(f"outside the dates a note can hold ({RANGE_TEXT})")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise StampProblem(f"must be an ISO-8601 date-time such as {EXAMPLE} (it is {_shown(value)})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in year 10000 in UTC
        raise StampProblem(f"outside the dates a note can hold ({RANGE_TEXT})") from None
    return format_stamp(in_range(moment))


def stamp_from_epoch_usec(value: object) -> str:
    """Microseconds since 1970 (an integer, or its digits as text) as a stored stamp; StampProblem otherwise."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise StampProblem(f"must be a whole number of microseconds since 1970 (it is {_shown(value)})")
    if not _EARLIEST_USEC <= value <= _LATEST_USEC:
        raise StampProblem(f"outside the dates a note can hold ({RANGE_TEXT})")
    return format_stamp(_EPOCH + timedelta(microseconds=value))


def _kind(value: object) -> str:
    return {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:40] + ("…" if len(value) > 40 else ""))
    return _kind(value)
