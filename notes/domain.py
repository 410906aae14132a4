"""The notes domain: the Note, its validation rules and the errors services raise."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# A note id's pattern (URLs, the API, the OpenAPI document) lives in notes.ids, which the URLconf and the tag
# libraries import without loading this module; it is re-exported here as part of the domain.
from notes.ids import NOTE_ID_PATTERN  # noqa: F401

TITLE_MAX_CHARS = 200
CONTENT_MAX_BYTES = 100 * 1024
CATEGORY_MAX_CHARS = 40
DEFAULT_CATEGORY = "general"

# These expressions go into the OpenAPI document too; they mean the same in ECMA-262 and Python.
# Whitespace is what Python's str.strip() removes, so "has a non-space character" is exactly "not blank".
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TITLE_PATTERN = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"
# ASCII only, so the API's JSON Schema pattern says exactly the same thing in every client's regex dialect.
CATEGORY_PATTERN = r"^[A-Za-z0-9_ -]*$"
_FORBIDDEN_CHARS_RE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of a note: the single statement of its type, limits and default, from which the
    pages' and the API's validation, the OpenAPI schema and the DynamoDB item mapping are derived."""

    name: str
    type: type
    default: object
    required: bool = False
    max_chars: int | None = None
    max_bytes: int | None = None  # of UTF-8
    pattern: str | None = None
    rule: str = ""  # what the pattern means, in the words every error message uses
    strip: bool = False  # stored without surrounding spaces

    @property
    def label(self) -> str:
        return self.name.capitalize()

    def problem(self, value: object) -> str | None:
        """Why `value` can't be this field's value, in the one wording pages and API share; None if it can."""
        if self.type is bool:
            return None if isinstance(value, bool) else f"{self.label} must be true or false."
        if not isinstance(value, str):
            return f"{self.label} must be a string."
        if _FORBIDDEN_CHARS_RE.search(value):
            return f"{self.label} contains characters that cannot be stored (NUL or lone surrogates)."
        # Limits apply to what was sent (as the OpenAPI document states them); stripping happens on storing.
        if self.required and not value.strip():
            return f"{self.label} is required ({self.rule})."
        if self.max_chars is not None and len(value) > self.max_chars:
            return f"{self.label} must be at most {self.max_chars} characters (it has {len(value)})."
        if self.max_bytes is not None:
            size = len(value.encode("utf-8"))
            if size > self.max_bytes:
                return f"{self.label} must be at most {self.max_bytes // 1024} KB of UTF-8 (it has {size:,} bytes)."
        if self.pattern and not re.fullmatch(self.pattern.removeprefix("^").removesuffix("$"), value):
            return f"{self.label} may contain only {self.rule}."
        return None

    def clean(self, value: object) -> object:
        """The value as stored: checked, stripped where the field is, blank optional text as the default."""
        if value is None and not self.required and self.type is str:
            return self.default
        problem = self.problem(value)
        if problem:
            raise ValidationError({self.name: problem})
        if self.type is str:
            text = value.strip() if self.strip else value  # type: ignore[union-attr]
            return text if text or self.required else self.default
        return value


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "title",
        str,
        "",
        required=True,
        max_chars=TITLE_MAX_CHARS,
        pattern=TITLE_PATTERN,
        rule=f"1-{TITLE_MAX_CHARS} characters, not only spaces",
        strip=True,
    ),
    FieldSpec("content", str, "", max_bytes=CONTENT_MAX_BYTES, pattern=NO_NUL_PATTERN),
    FieldSpec(
        "category",
        str,
        DEFAULT_CATEGORY,
        max_chars=CATEGORY_MAX_CHARS,
        pattern=CATEGORY_PATTERN,
        rule="ASCII letters, digits, spaces, '-' and '_'",
        strip=True,
    ),
    FieldSpec("important", bool, False),
    FieldSpec("completed", bool, False),
)
FIELD = {spec.name: spec for spec in FIELDS}
EDITABLE_FIELDS = tuple(FIELD)


@dataclass(frozen=True)
class Note:
    id: str
    user_id: str
    title: str
    content: str = ""
    category: str = DEFAULT_CATEGORY
    important: bool = False
    completed: bool = False
    created_at: str = ""
    updated_at: str = ""
    version: int = 1


TRASH_DAYS = 30
HISTORY_KEEP = 20


@dataclass(frozen=True)
class TrashedNote:
    note: Note
    deleted_at: str
    purge_at: str  # after this the daily purge deletes it for good


@dataclass(frozen=True)
class NoteFilters:
    category: str | None = None
    important: bool | None = None
    completed: bool | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for v in (self.category, self.important, self.completed, self.q))


@dataclass(frozen=True)
class NotePage:
    notes: list[Note]
    cursor: str | None = None  # opaque; None when there is nothing after this page


class NoteError(Exception):
    pass


class NoteNotFound(NoteError):
    def __init__(self, note_id: str = "") -> None:
        super().__init__(f"Note {note_id!r} was not found.")
        self.note_id = note_id


class VersionConflict(NoteError):
    """A write named a version that is no longer the stored one. `current` is what is stored now."""

    def __init__(self, *, expected: int, current: Note) -> None:
        super().__init__(
            f"The note changed since you loaded it (you had version {expected}, it is now version {current.version})."
        )
        self.expected = expected
        self.current = current


class InvalidCursor(NoteError):
    def __init__(self, reason: str = "") -> None:
        super().__init__("The page cursor is invalid or belongs to another listing; start again from the first page.")
        self.reason = reason


@dataclass
class ValidationError(NoteError):
    """Maps each offending field to a message that names the rule."""

    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, "; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_after(stamp: str, *, days: int) -> str:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_note_id() -> str:
    return uuid.uuid4().hex


def clean_fields(values: dict[str, object], *, partial: bool = False) -> dict[str, object]:
    """Validate the editable fields, collecting every error. With partial=False, required fields must be
    there and missing optional fields get their defaults."""
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    for spec in FIELDS:
        if spec.name not in values:
            if partial:
                continue
            if spec.required:
                errors[spec.name] = f"{spec.label} is required ({spec.rule})."
            else:
                cleaned[spec.name] = spec.default
            continue
        try:
            cleaned[spec.name] = spec.clean(values[spec.name])
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return cleaned
