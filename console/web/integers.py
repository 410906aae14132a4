"""Whole numbers from request text (query strings, headers, form fields, JSON bodies): one parser for all.

Python refuses to convert a string of more than 4,300 digits (a ValueError from `int()`, which is also
quadratic in the length below that), so a long run of digits in `?limit=` was a 500. `parse_int` checks the
text's shape and length before `int()` sees it; anything else (signs other than `-`, spaces, non-ASCII digits,
more than MAX_DIGITS digits, out of the caller's range) is None, which the caller turns into its own 400.
"""

from __future__ import annotations

import re

# Longer than any number the app accepts (versions, page sizes, epoch milliseconds need 13).
MAX_DIGITS = 20
_INTEGER_RE = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")


def parse_int(text: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if not isinstance(text, str) or not _INTEGER_RE.fullmatch(text):
        return None
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return None
    return value


def json_int(text: str) -> int:
    """`json.loads(parse_int=json_int)`: a number literal longer than MAX_DIGITS digits is refused as bad JSON
    (ValueError) before Python converts it."""
    value = parse_int(text)
    if value is None:
        raise ValueError(f"a number in it has more than {MAX_DIGITS} digits")
    return value
